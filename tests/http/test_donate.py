"""Giving without JavaScript, in both languages; every mistake gives its message.

Every test runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from iuc_portal.paths import CONTENT_DIR
from tests.conftest import make_app
from tests.forms import DONATION, errors_of, hidden_fields, submit
from tests.pages import soup, text_of
from tests.stored import stored

pytestmark = pytest.mark.databases

PAGES = {"fr": "/fr/faire-un-don/", "en": "/en/donate/"}


def test_the_page_explains_and_shows_the_form(client: FlaskClient) -> None:
    doc = soup(client.get("/en/donate/").data)
    main = text_of(doc.find("main"))
    assert "Exemple : bénéficiaire des dons" in main  # from the publisher's facts
    assert "To be supplied" not in main
    assert "Cerfa no. 11580" in main
    assert "2041-MEC-SD" in main
    form = doc.select_one("form#donation-form")
    assert form["method"] == "post"
    assert form.has_attr("novalidate")
    assert form.select_one("input[name=amount]")["inputmode"] == "decimal"
    legends = [text_of(legend) for legend in form.select("fieldset > legend")]
    assert legends[:3] == ["How often do you want to give?", "Who is giving?", "Amount"]
    autocomplete = {i["name"]: i.get("autocomplete") for i in form.select("input, select")}
    assert autocomplete["given_name"] == "given-name"
    assert autocomplete["family_name"] == "family-name"
    assert autocomplete["email"] == "email"
    assert autocomplete["address_line1"] == "address-line1"
    assert autocomplete["postal_code"] == "postal-code"
    assert autocomplete["country"] == "country"
    assert autocomplete["company_name"] == "organization"
    assert autocomplete["title"] == "honorific-prefix"
    newsletter = form.select_one("input[name=newsletter]")
    assert newsletter["type"] == "checkbox"
    assert not newsletter.has_attr("checked")
    assert "Personal data and cookies" in text_of(form)  # the notice beside the button
    assert not form.select("input[type=checkbox][required]")  # no consent box


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_the_whole_journey_without_javascript(client: FlaskClient, app: Flask, locale: str) -> None:
    data = {**DONATION, "frequency": "monthly", "preset": "other"}
    data["amount"] = "25,50" if locale == "fr" else "25.50"
    response = submit(client, PAGES[locale], "donation-form", data)
    assert response.status_code == 303
    thanks = response.headers["Location"]
    [record] = stored(app, "donations")
    assert record["locale"] == locale
    assert record["data"]["amount"] == "25.50"
    assert record["data"]["frequency"] == "monthly"
    assert record["reference"] in thanks
    page = client.get(thanks)
    assert page.status_code == 200
    main = text_of(soup(page.data).find("main"))
    assert record["reference"] in main
    if locale == "fr":
        assert "25,50 €" in main
        assert "Chaque mois" in main
        assert "8,67 € par mois, 104,04 € par an" in main
        assert "mandat de prélèvement" in main
    else:
        assert "€25.50" in main
        assert "Monthly" in main
        assert "€8.67 a month, €104.04 a year" in main
        assert "direct debit mandate" in main
    assert client.get(thanks).status_code == 200  # safe to reload


def test_a_confirmation_is_only_for_the_browser_that_gave(app: Flask, client: FlaskClient) -> None:
    thanks = submit(client, "/en/donate/", "donation-form", DONATION).headers["Location"]
    assert app.test_client().get(thanks).status_code == 404
    assert client.get(thanks.replace(thanks[-4:], "ZZZZ")).status_code == 404


def test_a_one_off_promise_says_how_to_pay_it(client: FlaskClient) -> None:
    thanks = submit(client, "/en/donate/", "donation-form", DONATION).headers["Location"]
    main = text_of(soup(client.get(thanks).data).find("main"))
    reference = thanks.rsplit("/", 1)[1]
    assert f"Your pledge has been recorded. Please keep this reference: {reference}." in main
    assert "To pay your gift of €50:" in main
    assert "Cheque payable to Exemple : ordre du chèque" in main
    assert "Send your cheque to:" in main
    assert f"Write the reference {reference} on the back of the cheque." in main
    assert "FR76 3000 6000 0112 3456 7890 189" in main  # the transfer's IBAN
    assert "€17" in main  # 50 after the 66 % reduction


AMOUNT_CASES = [
    ("en", {"preset": "other", "amount": ""}, "Choose an amount, or enter one in euros"),
    ("en", {"amount": "abc"}, "Enter the amount in figures, like 25.50"),
    ("fr", {"amount": "abc"}, "Saisissez le montant en chiffres, par exemple 25,50"),
    ("en", {"amount": "25,50"}, "Enter the amount in figures, like 25.50"),
    ("en", {"amount": "0"}, "Enter an amount greater than zero"),
    ("fr", {"amount": "0,00"}, "Saisissez un montant supérieur à zéro"),
    ("en", {"amount": "-10"}, "Enter the amount without a minus sign"),
    ("en", {"amount": "10.505"}, "Enter the amount with no more than 2 decimals, like 25.50"),
    ("en", {"amount": "4.99"}, "Enter an amount of at least €5"),
    ("fr", {"amount": "4,99"}, "Saisissez un montant d’au moins 5 €"),
    (
        "en",
        {"amount": "100000.01"},
        "Enter an amount of €100,000 or less; for a larger gift, please contact us",
    ),
    ("en", {"preset": "77"}, "Choose one of the amounts in the list"),
]
FIELD_CASES = [
    ("en", {"given_name": "  "}, "Enter your first name"),
    ("fr", {"family_name": ""}, "Saisissez votre nom"),
    ("en", {"email": "ada@"}, "Enter an email address like name@example.fr"),
    ("en", {"email": ""}, "Enter your email address"),
    ("en", {"address_line1": ""}, "Enter the first line of your address"),
    ("en", {"postal_code": ""}, "Enter your postcode"),
    ("en", {"city": ""}, "Enter your town or city"),
    ("en", {"country": "XX"}, "Choose a country from the list"),
    ("en", {"title": "dr"}, "Choose a title from the list"),
    ("en", {"frequency": "weekly"}, "Choose how often you want to give"),
    ("en", {"donor_type": "robot"}, "Choose who is giving"),
    ("en", {"given_name": "x" * 101}, "Enter no more than 100 characters"),
    ("en", {"donor_type": "company"}, "Enter the name of the company"),
    (
        "en",
        {"donor_type": "company", "company_name": "Acme"},
        "Enter the SIREN number of the company",
    ),
    (
        "en",
        {"donor_type": "company", "company_name": "Acme"},
        "Enter the legal form of the company, such as SAS",
    ),
    (
        "en",
        {"donor_type": "company", "company_name": "Acme", "siren": "123 456 789"},
        "Enter the 9-digit SIREN number of the company",
    ),
    (
        "fr",
        {"donor_type": "company", "company_name": "Acme", "siren": "12345"},
        "Saisissez le numéro SIREN à 9 chiffres de l’entreprise",
    ),
]


@pytest.mark.parametrize(("locale", "change", "message"), AMOUNT_CASES + FIELD_CASES)
def test_each_mistake_has_its_message_and_nothing_is_stored(
    client: FlaskClient, app: Flask, locale: str, change: dict, message: str
) -> None:
    data = {**DONATION, **change}
    response = submit(client, PAGES[locale], "donation-form", data)
    assert response.status_code == 200
    assert message in errors_of(response)
    doc = soup(response.data)
    assert doc.title.get_text().startswith("Error: " if locale == "en" else "Erreur\u00a0: ")
    summary = doc.select_one(".error-summary")
    assert summary.has_attr("autofocus")
    assert summary["tabindex"] == "-1"
    [link] = [a for a in summary.select("a") if text_of(a) == message]
    target = doc.find(id=link["href"][1:])
    assert target is not None
    assert target.name in {"input", "select", "textarea"}
    assert stored(app, "donations") == []


@pytest.mark.parametrize(
    ("locale", "amount", "shown"),
    [
        ("fr", "4,99", "5\u00a0€"),
        ("en", "100000.01", "€100,000"),
        ("fr", "2000000", "100\u202f000\u00a0€"),
    ],
)
def test_the_limits_in_amount_messages_are_isolated(
    client: FlaskClient, locale: str, amount: str, shown: str
) -> None:
    # An amount in a right-to-left sentence keeps its own order only inside a <bdi>.
    doc = soup(submit(client, PAGES[locale], "donation-form", {**DONATION, "amount": amount}).data)
    for message in (doc.select_one(".error-summary a"), doc.select_one("#amount-error")):
        assert [bdi.get_text() for bdi in message.select("bdi")] == [shown]
        assert "<" not in message.get_text()
    live = soup(client.get(f"{PAGES[locale]}?preset=other&amount={amount}", headers={
        "HX-Request": "true", "HX-Target": "estimate"}).data)  # fmt: skip
    assert [bdi.get_text() for bdi in live.select("bdi")] == [shown]


def test_a_field_with_an_error_is_described_by_it(client: FlaskClient) -> None:
    response = submit(client, "/en/donate/", "donation-form", {**DONATION, "email": "nope"})
    email = soup(response.data).select_one("input[name=email]")
    assert email["aria-invalid"] == "true"
    error_id = email["aria-describedby"].split()[-1]
    assert text_of(soup(response.data).find(id=error_id)).endswith(
        "Enter an email address like name@example.fr"
    )


def test_everything_typed_is_kept_after_an_error(client: FlaskClient) -> None:
    data = {**DONATION, "email": "nope", "in_memory_of": "Marie Curie", "amount": "42",
            "donor_type": "company", "company_name": "Acme", "siren": "732829320"}  # fmt: skip
    doc = soup(submit(client, "/en/donate/", "donation-form", data).data)
    form = doc.select_one("form#donation-form")
    for name in ("given_name", "family_name", "email", "in_memory_of", "amount", "company_name"):
        assert form.select_one(f"input[name={name}]")["value"] == data[name]
    assert form.select_one("input[name=donor_type][value=company]").has_attr("checked")
    assert form.select_one("select[name=title] option[value=ms]").has_attr("selected")


def test_a_valid_company_gift_is_stored_with_its_siren(client: FlaskClient, app: Flask) -> None:
    data = {**DONATION, "donor_type": "company", "company_name": "Acme", "siren": "732 829 320",
            "company_legal_form": "SAS"}  # fmt: skip
    assert submit(client, "/en/donate/", "donation-form", data).status_code == 303
    [record] = stored(app, "donations")
    assert record["data"]["siren"] == "732829320"
    assert record["data"]["company_name"] == "Acme"
    assert record["data"]["company_legal_form"] == "SAS"


def test_a_link_may_choose_the_gift_but_never_fill_in_personal_details(
    client: FlaskClient,
) -> None:
    doc = soup(
        client.get("/en/donate/?amount=75&frequency=monthly&email=x@y.z&given_name=Eve").data
    )
    assert doc.select_one("input[name=amount]")["value"] == "75"
    assert doc.select_one("input[name=frequency][value=monthly]").has_attr("checked")
    assert doc.select_one("input[name=email]")["value"] == ""
    assert doc.select_one("input[name=given_name]")["value"] == ""


def test_the_estimate_is_computed_on_the_server_without_javascript(client: FlaskClient) -> None:
    doc = soup(client.get("/fr/faire-un-don/").data)
    assert "un don de 50 € vous revient à 17 €" in text_of(doc.select_one("#estimate"))
    prefilled = soup(client.get("/en/donate/?amount=100&donor_type=company").data)
    assert "a gift of €100 costs your company €40" in text_of(prefilled.select_one("#estimate"))
    estimate = text_of(
        soup(submit(client, "/en/donate/", "donation-form", {**DONATION, "email": ""}).data)
        .select_one("#estimate")
    )  # fmt: skip
    assert "a gift of €50 costs you €17 (up to a limit of 20% of your" in estimate


def test_a_donor_type_without_a_reduction_is_told_so(
    tmp_path: Path, data_dir: Path, database_url: str | None
) -> None:
    content = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, content)
    settings = json.loads((content / "donations.json").read_text(encoding="utf-8"))
    settings["eligible_reductions"] = ["individual"]
    (content / "donations.json").write_text(json.dumps(settings), encoding="utf-8")
    app = make_app(data_dir, database_url, TESTING=True, CONTENT_DIR=str(content))
    try:
        client = app.test_client()
        company = text_of(
            soup(client.get("/fr/faire-un-don/?amount=100&donor_type=company").data)
            .select_one("#estimate")
        )  # fmt: skip
        assert company == (
            "Estimation : aucune réduction d’impôt n’est calculée pour ce type de donateur."
        )
        person = soup(client.get("/en/donate/?amount=100&donor_type=individual").data)
        assert "a gift of €100 costs you €34" in text_of(person.select_one("#estimate"))
    finally:
        app.extensions["iuc_store"].engine.dispose()


def test_a_double_submit_records_the_gift_once(client: FlaskClient, app: Flask) -> None:
    hidden = hidden_fields(client.get("/en/donate/"), "donation-form")
    first = client.post("/en/donate/", data={**hidden, **DONATION})
    second = client.post("/en/donate/", data={**hidden, **DONATION})
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert len(stored(app, "donations")) == 1


def test_a_missing_token_is_refused_in_the_visitors_language(
    client: FlaskClient, app: Flask
) -> None:
    hidden = hidden_fields(client.get("/fr/faire-un-don/"), "donation-form")
    del hidden["csrf_token"]
    response = client.post("/fr/faire-un-don/", data={**hidden, **DONATION})
    assert response.status_code == 400
    assert text_of(soup(response.data).find("h1")) == "Demande incorrecte"
    assert stored(app, "donations") == []


def test_a_forged_token_is_refused(client: FlaskClient, app: Flask) -> None:
    hidden = hidden_fields(client.get("/en/donate/"), "donation-form")
    hidden["csrf_token"] = "forged." + hidden["csrf_token"][7:]
    assert client.post("/en/donate/", data={**hidden, **DONATION}).status_code == 400
    assert stored(app, "donations") == []


def test_a_token_of_an_ended_session_gives_the_form_back(client: FlaskClient, app: Flask) -> None:
    """An old tab whose session was replaced: nothing stored, nothing lost."""
    old_tab = hidden_fields(client.get("/en/donate/"), "donation-form")
    client.delete_cookie("session")
    client.get("/en/contacts/")  # another page starts a new session
    response = client.post("/en/donate/", data={**old_tab, **DONATION})
    assert response.status_code == 200
    doc = soup(response.data)
    assert "the form expired before it was sent" in text_of(doc.select_one(".error-summary"))
    assert doc.title.get_text().startswith("Error: ")
    assert doc.select_one("input[name=given_name]")["value"] == "Ada"
    assert stored(app, "donations") == []


def test_an_expired_session_gives_the_form_back_filled_with_a_fresh_token(
    client: FlaskClient, app: Flask
) -> None:
    hidden = hidden_fields(client.get("/en/donate/"), "donation-form")
    client.delete_cookie("session")  # the browser was closed and reopened
    response = client.post("/en/donate/", data={**hidden, **DONATION})
    assert response.status_code == 200
    doc = soup(response.data)
    assert "the form expired before it was sent" in text_of(doc.select_one(".error-summary"))
    assert doc.select_one("input[name=given_name]")["value"] == "Ada"
    fresh = hidden_fields(response, "donation-form")
    assert fresh["csrf_token"] != hidden["csrf_token"]
    assert stored(app, "donations") == []
    again = client.post("/en/donate/", data={**fresh, **DONATION})
    assert again.status_code == 303
    assert len(stored(app, "donations")) == 1


def test_the_honeypot_stores_nothing(client: FlaskClient, app: Flask) -> None:
    response = submit(client, "/en/donate/", "donation-form", {**DONATION, "iuc_hp": "http://spam"})
    assert response.status_code == 400
    assert stored(app, "donations") == []


HX = {"HX-Request": "true", "HX-Target": "donation-form"}


def test_htmx_gets_the_form_fragment_with_its_title(client: FlaskClient, app: Flask) -> None:
    response = submit(client, "/en/donate/", "donation-form", {**DONATION, "email": ""}, headers=HX)
    body = response.get_data(as_text=True)
    assert body.startswith("<title>Error: Make a donation – ")
    assert "<html" not in body
    assert "<form" in body
    assert 'class="error-summary"' in body
    assert "HX-Request" in response.vary
    assert stored(app, "donations") == []


def test_htmx_success_loads_the_confirmation_page(client: FlaskClient, app: Flask) -> None:
    response = submit(client, "/en/donate/", "donation-form", DONATION, headers=HX)
    assert response.status_code == 200
    assert "/en/donate/thank-you/DON-" in response.headers["HX-Redirect"]
    assert len(stored(app, "donations")) == 1


def test_htmx_estimate_fragment_and_full_page_otherwise(client: FlaskClient) -> None:
    query = "/fr/faire-un-don/?preset=other&amount=20&frequency=monthly&donor_type=individual"
    fragment = client.get(query, headers={"HX-Request": "true", "HX-Target": "estimate"})
    text = text_of(soup(fragment.data))
    assert "<form" not in fragment.get_data(as_text=True)
    assert "<title>" not in fragment.get_data(as_text=True)
    assert "un don mensuel de 20 € vous revient à 6,80 € par mois" in text
    assert "81,60 € par an pour 240 € donnés" in text
    assert "HX-Request" in fragment.vary
    full = client.get(query)
    assert "<html" in full.get_data(as_text=True)
    restore = client.get(
        query, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert "<html" in restore.get_data(as_text=True)


def test_too_many_submissions_get_a_localized_429(data_dir: Path) -> None:
    from iuc_portal import create_app

    app = create_app(
        {"DATA_DIR": str(data_dir), "SECRET_KEY": "k" * 40, "FORM_RATE_LIMIT": "2 per minute"}
    )
    client = app.test_client()
    codes = [
        submit(client, "/fr/faire-un-don/", "donation-form", {**DONATION, "email": ""}).status_code
        for _ in range(3)
    ]
    assert codes == [200, 200, 429]
    response = submit(client, "/fr/faire-un-don/", "donation-form", DONATION)
    assert text_of(soup(response.data).find("h1")) == "Trop de tentatives"
    assert "Retry-After" in response.headers
    assert client.get("/fr/faire-un-don/").status_code == 200  # reading is not limited


def test_rate_limiting_can_be_switched_off(data_dir: Path) -> None:
    from iuc_portal import create_app

    app = create_app(
        {
            "DATA_DIR": str(data_dir),
            "SECRET_KEY": "k" * 40,
            "FORM_RATE_LIMIT": "1 per minute",
            "RATELIMIT_ENABLED": False,
        }
    )
    client = app.test_client()
    for _ in range(3):
        assert (
            submit(client, "/en/donate/", "donation-form", {**DONATION, "email": ""}).status_code
            == 200
        )


def test_an_oversized_body_is_refused_in_the_visitors_language(client: FlaskClient) -> None:
    response = submit(
        client, "/fr/faire-un-don/", "donation-form", {**DONATION, "in_memory_of": "x" * 70000}
    )
    assert response.status_code == 413
    assert text_of(soup(response.data).find("h1")) == "Trop de données"


def test_back_changed_and_sent_again_is_not_silently_the_first_gift(
    client: FlaskClient, app: Flask
) -> None:
    hidden = hidden_fields(client.get("/en/donate/"), "donation-form")
    first = client.post("/en/donate/", data={**hidden, **DONATION})
    assert first.status_code == 303
    changed = client.post("/en/donate/", data={**hidden, **DONATION, "preset": "100"})
    assert changed.status_code == 200
    doc = soup(changed.data)
    [record] = stored(app, "donations")
    summary = text_of(doc.select_one(".error-summary"))
    assert "Your pledge has already been recorded" in summary
    assert record["reference"] in summary
    assert not doc.title.get_text().startswith("Error")  # nothing went wrong: it is recorded
    fresh = hidden_fields(changed, "donation-form")
    assert fresh["submission_key"] != hidden["submission_key"]
    again = client.post("/en/donate/", data={**fresh, **DONATION, "preset": "100"})
    assert again.status_code == 303
    assert [r["data"]["amount"] for r in stored(app, "donations")] == ["50.00", "100.00"]


def test_a_preset_amount_is_stored_with_cents_like_a_typed_one(
    client: FlaskClient, app: Flask
) -> None:
    """Exports list amounts one way: 50.00 beside 25.50, never 50."""
    submit(client, "/en/donate/", "donation-form", DONATION)
    submit(client, "/en/donate/", "donation-form", {**DONATION, "preset": "other", "amount": "30"})
    assert [record["data"]["amount"] for record in stored(app, "donations")] == ["50.00", "30.00"]


def test_the_page_states_the_limits_the_mandate_and_the_net_costs(client: FlaskClient) -> None:
    doc = soup(client.get("/fr/faire-un-don/").data)
    amount = doc.select_one("input[name=amount]")
    hint = text_of(doc.find(id=amount["aria-describedby"].split()[0]))
    assert hint.startswith("Entre 5 € et 100 000 €.")
    frequency = doc.select_one("fieldset:has(input[name=frequency])")
    assert "prélèvement" in text_of(frequency.select_one(".field__hint"))
    table = doc.select_one("main table")
    assert [th["scope"] for th in table.select("thead th")] == ["col"] * 3
    rows = [[text_of(cell) for cell in row.select("th, td")] for row in table.select("tbody tr")]
    assert rows[0] == ["30 €", "10,20 €", "12 €"]
    assert rows[2] == ["100 €", "34 €", "40 €"]  # the facts' own example: 100 € costs 34 €
    assert all(row[0].endswith("€") for row in rows)
    # Without a script the live estimate cannot follow the choices: it stays hidden.
    assert doc.select_one("#estimate").has_attr("hidden")


def test_the_country_list_is_iso_countries_named_and_sorted_in_the_language(
    client: FlaskClient,
) -> None:
    for path, first, before, after in (
        ("/fr/faire-un-don/", "France", "Égypte", "Équateur"),
        ("/en/donate/", "France", "Egypt", "El Salvador"),
    ):
        options = soup(client.get(path).data).select("select[name=country] option")
        codes = [option["value"] for option in options]
        names = [text_of(option) for option in options]
        assert names[0] == first
        assert options[0].has_attr("selected")
        assert len(codes) == len(set(codes)) == 249  # ISO 3166-1, no region or grouping
        assert not {"EU", "EZ", "UN", "QO", "001", "150"} & set(codes)
        assert names.index(before) < names.index(after)
        assert "Allemagne" in names if path.startswith("/fr") else "Germany" in names
    # A failed post keeps the country chosen.
    response = submit(client, "/en/donate/", "donation-form", {**DONATION, "country": "BE",
                                                                "email": ""})  # fmt: skip
    chosen = soup(response.data).select("select[name=country] option[selected]")
    assert [option["value"] for option in chosen] == ["BE"]
