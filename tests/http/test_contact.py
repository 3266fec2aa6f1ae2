"""Writing to a team without JavaScript, and delivery to a real SMTP server.

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
from tests.forms import errors_of, hidden_fields, submit
from tests.pages import soup, text_of
from tests.smtp import SmtpServer
from tests.stored import deliver, event_types, stored

pytestmark = pytest.mark.databases

PAGES = {"fr": "/fr/contacts/", "en": "/en/contacts/"}
MESSAGE = {
    "subject": "pneumology",
    "name": "Jean Dupont",
    "email": "jean@example.org",
    "phone": "06 12 34 56 78",
    "message": "Bonjour,\nJe voudrais un rendez-vous.",
}
SENDER = "Site IUC <site@iuc.example>"


def test_the_page_warns_it_is_not_for_emergencies(client: FlaskClient) -> None:
    for path, numbers in (("/fr/contacts/", "15 (SAMU"), ("/en/contacts/", "15 (SAMU")):
        main = text_of(soup(client.get(path).data).find("main"))
        assert numbers in main
        assert "112" in main


@pytest.mark.parametrize(
    ("locale", "stated"),
    [("en", "You can enter up to 2,000 characters."),
     ("fr", "Vous pouvez saisir jusqu’à 2\u202f000 caractères.")],
)  # fmt: skip
def test_the_message_limit_is_stated_and_counted(
    client: FlaskClient, locale: str, stated: str
) -> None:
    doc = soup(client.get(PAGES[locale]).data)
    message = doc.select_one("textarea[name=message]")
    assert message["maxlength"] == "2000"
    counter = doc.find(id=message["data-count"])
    assert counter.get_text().strip() == stated  # the thousands separator does not break
    assert counter["aria-live"] == "polite"
    assert counter["id"] in message["aria-describedby"].split()


def test_a_department_page_links_to_the_form_with_its_department_chosen(
    client: FlaskClient,
) -> None:
    doc = soup(client.get("/fr/services/urologie").data)
    link = next(a for a in doc.select("main a") if text_of(a) == "Écrire à ce service")
    form = soup(client.get(link["href"].split("#")[0]).data)
    assert form.select_one("select[name=subject] option[selected]")["value"] == "urology"


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_the_whole_journey_without_javascript(client: FlaskClient, app: Flask, locale: str) -> None:
    response = submit(client, PAGES[locale], "contact-form", MESSAGE)
    assert response.status_code == 303
    [record] = stored(app, "messages")
    assert record["reference"].startswith("MSG-")
    assert record["locale"] == locale
    assert record["data"]["phone"] == "+33612345678"
    assert record["data"]["message"] == "Bonjour,\nJe voudrais un rendez-vous."
    page = client.get(response.headers["Location"])
    main = text_of(soup(page.data).find("main"))
    assert record["reference"] in main
    assert ("Pneumologie" if locale == "fr" else "Pneumology") in main
    assert "jean@example.org" in main
    assert event_types(app, "messages") == []  # no SMTP configured: stored, waiting


@pytest.mark.parametrize(
    ("locale", "change", "message"),
    [
        ("en", {"name": ""}, "Enter your name"),
        ("fr", {"name": " "}, "Saisissez votre prénom et votre nom"),
        ("en", {"email": "jean"}, "Enter an email address like name@example.fr"),
        ("en", {"phone": "12"}, "Enter a phone number, like 01 23 45 67 89 or +33 1 23 45 67 89"),
        ("en", {"message": ""}, "Enter your message"),
        ("en", {"message": "x" * 2001}, "Shorten your message to 2,000 characters or fewer"),
        (
            "fr",
            {"message": "x" * 2001},
            "Raccourcissez votre message pour qu’il ne dépasse pas 2 000 caractères",
        ),
        ("fr", {"subject": "nowhere"}, "Choisissez à qui vous écrivez"),
    ],
)
def test_each_mistake_has_its_message_and_nothing_is_stored(
    client: FlaskClient, app: Flask, locale: str, change: dict, message: str
) -> None:
    response = submit(client, PAGES[locale], "contact-form", {**MESSAGE, **change})
    assert response.status_code == 200
    assert errors_of(response) == [message]
    assert stored(app, "messages") == []
    if "message" not in change:  # what was typed is still there
        kept = soup(response.data).select_one("textarea[name=message]").get_text()
        assert kept.strip() == MESSAGE["message"]


def test_the_limit_in_the_error_is_written_with_a_space_that_does_not_break(
    client: FlaskClient,
) -> None:
    response = submit(client, PAGES["fr"], "contact-form", {**MESSAGE, "message": "x" * 2001})
    assert "pas 2\u202f000 caractères" in response.get_data(as_text=True)


def test_line_breaks_count_once_as_in_the_browser(client: FlaskClient, app: Flask) -> None:
    text = ("x" * 99 + "\r\n") * 20  # 2000 characters as the browser counts them
    response = submit(client, "/en/contacts/", "contact-form", {**MESSAGE, "message": text})
    assert response.status_code == 303
    assert "\r" not in stored(app, "messages")[0]["data"]["message"]


def test_phone_is_optional(client: FlaskClient, app: Flask) -> None:
    assert (
        submit(client, "/en/contacts/", "contact-form", {**MESSAGE, "phone": ""}).status_code == 303
    )
    assert stored(app, "messages")[0]["data"]["phone"] is None


def test_double_submit_and_csrf(client: FlaskClient, app: Flask) -> None:
    hidden = hidden_fields(client.get("/en/contacts/"), "contact-form")
    first = client.post("/en/contacts/", data={**hidden, **MESSAGE})
    second = client.post("/en/contacts/", data={**hidden, **MESSAGE})
    assert first.headers["Location"] == second.headers["Location"]
    no_token = {key: value for key, value in hidden.items() if key != "csrf_token"}
    assert client.post("/en/contacts/", data={**no_token, **MESSAGE}).status_code == 400
    assert len(stored(app, "messages")) == 1


def test_htmx_submit_gets_the_form_fragment(client: FlaskClient) -> None:
    headers = {"HX-Request": "true", "HX-Target": "contact-form"}
    response = submit(
        client, "/en/contacts/", "contact-form", {**MESSAGE, "name": ""}, headers=headers
    )
    body = response.get_data(as_text=True)
    assert body.startswith("<title>Error: Contact us – ")
    assert 'id="contact-form"' in body
    assert "<html" not in body
    ok = submit(client, "/en/contacts/", "contact-form", MESSAGE, headers=headers)
    assert ok.headers["HX-Redirect"].startswith("/en/contacts/thank-you/MSG-")


def test_every_form_refuses_a_post_without_token(app: Flask) -> None:
    client = app.test_client()
    posts = [rule for rule in app.url_map.iter_rules() if "POST" in rule.methods]
    assert posts
    for rule in posts:
        assert client.post(rule.rule, data={"name": "x"}).status_code == 400, rule.rule


# Delivery: queued with the message, sent by the delivery loop (one pass here)


@pytest.fixture
def app_with_mail(data_dir: Path, database_url: str | None):
    """An app sending to an SMTP server, as the tests give it."""
    made: list[Flask] = []

    def make(
        smtp_url: str, content_dir: Path | None = None, mail_to: str | None = "equipe@iuc.example"
    ) -> Flask:
        config = {"SMTP_URL": smtp_url, "MAIL_FROM": SENDER, "MAIL_TO": mail_to}
        if content_dir:
            config["CONTENT_DIR"] = str(content_dir)
        made.append(make_app(data_dir, database_url, **config))
        return made[-1]

    yield make
    for app in made:
        app.extensions["iuc_store"].engine.dispose()


@pytest.fixture
def content_with_department_email(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, target)
    path = target / "departments.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    for department in data["departments"]:
        if department["id"] == "pneumology":
            department["email"] = "pneumo@iuc.example"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return target


@pytest.mark.parametrize(
    ("locale", "subject", "expected_to", "intro"),
    [
        ("fr", "pneumology", "pneumo@iuc.example", "Destinataire\u00a0: Pneumologie"),
        ("en", "urology", "equipe@iuc.example", "A visitor wrote to Urology"),
        ("en", "general", "equipe@iuc.example", "A visitor wrote to The institute"),
    ],
)
def test_a_message_is_mailed_to_its_team_in_the_visitors_language(
    app_with_mail, smtp_server: SmtpServer, content_with_department_email: Path,
    locale: str, subject: str, expected_to: str, intro: str,
) -> None:  # fmt: skip
    app = app_with_mail(smtp_server.url, content_with_department_email)
    client = app.test_client()
    data = {**MESSAGE, "subject": subject}
    assert submit(client, PAGES[locale], "contact-form", data).status_code == 303
    assert smtp_server.inbox.messages == []  # the request itself sends nothing
    assert deliver(app).sent == 1
    [record] = stored(app, "messages")
    [mail] = smtp_server.inbox.messages
    assert smtp_server.inbox.recipients == [[expected_to]]
    assert mail["To"] == expected_to
    assert mail["From"] == SENDER
    assert mail["Reply-To"] == "jean@example.org"
    assert "jean@example.org" not in mail["From"]
    assert record["reference"] in mail["Subject"]
    assert mail["Content-Language"] == locale
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    for part in (text, html):
        assert intro in part
        assert "Jean Dupont" in part
        assert "Je voudrais un rendez-vous." in part
    assert f'lang="{locale}"' in html
    assert "<script" not in html
    assert event_types(app, "messages") == ["mail_sent"]
    assert deliver(app).sent == 0  # never twice


def test_html_in_a_message_is_escaped_in_the_mail(app_with_mail, smtp_server: SmtpServer) -> None:
    app = app_with_mail(smtp_server.url)
    evil = {**MESSAGE, "name": "<b>Jean</b>", "message": "<script>alert(1)</script>"}
    submit(app.test_client(), "/en/contacts/", "contact-form", evil)
    deliver(app)
    html = smtp_server.inbox.messages[0].get_body(("html",)).get_content()
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_an_outage_keeps_the_message_and_deliver_sends_it_exactly_once(
    app_with_mail, smtp_server: SmtpServer
) -> None:
    smtp_server.stop()
    app = app_with_mail(smtp_server.url)
    client = app.test_client()
    response = submit(client, "/fr/contacts/", "contact-form", MESSAGE)
    assert response.status_code == 303
    assert client.get(response.headers["Location"]).status_code == 200
    assert len(stored(app, "messages")) == 1
    assert deliver(app).failed == 1
    assert event_types(app, "messages") == ["mail_failed"]

    smtp_server.start()
    runner = app.test_cli_runner()
    assert (
        "1 sent, 0 failed, 0 rejected, 0 waiting"
        in runner.invoke(args=["messages", "deliver"]).output
    )
    assert (
        "0 sent, 0 failed, 0 rejected, 0 waiting"
        in runner.invoke(args=["messages", "deliver"]).output
    )
    assert deliver(app).sent == 0
    assert len(smtp_server.inbox.messages) == 1
    assert event_types(app, "messages") == ["mail_failed", "mail_sent"]


def test_without_any_recipient_the_message_waits(app_with_mail, smtp_server: SmtpServer) -> None:
    app = app_with_mail(smtp_server.url, mail_to=None)
    submit(app.test_client(), "/en/contacts/", "contact-form", MESSAGE)
    assert deliver(app).waiting == 1
    assert smtp_server.inbox.messages == []
    assert event_types(app, "messages") == []
    assert (
        "0 sent, 0 failed, 0 rejected, 1 waiting"
        in app.test_cli_runner().invoke(args=["messages", "deliver"]).output
    )
