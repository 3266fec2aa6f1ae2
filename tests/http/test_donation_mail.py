"""The donor's acknowledgement: stored first, mailed after, never lost, never sent twice."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from flask import Flask

from iuc_portal import create_app
from tests.forms import DONATION, submit
from tests.smtp import SlowInbox, SmtpServer, free_port

SENDER = "IUC <dons@iuc.example>"


def make_app(data_dir: Path, smtp_url: str) -> Flask:
    return create_app(
        {
            "DATA_DIR": str(data_dir),
            "SECRET_KEY": "m" * 40,
            "SMTP_URL": smtp_url,
            "MAIL_FROM": SENDER,
        }
    )


def events(data_dir: Path) -> list[str]:
    path = data_dir / "donations.events.jsonl"
    return (
        [json.loads(line)["type"] for line in path.read_text().splitlines()]
        if path.exists()
        else []
    )


@pytest.mark.parametrize(
    ("locale", "path", "thanks", "next_step"),
    [
        ("fr", "/fr/faire-un-don/", "Merci pour votre don", "Notre équipe vous écrira"),
        ("en", "/en/donate/", "Thank you for your donation", "Our team will email you"),
    ],
)
def test_the_donor_gets_an_acknowledgement_in_their_language(
    data_dir: Path, smtp_server: SmtpServer, locale: str, path: str, thanks: str, next_step: str
) -> None:
    client = make_app(data_dir, smtp_server.url).test_client()
    response = submit(client, path, "donation-form", DONATION)
    assert response.status_code == 303
    [message] = smtp_server.inbox.messages
    assert smtp_server.inbox.recipients == [["ada@example.org"]]
    reference = json.loads((data_dir / "donations.jsonl").read_text())["reference"]
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
    assert events(data_dir) == ["mail_sent"]


def test_an_smtp_outage_loses_nothing_and_deliver_sends_once(
    data_dir: Path, smtp_server: SmtpServer, caplog: pytest.LogCaptureFixture
) -> None:
    smtp_server.stop()
    app = make_app(data_dir, smtp_server.url)
    client = app.test_client()
    with caplog.at_level(logging.INFO):
        response = submit(client, "/en/donate/", "donation-form", DONATION)
    assert response.status_code == 303  # the visitor still gets the confirmation
    assert client.get(response.headers["Location"]).status_code == 200
    assert len((data_dir / "donations.jsonl").read_text().splitlines()) == 1
    assert events(data_dir) == ["mail_failed"]
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
    assert events(data_dir) == ["mail_failed", "mail_sent"]


def test_a_server_too_slow_for_a_visitor_gets_the_mail_from_deliver(data_dir: Path) -> None:
    """1 s per step is too slow for a page (1.2 s in all), not for the staff's command."""
    server = SmtpServer(port=free_port(), inbox=SlowInbox(delay=1.0))
    server.start()
    try:
        app = make_app(data_dir, f"smtp://127.0.0.1:{server.port}?timeout=1.2")
        client = app.test_client()
        assert submit(client, "/en/donate/", "donation-form", DONATION).status_code == 303
        assert events(data_dir) == ["mail_failed"]
        result = app.test_cli_runner().invoke(args=["donations", "deliver"])
        assert "1 sent, 0 failed" in result.output
        assert len(server.inbox.messages) == 1
    finally:
        server.stop()


def test_without_smtp_the_gift_waits_for_delivery(data_dir: Path) -> None:
    app = create_app({"DATA_DIR": str(data_dir), "SECRET_KEY": "m" * 40})
    client = app.test_client()
    assert submit(client, "/en/donate/", "donation-form", DONATION).status_code == 303
    assert events(data_dir) == []
    result = app.test_cli_runner().invoke(args=["donations", "deliver"])
    assert result.exit_code != 0
    assert "IUC_SMTP_URL" in result.output
