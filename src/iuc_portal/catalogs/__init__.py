"""Catalog chores for translators and developers: extract, update, compile, init, check, status.

Run as ``flask --app iuc_portal i18n <command>``; the Makefile's ``i18n-*``
targets call these. ``sources`` goes from the code to the catalogs,
``check`` (with ``syntax``, ``header`` and ``rules``) keeps them safe, and
``commands`` holds the command line.
"""

from .check import check_all, check_catalog, check_template, formatted_entries
from .commands import i18n, status_rows
from .problems import Problem
from .rules import one_number_forms
from .sources import extract

__all__ = [
    "Problem",
    "check_all",
    "check_catalog",
    "check_template",
    "extract",
    "formatted_entries",
    "i18n",
    "one_number_forms",
    "status_rows",
]
