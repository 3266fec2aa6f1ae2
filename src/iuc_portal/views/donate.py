"""Giving to the institute."""

from __future__ import annotations

from flask import Blueprint
from flask_babel import gettext as _

from iuc_portal.routing import localized_route

from . import render_page

bp = Blueprint("donate", __name__)


@localized_route(bp, "donate")
def index() -> str:
    return render_page("pages/donate.html", title=_("Make a donation"))
