"""Abbreviations explained where a page first uses them (WCAG 3.1.4).

``content/abbreviations.json`` lists what AP-HP, Inserm, CNRS... stand for, as
the publisher writes them. The ``abbr`` filter wraps the first use of each on
a page in ``<abbr title="...">``; later uses stay plain, so a screen reader
does not spell out the name at every turn. ``expansion`` gives the full name
for a page to show in words, where a reader needs it (the partners' cards).
"""

from __future__ import annotations

import re
from functools import cache

from flask import Flask, current_app, g
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

from .content.models import Abbreviation
from .i18n import current_locale


@cache
def _pattern(shorts: tuple[str, ...]) -> re.Pattern[str]:
    # Whole words only: "AP-HP" in "IUC AP-HP." but not in "AP-HPX"; longest first.
    names = "|".join(re.escape(short) for short in sorted(shorts, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])({names})(?![\w-])")


def _table() -> dict[str, Abbreviation]:
    return {a.short: a for a in current_app.extensions["iuc_content"].abbreviations}


@pass_context  # depends on the page: never folded into a compiled template
def abbr(context: Context, text: str | Markup) -> Markup:
    """``text`` with the first use on this page of each abbreviation explained."""
    table = _table()
    seen: set[str] = g.setdefault("abbreviations_explained", set())
    markup = escape(text)

    def explain(found: re.Match[str]) -> str:
        short = found.group(1)
        if short in seen:
            return short
        seen.add(short)
        entry = table[short]
        lang = f' lang="{entry.lang}"' if entry.lang != current_locale() else ""
        return f'<abbr title="{escape(entry.full)}"{lang}>{short}</abbr>'

    # Only the text between tags: an attribute value never holds an <abbr>.
    parts = re.split(r"(<[^>]*>)", str(markup))
    pattern = _pattern(tuple(table))
    return Markup(
        "".join(part if part.startswith("<") else pattern.sub(explain, part) for part in parts)
    )


def expansion(name: str) -> Abbreviation | None:
    """What ``name`` stands for, when it is an abbreviation of the table."""
    return _table().get(str(name))


def init_app(app: Flask) -> None:
    app.add_template_filter(abbr, "abbr")
    app.add_template_global(expansion, "expansion")
