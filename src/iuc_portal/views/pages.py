"""The institute's own pages: home, and the pages the law asks for."""

from __future__ import annotations

from flask import Blueprint
from flask_babel import gettext as _

from iuc_portal.routing import localized_route

from . import render_page, site_content

bp = Blueprint("pages", __name__)


@localized_route(bp, None)
def home() -> str:
    content = site_content()
    return render_page(
        "pages/home.html",
        title=_("Home"),
        leadership=content.leadership(),
        departments=content.departments,
    )


@localized_route(bp, "accessibility")
def accessibility() -> str:
    return render_page("pages/accessibility.html", title=_("Accessibility statement"))


@localized_route(bp, "legal")
def legal() -> str:
    return render_page("pages/legal.html", title=_("Legal notice"))


@localized_route(bp, "privacy")
def privacy() -> str:
    return render_page("pages/privacy.html", title=_("Personal data and cookies"))


@localized_route(bp, "sitemap")
def sitemap() -> str:
    return render_page("pages/sitemap.html", title=_("Site map"))
