"""Store first, mail after: the outbox for stored submissions.

A submission is on disk before any mail is tried. Delivery is recorded as an
event keyed by the submission's id; a submission with a ``mail_sent`` event is
never mailed again. Delivery runs under its own lock, so the request path and
``flask ... deliver`` never send the same mail twice, and appends are never
blocked behind a slow SMTP server.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from email.message import EmailMessage

from flask import Flask, current_app

from .mail import SmtpSettings, send
from .submissions import Record, Store

log = logging.getLogger(__name__)

SENT = "mail_sent"
FAILED = "mail_failed"  # worth trying again: the server was down, slow, or said "later"
REJECTED = "mail_rejected"  # the server refused it for good: trying again would not help
DONE = {SENT, REJECTED, "purged"}

# The mail for a record, or None when it cannot be addressed yet (it waits).
Composer = Callable[[Record], EmailMessage | None]


@dataclass
class Report:
    sent: int = 0
    failed: int = 0
    rejected: int = 0
    waiting: int = 0  # not tried: no SMTP server or no recipient configured, or busy


def _permanent(error: Exception) -> bool:
    """A 5xx answer about this mail itself (its recipients, its content): the
    same mail would be refused again. A refused sender or login, or a server
    that cannot be reached, says the set-up is wrong, not the mail: retried."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    return isinstance(error, smtplib.SMTPDataError) and error.smtp_code >= 500


class Outbox:
    def __init__(self, store: Store, kind: str, compose: Composer) -> None:
        self.store = store
        self.kind = kind
        self.compose = compose

    def pending(self, only: Iterable[str] | None = None) -> list[Record]:
        done = {event.record_id for event in self.store.events(self.kind) if event.type in DONE}
        if only is not None:
            records = [r for r in (self.store.get(self.kind, i) for i in only) if r]
        else:
            records = self.store.records(self.kind)
        return [record for record in records if record.id not in done]

    def deliver(self, smtp: SmtpSettings | None) -> Report:
        """Send every pending mail (the ``deliver`` command), waiting for the lock."""
        with self.store.exclusive(self.kind, "delivery"):
            return self._send(self.pending(), smtp)

    def deliver_now(self, record_id: str, smtp: SmtpSettings | None) -> Report:
        """Try one new submission's mail in the request, without ever queueing behind another.

        When SMTP is off, or another process is delivering, the mail waits for
        ``deliver``: the visitor is never held up by someone else's mail.
        """
        if smtp is None:
            return Report(waiting=1)
        with self.store.exclusive(self.kind, "delivery", wait=False) as acquired:
            if not acquired:
                return Report(waiting=1)
            # Read under the lock: a ``deliver`` that finished just before may have sent it.
            return self._send(self.pending(only=[record_id]), smtp)

    def _send(self, pending: list[Record], smtp: SmtpSettings | None) -> Report:
        report = Report()
        if smtp is None:
            report.waiting = len(pending)
            return report
        for record in pending:
            try:
                message = self.compose(record)
                if message is None:
                    report.waiting += 1
                    continue
                send(message, smtp)
            except Exception as error:  # one bad record must not stop the others
                permanent = _permanent(error)
                report.rejected += permanent
                report.failed += not permanent
                # The error's class only: its text may quote an address.
                detail = {"error": type(error).__name__}
                outcome = REJECTED if permanent else FAILED
                self.store.add_event(self.kind, record.id, outcome, detail)
                log.warning("%s %s: mail not sent (%s)", self.kind, record.reference, detail)
                continue
            self.store.add_event(self.kind, record.id, SENT, {"message_id": message["Message-ID"]})
            report.sent += 1
        return report


def smtp_settings() -> SmtpSettings | None:
    url = current_app.config.get("SMTP_URL")
    if not url or not current_app.config.get("MAIL_FROM"):
        return None
    return SmtpSettings.from_url(url)


def outbox(kind: str) -> Outbox:
    return current_app.extensions["iuc_outboxes"][kind]


def register(app: Flask, kind: str, compose: Composer) -> None:
    store: Store = app.extensions["iuc_store"]
    app.extensions.setdefault("iuc_outboxes", {})[kind] = Outbox(store, kind, compose)
