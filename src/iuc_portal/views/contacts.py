"""The contacts directory: every department and hospital, and the coordination unit."""

from __future__ import annotations

from flask import Blueprint
from flask_babel import gettext as _

from iuc_portal.routing import localized_route

from . import render_page, site_content

bp = Blueprint("contacts", __name__)


@localized_route(bp, "contacts")
def index() -> str:
    content = site_content()
    return render_page(
        "pages/contacts.html",
        title=_("Contacts"),
        departments=content.departments,
        hospitals=list(content.hospitals.values()),
    )
