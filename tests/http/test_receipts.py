"""Tax receipts: one per paid gift, every mention the model asks for, a tagged PDF, kept.

Every test runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pikepdf
import pytest
from babel.dates import format_date
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from iuc_portal import create_app
from iuc_portal.paths import CONTENT_DIR
from iuc_portal.store.schema import events, receipts, submissions
from tests.forms import DONATION, submit
from tests.pages import soup
from tests.pdf import pdfua_findings, text_of_pdf
from tests.smtp import SmtpServer
from tests.stored import deliver
from tests.stripe_stub import SECRET_KEY, WEBHOOK_SECRET, StripeStub, sign

pytestmark = pytest.mark.databases
YEAR = dt.date.today().year
# Paid on 15 January, or earlier in the first days of the year: never in the future.
PAID_ON = min(dt.date.today(), dt.date(YEAR, 1, 15))
PAID_IN_FRENCH = format_date(PAID_ON, format="long", locale="fr")
COMPANY = {"donor_type": "company", "company_name": "Exemple SAS", "siren": "123456782",
           "company_legal_form": "Société par actions simplifiée"}  # fmt: skip


@pytest.fixture
def site(data_dir: Path, database_url: str | None, smtp_server: SmtpServer) -> Iterator[Flask]:
    app = create_app(
        {"TESTING": True, "DATA_DIR": str(data_dir), "DATABASE_URL": database_url,
         "SECRET_KEY": "r" * 40, "SMTP_URL": smtp_server.url, "MAIL_FROM": "dons@iuc.example"}
    )  # fmt: skip
    yield app
    app.extensions["iuc_store"].engine.dispose()


def give_and_pay(site: Flask, client: FlaskClient, path: str = "/fr/faire-un-don/", **change):
    assert submit(client, path, "donation-form", {**DONATION, **change}).status_code == 303
    record = site.extensions["iuc_store"].records("donations")[-1]
    result = site.test_cli_runner().invoke(
        args=["donations", "mark-paid", record.reference, "--method", "transfer",
              "--date", PAID_ON.isoformat()]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return record


def the_pdf(site: Flask, number: str, tmp_path: Path) -> bytes:
    target = tmp_path / f"{number}.pdf"
    result = site.test_cli_runner().invoke(args=["receipts", "show", number, "--output", target])
    assert result.exit_code == 0, result.output
    return target.read_bytes()


def test_a_paid_gift_gets_one_receipt_with_every_mention_mailed_once(
    site: Flask, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    client = site.test_client()
    record = give_and_pay(site, client, preset="other", amount="150,50")
    number = f"{YEAR}-000001"
    report = deliver(site)
    assert report.sent == 2  # the acknowledgement, and the receipt
    [with_receipt] = [m for m in smtp_server.inbox.messages if list(m.iter_attachments())]
    [attachment] = list(with_receipt.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == f"recu-fiscal-{number}.pdf"
    pdf = attachment.get_content()
    text = text_of_pdf(pdf)
    for mention in (
        "Reçu au titre des dons à certains organismes d’intérêt général",
        "Cerfa n° 11580*05", f"Numéro d’ordre du reçu : {number}",
        "Exemple : bénéficiaire des dons", "Exemple : 4 place de l’Exemple, 75000 Exemple-Ville",
        "Exemple : objet de l’organisme", "Exemple : type d’organisme éligible",
        "Numéro SIREN 123 456 782", "Madame Ada Lovelace",
        "12 rue de la Paix, 75002 Paris, France", "***150,50 €***",
        "cent cinquante euros et cinquante centimes", PAID_IN_FRENCH,
        "Déclaration de don manuel", "Numéraire", "Virement",
        "l’article 200 du code général des impôts",
        "Exemple : Dominique Signataire, Exemple : fonction du signataire",
    ):  # fmt: skip
        assert mention in text, mention
    assert "English translation" not in text  # a French donor: French only
    assert deliver(site).sent == 0  # mailed once
    assert the_pdf(site, number, tmp_path) == pdf  # rebuilt from what was stored: the same bytes
    export = site.test_cli_runner().invoke(args=["donations", "export"]).output
    [row] = csv.DictReader(io.StringIO(export))
    assert row["receipt_number"] == number
    assert record.reference in with_receipt.get_body(("plain",)).get_content()


def test_the_receipt_is_a_tagged_pdf_ua_document(site: Flask, tmp_path: Path) -> None:
    give_and_pay(site, site.test_client(), "/en/donate/")
    path = tmp_path / "receipt.pdf"
    path.write_bytes(the_pdf(site, f"{YEAR}-000001", tmp_path))
    with pikepdf.open(path) as pdf:
        assert pdf.Root.MarkInfo.Marked is True
        assert "/StructTreeRoot" in pdf.Root
        assert str(pdf.Root.Lang) == "fr"
        assert pdf.Root.ViewerPreferences.DisplayDocTitle is True
        meta = pdf.open_metadata()
        assert meta["dc:title"].startswith(f"Reçu au titre des dons n° {YEAR}-000001")
        assert meta["pdfuaid:part"] == "1"
        fonts = {
            str(font.BaseFont): "/FontFile2" in font.DescendantFonts[0].FontDescriptor
            for page in pdf.pages
            for font in page.Resources.Font.values()
        }
        assert fonts
        assert all(fonts.values()), fonts  # every font embedded
        assert any("DejaVu" in name for name in fonts)
        tags = list(_walk(pdf.Root.StructTreeRoot))
        kinds = {str(node.S) for node in tags}
        assert {"/H1", "/H2", "/Table", "/TH", "/TD", "/P", "/Sect"} <= kinds
        headers = [node for node in tags if node.S == "/TH"]
        assert all("/Scope" in node.A for node in headers)
        [english] = [node for node in tags if node.S == "/Sect"]
        assert str(english.Lang) == "en"  # the courtesy translation, read in English
    assert "English translation, for information" in text_of_pdf(path.read_bytes())
    code, findings, skipped = pdfua_findings(str(path))
    assert (code, findings, skipped) == (0, [], [])


def _walk(node):
    kids = node.get("/K")
    kids = kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []
    for kid in kids:
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            yield kid
            yield from _walk(kid)


def test_a_company_gets_the_company_model(site: Flask, tmp_path: Path) -> None:
    give_and_pay(site, site.test_client(), **COMPANY)
    text = text_of_pdf(the_pdf(site, f"{YEAR}-000001", tmp_path))
    for mention in ("2041-MEC-SD", "l’article 238 bis du code général des impôts", "Exemple SAS",
                    "Société par actions simplifiée", "123 456 782"):  # fmt: skip
        assert mention in text, mention
    totals = site.test_cli_runner().invoke(args=["receipts", "totals", str(YEAR)]).output
    assert "article 238 bis: 1 receipts, total 50.00 EUR" in totals


def test_the_donor_downloads_the_receipt_from_the_confirmation_page(site: Flask) -> None:
    client = site.test_client()
    record = give_and_pay(site, client, "/en/donate/")
    doc = soup(client.get(f"/en/donate/thank-you/{record.reference}").data)
    link = doc.select_one("main a[download]")
    assert link.get_text(" ", strip=True) == f"Download your tax receipt no. {YEAR}-000001 (PDF)"
    response = client.get(link["href"])
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF-")
    assert site.test_client().get(link["href"]).status_code == 404  # only for that browser


def test_without_the_publishers_facts_no_receipt_and_the_reason_is_plain(
    data_dir: Path, database_url: str | None, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(
        {"TESTING": True, "DATA_DIR": str(data_dir), "DATABASE_URL": database_url,
         "SECRET_KEY": "r" * 40, "PUBLISHER_FILE": str(CONTENT_DIR / "publisher.json"),
         "PAYMENT_PROVIDER": "stripe", "STRIPE_SECRET_KEY": SECRET_KEY,
         "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET, "STRIPE_API_BASE": "http://127.0.0.1:9"}
    )  # fmt: skip
    store = app.extensions["iuc_store"]
    record = store.add("donations", "DON", "en", {**DONATION, "amount": "50.00"}).record
    stub = StripeStub()
    event = stub.event("checkout.session.completed", {
        "id": "cs_1", "mode": "payment", "payment_status": "paid", "amount_total": 5000,
        "client_reference_id": record.id, "payment_intent": None, "subscription": None,
    })  # fmt: skip
    body = json.dumps(event).encode()
    with caplog.at_level(logging.WARNING):
        response = app.test_client().post(
            "/payments/stripe/webhook", data=body, headers={"Stripe-Signature": sign(body)}
        )
    assert response.status_code == 200  # the payment is recorded all the same
    assert "no receipt can be issued until the publisher gives the beneficiary" in caplog.text
    status = app.test_cli_runner().invoke(args=["receipts", "status"]).output
    assert "paid one-off gifts waiting for a receipt: 1" in status
    assert "until the publisher gives the beneficiary" in status
    client = app.test_client()
    with client.session_transaction() as session:
        session["donations"] = [record.reference]
    page = client.get(f"/en/donate/thank-you/{record.reference}").get_data(as_text=True)
    assert "Your tax receipt will follow by email." in page
    app.extensions["iuc_store"].engine.dispose()
    # Once the facts are given, the receipts waiting are issued.
    later = create_app({"TESTING": True, "DATA_DIR": str(data_dir), "DATABASE_URL": database_url,
                        "SECRET_KEY": "r" * 40})  # fmt: skip
    result = later.test_cli_runner().invoke(args=["receipts", "issue"])
    assert f"1 receipts issued: {YEAR}-000001" in result.output
    assert "1 receipts issued" not in later.test_cli_runner().invoke(
        args=["receipts", "issue"]).output  # fmt: skip
    later.extensions["iuc_store"].engine.dispose()


@pytest.fixture
def stub() -> Iterator[StripeStub]:
    stub = StripeStub().start()
    yield stub
    stub.stop()


@pytest.fixture
def online(data_dir: Path, database_url: str | None, stub: StripeStub) -> Iterator[Flask]:
    app = create_app(
        {"TESTING": True, "DATA_DIR": str(data_dir), "DATABASE_URL": database_url,
         "SECRET_KEY": "r" * 40, "PAYMENT_PROVIDER": "stripe", "STRIPE_SECRET_KEY": SECRET_KEY,
         "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET, "STRIPE_API_BASE": stub.url}
    )  # fmt: skip
    yield app
    app.extensions["iuc_store"].engine.dispose()


def send(client: FlaskClient, event: dict) -> None:
    body = json.dumps(event).encode()
    response = client.post("/payments/stripe/webhook", data=body,
                           headers={"Stripe-Signature": sign(body)})  # fmt: skip
    assert response.status_code == 200, response.get_data(as_text=True)


def receipt_rows(app: Flask) -> list:
    with app.extensions["iuc_store"].transaction() as connection:
        return connection.execute(select(receipts).order_by(receipts.c.id)).all()


def test_a_refund_cancels_the_receipt_and_a_partial_one_corrects_it(
    online: Flask, stub: StripeStub
) -> None:
    client = online.test_client()
    submit(client, "/en/donate/", "donation-form", DONATION)
    [session] = stub.sessions
    paid = stub.complete(session)
    send(client, paid)
    send(client, paid | {"id": "evt_again"})  # the same payment, another event: no new receipt
    [first] = receipt_rows(online)
    assert (first.number, first.amount, first.cancelled) == (f"{YEAR}-000001", 50, None)
    intent = stub.sessions[session]["payment_intent"]
    send(client, stub.refund(intent, amount=2000))
    first_after, corrected = receipt_rows(online)
    assert first_after.cancelled is not None  # recorded, never deleted
    assert (corrected.number, corrected.amount, corrected.replaces) == (
        f"{YEAR}-000002", 30, f"{YEAR}-000001",
    )  # fmt: skip
    send(client, stub.refund(intent))  # the rest, refunded
    assert all(row.cancelled is not None for row in receipt_rows(online))
    with online.extensions["iuc_store"].transaction() as connection:
        kinds = [row.type for row in connection.execute(select(events.c.type))]
    assert kinds.count("receipt_issued") == 2
    assert kinds.count("receipt_cancelled") == 2


def test_a_monthly_gift_gets_one_receipt_a_year_for_its_instalments(
    online: Flask, stub: StripeStub, tmp_path: Path
) -> None:
    client = online.test_client()
    submit(client, "/en/donate/", "donation-form", {**DONATION, "frequency": "monthly",
                                                      "preset": "30"})  # fmt: skip
    [session] = stub.sessions
    send(client, stub.complete(session))
    subscription = stub.sessions[session]["subscription"]
    send(client, stub.renew(subscription))
    send(client, stub.renew(subscription))
    assert receipt_rows(online) == []  # not month by month
    runner = online.test_cli_runner()
    assert "1 receipts issued" in runner.invoke(args=["receipts", "annual", str(YEAR)]).output
    assert "0 receipts issued" in runner.invoke(args=["receipts", "annual", str(YEAR)]).output
    [row] = receipt_rows(online)
    assert (row.amount, row.slot) == (60, str(YEAR))
    text = text_of_pdf(the_pdf(online, row.number, tmp_path))
    assert "***60,00 €***" in text
    assert "soixante euros" in text
    assert "Carte bancaire" in text


def test_purge_keeps_paid_gifts_and_receipts_for_the_legal_period(site: Flask) -> None:
    client = site.test_client()
    paid = give_and_pay(site, client)
    assert submit(client, "/fr/faire-un-don/", "donation-form", DONATION).status_code == 303
    store = site.extensions["iuc_store"]
    runner = site.test_cli_runner()
    result = runner.invoke(args=["donations", "purge", "--before", "2999-01-01"])
    assert "donations: 1 removed" in result.output
    assert "donations: 1 kept: paid gifts and tax receipts are accounting records, kept 10 years"\
        in result.output  # fmt: skip
    assert [r.reference for r in store.records("donations")] == [paid.reference]
    # Eleven years on, both go.
    old = dt.datetime.now(dt.UTC) - dt.timedelta(days=11 * 366)
    with store.transaction(write=True) as connection:
        connection.execute(update(submissions).values(created=old))
        connection.execute(update(events).values(at=old))
        connection.execute(update(receipts).values(issued=old))
    result = runner.invoke(args=["donations", "purge", "--before", "2999-01-01"])
    assert "donations: 1 removed" in result.output
    assert receipt_rows(site) == []
