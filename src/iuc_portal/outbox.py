"""Mail leaves the request: queued with its submission, sent by a delivery loop.

A submission queues its mails in the transaction that stores it (``Store.add``).
The loop, which each site process starts for itself (``DeliveryLoop``), or
``flask --app iuc_portal outbox work`` as a service of its own, claims one
queued mail at a time in a short write transaction (``FOR UPDATE SKIP LOCKED``
on PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite) by setting a lease on it, sends
it outside any transaction, then records what happened. Two workers or two
machines never hold the same lease, so a mail is not sent twice; a sender
that dies mid-send leaves a lease that runs out, and the mail is tried again
(its Message-ID, derived from the submission, lets the receiving side drop
the copy should the first attempt have got through).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import random
import smtplib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from flask import Flask, current_app
from sqlalchemy import func, or_, select, update

from .mail import SmtpSettings, send
from .store import Record, Store, StoreUnavailable, record_event, utc_now
from .store.schema import outbox as queue
from .store.schema import submissions

log = logging.getLogger(__name__)

# Events recorded on the submission.
SENT = "mail_sent"
FAILED = "mail_failed"  # recorded on the first failure; later ones only count tries
REJECTED = "mail_rejected"  # the server refused it for good: trying again would not help
ABANDONED = "mail_abandoned"  # tried MAX_ATTEMPTS times in vain

LEASE = dt.timedelta(minutes=5)  # far longer than a send can take (mail.PATIENT_TIMEOUT)
WAIT_FOR_ADDRESS = dt.timedelta(minutes=5)  # a mail with nobody to send it to yet
MAX_ATTEMPTS = 250  # about a day and a half of tries, by the schedule below
POLL_SECONDS = 3.0

# The mail for a record, or None when it cannot be addressed yet (it waits).
# A composer registered for "receipt" composes every "receipt:<number>" mail;
# it is given the queued mail's full name.
Composer = Callable[[Record, str], EmailMessage | None]


def retry_delay(attempts: int, age: dt.timedelta) -> dt.timedelta:
    """Doubling waits: at most 30 s apart in the mail's first hour, 30 min after."""
    cap = 30 if age < dt.timedelta(hours=1) else 1800
    return dt.timedelta(seconds=min(cap, 2 ** min(attempts, 12)))


def _permanent(error: Exception) -> bool:
    """A 5xx answer about this mail itself (its recipients, its content): the
    same mail would be refused again. A refused sender or login, or a server
    that cannot be reached, says the set-up is wrong, not the mail: retried."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPNotSupportedError):
        return True  # the relay lacks what this mail needs (SMTPUTF8): it never will
    return isinstance(error, smtplib.SMTPDataError) and error.smtp_code >= 500


def _unreachable(error: Exception) -> bool:
    """The server itself is out of reach: the other mails would fail the same way now."""
    if isinstance(error, smtplib.SMTPConnectError | smtplib.SMTPServerDisconnected):
        return True
    return isinstance(error, OSError) and not isinstance(error, smtplib.SMTPException)


@dataclass
class Report:
    sent: int = 0
    failed: int = 0
    rejected: int = 0
    waiting: int = 0  # not tried: no SMTP server, no recipient yet, or the server is out of reach


@dataclass
class Outbox:
    store: Store
    composers: dict[str, Composer] = field(default_factory=dict)

    def register(self, mail: str, compose: Composer) -> None:
        self.composers[mail] = compose

    def waiting(self, kind: str | None = None, besides: set[int] | None = None) -> int:
        query = select(func.count()).select_from(queue).where(queue.c.state == "pending")
        if besides:
            query = query.where(queue.c.id.not_in(besides))
        if kind is not None:
            query = query.join(submissions).where(submissions.c.kind == kind)
        with self.store.transaction() as connection:
            return connection.execute(query).scalar_one()

    def states(self, kind: str) -> dict[str, str]:
        """What staff read of each submission's mail: sent, failed, rejected, abandoned, pending."""
        query = (
            select(queue.c.submission_id, queue.c.state, queue.c.attempts)
            .join(submissions)
            .where(submissions.c.kind == kind)
            .order_by(queue.c.id)
        )
        with self.store.transaction() as connection:
            rows = connection.execute(query).all()
        status: dict[str, str] = {}
        for row in rows:  # a submission's first mail speaks for it
            if row.state == "pending":
                status.setdefault(row.submission_id, "failed" if row.attempts else "pending")
            else:
                status.setdefault(row.submission_id, row.state)
        return status

    def _claim(self, kind: str | None, due_only: bool, skip: set[int]) -> Any:
        """Lease the next mail to send, or None. Short: no SMTP inside."""
        now = utc_now()
        query = select(queue).where(
            queue.c.state == "pending",
            or_(queue.c.lease_until.is_(None), queue.c.lease_until < now),
        )
        if due_only:
            query = query.where(queue.c.next_attempt <= now)
        if skip:
            query = query.where(queue.c.id.not_in(skip))
        if kind is not None:
            of_kind = select(submissions.c.id).where(submissions.c.kind == kind)
            query = query.where(queue.c.submission_id.in_(of_kind))
        query = query.order_by(queue.c.next_attempt, queue.c.id).limit(1)
        # PostgreSQL: rows another sender is claiming are skipped, not waited for.
        # SQLite ignores this; its BEGIN IMMEDIATE lets one claimer in at a time.
        query = query.with_for_update(skip_locked=True)
        with self.store.transaction(write=True) as connection:
            row = connection.execute(query).first()
            if row is None:
                return None
            connection.execute(
                update(queue).where(queue.c.id == row.id).values(lease_until=now + LEASE)
            )
            return row

    def deliver(
        self, smtp: SmtpSettings | None, kind: str | None = None, due_only: bool = True
    ) -> Report:
        """Send what is queued, one mail at a time, and record each outcome.

        ``due_only=False`` (the staff's ``deliver``) also tries mails whose
        next try is not due yet; each is tried at most once per call.
        """
        report = Report()
        if smtp is None:
            report.waiting = self.waiting(kind)
            return report
        tried: set[int] = set()
        while (row := self._claim(kind, due_only, tried)) is not None:
            tried.add(row.id)
            if not self._deliver_one(row, smtp, report):
                # The server is out of reach: the rest would fail the same way.
                report.waiting += self.waiting(kind, besides=tried)
                break
        return report

    def _deliver_one(self, row: Any, smtp: SmtpSettings, report: Report) -> bool:
        """Send one leased mail; False when the server could not be reached."""
        record = self.store.get(row.submission_id)
        try:
            compose = self.composers[row.mail.split(":")[0]]
            message = compose(record, row.mail) if record else None
            if message is None:
                self._release_for_later(row)
                report.waiting += 1
                return True
            send(message, smtp)
        except Exception as error:  # one bad record must not stop the others
            self._failed(row, record, error, report)
            return not _unreachable(error)
        with self.store.transaction(write=True) as connection:
            connection.execute(
                update(queue)
                .where(queue.c.id == row.id)
                .values(state="sent", lease_until=None, last_error=None)
            )
            record_event(
                connection,
                row.submission_id,
                SENT,
                {"mail": row.mail, "message_id": message["Message-ID"]},
            )
        report.sent += 1
        return True

    def _release_for_later(self, row: Any) -> None:
        with self.store.transaction(write=True) as connection:
            connection.execute(
                update(queue)
                .where(queue.c.id == row.id)
                .values(lease_until=None, next_attempt=utc_now() + WAIT_FOR_ADDRESS)
            )

    def _failed(self, row: Any, record: Record | None, error: Exception, report: Report) -> None:
        now = utc_now()
        attempts = row.attempts + 1
        # The error's class only: its text may quote an address.
        detail = {"mail": row.mail, "error": type(error).__name__}
        reference = record.reference if record else row.submission_id
        values: dict[str, Any] = {
            "attempts": attempts,
            "lease_until": None,
            "last_error": detail["error"],
        }
        if _permanent(error):
            values["state"], event = "rejected", REJECTED
            report.rejected += 1
        elif attempts >= MAX_ATTEMPTS:
            values["state"], event = "abandoned", ABANDONED
            report.failed += 1
        else:
            values["next_attempt"] = now + retry_delay(attempts, now - row.created)
            event = FAILED if attempts == 1 else None
            report.failed += 1
        with self.store.transaction(write=True) as connection:
            connection.execute(update(queue).where(queue.c.id == row.id).values(**values))
            if event:
                record_event(connection, row.submission_id, event, {**detail, "attempt": attempts})
        log.warning(
            "%s for %s not sent (attempt %d): %s", row.mail, reference, attempts, detail["error"]
        )


