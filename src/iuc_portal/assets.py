"""Links to static files, through one helper so templates never spell a path."""

from __future__ import annotations

from flask import Flask, url_for


def asset_url(path: str) -> str:
    return url_for("static", filename=path)


def init_app(app: Flask) -> None:
    app.add_template_global(asset_url, "asset")
