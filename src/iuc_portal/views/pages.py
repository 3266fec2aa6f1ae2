"""The institute's own pages: home, and the pages the law asks for."""

from __future__ import annotations

from flask import Blueprint, current_app

from iuc_portal.i18n import lazy_gettext as _l
from iuc_portal.routing import localized_route

from . import render_page, site_content

bp = Blueprint("pages", __name__)


@localized_route(bp, None)
def home() -> str:
    content = site_content()
    return render_page(
        "pages/home.html",
        title=_l("Home"),
        leadership=content.leadership(),
        departments=content.departments,
    )


@localized_route(bp, "accessibility")
def accessibility() -> str:
    return render_page(
        "pages/accessibility.html",
        title=_l("Accessibility statement"),
        description=_l(
            "How accessible this site is to people with disabilities, what is not yet, "
            "and how to tell us about a problem."
        ),
    )


@localized_route(bp, "legal")
def legal() -> str:
    return render_page(
        "pages/legal.html",
        title=_l("Legal notice"),
        description=_l("Who publishes this website and who hosts it."),
    )


@localized_route(bp, "privacy")
def privacy() -> str:
    return render_page(
        "pages/privacy.html",
        title=_l("Personal data and cookies"),
        session_cookie=current_app.config["SESSION_COOKIE_NAME"],
        description=_l(
            "What this site records about you, why, for how long, and how to exercise your rights."
        ),
    )


@localized_route(bp, "sitemap")
def sitemap() -> str:
    return render_page(
        "pages/sitemap.html",
        title=_l("Site map"),
        description=_l("Every page of this site, section by section."),
    )
