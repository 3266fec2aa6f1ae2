"""Load the JSON content once at start, and refuse to start on a mistake.

A web editor who breaks a file gets one line naming the file and the field,
instead of a site that fails on the one page that reads it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from .models import (
    SOURCE_LOCALE,
    Abbreviation,
    AbbreviationsFile,
    Department,
    DepartmentsFile,
    DonationSettings,
    Hospital,
    HospitalsFile,
    PeopleFile,
    Person,
    Site,
    localized_slug,
)
from .publisher import Publisher

FILES: dict[str, type[BaseModel]] = {
    "site.json": Site,
    "hospitals.json": HospitalsFile,
    "departments.json": DepartmentsFile,
    "people.json": PeopleFile,
    "donations.json": DonationSettings,
    "publisher.json": Publisher,
    "abbreviations.json": AbbreviationsFile,
}

M = TypeVar("M", bound=BaseModel)


class ContentError(Exception):
    """A content file that cannot be used; the message names file and field."""

    def __init__(self, filename: str, where: str, problem: str) -> None:
        self.filename, self.where, self.problem = filename, where, problem
        super().__init__(f"{filename}: {where}: {problem}" if where else f"{filename}: {problem}")


def _describe(loc: Iterable[Any], raw: Any) -> str:
    """``departments[2] (pneumology).hospital`` from pydantic's location tuple."""
    parts: list[str] = []
    node = raw
    for step in loc:
        if isinstance(step, int):
            label = f"[{step}]"
            if isinstance(node, list) and step < len(node):
                node = node[step]
                if isinstance(node, dict) and isinstance(node.get("id"), str):
                    label += f" ({node['id']})"
            parts.append(label)
        else:
            parts.append(f".{step}" if parts else str(step))
            node = node.get(step) if isinstance(node, dict) else None
    return "".join(parts)


def parse_file(path: Path, model: type[M]) -> M:
    name = path.name
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ContentError(name, "", "file is missing") from None
    except UnicodeDecodeError as error:
        raise ContentError(name, "", f"not UTF-8 text ({error.reason})") from None
    except json.JSONDecodeError as error:
        where = f"line {error.lineno}, column {error.colno}"
        raise ContentError(name, where, f"malformed JSON: {error.msg}") from None
    try:
        return model.model_validate(raw)
    except ValidationError as error:
        first = error.errors()[0]
        message = first["msg"]
        if first["type"] == "missing":
            message = "required field is missing"
        elif first["type"] == "extra_forbidden":
            message = "unknown field (misspelt?)"
        raise ContentError(name, _describe(first["loc"], raw), message) from None


def _unique(filename: str, where: str, items: Iterable[tuple[str, str]]) -> None:
    """Raise on the first value seen twice; items are (value, owner)."""
    seen: dict[str, str] = {}
    for value, owner in items:
        if value in seen:
            raise ContentError(
                filename, f"{where} ({owner})", f"{value!r} is already used by {seen[value]}"
            )
        seen[value] = owner


def _slug_locales(slug_maps: Iterable[Mapping[str, str]]) -> set[str]:
    return {SOURCE_LOCALE}.union(*(set(slugs) for slugs in slug_maps))


