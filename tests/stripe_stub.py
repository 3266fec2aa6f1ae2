"""A local stand-in for the few Stripe endpoints the site uses, and its hosted payment page.

The site talks to it through the official ``stripe`` SDK (``IUC_STRIPE_API_BASE``
points there), so what the SDK sends is what the tests see. The stub keeps
what it was asked (``requests``), replays idempotency keys as Stripe does,
and plays the donor's part on a "payment page" (pay or cancel), after which
it sends the site the signed webhook Stripe would send. Simulators return
the other events (a SEPA debit settling, a month renewed, a refund, a
subscription ended) for tests to deliver when they choose.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

SECRET_KEY = "sk_test_stub_key"
WEBHOOK_SECRET = "whsec_stub_secret"
_ids = itertools.count(1)


def new_id(prefix: str) -> str:
    return f"{prefix}_test_{next(_ids):06d}"


def sign(payload: bytes, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    """The ``Stripe-Signature`` header Stripe sends: t=<time>,v1=<HMAC-SHA256 of "<t>.<body>">."""
    moment = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{moment}.".encode() + payload, hashlib.sha256)
    return f"t={moment},v1={digest.hexdigest()}"


def unflatten(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """``line_items[0][price_data][currency]=eur`` back into nested dicts and lists."""
    tree: dict[str, Any] = {}
    for key, value in pairs:
        parts = key.replace("]", "").split("[")
        node: Any = tree
        for part, following in itertools.pairwise(parts):
            default: Any = [] if following.isdigit() else {}
            if isinstance(node, list):
                index = int(part)
                while len(node) <= index:
                    node.append(default)
                node = node[index]
            else:
                node = node.setdefault(part, default)
        last = parts[-1]
        if isinstance(node, list):
            node.append(value)
        else:
            node[last] = value
    return tree


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    params: dict[str, Any]


@dataclass
class StripeStub:
    webhook_url: str | None = None  # where to send the events the payment page causes
    requests: list[Seen] = field(default_factory=list)
    sessions: dict[str, dict[str, Any]] = field(default_factory=dict)
    objects: dict[str, dict[str, Any]] = field(default_factory=dict)  # pi_, sub_, ch_, pm_
    fail_next: list[int] = field(default_factory=list)  # statuses to answer the next API calls with
    hold_webhooks: bool = False  # keep the page's events in `held` instead of sending them
    held: list[dict[str, Any]] = field(default_factory=list)
    sent: list[tuple[dict[str, Any], int]] = field(default_factory=list)
    _idempotency: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)
    _server: Any = None

    # Serving

    def start(self) -> StripeStub:
        self._server = make_server("127.0.0.1", 0, self.wsgi, threaded=True)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}"

    def wsgi(self, environ: dict[str, Any], start_response: Any) -> Iterator[bytes]:
        request = Request(environ)
        return self.answer(request)(environ, start_response)

    def answer(self, request: Request) -> Response:
        path = request.path
        if path.startswith("/pay/"):
            return self.payment_page(request)
        pairs = list(request.args.items(multi=True)) + list(request.form.items(multi=True))
        self.requests.append(Seen(request.method, path, dict(request.headers), unflatten(pairs)))
        if request.headers.get("Authorization") != f"Bearer {SECRET_KEY}":
            return _error(401, "authentication_error", "Invalid API key provided")
        if self.fail_next:
            return _error(self.fail_next.pop(0), "api_error", "The stub was told to fail")
        params = self.requests[-1].params
        if request.method == "POST" and path == "/v1/checkout/sessions":
            return self.create_session(params, request.headers.get("Idempotency-Key"))
        for prefix, store in (("/v1/checkout/sessions/", self.sessions),
                              ("/v1/payment_intents/", self.objects),
                              ("/v1/subscriptions/", self.objects)):  # fmt: skip
            if request.method == "GET" and path.startswith(prefix):
                found = store.get(path.removeprefix(prefix))
                if found is None:
                    return _error(404, "invalid_request_error", "No such object")
                return _json(self.expanded(found, params.get("expand", [])))
        return _error(404, "invalid_request_error", f"Unrecognized request URL ({path})")

    def expanded(self, obj: dict[str, Any], fields: list[str]) -> dict[str, Any]:
        out = dict(obj)
        for name in fields:
            if isinstance(out.get(name), str) and out[name] in self.objects:
                out[name] = self.objects[out[name]]
        return out

    # The API

    def create_session(self, params: dict[str, Any], key: str | None) -> Response:
        if key in self._idempotency:
            seen_params, session_id = self._idempotency[key][1], self._idempotency[key][0]
            if seen_params != params:
                return _error(400, "idempotency_error", "Keys for idempotent requests...")
            return _json(self.sessions[session_id])
        mode = params.get("mode")
        if mode not in {"payment", "subscription"} or not params.get("line_items"):
            return _error(400, "invalid_request_error", "mode and line_items are required")
        wrong = {"payment": "subscription_data", "subscription": "payment_intent_data"}[mode]
        if wrong in params or "payment_method_types" in params:
            return _error(400, "invalid_request_error", f"Received unknown parameter: {wrong}")
        price = params["line_items"][0]["price_data"]
        session_id = new_id("cs")
        session = {
            "id": session_id, "object": "checkout.session", "mode": mode, "status": "open",
            "payment_status": "unpaid", "url": f"{self.url}/pay/{session_id}",
            "client_reference_id": params.get("client_reference_id"),
            "metadata": params.get("metadata", {}), "customer_email": params.get("customer_email"),
            "locale": params.get("locale"), "amount_total": int(price["unit_amount"]),
            "currency": price["currency"], "success_url": params["success_url"],
            "cancel_url": params["cancel_url"], "payment_intent": None, "subscription": None,
            "created": int(time.time()),
        }  # fmt: skip
        self.sessions[session_id] = session
        if key:
            self._idempotency[key] = (session_id, params)
        return _json(session)

    # The donor's page

    def payment_page(self, request: Request) -> Response:
        session_id, _, action = request.path.removeprefix("/pay/").partition("/")
        session = self.sessions.get(session_id)
        if session is None:
            return Response("no such session", 404)
        if request.method == "GET":
            return Response(_PAGE.format(id=session_id, amount=session["amount_total"] / 100),
                            mimetype="text/html")  # fmt: skip
        if action == "cancel":
            return _see(session["cancel_url"])
        event = self.complete(session_id, sepa=action == "sepa")
        if self.hold_webhooks:
            self.held.append(event)
        else:
            self.deliver(event)
        return _see(session["success_url"].replace("{CHECKOUT_SESSION_ID}", session_id))

    # What Stripe would send: each returns the event; `deliver` sends one.

    def complete(self, session_id: str, sepa: bool = False) -> dict[str, Any]:
        session = self.sessions[session_id]
        method = {"id": new_id("pm"), "object": "payment_method",
                  "type": "sepa_debit" if sepa else "card"}  # fmt: skip
        self.objects[method["id"]] = method
        session["status"] = "complete"
        session["payment_status"] = "unpaid" if sepa else "paid"
        if session["mode"] == "payment":
            charge = {"id": new_id("ch"), "object": "charge", "amount": session["amount_total"],
                      "amount_refunded": 0, "refunded": False, "metadata": session["metadata"],
                      "payment_method_details": {"type": method["type"]}}  # fmt: skip
            intent = {"id": new_id("pi"), "object": "payment_intent",
                      "status": "processing" if sepa else "succeeded",
                      "metadata": session["metadata"], "latest_charge": charge["id"],
                      "payment_method": method["id"]}  # fmt: skip
            charge["payment_intent"] = intent["id"]
            self.objects.update({charge["id"]: charge, intent["id"]: intent})
            session["payment_intent"] = intent["id"]
        else:
            subscription = {"id": new_id("sub"), "object": "subscription", "status": "active",
                            "metadata": session["metadata"],
                            "default_payment_method": method["id"]}  # fmt: skip
            self.objects[subscription["id"]] = subscription
            session["subscription"] = subscription["id"]
        return self.event("checkout.session.completed", dict(session))

    def settle(self, session_id: str, succeeded: bool = True) -> dict[str, Any]:
        session = self.sessions[session_id]
        session["payment_status"] = "paid" if succeeded else "unpaid"
        if session["payment_intent"]:
            intent = self.objects[session["payment_intent"]]
            intent["status"] = "succeeded" if succeeded else "requires_payment_method"
        kind = "succeeded" if succeeded else "failed"
        return self.event(f"checkout.session.async_payment_{kind}", dict(session))

    def renew(self, subscription_id: str) -> dict[str, Any]:
        """A month's instalment paid: invoice.paid, tied to the gift by the subscription."""
        subscription = self.objects[subscription_id]
        session = next(s for s in self.sessions.values() if s["subscription"] == subscription_id)
        charge = {"id": new_id("ch"), "object": "charge", "amount": session["amount_total"],
                  "amount_refunded": 0, "refunded": False, "metadata": {}}  # fmt: skip
        intent = {"id": new_id("pi"), "object": "payment_intent", "status": "succeeded",
                  "metadata": {}, "latest_charge": charge["id"],
                  "payment_method": subscription["default_payment_method"]}  # fmt: skip
        charge["payment_intent"] = intent["id"]
        self.objects.update({charge["id"]: charge, intent["id"]: intent})
        invoice = {
            "id": new_id("in"), "object": "invoice", "status": "paid",
            "amount_paid": session["amount_total"], "currency": "eur",
            "status_transitions": {"paid_at": int(time.time())},
            "payments": {"object": "list", "data": [
                {"object": "invoice_payment", "payment": {"type": "payment_intent",
                                                           "payment_intent": intent["id"]}}]},
            "parent": {"type": "subscription_details", "subscription_details": {
                "subscription": subscription_id, "metadata": subscription["metadata"]}},
        }  # fmt: skip
        return self.event("invoice.paid", invoice)

    def refund(self, intent_id: str, amount: int | None = None) -> dict[str, Any]:
        charge = self.objects[self.objects[intent_id]["latest_charge"]]
        charge["amount_refunded"] = charge["amount"] if amount is None else amount
        charge["refunded"] = charge["amount_refunded"] == charge["amount"]
        return self.event("charge.refunded", dict(charge))

    def end_subscription(self, subscription_id: str) -> dict[str, Any]:
        subscription = self.objects[subscription_id]
        subscription["status"] = "canceled"
        return self.event("customer.subscription.deleted", dict(subscription))

    def event(self, type_: str, obj: dict[str, Any]) -> dict[str, Any]:
        return {"id": new_id("evt"), "object": "event", "type": type_,
                "api_version": "2026-10-28.endive", "created": int(time.time()),
                "livemode": False, "data": {"object": obj}}  # fmt: skip

    def deliver(self, event: dict[str, Any], secret: str = WEBHOOK_SECRET) -> int:
        """Send an event to the site, signed, as Stripe does; return the site's status."""
        body = json.dumps(event).encode()
        request = urllib.request.Request(
            self.webhook_url, data=body, method="POST",
            headers={"Content-Type": "application/json", "Stripe-Signature": sign(body, secret)},
        )  # fmt: skip
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        self.sent.append((event, status))
        return status


_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Stub payment page</title>
<link rel="icon" href="data:,"></head>
<body><main><h1>Pay {amount:.2f} EUR</h1>
<form method="post" action="/pay/{id}/card"><button>Pay by card</button></form>
<form method="post" action="/pay/{id}/sepa"><button>Pay by SEPA debit</button></form>
<form method="post" action="/pay/{id}/cancel"><button>Cancel</button></form>
</main></body></html>"""


def _json(body: dict[str, Any], status: int = 200) -> Response:
    return Response(json.dumps(body), status, mimetype="application/json")


def _error(status: int, kind: str, message: str) -> Response:
    return _json({"error": {"type": kind, "message": message}}, status)


def _see(url: str) -> Response:
    return Response("", 303, headers={"Location": url})
