"""Views, one blueprint per area, and what they share."""

from __future__ import annotations

from typing import Any

from flask import current_app, render_template

from iuc_portal.content import Content


def site_content() -> Content:
    return current_app.extensions["iuc_content"]


def render_page(template: str, title: str, **context: Any) -> str:
    """Render a page; ``title`` names it in ``<title>`` before the site's name."""
    return render_template(template, title=title, **context)
