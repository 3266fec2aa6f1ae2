"""The wheel's build hook: compiled catalogs and hashed static files go into the package.

In a checkout the site reads templates/, static/ and translations/ at the
project root; an installed wheel carries them inside iuc_portal/ (see
src/iuc_portal/paths.py). They are built here, from source, never by hand.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

RESOURCES = ("templates", "static", "translations")


def _build_module(root: Path):
    # By path: importing the package would import Flask, absent from the build environment.
    spec = importlib.util.spec_from_file_location("iuc_build", root / "src/iuc_portal/build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class CustomBuildHook(BuildHookInterface):
    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or version == "editable":
            return  # an editable install reads the checkout itself
        root = Path(self.root)
        build = _build_module(root)
        for _, left_out in build.compile_catalogs(root / "translations"):
            for line in left_out:  # the English shows there: make i18n-check says what to do
                self.app.display_warning(line)
        build.build_static(root / "static")
        for name in RESOURCES:
            build_data["force_include"][str(root / name)] = f"iuc_portal/{name}"
