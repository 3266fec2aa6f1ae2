"""The outbox: each mail sent once, whoever delivers; failures retried on a schedule.

Every test runs on SQLite and on PostgreSQL, with a real SMTP server where
mail is sent.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import smtplib
from collections import Counter
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import select, update

from iuc_portal import outbox as outbox_module
from iuc_portal.mail import SmtpSettings
from iuc_portal.outbox import MAX_ATTEMPTS, Outbox, retry_delay
from iuc_portal.store import Record, Store, migrate, open_store
from iuc_portal.store.schema import outbox as queue
from tests.smtp import SmtpServer

pytestmark = pytest.mark.databases


def message_for(record: Record, mail: str = "note") -> EmailMessage | None:
    if record.data["to"] == "broken":
        raise KeyError("a department that no longer exists")
    if record.data["to"] == "nobody":
        return None
    message = EmailMessage()
    message["From"] = "site@iuc.example"
    message["To"] = record.data["to"]
    message["Subject"] = record.reference
    message["Message-ID"] = f"<{record.id}@iuc.example>"
    message.set_content("hello")
    return message


@pytest.fixture
def url(database_url: str | None, tmp_path: Path) -> str:
    return database_url or f"sqlite:///{tmp_path / 'iuc.sqlite3'}"


@pytest.fixture
def store(url: str) -> Iterator[Store]:
    store = open_store({"DATABASE_URL": url})
    migrate.upgrade(store.engine)
    yield store
    store.engine.dispose()


def smtp(server: SmtpServer) -> SmtpSettings:
    return SmtpSettings(host="127.0.0.1", port=server.port, timeout=5)


def queue_rows(store: Store) -> list:
    with store.transaction() as connection:
        return connection.execute(select(queue).order_by(queue.c.id)).all()


@pytest.fixture
def refusing(monkeypatch: pytest.MonkeyPatch, smtp_server: SmtpServer) -> SmtpServer:
    """The real server, but 'refused' is refused for good and 'down' for now."""
    real_send = outbox_module.send

    def send(message: EmailMessage, settings: SmtpSettings) -> None:
        if message["To"] == "refused":
            raise smtplib.SMTPRecipientsRefused({"refused": (550, b"no such user")})
        if message["To"] == "flaky":
            raise smtplib.SMTPDataError(451, b"try again later")
        real_send(message, settings)

    monkeypatch.setattr(outbox_module, "send", send)
    return smtp_server


def test_each_mail_gets_its_own_outcome(store: Store, refusing: SmtpServer) -> None:
    for to in ("a@x.fr", "broken", "refused", "flaky", "nobody", "b@x.fr"):
        store.add("messages", "MSG", "en", {"to": to}, mails=["note"])
    box = Outbox(store, {"note": message_for})
    report = box.deliver(smtp(refusing))
    assert sorted(m["To"] for m in refusing.inbox.messages) == ["a@x.fr", "b@x.fr"]
    assert (report.sent, report.failed, report.rejected, report.waiting) == (2, 2, 1, 1)
    states = {row.state for row in queue_rows(store)}
    assert states == {"sent", "rejected", "pending"}
    # Not due yet: a pass of the loop leaves them; the staff's deliver tries them now.
    assert box.deliver(smtp(refusing)).failed == 0
    again = box.deliver(smtp(refusing), due_only=False)
    assert (again.sent, again.failed, again.rejected, again.waiting) == (0, 2, 0, 1)
    assert len(refusing.inbox.messages) == 2
    types = Counter(event.type for event in store.events("messages"))
    # One mail_failed per failing mail, however many tries: the count is on the queue row.
    assert types == {"mail_sent": 2, "mail_failed": 2, "mail_rejected": 1}
    assert box.states("messages") == {
        row.submission_id: expected
        for row, expected in zip(
            queue_rows(store), ["sent", "failed", "rejected", "failed", "pending", "sent"],
            strict=True,
        )
    }  # fmt: skip


def test_an_unreachable_server_ends_the_pass_without_counting_the_rest(
    store: Store, smtp_server: SmtpServer
) -> None:
    for to in ("a@x.fr", "b@x.fr", "c@x.fr"):
        store.add("messages", "MSG", "en", {"to": to}, mails=["note"])
    smtp_server.stop()
    report = Outbox(store, {"note": message_for}).deliver(smtp(smtp_server))
    assert (report.sent, report.failed, report.waiting) == (0, 1, 2)
    assert [row.attempts for row in queue_rows(store)] == [1, 0, 0]


def test_retries_are_spaced_at_most_30_seconds_in_the_first_hour_then_slower() -> None:
    early = [retry_delay(n, dt.timedelta(minutes=5)).total_seconds() for n in range(1, 9)]
    assert early == [2, 4, 8, 16, 30, 30, 30, 30]
    assert retry_delay(20, dt.timedelta(minutes=59)) == dt.timedelta(seconds=30)
    assert retry_delay(20, dt.timedelta(hours=2)) == dt.timedelta(minutes=30)
    assert retry_delay(3, dt.timedelta(hours=2)) == dt.timedelta(seconds=8)


def test_a_mail_failing_every_time_is_abandoned_after_the_cap(
    store: Store, refusing: SmtpServer
) -> None:
    record = store.add("messages", "MSG", "en", {"to": "flaky"}, mails=["note"]).record
    box = Outbox(store, {"note": message_for})
    with store.transaction(write=True) as connection:
        connection.execute(update(queue).values(attempts=MAX_ATTEMPTS - 1))
    assert box.deliver(smtp(refusing), due_only=False).failed == 1
    [row] = queue_rows(store)
    assert (row.state, row.attempts, row.last_error) == ("abandoned", MAX_ATTEMPTS, "SMTPDataError")
    assert [e.type for e in store.events("messages")] == ["mail_abandoned"]
    assert box.deliver(smtp(refusing), due_only=False).failed == 0  # never again
    assert box.states("messages") == {record.id: "abandoned"}


def test_a_lease_keeps_others_off_until_it_runs_out(store: Store, smtp_server: SmtpServer) -> None:
    store.add("messages", "MSG", "en", {"to": "a@x.fr"}, mails=["note"])
    box = Outbox(store, {"note": message_for})
    claimed = box._claim(None, due_only=True, skip=set())
    assert claimed is not None
    # Another sender finds nothing to do while the lease holds...
    assert box.deliver(smtp(smtp_server), due_only=False).sent == 0
    # ...and takes the mail over once it has run out (the first sender died).
    with store.transaction(write=True) as connection:
        connection.execute(update(queue).values(lease_until=dt.datetime(2000, 1, 1, tzinfo=dt.UTC)))
    assert box.deliver(smtp(smtp_server)).sent == 1
    assert len(smtp_server.inbox.messages) == 1


def _deliver_in_a_process(url: str, port: int, barrier, results) -> None:
    store = open_store({"DATABASE_URL": url})
    box = Outbox(store, {"note": message_for})
    barrier.wait()
    sent = 0
    for _ in range(5):  # several passes each, as loops would
        sent += box.deliver(SmtpSettings(host="127.0.0.1", port=port, timeout=10)).sent
    results.put(sent)


def test_several_senders_at_once_never_send_a_mail_twice(
    store: Store, url: str, smtp_server: SmtpServer
) -> None:
    mails = 40
    for n in range(mails):
        store.add("messages", "MSG", "en", {"to": f"team{n}@x.fr"}, mails=["note"])
    store.engine.dispose()  # no connection crosses the fork
    context = multiprocessing.get_context("fork")
    senders = 4
    barrier, results = context.Barrier(senders), context.Queue()
    processes = [
        context.Process(
            target=_deliver_in_a_process, args=(url, smtp_server.port, barrier, results)
        )
        for _ in range(senders)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)
        assert process.exitcode == 0
    reported = sum(results.get(timeout=5) for _ in processes)
    ids = Counter(message["Message-ID"] for message in smtp_server.inbox.messages)
    assert len(ids) == mails
    assert max(ids.values()) == 1
    assert reported == mails
    assert {row.state for row in queue_rows(store)} == {"sent"}
    assert [e.type for e in store.events("messages")].count("mail_sent") == mails


def test_without_smtp_nothing_is_claimed(store: Store) -> None:
    store.add("messages", "MSG", "en", {"to": "a@x.fr"}, mails=["note"])
    assert Outbox(store, {"note": message_for}).deliver(None).waiting == 1
    assert [row.lease_until for row in queue_rows(store)] == [None]


@pytest.mark.parametrize(
    ("error", "permanent"),
    [
        (smtplib.SMTPRecipientsRefused({"a@x.fr": (550, b"no such user")}), True),
        (smtplib.SMTPRecipientsRefused({"a@x.fr": (550, b"no"), "b@x.fr": (451, b"later")}), False),
        (smtplib.SMTPDataError(554, b"message refused"), True),
        # The relay cannot carry this mail (an address needing SMTPUTF8): it never will.
        (smtplib.SMTPNotSupportedError("SMTPUTF8 not supported by server"), True),
        (smtplib.SMTPDataError(451, b"try again later"), False),
        # The set-up is wrong, not the mail: once it is mended, the mail goes.
        (smtplib.SMTPSenderRefused(553, b"sender not allowed", "site@x.fr"), False),
        (smtplib.SMTPAuthenticationError(535, b"bad credentials"), False),
        (smtplib.SMTPServerDisconnected("connection closed"), False),
        (TimeoutError("timed out"), False),
        (ConnectionRefusedError("connection refused"), False),
    ],
)
def test_only_a_refusal_of_the_mail_itself_is_final(error: Exception, permanent: bool) -> None:
    assert outbox_module._permanent(error) is permanent
