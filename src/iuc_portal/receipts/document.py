"""What a receipt says, gathered once and stored as printed.

Every mention the official model asks for (Cerfa n° 11580*05 for an
individual, 2041-MEC-SD for a company): the beneficiary (name, address,
purpose, kind of eligible body, SIREN or RNA), the receipt's number, the
donor (name, or company name, legal form and SIREN; full address), the amount
in figures framed by asterisks and in words, the payment's date or period,
the form (déclaration de don manuel), nature (numéraire) and means of the
gift, the article of the tax code it qualifies under, and the signatory.

The French is the legal text; a donor who gave in English also gets an
English courtesy translation, on a page of its own that says so. The text is
fixed wording of the receipt, not the site's: it is not in the catalogs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_currency
from flask import render_template

from iuc_portal.content.publisher import Publisher, in_language

from .words import in_english, in_french

# Donor kind -> (model, article of the Code général des impôts)
MODELS = {
    "individual": ("Cerfa n° 11580*05", "200"),
    "company": ("2041-MEC-SD (Cerfa n° 16216)", "238 bis"),
}
METHODS = {
    "card": ("Carte bancaire", "Bank card"),
    "sepa_debit": ("Prélèvement SEPA", "SEPA direct debit"),
    "cheque": ("Chèque", "Cheque"),
    "transfer": ("Virement", "Bank transfer"),
    None: ("Non précisé", "Not stated"),
}
TITLES = {"ms": ("Madame", "Ms"), "mr": ("Monsieur", "Mr")}


def _framed(amount: Decimal, locale: str) -> str:
    """ "***150,00 €***": asterisks stand for the figures' protection on a computer-made receipt."""
    return f"***{format_currency(amount, 'EUR', locale=locale, format_type='standard')}***"


@dataclass(frozen=True)
class Document:
    number: str
    model: str
    article: str
    issued: str
    replaces: str | None
    english: bool  # the donor gave in English: a courtesy translation follows
    beneficiary: dict[str, Any]
    donor: dict[str, Any]
    amount: str
    amount_fr: str
    amount_en: str
    words_fr: str
    words_en: str
    paid_from: str
    paid_to: str
    method_fr: str
    method_en: str
    signatory: dict[str, str]
    html: str = ""

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Document:
        return cls(**data)

    @staticmethod
    def day(iso_date: str, locale: str) -> str:
        """ "30 novembre 2026", "30 November 2026"."""
        return format_date(dt.date.fromisoformat(iso_date), format="long", locale=locale)


def _grouped(siren: str | None) -> str | None:
    """ "123 456 782", in groups that never break across lines."""
    return "\u00a0".join((siren[:3], siren[3:6], siren[6:])) if siren else siren


def _address(lines: list[str], postcode: str, city: str) -> dict[str, Any]:
    return {"lines": list(lines), "postcode": postcode, "city": city}


def build(
    row: Any,
    publisher: Publisher,
    number: str,
    amount: Decimal,
    paid_from: dt.date,
    paid_to: dt.date,
    method: str | None,
    issued: dt.date,
    replaces: str | None,
) -> Document:
    """The receipt of a gift (a submission row), rendered and ready to store."""
    data = row.data
    beneficiary, signatory = publisher.beneficiary, publisher.receipt_signatory
    if beneficiary is None or signatory is None:
        raise ValueError("a receipt needs the beneficiary and the signatory (missing_facts)")
    company = data.get("donor_type") == "company"
    model, article = MODELS["company" if company else "individual"]
    countries = (Locale.parse("fr").territories, Locale.parse("en").territories)
    title = TITLES.get(data.get("title") or "", ("", ""))
    person = " ".join(p for p in (data.get("given_name"), data.get("family_name")) if p)
    donor = {
        "company": company,
        "name": data.get("company_name") if company else person,
        "title_fr": title[0],
        "title_en": title[1],
        "legal_form": data.get("company_legal_form"),
        "siren": _grouped(data.get("siren")),
        "address": _address(
            [line for line in (data.get("address_line1"), data.get("address_line2")) if line],
            data.get("postal_code", ""),
            data.get("city", ""),
        ),
        "country_fr": countries[0].get(data.get("country"), data.get("country")),
        "country_en": countries[1].get(data.get("country"), data.get("country")),
    }
    document = Document(
        number=number,
        model=model,
        article=article,
        issued=issued.isoformat(),
        replaces=replaces,
        english=row.locale == "en",
        beneficiary={
            "name": beneficiary.name,
            "legal_form_fr": in_language(beneficiary.legal_form, "fr")[0],
            "legal_form_en": in_language(beneficiary.legal_form, "en")[0],
            "purpose_fr": in_language(beneficiary.purpose, "fr")[0],
            "purpose_en": in_language(beneficiary.purpose, "en")[0],
            "eligible_body_fr": in_language(beneficiary.eligible_body, "fr")[0],
            "eligible_body_en": in_language(beneficiary.eligible_body, "en")[0],
            "siren": _grouped(beneficiary.siren),
            "rna": beneficiary.rna,
            "address": _address(
                beneficiary.address.lines, beneficiary.address.postcode, beneficiary.address.city
            ),
        },
        donor=donor,
        amount=str(amount),
        amount_fr=_framed(amount, "fr_FR"),
        amount_en=_framed(amount, "en_GB"),
        words_fr=in_french(amount),
        words_en=in_english(amount),
        paid_from=paid_from.isoformat(),
        paid_to=paid_to.isoformat(),
        method_fr=METHODS.get(method, METHODS[None])[0],
        method_en=METHODS.get(method, METHODS[None])[1],
        signatory={
            "name": signatory.name,
            "title_fr": in_language(signatory.title, "fr")[0],
            "title_en": in_language(signatory.title, "en")[0],
        },
    )
    html = render_template("receipts/receipt.html", receipt=document)
    return Document(**{**document.as_json(), "html": html})
