"""The medical departments: the list with its search, and a page for each."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, request
from flask_babel import get_translations

from iuc_portal.content.models import Department
from iuc_portal.i18n import content_text, current_locale
from iuc_portal.i18n import lazy_gettext as _l
from iuc_portal.routing import localized_route
from iuc_portal.search import MAX_QUERY, Entry, build_index, search

from . import render_page, site_content

bp = Blueprint("departments", __name__)

# htmx swaps the result list as the visitor types; the count goes to the live region.
FRAGMENTS = {"department-results": ("search_results", {"search-status": "search_status"})}


def search_index() -> list[Entry]:
    """The departments' words in the request's language, built once per process and locale."""
    indexes = current_app.extensions.setdefault("iuc_search", {})
    locale = current_locale()
    if locale not in indexes:
        content = site_content()

        def hospital_name(department: Department) -> str | None:
            hospital = content.hospital_of(department)
            return hospital.name if hospital else None

        indexes[locale] = build_index(
            content.departments, get_translations().gettext, hospital_name
        )
    return indexes[locale]


def query() -> str:
    return request.args.get("q", "").strip()[:MAX_QUERY]


@localized_route(bp, "departments")
def index() -> Response:
    text = query()
    return render_page(
        "pages/departments.html",
        title=_l("Departments"),
        description=_l("The institute’s departments: what each one does and how to reach it."),
        fragments=FRAGMENTS,
        query=text,
        departments=search(search_index(), text),
    )


@localized_route(
    bp,
    "departments",
    "<department:department_id>",
    list_args=lambda content: [{"department_id": d.id} for d in content.departments],
)
def show(department_id: str) -> Response:
    content = site_content()
    department = content.department(department_id)
    return render_page(
        "pages/department.html",
        title=content_text(department.name, plain=True),
        description=content_text(department.summary, plain=True),
        department=department,
        hospital=content.hospital_of(department),
    )
