"""The publisher's facts: in one file, checked before go-live, never invented meanwhile."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from iuc_portal import create_app
from iuc_portal.paths import CONTENT_DIR
from tests.conftest import EXAMPLE_PUBLISHER
from tests.forms import DONATION, hidden_fields
from tests.pages import soup, text_of

SHIPPED = CONTENT_DIR / "publisher.json"
LEGAL_PAGES = ["/fr/mentions-legales/", "/en/legal-notice/", "/fr/donnees-personnelles/",
               "/en/privacy/", "/fr/faire-un-don/", "/en/donate/"]  # fmt: skip


@pytest.fixture
def unpublished(data_dir: Path) -> Flask:
    """The site as shipped: the publisher has not supplied its facts yet."""
    return create_app(
        {"DATA_DIR": str(data_dir), "SECRET_KEY": "p" * 40, "PUBLISHER_FILE": str(SHIPPED)}
    )


MISSING_ON_A_NEW_SITE = [
    "publisher: legal name",
    "director of publication",
    "host: name and address",
    "data controller and data-protection officer",
    "retention period of contact messages",
    "retention period of donors",
    "retention period of the server's access logs",
    "beneficiary",
    "a way to pay",
    "signatory",
]


def main_text(client: FlaskClient, path: str) -> str:
    """The main text, without the space that element boundaries leave before a comma."""
    return text_of(soup(client.get(path).data).find("main")).replace(" ,", ",")


def test_publish_check_names_every_missing_fact_page_by_page(unpublished: Flask) -> None:
    result = unpublished.test_cli_runner().invoke(args=["publish", "check"])
    assert result.exit_code == 1
    out = result.output
    assert "legal notice (/fr/mentions-legales/, /en/legal-notice/):" in out
    assert "personal data (/fr/donnees-personnelles/, /en/privacy/):" in out
    assert "donations (/fr/faire-un-don/, /en/donate/):" in out
    for fact in MISSING_ON_A_NEW_SITE:
        assert f"missing: {fact}" in out


def test_publish_check_passes_on_complete_facts(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["publish", "check"])
    assert result.exit_code == 0, result.output
    assert "Every fact the pages and receipts need is supplied." in result.output
    assert "example facts" in result.output  # and says they are only examples


def test_every_value_of_the_example_file_says_it_is_one() -> None:
    def leaves(value: object, path: str = ""):
        if isinstance(value, dict):
            for key, item in value.items():
                yield from leaves(item, f"{path}.{key}")
        elif isinstance(value, list):
            for index, item in enumerate(value):
                yield from leaves(item, f"{path}[{index}]")
        else:
            yield path, value

    identifiers = re.compile(r"\.(siren|iban|bic|postcode|officer_email|value|unit)$")
    for path, value in leaves(json.loads(EXAMPLE_PUBLISHER.read_text(encoding="utf-8"))):
        if isinstance(value, str) and not identifiers.search(path):
            assert re.search(r"Ex[ea]mple", value), f"{path}: {value!r}"
    example = json.loads(EXAMPLE_PUBLISHER.read_text(encoding="utf-8"))
    assert example["example"] is True
    assert example["data_protection"]["officer_email"].endswith("@example.org")


@pytest.mark.parametrize(
    ("path", "placeholders"),
    [("/fr/mentions-legales/", 3), ("/en/legal-notice/", 3),
     ("/fr/donnees-personnelles/", 5), ("/en/privacy/", 5)],
)  # fmt: skip
def test_missing_facts_are_said_to_be_missing_never_invented(
    unpublished: Flask, path: str, placeholders: int
) -> None:
    doc = soup(unpublished.test_client().get(path).data)
    assert len(doc.select("main .to-supply")) == placeholders


@pytest.mark.parametrize("path", LEGAL_PAGES)
def test_once_given_no_placeholder_is_left(client: FlaskClient, path: str) -> None:
    main = main_text(client, path)
    assert "supplied by the publisher" not in main
    assert "compléter" not in main


def test_the_legal_notice_names_publisher_director_and_host(client: FlaskClient) -> None:
    main = main_text(client, "/fr/mentions-legales/")
    assert "Exemple : établissement éditeur, Exemple : forme juridique" in main
    assert "Numéro SIREN : 123 456 782" in main
    assert "123\u00a0456\u00a0782" in client.get("/fr/mentions-legales/").get_data(as_text=True)
    assert "Exemple : Camille Directrice, Exemple : directrice de la publication" in main
    assert "Exemple : hébergeur" in main
    english = main_text(client, "/en/legal-notice/")
    assert "Example: legal form" in english  # the publisher's own English wording


@pytest.mark.parametrize("path", ["/fr/faire-un-don/", "/en/donate/"])
def test_without_a_beneficiary_or_a_way_to_pay_the_donation_page_invites_no_payment(
    unpublished: Flask, path: str
) -> None:
    client = unpublished.test_client()
    doc = soup(client.get(path).data)
    assert doc.select("form#donation-form") == []
    main = text_of(doc.find("main"))
    assert "+33 1 40 77 99 43" in main or "01 40 77 99 43" in main  # the coordination unit
    assert "cheque" not in main.lower()
    assert "chèque" not in main
    # A form posted anyway (an old tab) records nothing.
    response = client.post(path, data={**DONATION, "csrf_token": "x"})
    assert response.status_code == 200
    assert unpublished.extensions["iuc_store"].records("donations") == []


def test_the_donation_page_names_the_beneficiary_and_the_ways_to_pay(client: FlaskClient) -> None:
    main = main_text(client, "/en/donate/")
    assert "Exemple : bénéficiaire des dons" in main
    assert (
        "for a one-off gift: by cheque or bank transfer; for a monthly gift: by direct debit"
        in main
    )
    assert "What your gift funds" not in main  # a promise the facts do not make


def test_the_example_facts_are_never_shipped() -> None:
    assert not (CONTENT_DIR / "publisher.example.json").exists()
    assert json.loads(SHIPPED.read_text(encoding="utf-8"))["publisher"] is None


def test_a_fact_in_the_wrong_shape_stops_the_site_with_one_line(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = json.loads(EXAMPLE_PUBLISHER.read_text(encoding="utf-8"))
    broken["beneficiary"]["siren"] = "123 456 789"  # fails the check digit
    path = tmp_path / "publisher.json"
    path.write_text(json.dumps(broken), encoding="utf-8")
    with pytest.raises(SystemExit) as stopped:
        create_app({"DATA_DIR": str(data_dir), "PUBLISHER_FILE": str(path)})
    assert stopped.value.code == 4  # gunicorn's "the app failed to load": its master stops too
    [line] = capsys.readouterr().err.splitlines()
    assert re.search(r"publisher.json: beneficiary.siren: .*check digit", line)


def test_hidden_fields_helper_still_finds_the_form(client: FlaskClient) -> None:
    assert set(hidden_fields(client.get("/en/donate/"), "donation-form")) >= {
        "csrf_token", "submission_key",
    }  # fmt: skip


@pytest.mark.parametrize("path", ["/fr/donnees-personnelles/", "/en/privacy/"])
def test_the_privacy_notice_says_what_why_how_long_and_every_right(
    client: FlaskClient, path: str
) -> None:
    main = main_text(client, path)
    french = path.startswith("/fr")
    rights = (
        ["d’accès", "de rectification", "d’effacement", "à la limitation", "d’opposition",
         "à la portabilité"]
        if french
        else ["access", "corrected", "erased", "restricted", "object", "portability"]
    )  # fmt: skip
    for right in rights:
        assert right in main
    assert "6, paragraphe 1, point e" in main if french else "Article 6(1)(e)" in main
    assert "intérêt légitime" not in main
    assert "legitimate interest" not in main
    assert "adresse IP" in main if french else "IP address" in main
    assert "6 mois" in main if french else "6 months" in main  # the access logs' period
    doc = soup(client.get(path).data)
    assert doc.select_one("main a[href='https://www.cnil.fr/']")
    cookies = [text_of(row.select_one("th")) for row in doc.select("main table tbody tr")]
    assert cookies == ["session", "lang"]
