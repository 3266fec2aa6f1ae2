"""Where the site's files are, in a checkout and in an installed wheel.

One rule: the wheel's build hook copies ``templates/``, ``static/`` and
``translations/`` into the package; a checkout keeps them at the project root,
two levels above the package. The JSON content always lives in the package.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
CONTENT_DIR = PACKAGE_DIR / "data"


def _is_checkout() -> bool:
    return not (PACKAGE_DIR / "templates").is_dir()


def resource_root() -> Path:
    return PACKAGE_DIR.parents[1] if _is_checkout() else PACKAGE_DIR


def default_data_dir() -> Path:
    """``var/`` in the project root, or in the working directory once installed."""
    return (PACKAGE_DIR.parents[1] if _is_checkout() else Path.cwd()) / "var"


TEMPLATES_DIR = resource_root() / "templates"
STATIC_DIR = resource_root() / "static"
TRANSLATIONS_DIR = resource_root() / "translations"
