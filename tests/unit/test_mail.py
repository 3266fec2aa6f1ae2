"""Sending mail: one deadline for the whole exchange, whatever the server's pace."""

from __future__ import annotations

import contextlib
import socket
import threading

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


def test_a_server_slow_at_every_step_runs_out_the_deadline(slow_server: SmtpServer) -> None:
    """Each step (1 s) fits in 1.2 s, their sum does not: the send must give up,
    well before the message is even offered (it would reach the server at 2 s)."""
    settings = SmtpSettings(host="127.0.0.1", port=slow_server.port, timeout=1.2)
    with pytest.raises(TimeoutError, match=r"took more than 1\.2 s"):
        send(a_message(), settings)
    assert slow_server.inbox.messages == []


def test_a_reply_dripping_a_line_at_a_time_cannot_hold_the_sender() -> None:
    """Each line comes well within the socket timeout; the reply never ends."""
    stop = threading.Event()
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()

        def drip() -> None:
            connection, _ = listener.accept()
            with connection, contextlib.suppress(OSError):
                for _ in range(50):  # 10 s, unless the client hangs up first
                    if stop.wait(0.2):
                        break
                    connection.sendall(b"220-still greeting you\r\n")

        server = threading.Thread(target=drip, daemon=True)
        server.start()
        settings = SmtpSettings(host="127.0.0.1", port=listener.getsockname()[1], timeout=1.0)
        try:
            with pytest.raises(TimeoutError, match="took more than 1 s"):
                send(a_message(), settings)
        finally:
            stop.set()
            server.join(timeout=10)


def test_the_same_server_within_a_longer_deadline_gets_the_message(slow_server: SmtpServer) -> None:
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
