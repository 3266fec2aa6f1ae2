"""Reading what the site stored and queued, as staff tools would."""

from __future__ import annotations

import json

from flask import Flask

from iuc_portal.outbox import DeliveryLoop, Report


def stored(app: Flask, kind: str) -> list[dict]:
    """Each submission of a kind as its JSON Lines export line reads."""
    return [json.loads(record.to_json()) for record in app.extensions["iuc_store"].records(kind)]


def event_types(app: Flask, kind: str) -> list[str]:
    return [event.type for event in app.extensions["iuc_store"].events(kind)]


def deliver(app: Flask) -> Report | None:
    """One pass of the delivery loop, as a site process runs it between requests."""
    return DeliveryLoop(app).run_once()
