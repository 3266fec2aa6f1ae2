"""Views, one blueprint per area, and what they share."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, render_template
from flask_babel import lazy_gettext as _l

from iuc_portal.content import Content

# The main menu, and the pages every footer links to; the site map lists both.
MAIN_MENU = [
    ("pages.home", _l("Home")),
    ("departments.index", _l("Departments")),
    ("contacts.index", _l("Contacts")),
    ("donate.index", _l("Make a donation")),
]
SITE_INFO_MENU = [
    ("pages.accessibility", _l("Accessibility statement")),
    ("pages.legal", _l("Legal notice")),
    ("pages.privacy", _l("Personal data and cookies")),
    ("pages.sitemap", _l("Site map")),
]


def site_content() -> Content:
    return current_app.extensions["iuc_content"]


def render_page(template: str, title: str, **context: Any) -> str:
    """Render a page; ``title`` names it in ``<title>`` before the site's name."""
    return render_template(template, title=title, **context)


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(main_menu=MAIN_MENU, site_info_menu=SITE_INFO_MENU)
