"""Carrying a JSON Lines store (``<kind>.jsonl`` and ``<kind>.events.jsonl``) over, once.

Earlier versions of the site kept submissions in those files. Importing keeps
each submission's id, reference, one-time key and time, and its events; a
submission whose mail was never sent is queued, one already mailed is not.
A submission already in the database is left alone with its events, so
running the import twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from . import Store, utc_now
from .schema import events, outbox, submissions

log = logging.getLogger(__name__)

# The JSON Lines store's event types, and what each says of the mail.
MAIL_STATE = {"mail_sent": "sent", "mail_rejected": "rejected"}


@dataclass
class Imported:
    added: int = 0
    already_there: int = 0
    unreadable_lines: int = 0
    events: int = 0
    purge_events: int = 0  # traces of submissions purged before the import: not carried over


def _moment(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def _lines(path: Path, report: Imported) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    parsed = []
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                parsed.append(json.loads(raw.decode("utf-8")))
            except (UnicodeDecodeError, json.JSONDecodeError):
                # A torn last line from a killed writer: never acknowledged to anyone.
                log.warning("%s:%d: not a JSON line, skipped", path.name, number)
                report.unreadable_lines += 1
    return parsed


def import_jsonl(store: Store, directory: Path, kind: str, mail: str) -> Imported:
    """Import one kind of submission; ``mail`` is the mail each of them queues."""
    report = Imported()
    records = _lines(directory / f"{kind}.jsonl", report)
    by_record: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for event in _lines(directory / f"{kind}.events.jsonl", report):
        by_record[event["id"]].append(event)
    with store.transaction(write=True) as connection:
        known = set(connection.execute(select(submissions.c.id)).scalars())
        for raw in records:
            if raw["id"] in known:
                report.already_there += 1
                continue
            created = _moment(raw["created"])
            connection.execute(
                insert(submissions).values(
                    id=raw["id"],
                    kind=kind,
                    reference=raw["reference"],
                    submission_key=raw.get("key"),
                    created=created,
                    locale=raw["locale"],
                    schema=raw.get("schema", 1),
                    data=raw["data"],
                )
            )
            known.add(raw["id"])
            state = "pending"
            for event in by_record.pop(raw["id"], []):
                state = MAIL_STATE.get(event["type"], state)
                connection.execute(
                    insert(events).values(
                        submission_id=raw["id"],
                        type=event["type"],
                        at=_moment(event["at"]),
                        detail=event.get("detail") or {},
                    )
                )
                report.events += 1
            connection.execute(
                insert(outbox).values(
                    submission_id=raw["id"],
                    mail=mail,
                    created=created,
                    state=state,
                    attempts=0,
                    next_attempt=utc_now(),
                )
            )
            report.added += 1
    report.purge_events = sum(
        1 for left in by_record.values() for event in left if event["type"] == "purged"
    )
    return report
