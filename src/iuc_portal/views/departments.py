"""The medical departments: the list, and a page for each."""

from __future__ import annotations

from flask import Blueprint
from flask_babel import gettext as _

from iuc_portal.i18n import content_text
from iuc_portal.routing import localized_route

from . import render_page, site_content

bp = Blueprint("departments", __name__)


@localized_route(bp, "departments")
def index() -> str:
    return render_page(
        "pages/departments.html", title=_("Departments"), departments=site_content().departments
    )


@localized_route(
    bp,
    "departments",
    "<department:department_id>",
    list_args=lambda content: [{"department_id": d.id} for d in content.departments],
)
def show(department_id: str) -> str:
    content = site_content()
    department = content.department(department_id)
    return render_page(
        "pages/department.html",
        title=content_text(department.name, plain=True),
        department=department,
        hospital=content.hospital_of(department),
    )
