"""Protections on every response: security headers, proxies, cookies, request ids.

Headers are set here rather than by a library: they are a dozen lines, they
must also reach the static files WhiteNoise serves (``static_headers``), and
Flask-Talisman, the usual choice, has not had a release since 2023.
"""

from __future__ import annotations

import secrets
from typing import Any

from flask import Flask, Response, abort, current_app, g, request
from flask.sessions import SecureCookieSessionInterface
from werkzeug.datastructures import Headers
from werkzeug.middleware.proxy_fix import ProxyFix


def content_security_policy(form_origins: tuple[str, ...] = ()) -> str:
    """The site's CSP. ``form_origins``: where a form post may lead besides the site
    (a payment page: browsers apply form-action to the redirect after a post)."""
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self'",
            "font-src 'self'",
            "connect-src 'self'",
            " ".join(["form-action 'self'", *form_origins]),
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "object-src 'none'",
        ]
    )


CSP = content_security_policy()
PERMISSIONS = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer", "camera", "geolocation", "gyroscope", "magnetometer",
        "microphone", "payment", "usb", "browsing-topics",
    )
)  # fmt: skip
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": PERMISSIONS,
}
HSTS = "max-age=63072000; includeSubDomains"  # two years


def static_headers(headers: Headers, path: str, url: str) -> None:
    """The same headers on what WhiteNoise serves (it runs outside Flask)."""
    for name, value in HEADERS.items():
        headers[name] = value


def set_security_headers(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    response.headers["Content-Security-Policy"] = current_app.extensions["iuc_csp"]
    response.headers["X-Request-ID"] = request_id()
    return response


def request_id() -> str:
    """This request's id: given as it starts, or when first asked for, should
    the request fail before it starts (while its URL is matched)."""
    return g.setdefault("request_id", secrets.token_hex(6))


def start_request() -> None:
    """Give the request an id that the logs and a 500 page share, so support can find it."""
    request_id()
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    # Refuse an oversized body at once, before any view would start reading it.
    if limit and request.content_length and request.content_length > limit:
        abort(413)


# What a form posts: anything else (JSON, say) on a form's address is refused.
FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}
# Sec-Fetch-Site values of a request made by this site's own pages (or typed in).
OWN_FETCH_SITES = {"same-origin", "none"}


def server_to_server(view: Any) -> Any:
    """Mark a view that takes posts from another server (a webhook), not from a form."""
    view.server_to_server = True
    return view


def refuse_foreign_posts() -> None:
    """A POST must come from one of this site's forms: sent as a form, from its pages.

    Checked before any form is read, so that another site's page can neither
    post in the visitor's name nor have the site give back a form filled with
    its own words (as under the "form had expired" notice).
    """
    if request.method != "POST" or request.routing_exception is not None:
        return  # not a post, or to no form (a 404 or 405 says so)
    view = current_app.view_functions.get(request.endpoint or "")
    if getattr(view, "server_to_server", False):
        return
    origin = request.headers.get("Origin")
    if origin is not None and origin != request.host_url.rstrip("/"):
        abort(400)
    if request.headers.get("Sec-Fetch-Site", "same-origin") not in OWN_FETCH_SITES:
        abort(400)
    if request.mimetype not in FORM_TYPES:
        abort(415)


class SessionInterface(SecureCookieSessionInterface):
    """The session cookie is Secure whenever the page came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return request.is_secure or super().get_cookie_secure(app)


def transport_security(wsgi_app: Any) -> Any:
    """HSTS on every response to a request that came over HTTPS.

    A WSGI layer rather than part of set_security_headers, so that static
    files (WhiteNoise works out their headers once per file, not per request)
    and pages from the page cache carry it as well.
    """

    def app(environ: dict, start_response: Any) -> Any:
        if environ.get("wsgi.url_scheme") != "https":
            return wsgi_app(environ, start_response)

        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            headers = [(k, v) for k, v in headers if k.lower() != "strict-transport-security"]
            return start_response(status, [*headers, ("Strict-Transport-Security", HSTS)], exc_info)

        return wsgi_app(environ, start)

    return app


def behind_proxies(wsgi_app: Any, proxies: int) -> Any:
    """Trust X-Forwarded-For and -Proto from that many proxies, no more.

    Client addresses then count for rate limits, and https for HSTS and
    Secure cookies. X-Forwarded-Host is never trusted: many proxies pass the
    client's value on, and links in cacheable pages are built from the host.
    The proxy sends the real host in Host. With no proxy, nothing is trusted
    (gunicorn.conf.py keeps gunicorn itself from trusting anyone either).
    """
    if not proxies:
        return wsgi_app
    return ProxyFix(wsgi_app, x_for=proxies, x_proto=proxies, x_host=0, x_port=0)


def init_app(app: Flask, form_origins: tuple[str, ...] = ()) -> None:
    app.extensions["iuc_csp"] = content_security_policy(form_origins)
    app.session_interface = SessionInterface()
    app.before_request(start_request)
    app.before_request(refuse_foreign_posts)
    app.after_request(set_security_headers)
