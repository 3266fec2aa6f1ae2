"""What payment providers tell the site: Stripe's signed webhook.

The truth about a payment comes from here, never from the donor's return
to the thank-you page (a donor may close the tab first). No locale, no CSRF
token (the signature proves the sender), never cached, a rate limit of its own.
"""

from __future__ import annotations

import logging

from flask import Blueprint, Response, current_app, request

from iuc_portal import receipts
from iuc_portal.extensions import limiter
from iuc_portal.payments import InvalidWebhook, PaymentUnavailable, ledger, provider
from iuc_portal.security import server_to_server
from iuc_portal.store import StoreUnavailable

from .donate import ACKNOWLEDGEMENT

log = logging.getLogger(__name__)
bp = Blueprint("payments", __name__)

# Stripe's events are small, but an invoice with many lines outgrows a form's limit.
MAX_EVENT_BYTES = 512 * 1024


def _plain(text: str, status: int) -> Response:
    response = Response(text + "\n", status, mimetype="text/plain")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/payments/stripe/webhook")
@limiter.limit(lambda: current_app.config["WEBHOOK_RATE_LIMIT"])
@server_to_server
def stripe_webhook() -> Response:
    stripe = provider()
    request.max_content_length = MAX_EVENT_BYTES
    payload = request.get_data(cache=False)
    try:
        event = stripe.verify(payload, request.headers.get("Stripe-Signature", ""))
    except InvalidWebhook as error:
        log.warning("webhook refused: %s", error)
        return _plain("invalid signature", 400)
    try:
        facts = stripe.facts(event)
    except PaymentUnavailable as error:  # looking up how it was paid failed: Stripe retries
        log.warning("webhook %s: Stripe did not answer (%s)", event.get("id"), error)
        return _plain("try again", 503)
    if not facts:
        return _plain("ignored", 200)
    try:
        gift = ledger.record(
            current_app.extensions["iuc_store"], stripe.name, facts,
            event_id=event["id"], event_type=event["type"], acknowledgement=ACKNOWLEDGEMENT,
            then=receipts.settle,
        )  # fmt: skip
    except ledger.UnknownGift:
        # Another site's event, or a test from the dashboard: answered, so Stripe stops.
        log.warning("webhook %s (%s) names no gift of ours", event.get("id"), event.get("type"))
        return _plain("unknown gift", 200)
    except StoreUnavailable as error:
        log.error("webhook %s not recorded: the database is unavailable (%s)", event["id"], error)
        return _plain("try again", 503)
    if gift is None:
        return _plain("already handled", 200)
    log.info("webhook %s (%s) recorded", event["id"], event["type"])
    return _plain("recorded", 200)
