"""What an attacker, a full disk or a careless proxy would find: each a clear 4xx, never a 500."""

from __future__ import annotations

import csv
import io
import stat
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iuc_portal import create_app
from tests.forms import CONTACT, DONATION, errors_of, hidden_fields, submit
from tests.pages import soup
from tests.stored import stored


def test_an_amount_with_too_many_digits_is_a_message_not_a_500(client: FlaskClient) -> None:
    for amount in ("9" * 27, "1" + "0" * 40 + ",50", "0" * 50 + "12"):
        response = submit(client, "/fr/faire-un-don/", "donation-form",
                          {**DONATION, "preset": "other", "amount": amount})  # fmt: skip
        assert response.status_code in (200, 303), amount
    response = submit(client, "/en/donate/", "donation-form",
                      {**DONATION, "preset": "other", "amount": "9" * 27})  # fmt: skip
    assert "Enter an amount of €100,000 or less" in " ".join(errors_of(response))


@pytest.mark.parametrize("body", [b"[1]", b"[" * 5000 + b"]" * 5000, b'{"amount": "50"}'])
def test_a_json_body_on_a_form_gets_415(client: FlaskClient, body: bytes) -> None:
    for path in ("/fr/faire-un-don/", "/en/contacts/"):
        response = client.post(path, data=body, content_type="application/json")
        assert response.status_code == 415
        assert "Demande non comprise" in response.get_data(as_text=True) or "Request" in \
            response.get_data(as_text=True)  # fmt: skip


@pytest.mark.parametrize(
    "sneaky",
    ["Ada\nBcc: x@example.org", "Ada\rX", "Ada\x00", "Ada\x7f", "Ada\u202eecilA",
     "Ada\u2066x\u2069", "Ada\tLovelace"],
)  # fmt: skip
def test_single_line_fields_refuse_hidden_characters(
    client: FlaskClient, app: Flask, sneaky: str
) -> None:
    response = submit(client, "/en/donate/", "donation-form", {**DONATION, "given_name": sneaky})
    assert response.status_code == 200
    assert "Remove the line breaks and invisible characters from this field" in errors_of(response)
    assert stored(app, "donations") == []


def test_the_message_keeps_its_line_breaks_and_nothing_else_hidden(
    client: FlaskClient, app: Flask
) -> None:
    ok = submit(client, "/en/contacts/", "contact-form", {**CONTACT, "message": "Hello,\r\nBye."})
    assert ok.status_code == 303
    refused = submit(client, "/en/contacts/", "contact-form",
                     {**CONTACT, "message": "Hello \u202etxt.exe"})  # fmt: skip
    assert "Remove the invisible characters from your message" in errors_of(refused)


def test_an_internationalised_domain_is_kept_in_ascii(client: FlaskClient, app: Flask) -> None:
    response = submit(client, "/en/donate/", "donation-form",
                      {**DONATION, "email": "ada@exämple.fr"})  # fmt: skip
    assert response.status_code == 303
    [record] = stored(app, "donations")
    assert record["data"]["email"] == "ada@xn--exmple-cua.fr"


def test_csv_cells_are_quoted_and_formulas_neutralised_after_any_separator(
    app: Flask, client: FlaskClient
) -> None:
    submit(client, "/fr/faire-un-don/", "donation-form",
           {**DONATION, "address_line1": "1 rue X;@SUM(1+1)", "city": "Paris,=1+1"})  # fmt: skip
    out = app.test_cli_runner().invoke(args=["donations", "export"]).output
    assert out.startswith('"id","reference"')
    [row] = list(csv.DictReader(io.StringIO(out)))
    assert row["address_line1"] == "1 rue X;'@SUM(1+1)"
    assert row["city"] == "Paris,'=1+1"
    assert all(line.startswith('"') and line.endswith('"') for line in out.splitlines())


def test_personal_data_files_are_for_the_sites_user_only(app: Flask, data_dir: Path) -> None:
    client = app.test_client()
    assert submit(client, "/en/donate/", "donation-form", DONATION).status_code == 303
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    for path in data_dir.iterdir():
        if path.is_file():
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name


@pytest.mark.parametrize(
    "foreign",
    [{"Origin": "https://evil.example"}, {"Sec-Fetch-Site": "cross-site"},
     {"Origin": "null"}],
)  # fmt: skip
def test_a_post_from_another_site_is_refused_before_any_form_is_shown(
    client: FlaskClient, app: Flask, foreign: dict
) -> None:
    hidden = hidden_fields(client.get("/en/contacts/"), "contact-form")
    # Even with a token this site signed (the "form had expired" case), nothing comes back filled.
    response = client.post("/en/contacts/", data={**hidden, **CONTACT}, headers=foreign)
    assert response.status_code == 400
    assert "jean@example.org" not in response.get_data(as_text=True)
    assert stored(app, "messages") == []
    ours = {"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"}
    same = client.post("/en/contacts/", data={**hidden, **CONTACT}, headers=ours)
    assert same.status_code == 303


def test_htmx_answers_are_private_and_vary_on_what_changes_them(site_client: FlaskClient) -> None:
    """What a shared cache would store for each variant of a public page."""
    page = site_client.get("/fr/services/?q=poumon")
    assert page.headers["Cache-Control"].startswith("public")
    assert {"HX-Request", "HX-Target"} <= set(page.headers["Vary"].replace(" ", "").split(","))
    htmx = {"HX-Request": "true", "HX-Target": "department-results"}
    fragment = site_client.get("/fr/services/?q=poumon", headers=htmx)
    assert fragment.headers["Cache-Control"] == "private, no-store"
    assert b"<html" not in fragment.data
    restore = site_client.get("/fr/services/?q=poumon",
                              headers={**htmx, "HX-History-Restore-Request": "true"})  # fmt: skip
    assert restore.headers["Cache-Control"] == "private, no-store"
    assert b"<html" in restore.data


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    return create_app({"TESTING": True, "RATELIMIT_ENABLED": False, "SECRET_KEY": "h" * 40,
                       "DATA_DIR": str(tmp_path_factory.mktemp("fuzz"))})  # fmt: skip


TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=300)
FIELDS = [("/fr/faire-un-don/", "donation-form", DONATION, name) for name in DONATION] + [
    ("/en/contacts/", "contact-form", CONTACT, name) for name in CONTACT
]


@pytest.mark.parametrize(("path", "form_id", "base", "name"), FIELDS)
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(value=TEXT)
def test_any_text_in_any_field_is_answered_without_a_500(
    fuzz_app: Flask, path: str, form_id: str, base: dict, name: str, value: str
) -> None:
    client = fuzz_app.test_client()
    response = submit(client, path, form_id, {**base, name: value})
    assert response.status_code in (200, 303), (name, value)
    if response.status_code == 200:
        assert soup(response.data).select_one(f"form#{form_id}") is not None
