"""Static files: served by WhiteNoise inside the app, linked through one helper.

``python -m iuc_portal.build`` (run by ``make install`` and the wheel build)
writes content-hashed copies under ``static/dist/`` and a manifest; templates
link ``asset("css/site.css")``, which gives the hashed name, so a file can be
cached for a year and a change is a new URL. Without a build (a bare
checkout) the plain name is linked and cached briefly.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from werkzeug.datastructures import Headers
from whitenoise import WhiteNoise

from .build import DIST, MANIFEST
from .paths import STATIC_DIR
from .security import static_headers

PREFIX = "/static/"


def load_manifest(static_dir: Path) -> dict[str, str]:
    path = static_dir / DIST / MANIFEST
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def asset_url(path: str) -> str:
    return PREFIX + current_app.extensions["iuc_assets"].get(path, path)


IMMUTABLE = "public, max-age=31536000, immutable"  # a year


HASHED = re.compile(rf"^{PREFIX}{DIST}/.+\.[0-9a-f]{{12}}\.\w+$")


def is_immutable(path: str, url: str) -> bool:
    """Hashed copies never change: a new content has a new name (not so the manifest)."""
    return HASHED.match(url) is not None


def add_headers(headers: Headers, path: str, url: str) -> None:
    static_headers(headers, path, url)
    if is_immutable(path, url):
        headers["Cache-Control"] = IMMUTABLE


def init_app(app: Flask) -> None:
    app.extensions["iuc_assets"] = load_manifest(STATIC_DIR)
    app.add_template_global(asset_url, "asset")


def static_files(wsgi_app: Any) -> WhiteNoise:
    """Serve /static/ before the request reaches Flask."""
    return WhiteNoise(
        wsgi_app,
        root=STATIC_DIR,
        prefix=PREFIX,
        max_age=3600,
        allow_all_origins=False,
        immutable_file_test=is_immutable,
        add_headers_function=add_headers,
    )
