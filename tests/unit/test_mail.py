"""Sending mail: settings from one URL, a timeout on every step, a patient sender."""

from __future__ import annotations

import smtplib
import socket

import pytest

from iuc_portal.mail import SmtpSettings, compose, send
from tests.smtp import SlowInbox, SmtpServer, free_port


def a_message() -> object:
    return compose(
        subject="Test", sender="site@example.org", to="team@example.org",
        text="Hello", html="<p>Hello</p>", language="en",
    )  # fmt: skip


@pytest.fixture
def slow_server():
    server = SmtpServer(port=free_port(), inbox=SlowInbox(delay=1.0))
    server.start()
    yield server
    server.stop()


def test_a_server_that_stops_answering_times_out() -> None:
    """A step unanswered within the timeout ends the attempt; the outbox tries again later."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()  # accepts the connection, never greets
        settings = SmtpSettings(host="127.0.0.1", port=listener.getsockname()[1], timeout=0.5)
        with pytest.raises(smtplib.SMTPServerDisconnected, match="timed out"):
            send(a_message(), settings)


def test_a_slow_server_within_the_timeout_gets_the_message(slow_server: SmtpServer) -> None:
    settings = SmtpSettings(host="127.0.0.1", port=slow_server.port, timeout=20.0)
    send(a_message(), settings)
    assert [m["Subject"] for m in slow_server.inbox.messages] == ["Test"]


def test_settings_come_from_one_url() -> None:
    settings = SmtpSettings.from_url(
        "smtp://user%40x:p%3Ass@mail.example.org:587?starttls=1&timeout=3"
    )
    assert (settings.host, settings.port, settings.username, settings.password) == (
        "mail.example.org", 587, "user@x", "p:ss",
    )  # fmt: skip
    assert settings.starttls
    assert not settings.implicit_tls
    assert settings.timeout == 3.0
    assert SmtpSettings.from_url("smtps://mail.example.org").port == 465
    with pytest.raises(ValueError, match="IUC_SMTP_URL"):
        SmtpSettings.from_url("http://mail.example.org")
