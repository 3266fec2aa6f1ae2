"""The donor's acknowledgement: queued with the gift, mailed after, never lost, never twice.

Every test runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask

from tests.conftest import make_app
from tests.forms import DONATION, submit
from tests.smtp import SlowInbox, SmtpServer, free_port
from tests.stored import deliver, event_types, stored

pytestmark = pytest.mark.databases

SENDER = "IUC <dons@iuc.example>"


@pytest.fixture
def mail_app(data_dir: Path, database_url: str | None) -> Callable[[str | None], Flask]:
    def make(smtp_url: str | None) -> Flask:
        return make_app(data_dir, database_url, SMTP_URL=smtp_url, MAIL_FROM=SENDER)

    return make


@pytest.mark.parametrize(
    ("locale", "path", "thanks", "next_step"),
    [
        ("fr", "/fr/faire-un-don/", "Merci pour votre promesse de don", "Ordre du chèque"),
        ("en", "/en/donate/", "Thank you for your pledge", "Cheque payable to"),
    ],
)
def test_the_donor_gets_an_acknowledgement_in_their_language(
    mail_app, smtp_server: SmtpServer, locale: str, path: str, thanks: str, next_step: str
) -> None:
    app = mail_app(smtp_server.url)
    response = submit(app.test_client(), path, "donation-form", DONATION)
    assert response.status_code == 303
    assert smtp_server.inbox.messages == []  # no request talks to SMTP
    assert deliver(app).sent == 1
    [message] = smtp_server.inbox.messages
    assert smtp_server.inbox.recipients == [["ada@example.org"]]
    [record] = stored(app, "donations")
    reference = record["reference"]
    assert reference in message["Subject"]
    assert message["From"] == SENDER
    assert message["To"] == "ada@example.org"
    assert message["Content-Language"] == locale
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    for part in (text, html):
        assert thanks in part
        assert reference in part
        assert next_step in part
    assert f'lang="{locale}"' in html
    assert event_types(app, "donations") == ["mail_sent"]


def test_an_smtp_outage_loses_nothing_and_deliver_sends_once(
    mail_app, smtp_server: SmtpServer, caplog: pytest.LogCaptureFixture
) -> None:
    smtp_server.stop()
    app = mail_app(smtp_server.url)
    client = app.test_client()
    with caplog.at_level(logging.INFO):
        response = submit(client, "/en/donate/", "donation-form", DONATION)
        assert deliver(app).failed == 1
    assert response.status_code == 303  # the visitor still gets the confirmation
    assert client.get(response.headers["Location"]).status_code == 200
    assert len(stored(app, "donations")) == 1
    assert event_types(app, "donations") == ["mail_failed"]
    for personal in ("ada@example.org", "Lovelace", "rue de la Paix"):
        assert personal not in caplog.text

    smtp_server.start()
    runner = app.test_cli_runner()
    first = runner.invoke(args=["donations", "deliver"])
    assert first.exit_code == 0, first.output
    assert "1 sent, 0 failed, 0 rejected, 0 waiting" in first.output
    second = runner.invoke(args=["donations", "deliver"])
    assert "0 sent, 0 failed, 0 rejected, 0 waiting" in second.output
    assert len(smtp_server.inbox.messages) == 1
    assert event_types(app, "donations") == ["mail_failed", "mail_sent"]


def test_a_slow_smtp_server_never_delays_the_page(mail_app) -> None:
    """The server takes 1 s over each step; the visitor's POST does not wait for any."""
    server = SmtpServer(port=free_port(), inbox=SlowInbox(delay=1.0))
    server.start()
    try:
        app = mail_app(f"smtp://127.0.0.1:{server.port}?timeout=5")
        client = app.test_client()
        assert submit(client, "/en/donate/", "donation-form", DONATION).status_code == 303
        # Had the request sent the mail, it would have waited for it: it is not there.
        assert server.inbox.messages == []
        assert deliver(app).sent == 1
        assert len(server.inbox.messages) == 1
    finally:
        server.stop()


def test_without_smtp_the_gift_waits_for_delivery(mail_app) -> None:
    app = mail_app(None)
    assert submit(app.test_client(), "/en/donate/", "donation-form", DONATION).status_code == 303
    assert deliver(app).waiting == 1
    assert event_types(app, "donations") == []
    result = app.test_cli_runner().invoke(args=["donations", "deliver"])
    assert result.exit_code != 0
    assert "IUC_SMTP_URL" in result.output
