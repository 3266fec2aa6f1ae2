"""The publisher's facts: what only the institute can state, in one file.

The legal entity, who directs the publication, who hosts the site, who
controls personal data and how to reach its data-protection officer, how
long data is kept, who receives gifts and how they can be paid, who signs
tax receipts, where the accessibility plans are published. None of it may
be invented: a fact left ``null`` is shown as "to be supplied by the
publisher" (or, for the accessibility plans, "not published yet"), and
``flask --app iuc_portal publish check`` lists it until it is given.

``IUC_PUBLISHER_FILE`` points the site at another copy of the file (the
tests use an example whose every value says it is one).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StringConstraints, model_validator

from .models import Email, LocaleCode, Model, NonEmpty, Phone, siren_is_valid

DEFAULT_LANGUAGE = "fr"  # the language of the publisher's legal texts


def _siren(value: str) -> str:
    digits = "".join(value.split())
    if not siren_is_valid(digits):
        raise ValueError("a SIREN number is 9 digits with a valid check digit")
    return digits


Siren = Annotated[str, StringConstraints(pattern=r"^[\d ]+$"), AfterValidator(_siren)]
Rna = Annotated[str, StringConstraints(pattern=r"^W\d{9}$")]


def _has_default_language(values: dict[str, str]) -> dict[str, str]:
    if DEFAULT_LANGUAGE not in values:
        raise ValueError(f"give at least the {DEFAULT_LANGUAGE!r} wording")
    return values


# The publisher's own words, per language: {"fr": "...", "en": "..."}. French
# is required (receipts and legal texts are French); other languages fall
# back to it.
Localized = Annotated[dict[LocaleCode, NonEmpty], AfterValidator(_has_default_language)]


def in_language(value: dict[str, str], locale: str) -> tuple[str, str]:
    """(text, its language) for a page in ``locale``."""
    if locale in value:
        return value[locale], locale
    return value[DEFAULT_LANGUAGE], DEFAULT_LANGUAGE


class PostalAddress(Model):
    lines: list[NonEmpty] = Field(min_length=1, description="Street lines, as on an envelope.")
    postcode: Annotated[str, StringConstraints(pattern=r"^\d{5}$")]
    city: NonEmpty


class Organisation(Model):
    name: NonEmpty = Field(description="Legal name, as registered.")
    legal_form: Localized = Field(description="Legal form, e.g. public health establishment.")
    siren: Siren | None = None
    rna: Rna | None = None
    address: PostalAddress

    @model_validator(mode="after")
    def _identified(self) -> Organisation:
        if not (self.siren or self.rna):
            raise ValueError("give the SIREN number, or the RNA number of an association")
        return self


class Person(Model):
    name: NonEmpty
    title: Localized = Field(description="The person's position, e.g. Director General.")


class Host(Model):
    name: NonEmpty
    address: PostalAddress
    phone: Phone | None = None


class DataProtection(Model):
    controller: NonEmpty = Field(description="Who decides why and how personal data is used.")
    officer_email: Email | None = None
    officer_address: PostalAddress | None = None

    @model_validator(mode="after")
    def _reachable(self) -> DataProtection:
        if not (self.officer_email or self.officer_address):
            raise ValueError("give the data-protection officer's email or postal address")
        return self


class Duration(Model):
    value: int = Field(gt=0)
    unit: Literal["days", "months", "years"]


class Retention(Model):
    contact_messages: Duration | None = None
    donations: Duration | None = Field(
        default=None, description="Donors' details; receipts and accounts follow the law."
    )
    access_logs: Duration | None = Field(
        default=None, description="The web server's access logs (set log rotation to match)."
    )


class Beneficiary(Organisation):
    """Who receives gifts and issues the tax receipts (the payment account must be theirs)."""

    purpose: Localized = Field(description="The organisation's purpose, as on the receipt.")
    eligible_body: Localized = Field(
        description="Which kind of body eligible for gifts it is (Cerfa 11580, box ticked)."
    )


class Cheque(Model):
    payee: NonEmpty = Field(description="The name the cheque is made payable to.")
    address: PostalAddress


class Transfer(Model):
    account_holder: NonEmpty
    iban: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}\d{2}[A-Z0-9 ]{10,40}$")]
    bic: Annotated[str, StringConstraints(pattern=r"^[A-Z0-9]{8}(?:[A-Z0-9]{3})?$")]


class WaysToPay(Model):
    cheque: Cheque | None = None
    transfer: Transfer | None = None
    direct_debit_mandate: bool = Field(
        default=False,
        description="The team sends monthly donors a SEPA direct-debit mandate to sign.",
    )


# A document's public address; published where anyone can read it, so http(s) only.
WebAddress = Annotated[str, StringConstraints(pattern=r"^https?://[^\s/]+\.[^\s]*$")]


class AccessibilityPlans(Model):
    """What a public body publishes beside its accessibility statement; null: not published."""

    multi_year: WebAddress | None = Field(
        default=None, description="The multi-year accessibility plan (schéma pluriannuel)."
    )
    annual_action_plan: WebAddress | None = Field(
        default=None, description="The current year's accessibility action plan."
    )


class Publisher(Model):
    # True only in a copy made for tests or demonstrations: `publish check` refuses it.
    example: bool = False
    publisher: Organisation | None = None
    publication_director: Person | None = None
    host: Host | None = None
    data_protection: DataProtection | None = None
    retention: Retention = Retention()
    beneficiary: Beneficiary | None = None
    ways_to_pay: WaysToPay = WaysToPay()
    receipt_signatory: Person | None = None
    accessibility_plans: AccessibilityPlans = AccessibilityPlans()

    def offline_payment_possible(self, frequency: str) -> bool:
        """Whether a gift of this frequency can be paid without a payment provider."""
        ways = self.ways_to_pay
        if frequency == "monthly":
            return ways.direct_debit_mandate
        return bool(ways.cheque or ways.transfer)


@dataclass(frozen=True)
class Requirement:
    page: str  # what the fact is for, as staff name it (see PAGES)
    fact: str
    # (the facts, whether gifts are paid online) -> is it missing?
    missing: Callable[[Publisher, bool], bool]


# Where each kind of fact shows: the page's endpoint, or None (tax receipts are documents).
PAGES = {
    "legal notice": "pages.legal",
    "personal data": "pages.privacy",
    "donations": "donate.index",
    "tax receipts": None,
    "accessibility statement": "pages.accessibility",
}


def _no_offline_way(publisher: Publisher, online: bool) -> bool:
    return not online and not (publisher.ways_to_pay.cheque or publisher.ways_to_pay.transfer)


# Each fact the law or a page needs, and where it shows; `publish check` reads this list.
REQUIREMENTS = [
    Requirement("legal notice", "publisher: legal name, form, SIREN or RNA, address",
                lambda p, _: p.publisher is None),
    Requirement("legal notice", "director of publication: name and title",
                lambda p, _: p.publication_director is None),
    Requirement("legal notice", "host: name and address", lambda p, _: p.host is None),
    Requirement("personal data", "data controller and data-protection officer's contact",
                lambda p, _: p.data_protection is None),
    Requirement("personal data", "retention period of contact messages",
                lambda p, _: p.retention.contact_messages is None),
    Requirement("personal data", "retention period of donors' details",
                lambda p, _: p.retention.donations is None),
    Requirement("personal data", "retention period of the server's access logs",
                lambda p, _: p.retention.access_logs is None),
    Requirement("donations", "beneficiary: legal name, form, SIREN or RNA, address, purpose",
                lambda p, _: p.beneficiary is None),
    Requirement("donations", "a way to pay offline: cheque (payee, address) or transfer",
                _no_offline_way),
    Requirement("tax receipts", "signatory: name and title",
                lambda p, _: p.receipt_signatory is None),
    Requirement("accessibility statement", "multi-year accessibility plan: its address",
                lambda p, _: p.accessibility_plans.multi_year is None),
    Requirement("accessibility statement", "this year's accessibility action plan: its address",
                lambda p, _: p.accessibility_plans.annual_action_plan is None),
]  # fmt: skip


def missing_facts(publisher: Publisher, online_payment: bool) -> list[Requirement]:
    return [r for r in REQUIREMENTS if r.missing(publisher, online_payment)]
