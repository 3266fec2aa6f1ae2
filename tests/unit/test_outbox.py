"""The outbox: one bad record never stops the others; a refusal is not retried forever."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from pathlib import Path

import pytest

from iuc_portal import outbox as outbox_module
from iuc_portal.mail import SmtpSettings
from iuc_portal.outbox import Outbox
from iuc_portal.submissions import JsonlStore, Record

SMTP = SmtpSettings(host="127.0.0.1", port=1)


def message_for(record: Record) -> EmailMessage:
    if record.data["to"] == "broken":
        raise KeyError("a department that no longer exists")
    message = EmailMessage()
    message["To"] = record.data["to"]
    message["Message-ID"] = f"<{record.id}@test>"
    return message


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Replace the SMTP hand-off: 'refused' is refused for good, 'down' for now."""
    delivered: list[str] = []

    def fake_send(message: EmailMessage, settings: SmtpSettings) -> None:
        if message["To"] == "refused":
            raise smtplib.SMTPRecipientsRefused({"refused": (550, b"no such user")})
        if message["To"] == "down":
            raise ConnectionRefusedError("connection refused")
        delivered.append(message["To"])

    monkeypatch.setattr(outbox_module, "send", fake_send)
    return delivered


def test_each_record_gets_its_own_outcome(tmp_path: Path, sent: list[str]) -> None:
    store = JsonlStore(tmp_path)
    for to in ("a@x", "broken", "refused", "down", "b@x"):
        store.add("messages", "MSG", "en", {"to": to})
    box = Outbox(store, "messages", message_for)
    report = box.deliver(SMTP)
    assert sent == ["a@x", "b@x"]
    assert (report.sent, report.failed, report.rejected) == (2, 2, 1)
    # A refusal is final; a broken record and a server that was down are tried again.
    again = box.deliver(SMTP)
    assert (again.sent, again.failed, again.rejected) == (0, 2, 0)
    assert sent == ["a@x", "b@x"]
    types = [event.type for event in store.events("messages")]
    assert types.count("mail_rejected") == 1
    assert types.count("mail_sent") == 2


def test_a_request_does_not_wait_for_another_delivery(tmp_path: Path, sent: list[str]) -> None:
    store = JsonlStore(tmp_path)
    record = store.add("messages", "MSG", "en", {"to": "a@x"}).record
    box = Outbox(store, "messages", message_for)
    with store.exclusive("messages", "delivery"):
        assert (
            Outbox(JsonlStore(tmp_path), "messages", message_for)
            .deliver_now(record.id, SMTP)
            .waiting
            == 1
        )
    assert sent == []
    assert box.deliver_now(record.id, SMTP).sent == 1
    assert box.deliver_now(record.id, SMTP).sent == 0  # never twice
    assert sent == ["a@x"]


def test_without_smtp_nothing_is_even_read(tmp_path: Path) -> None:
    store = JsonlStore(tmp_path)
    record = store.add("messages", "MSG", "en", {"to": "a@x"}).record
    assert Outbox(store, "messages", message_for).deliver_now(record.id, None).waiting == 1
    assert store.events("messages") == []


@pytest.mark.parametrize(
    ("error", "permanent"),
    [
        (smtplib.SMTPRecipientsRefused({"a@x.fr": (550, b"no such user")}), True),
        (smtplib.SMTPRecipientsRefused({"a@x.fr": (550, b"no"), "b@x.fr": (451, b"later")}), False),
        (smtplib.SMTPDataError(554, b"message refused"), True),
        (smtplib.SMTPDataError(451, b"try again later"), False),
        # The set-up is wrong, not the mail: once it is mended, the mail goes.
        (smtplib.SMTPSenderRefused(553, b"sender not allowed", "site@x.fr"), False),
        (smtplib.SMTPAuthenticationError(535, b"bad credentials"), False),
        (smtplib.SMTPServerDisconnected("connection closed"), False),
        (TimeoutError("the SMTP server took more than 5 s"), False),
        (ConnectionRefusedError("connection refused"), False),
    ],
)
def test_only_a_refusal_of_the_mail_itself_is_final(error: Exception, permanent: bool) -> None:
    assert outbox_module._permanent(error) is permanent