class DeliveryLoop:
    """The delivery loop of one site process: a daemon thread, started on first use.

    It is started by the process's first request rather than when the app is
    made, so that it runs in each gunicorn worker (a thread does not survive
    a fork) and never in a command such as ``flask i18n check``.
    """

    def __init__(self, app: Flask) -> None:
        self.app = app
        self._pid: int | None = None
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()

    def ensure_running(self) -> None:
        if self._pid == os.getpid():
            return
        with self._lock:
            if self._pid == os.getpid():
                return
            self._pid = os.getpid()
            self._wake = threading.Event()
            threading.Thread(target=self.run, name="iuc-mail", daemon=True).start()

    def wake(self) -> None:
        """Look at the queue now: a submission has just queued a mail."""
        self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()

    def run(self) -> None:
        """Deliver, then wait for a wake-up or the next poll, until stopped."""
        while not self._stop.is_set():
            self.run_once()
            # Jitter keeps the workers of a site from polling in step.
            self._wake.wait(POLL_SECONDS * random.uniform(0.8, 1.2))
            self._wake.clear()

    def run_once(self) -> Report | None:
        with self.app.app_context():
            try:
                report = outbox().deliver(smtp_settings())
            except StoreUnavailable as error:
                log.warning("mail delivery paused: the database is unavailable (%s)", error)
            except Exception:
                log.exception("mail delivery pass failed")
            else:
                if report.sent or report.failed or report.rejected:
                    log.info(
                        "mail: %d sent, %d failed, %d rejected",
                        report.sent,
                        report.failed,
                        report.rejected,
                    )
                return report
        return None


def smtp_settings() -> SmtpSettings | None:
    url = current_app.config.get("SMTP_URL")
    if not url or not current_app.config.get("MAIL_FROM"):
        return None
    return SmtpSettings.from_url(url)


def outbox() -> Outbox:
    return current_app.extensions["iuc_outbox"]


def delivery_loop() -> DeliveryLoop | None:
    return current_app.extensions.get("iuc_delivery_loop")


def init_app(app: Flask) -> None:
    app.extensions["iuc_outbox"] = Outbox(app.extensions["iuc_store"])
    if app.config["MAIL_WORKER"]:
        loop = DeliveryLoop(app)
        app.extensions["iuc_delivery_loop"] = loop
        app.before_request(loop.ensure_running)


def register(app: Flask, mail: str, compose: Composer) -> None:
    app.extensions["iuc_outbox"].register(mail, compose)
