"""A Babel extractor for the JSON content.

Registered as the ``iuc_json`` extraction method (see ``pyproject.toml``), so
``pybabel extract -F babel.cfg`` puts page content into the same catalog as
templates and code. Each string gets a translator comment naming its file and
field, and the field's own description when it has one.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from pydantic import BaseModel

from iuc_portal.completeness import URL_CONTEXT

from .loader import FILES
from .models import SOURCE_LOCALE, DepartmentsFile, Site, Text

URL_NOTE = (
    "A word of the web address (URL) in your language: lowercase letters a to z without "
    "accents, digits and hyphens, unlike the other words of its kind. It may stay in English. "
    "Once the language is published, ask the web team before changing it: links to the old "
    "address would break."
)


def translatable_strings(model: BaseModel, path: str = "") -> Iterator[tuple[Text, str, str]]:
    """Yield (text, field path, field description) for every ``Text`` value."""
    for name, info in type(model).model_fields.items():
        yield from _walk(getattr(model, name), f"{path}.{name}" if path else name, info.description)


def _walk(value: Any, path: str, note: str | None) -> Iterator[tuple[Text, str, str]]:
    if isinstance(value, Text):
        yield value, path, note or ""
    elif isinstance(value, BaseModel):
        yield from translatable_strings(value, path)
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            label = getattr(item, "id", None) or index
            yield from _walk(item, f"{path}[{label}]", note)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _walk(item, f"{path}.{key}", note)


def extract_json(
    fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: dict[str, Any]
) -> Iterator[tuple[int, str, str, list[str]]]:
    name = Path(getattr(fileobj, "name", "")).name
    model = FILES.get(name)
    if model is None:
        return
    source = fileobj.read().decode("utf-8")
    content = model.model_validate(json.loads(source))
    lines = source.splitlines()
    for text, path, note in translatable_strings(content):
        comments = [f"{name}: {path}"] + ([note] if note else [])
        yield _line_of(lines, text), "gettext", str(text), comments
    for word, path in url_words(content):
        comments = [f"{name}: {path}", URL_NOTE]
        yield _line_of(lines, word), "pgettext", (URL_CONTEXT, word), comments


def url_words(model: BaseModel) -> Iterator[tuple[str, str]]:
    """(English URL word, field path) for the words translators give in their language."""
    if isinstance(model, Site):
        for name, slugs in model.sections.items():
            yield slugs[SOURCE_LOCALE], f"sections.{name}"
        for name, slugs in model.query_names.items():
            yield slugs[SOURCE_LOCALE], f"query_names.{name}"
    elif isinstance(model, DepartmentsFile):
        for department in model.departments:
            yield department.slugs[SOURCE_LOCALE], f"departments[{department.id}].slugs"


def _line_of(lines: list[str], text: str) -> int:
    needle = json.dumps(text, ensure_ascii=False)
    for number, line in enumerate(lines, start=1):
        if needle in line:
            return number
    return 0
