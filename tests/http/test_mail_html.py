"""The HTML part of every mail the site sends reads well with assistive technology.

Each mail is composed as the site composes it: a visitor sends the form with
the test client, staff or Stripe's webhook settle the gift, and one pass of the
delivery loop (outside any request) hands the mail to a real SMTP server. Then
its HTML is read as a mail client and a screen reader would: its language and
direction, one h1 and no skipped heading level, a viewport, every phone number
a ``tel:`` link, no script nor stylesheet; and it passes the Nu Html Checker.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import phonenumbers
import pytest
from flask import Flask
from flask.testing import FlaskClient

from iuc_portal import create_app
from iuc_portal.paths import CONTENT_DIR, TRANSLATIONS_DIR
from tests.forms import CONTACT, DONATION, submit
from tests.languages import add_language
from tests.pages import soup, text_of
from tests.servers import free_port
from tests.smtp import Inbox, SmtpServer
from tests.stored import deliver
from tests.stripe_stub import SECRET_KEY, WEBHOOK_SECRET, StripeStub, sign

ROOT = Path(__file__).resolve().parents[2]
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

# Each locale: its lang tag and direction. Arabic is a catalog dropped into a
# copy of translations/ (tests/languages.py), for a right-to-left mail.
LOCALES = {"fr": ("fr", "ltr"), "en": ("en", "ltr"), "ar": ("ar", "rtl")}
# Arabic has no URL words of its own: the English ones serve.
DONATE = {"fr": "/fr/faire-un-don/", "en": "/en/donate/", "ar": "/ar/donate/"}
CONTACTS = {"fr": "/fr/contacts/", "en": "/en/contacts/", "ar": "/ar/contacts/"}
# Every mail, in each state of the payment its wording depends on.
MAILS = (
    "pledge",  # an offline one-off gift: pay by cheque or transfer
    "monthly pledge",  # an offline monthly gift: a mandate to sign
    "online gift",  # paid on Stripe's page, acknowledged once the webhook says so
    "message",  # a visitor's message to a department, with their phone number
    "receipt",  # the tax receipt, mailed once the gift is paid
)
SENDER = "IUC <dons@iuc.example>"
VISITOR = "+33612345678"  # the phone number of tests.forms.CONTACT, in E.164
# The coordination unit's number, which the donor's mails give for questions.
SITE = json.loads((CONTENT_DIR / "site.json").read_text(encoding="utf-8"))
COORDINATION = SITE["coordination"]["phone"]
E164 = re.compile(r"tel:\+[1-9][0-9]{1,14}")
YEAR = dt.date.today().year
# Paid on 15 January, or earlier in the first days of the year: never in the future.
PAID_ON = min(dt.date.today(), dt.date(YEAR, 1, 15))


# The mails, by (mail, locale).
Composed = dict[tuple[str, str], EmailMessage]


def _site(folder: Path, translations: Path, smtp: SmtpServer, **config) -> Flask:
    return create_app(
        {"TESTING": True, "DATA_DIR": str(folder / "var"), "TRANSLATIONS_DIR": str(translations),
         "SECRET_KEY": "m" * 40, "SMTP_URL": smtp.url, "MAIL_FROM": SENDER,
         "MAIL_TO": "equipe@iuc.example", **config}
    )  # fmt: skip


def _sent(app: Flask, smtp: SmtpServer, prefix: str) -> EmailMessage:
    """The one mail the next delivery pass sends whose Message-ID starts with ``prefix``."""
    before = len(smtp.inbox.messages)
    report = deliver(app)
    assert report is not None
    assert report.failed == report.rejected == 0, report
    [mail] = [m for m in smtp.inbox.messages[before:] if m["Message-ID"].startswith(f"<{prefix}")]
    return mail


def _give(client: FlaskClient, locale: str, **change: str) -> None:
    response = submit(client, DONATE[locale], "donation-form", {**DONATION, **change})
    assert response.status_code in (302, 303), response.get_data(as_text=True)[:500]


def _offline_mails(app: Flask, smtp: SmtpServer, locale: str) -> dict[str, EmailMessage]:
    client = app.test_client()
    mails = {}
    _give(client, locale)
    mails["pledge"] = _sent(app, smtp, "donation.")
    _give(client, locale, frequency="monthly", preset="30")
    mails["monthly pledge"] = _sent(app, smtp, "donation.")
    [pledge, _monthly] = app.extensions["iuc_store"].records("donations")
    paid = app.test_cli_runner().invoke(
        args=["donations", "mark-paid", pledge.reference, "--method", "transfer",
              "--date", PAID_ON.isoformat()]
    )  # fmt: skip
    assert paid.exit_code == 0, paid.output
    mails["receipt"] = _sent(app, smtp, "receipt.")
    response = submit(client, CONTACTS[locale], "contact-form", CONTACT)
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    mails["message"] = _sent(app, smtp, "message.")
    return mails


def _online_mail(app: Flask, smtp: SmtpServer, stub: StripeStub, locale: str) -> EmailMessage:
    client = app.test_client()
    _give(client, locale)
    [session] = stub.sessions
    body = json.dumps(stub.complete(session)).encode()
    response = client.post("/payments/stripe/webhook", data=body,
                           headers={"Stripe-Signature": sign(body)})  # fmt: skip
    assert response.status_code == 200, response.get_data(as_text=True)
    return _sent(app, smtp, "donation.")


@pytest.fixture(scope="module")
def composed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Composed]:
    """Every mail in every locale, composed once for the module."""
    translations = tmp_path_factory.mktemp("mail-i18n") / "translations"
    shutil.copytree(TRANSLATIONS_DIR, translations)
    add_language(translations, "ar")
    smtp = SmtpServer(port=free_port(), inbox=Inbox())
    smtp.start()
    apps: list[Flask] = []
    mails: Composed = {}
    try:
        for locale in LOCALES:
            offline = _site(tmp_path_factory.mktemp(f"offline-{locale}"), translations, smtp)
            apps.append(offline)
            for name, mail in _offline_mails(offline, smtp, locale).items():
                mails[name, locale] = mail
            stub = StripeStub().start()
            try:
                online = _site(
                    tmp_path_factory.mktemp(f"online-{locale}"), translations, smtp,
                    PAYMENT_PROVIDER="stripe", STRIPE_SECRET_KEY=SECRET_KEY,
                    STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET, STRIPE_API_BASE=stub.url,
                )  # fmt: skip
                apps.append(online)
                mails["online gift", locale] = _online_mail(online, smtp, stub, locale)
            finally:
                stub.stop()
        yield mails
    finally:
        smtp.stop()
        for app in apps:
            app.extensions["iuc_store"].engine.dispose()


def html_of(mail: EmailMessage) -> str:
    return mail.get_body(("html",)).get_content()


CASES = [pytest.param(name, locale, id=f"{name}-{locale}") for name in MAILS for locale in LOCALES]


@pytest.mark.parametrize(("name", "locale"), CASES)
def test_the_mail_is_in_its_language_and_direction(
    composed: Composed, name: str, locale: str
) -> None:
    """Mail clients often drop <html>'s attributes: the mail's wrapper says them again."""
    mail = composed[name, locale]
    tag, direction = LOCALES[locale]
    # The receipt's Content-Language is on its text and HTML (multipart/alternative):
    # its PDF is in French, whatever the donor's language.
    [language] = {part["Content-Language"] for part in mail.walk() if part["Content-Language"]}
    assert language == locale
    doc = soup(html_of(mail))
    html = doc.find("html")
    assert (html.get("lang"), html.get("dir")) == (tag, direction)
    wrapper = doc.body.find(recursive=False)
    assert (wrapper.get("lang"), wrapper.get("dir")) == (tag, direction)


@pytest.mark.parametrize(("name", "locale"), CASES)
def test_one_h1_names_the_mail_and_no_heading_level_is_skipped(
    composed: Composed, name: str, locale: str
) -> None:
    mail = composed[name, locale]
    doc = soup(html_of(mail))
    subject = " ".join(mail["Subject"].split())
    headings = doc.find_all(re.compile(r"^h[1-6]$"))
    levels = [int(heading.name[1]) for heading in headings]
    assert levels[0] == 1, levels
    assert levels.count(1) == 1, levels
    for before, after in itertools.pairwise(levels):
        assert after <= before + 1, levels
    assert text_of(headings[0]) == subject
    assert text_of(doc.title) == subject
    if name in ("pledge", "monthly pledge", "message"):
        assert 2 in levels  # what happens next; the visitor's message


@pytest.mark.parametrize(("name", "locale"), CASES)
def test_the_mail_fits_a_phone_screen_and_says_its_encoding(
    composed: Composed, name: str, locale: str
) -> None:
    doc = soup(html_of(composed[name, locale]))
    assert doc.select_one("head > meta[charset]")["charset"].lower() == "utf-8"
    viewport = doc.select_one("head > meta[name=viewport]")
    assert viewport["content"] == "width=device-width, initial-scale=1"


@pytest.mark.parametrize(("name", "locale"), CASES)
def test_every_phone_number_is_a_tel_link_in_e164(
    composed: Composed, name: str, locale: str
) -> None:
    doc = soup(html_of(composed[name, locale]))
    found = set()
    for node in doc.body.find_all(string=True):
        for match in phonenumbers.PhoneNumberMatcher(str(node), "FR"):
            e164 = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
            link = node.find_parent("a")
            assert link is not None, f"{match.raw_string} is not a link"
            assert link["href"] == f"tel:{e164}", link
            found.add(e164)
    links = doc.select("a[href^='tel:']")
    assert links
    for link in links:
        assert E164.fullmatch(link["href"]), link["href"]
        # Digits keep their order in a right-to-left sentence.
        assert link.get("dir") == "ltr"
    # The department's mail shows the visitor's number, to call back; the donor's, the unit's.
    assert found == ({VISITOR} if name == "message" else {COORDINATION})


@pytest.mark.parametrize(("name", "locale"), CASES)
def test_the_mail_has_no_script_and_no_stylesheet(
    composed: Composed, name: str, locale: str
) -> None:
    """What mail clients keep: markup with inline styles, nothing to fetch or run."""
    doc = soup(html_of(composed[name, locale]))
    assert doc.find(["script", "style", "link", "iframe", "form", "object", "embed"]) is None
    for element in doc.find_all(True):
        handlers = [attribute for attribute in element.attrs if attribute.startswith("on")]
        assert handlers == [], element.name
        assert not element.get("href", "").lower().startswith("javascript:")


@pytest.mark.parametrize("locale", LOCALES)
def test_lists_of_facts_are_description_lists(composed: Composed, locale: str) -> None:
    """A label and its value (reference, amount, phone…) are a <dt> and its <dd>."""
    for name in ("pledge", "monthly pledge", "online gift", "message"):
        doc = soup(html_of(composed[name, locale]))
        lists = doc.find_all("dl")
        assert lists, name
        for facts in lists:
            children = [child.name for child in facts.find_all(recursive=False)]
            assert children, name
            assert children[0] == "dt", (name, children)
            assert set(children) <= {"dt", "dd"}, (name, children)
            assert children[-1] == "dd", (name, children)


@pytest.mark.slow
def test_every_mail_passes_the_nu_html_checker(composed: Composed, tmp_path: Path) -> None:
    java = shutil.which("java")
    if java is None or not VNU.exists():
        pytest.fail("The Nu Html Checker needs Java and node_modules/vnu-jar: run `make test`.")
    files = {}
    for index, ((name, locale), mail) in enumerate(sorted(composed.items())):
        target = tmp_path / f"mail-{index}.html"
        target.write_text(html_of(mail), encoding="utf-8")
        files[target.name] = f"{name} ({locale})"
    command = [java, "-jar", str(VNU), "--errors-only", "--format", "json",
               *sorted(str(path) for path in tmp_path.iterdir())]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    report = json.loads(result.stderr)
    errors = [
        f"{files.get(m.get('url', '').rsplit('/', 1)[-1], '(checker)')}, "
        f"line {m.get('lastLine')}: {m.get('message')}"
        for m in report["messages"]
    ]
    assert errors == []
    assert len(files) == len(MAILS) * len(LOCALES)
