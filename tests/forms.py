"""Filling in the site's forms as a browser without JavaScript would."""

from __future__ import annotations

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.pages import soup


def hidden_fields(response: TestResponse, form_id: str) -> dict[str, str]:
    form = soup(response.data).select_one(f"form#{form_id}")
    return {field["name"]: field.get("value", "") for field in form.select("input[type=hidden]")}


def submit(
    client: FlaskClient, path: str, form_id: str, data: dict[str, str], **kwargs
) -> TestResponse:
    """GET the page, then POST ``data`` with the form's hidden fields (token, one-time key)."""
    hidden = hidden_fields(client.get(path), form_id)
    return client.post(path, data={**hidden, **data}, **kwargs)


def errors_of(response: TestResponse) -> list[str]:
    doc = soup(response.data)
    return [" ".join(a.get_text().split()) for a in doc.select(".error-summary li a")]


DONATION = {
    "frequency": "one_off",
    "donor_type": "individual",
    "preset": "50",
    "amount": "",
    "title": "ms",
    "given_name": "Ada",
    "family_name": "Lovelace",
    "email": "ada@example.org",
    "address_line1": "12 rue de la Paix",
    "address_line2": "",
    "postal_code": "75002",
    "city": "Paris",
    "country": "FR",
    "company_name": "",
    "company_legal_form": "",
    "siren": "",
    "in_memory_of": "",
}

CONTACT = {
    "subject": "pneumology",
    "name": "Jean Dupont",
    "email": "jean@example.org",
    "phone": "06 12 34 56 78",
    "message": "Bonjour,\nJe voudrais un rendez-vous.",
}
