"""Store first, mail after: the outbox for stored submissions.

A submission is on disk before any mail is tried. Delivery is recorded as an
event keyed by the submission's id; a submission with a ``mail_sent`` event is
never mailed again. Delivery runs under its own lock, so the request path and
``flask ... deliver`` never send the same mail twice, and appends are never
blocked behind a slow SMTP server.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from email.message import EmailMessage

from flask import Flask, current_app

from .mail import SEND_ERRORS, SmtpSettings, send
from .submissions import Record, Store

log = logging.getLogger(__name__)

SENT = "mail_sent"
FAILED = "mail_failed"
DONE = {SENT, "purged"}

# The mail for a record, or None when it cannot be addressed yet (it waits).
Composer = Callable[[Record], EmailMessage | None]


@dataclass
class Report:
    sent: int = 0
    failed: int = 0
    waiting: int = 0  # not tried: no SMTP server, or no recipient, configured


class Outbox:
    def __init__(self, store: Store, kind: str, compose: Composer) -> None:
        self.store = store
        self.kind = kind
        self.compose = compose

    def pending(self) -> list[Record]:
        done = {event.record_id for event in self.store.events(self.kind) if event.type in DONE}
        return [record for record in self.store.records(self.kind) if record.id not in done]

    def deliver(self, smtp: SmtpSettings | None, only: Iterable[str] | None = None) -> Report:
        """Send what is pending (or the pending among ``only``); record each outcome."""
        report = Report()
        wanted = set(only) if only is not None else None
        with self.store.exclusive(self.kind, "delivery"):
            # Read under the delivery lock: what another process sent is now recorded.
            pending = [r for r in self.pending() if wanted is None or r.id in wanted]
            if smtp is None:
                report.waiting = len(pending)
                return report
            for record in pending:
                message = self.compose(record)
                if message is None:
                    report.waiting += 1
                    continue
                try:
                    send(message, smtp)
                except SEND_ERRORS as error:
                    report.failed += 1
                    # The error's class only: its text may quote an address.
                    detail = {"error": type(error).__name__}
                    self.store.add_event(self.kind, record.id, FAILED, detail)
                    log.warning("%s %s: mail not sent (%s)", self.kind, record.reference, detail)
                    continue
                self.store.add_event(
                    self.kind, record.id, SENT, {"message_id": message["Message-ID"]}
                )
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
