"""Read-only models of the JSON content.

Every sentence a visitor reads is typed ``Text``: the Babel extractor collects
exactly those values, so marking a field ``Text`` is all it takes for a
translator to see it in the catalog.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

import phonenumbers
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
ID_PATTERN = SLUG_PATTERN
SOURCE_LOCALE = "en"


class Text(str):
    """English source text that goes through the catalogs."""

    __slots__ = ()


def _as_text(value: str) -> Text:
    return Text(value)


def _e164(value: str) -> str:
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException as error:
        raise ValueError(f"not a phone number in E.164 form ({error})") from None
    if not phonenumbers.is_valid_number(number):
        raise ValueError("not a valid phone number")
    formatted = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if formatted != value:
        raise ValueError(f"write it in E.164 form: {formatted}")
    return value


NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
TextField = Annotated[NonEmpty, AfterValidator(_as_text)]
Identifier = Annotated[str, StringConstraints(pattern=ID_PATTERN)]
Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=80)]
Phone = Annotated[str, AfterValidator(_e164)]
Email = Annotated[str, StringConstraints(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
LocaleCode = Annotated[
    str, StringConstraints(pattern=r"^[a-z]{2,3}(?:_[A-Z][a-z]{3})?(?:_[A-Z]{2})?$")
]


def siren_is_valid(value: str) -> bool:
    """A SIREN is nine digits whose Luhn checksum is zero."""
    if len(value) != 9 or not value.isdigit():
        return False
    total = 0
    for position, digit in enumerate(int(c) for c in reversed(value)):
        if position % 2:
            digit *= 2
            digit -= 9 if digit > 9 else 0
        total += digit
    return total % 10 == 0


def _has_source_slug(slugs: dict[str, str]) -> dict[str, str]:
    if SOURCE_LOCALE not in slugs:
        raise ValueError(f"needs an {SOURCE_LOCALE!r} slug, the fallback for every language")
    return slugs


# A URL segment per locale; a locale not listed uses the English one, so a
# new language needs no change here.
Slugs = Annotated[dict[LocaleCode, Slug], AfterValidator(_has_source_slug)]


def localized_slug(slugs: dict[str, str], locale: str) -> str:
    return slugs.get(locale) or slugs[SOURCE_LOCALE]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Address(Model):
    street: NonEmpty
    postcode: Annotated[str, StringConstraints(pattern=r"^\d{5}$")]
    city: NonEmpty


class Hospital(Model):
    id: Identifier
    name: TextField = Field(description="Hospital name as shown to visitors.")
    address: Address
    switchboard: Phone | None = None


class Department(Model):
    id: Identifier
    slugs: Slugs
    name: TextField = Field(description="Department name, used as a page heading.")
    hospital: Identifier | None = None
    phone: Phone | None = None
    email: Email | None = None
    summary: TextField = Field(description="One sentence shown in the list of departments.")
    description: list[TextField] = Field(min_length=1, description="A paragraph of the page.")
    keywords: TextField = Field(
        description=(
            "Comma-separated words a visitor might type to find this department. "
            "Translate them into words people search with; the count may differ."
        )
    )


class Abbreviation(Model):
    """An abbreviation and what it stands for, as the publisher writes it (in French)."""

    short: NonEmpty
    full: NonEmpty
    lang: LocaleCode = "fr"


class AbbreviationsFile(Model):
    abbreviations: list[Abbreviation]


class Person(Model):
    id: Identifier
    name: NonEmpty
    title: TextField | None = Field(default=None, description="Academic title before a name.")
    role: TextField
    organisation: TextField


class Figure(Model):
    value: int = Field(ge=0)
    qualifier: Literal["about", "more_than"] | None = None
    label: TextField = Field(description="Shown under a large number.")


class Label(Model):
    name: TextField
    description: TextField


class Partner(Model):
    name: TextField
    description: TextField


class Coordination(Model):
    name: TextField
    phone: Phone
    email: Email | None = None


class Tool(Model):
    name: NonEmpty
    version: NonEmpty


class AutomatedTests(Model):
    """What the automated test suite checks, stated in the accessibility statement.

    A test compares the versions here with the tools installed, so the
    statement cannot drift from what really ran.
    """

    date: dt.date
    tools: list[Tool] = Field(min_length=1)
    # The browser of that run: Debian's package, updated by the distribution,
    # so recorded here by whoever updates the date rather than compared.
    browser: Tool
    # The virtual screen reader the browser tests read pages with (package.json pins
    # it; a test compares). Not a real screen reader: the statement says so.
    screen_reader: Tool


class Accessibility(Model):
    level: Literal["none", "partial", "full"]
    criteria_met_percent: int | None = Field(default=None, ge=0, le=100)
    audit_date: dt.date | None = None
    auditor: TextField | None = None
    statement_date: dt.date
    contact_email: Email | None = None
    automated_tests: AutomatedTests


class Presentation(Model):
    intro: list[TextField] = Field(min_length=1)
    drivers_intro: TextField
    drivers: list[TextField] = Field(min_length=1)
    mission: list[TextField] = Field(min_length=1)


class Site(Model):
    name: TextField = Field(description="The institute's full name.")
    short_name: NonEmpty
    description: TextField = Field(description="Summary shown by search engines.")
    founded: int = Field(ge=1800, le=2100)
    sections: dict[Identifier, Slugs]
    # Names of query parameters, per language, so that a French link reads French.
    query_names: dict[Identifier, Slugs]
    presentation: Presentation
    figures: list[Figure]
    labels: list[Label]
    partners: list[Partner]
    leadership: list[Identifier]
    coordination: Coordination
    accessibility: Accessibility


class HospitalsFile(Model):
    hospitals: list[Hospital] = Field(min_length=1)


class DepartmentsFile(Model):
    departments: list[Department] = Field(min_length=1)


class PeopleFile(Model):
    people: list[Person]


class DonationSettings(Model):
    eligible_reductions: list[Literal["individual", "company"]]
    preset_amounts: list[int] = Field(min_length=1, max_length=6)
    default_amount: int | None = None
    min_amount: Decimal = Field(gt=0)
    max_amount: Decimal

    @model_validator(mode="after")
    def _amounts_agree(self) -> DonationSettings:
        if self.max_amount <= self.min_amount:
            raise ValueError("max_amount must be larger than min_amount")
        for value in self.preset_amounts:
            if not self.min_amount <= value <= self.max_amount:
                raise ValueError(f"preset amount {value} is outside min_amount..max_amount")
        if self.default_amount is not None and self.default_amount not in self.preset_amounts:
            raise ValueError("default_amount must be one of preset_amounts")
        return self