@dataclass(frozen=True)
class Content:
    site: Site
    hospitals: Mapping[str, Hospital]
    departments: tuple[Department, ...]
    people: Mapping[str, Person]
    donations: DonationSettings
    publisher: Publisher
    abbreviations: tuple[Abbreviation, ...] = ()
    _departments_by_id: Mapping[str, Department] = field(repr=False, default_factory=dict)
    # locale -> English URL word -> its translation (see url_words.py)
    url_words: Mapping[str, Mapping[str, str]] = field(repr=False, default_factory=dict)

    def url_word(self, slugs: Mapping[str, str], locale: str) -> str:
        """A URL word in ``locale``: the JSON's own, else the catalog's, else the English."""
        english = slugs[SOURCE_LOCALE]
        return slugs.get(locale) or self.url_words.get(locale, {}).get(english) or english

    def department(self, department_id: str) -> Department:
        return self._departments_by_id[department_id]

    def find_department(self, department_id: str) -> Department | None:
        return self._departments_by_id.get(department_id)

    def hospital_of(self, department: Department) -> Hospital | None:
        return self.hospitals.get(department.hospital) if department.hospital else None

    def leadership(self) -> list[Person]:
        return [self.people[person_id] for person_id in self.site.leadership]

    def section_slug(self, section: str, locale: str) -> str:
        try:
            slugs = self.site.sections[section]
        except KeyError:
            raise ContentError(
                "site.json", f"sections.{section}", "required section is missing"
            ) from None
        return self.url_word(slugs, locale)

    def query_name(self, name: str, locale: str) -> str:
        """A query parameter's name in ``locale`` (``service`` in French)."""
        return self.url_word(self.site.query_names[name], locale)

    def department_slugs(self, locale: str) -> dict[str, str]:
        """slug -> department id, in one locale."""
        return {self.department_slug(d, locale): d.id for d in self.departments}

    def department_slug(self, department: Department, locale: str) -> str:
        return self.url_word(department.slugs, locale)


def _check_references(
    site: Site,
    hospitals: Mapping[str, Hospital],
    departments: tuple[Department, ...],
    people: Mapping[str, Person],
) -> None:
    _unique("departments.json", "departments[].id", ((d.id, d.id) for d in departments))
    for index, department in enumerate(departments):
        if department.hospital and department.hospital not in hospitals:
            raise ContentError(
                "departments.json",
                f"departments[{index}] ({department.id}).hospital",
                f"unknown hospital {department.hospital!r}; known: {', '.join(hospitals)}",
            )
    for index, person_id in enumerate(site.leadership):
        if person_id not in people:
            raise ContentError(
                "site.json", f"leadership[{index}]", f"unknown person {person_id!r} in people.json"
            )
    for locale in sorted(_slug_locales(d.slugs for d in departments)):
        _unique(
            "departments.json",
            f"departments[].slugs.{locale}",
            ((localized_slug(d.slugs, locale), d.id) for d in departments),
        )
    for locale in sorted(_slug_locales(site.sections.values())):
        _unique(
            "site.json",
            f"sections.{locale}",
            ((localized_slug(slugs, locale), name) for name, slugs in site.sections.items()),
        )


def load_content(directory: Path, publisher_file: Path | None = None) -> Content:
    """The content in ``directory``; the publisher's facts from ``publisher_file``
    (default: ``publisher.json`` beside the rest)."""
    site = parse_file(directory / "site.json", Site)
    hospital_list = parse_file(directory / "hospitals.json", HospitalsFile).hospitals
    departments = tuple(parse_file(directory / "departments.json", DepartmentsFile).departments)
    people_list = parse_file(directory / "people.json", PeopleFile).people
    donations = parse_file(directory / "donations.json", DonationSettings)
    publisher = parse_file(publisher_file or directory / "publisher.json", Publisher)
    abbreviations = parse_file(directory / "abbreviations.json", AbbreviationsFile).abbreviations
    # Duplicates are checked on the lists, before dicts would hide them.
    _unique("hospitals.json", "hospitals[].id", ((h.id, h.id) for h in hospital_list))
    _unique("people.json", "people[].id", ((p.id, p.id) for p in people_list))
    hospitals = {hospital.id: hospital for hospital in hospital_list}
    people = {person.id: person for person in people_list}
    _check_references(site, hospitals, departments, people)
    return Content(
        site=site,
        hospitals=hospitals,
        departments=departments,
        people=people,
        donations=donations,
        publisher=publisher,
        abbreviations=tuple(abbreviations),
        _departments_by_id={department.id: department for department in departments},
    )
