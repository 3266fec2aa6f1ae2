"""HTTP caching, and content pages rendered once per process.

A content page (no form, no session) is the same for every visitor of a
locale, so it is sent with ``Cache-Control: public`` and an ``ETag`` a CDN or
a browser can revalidate with ``If-None-Match``. Pages that touch the session
(forms, confirmations) are ``private, no-store``.

The rendered body of each content page is kept in memory, per process, and
served again without rendering. Content and catalogs are read at start only,
so a restart after a change starts with an empty cache: never a stale page.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, Response, current_app, g, request
from flask.globals import request_ctx

MAX_PAGES = 2000  # a bound, not a working size: the site has a few dozen pages
VARIED_HEADERS = ("HX-Request", "HX-Target", "HX-History-Restore-Request")


@dataclass(frozen=True)
class Page:
    body: bytes
    mimetype: str
    vary: tuple[str, ...]
    etag: str


def _cache() -> dict[tuple, Page]:
    return current_app.extensions.setdefault("iuc_page_cache", {})


def _key() -> tuple | None:
    """What a cached page depends on; None when the request must be rendered."""
    if request.method not in {"GET", "HEAD"} or request.query_string:
        return None
    return (request.host_url, request.path, *(request.headers.get(h) for h in VARIED_HEADERS))


def serve_cached() -> Response | None:
    key = _key()
    page = _cache().get(key) if key else None
    if page is None:
        return None
    g.from_page_cache = True
    response = Response(page.body, mimetype=page.mimetype)
    response.vary.update(page.vary)
    response.set_etag(page.etag)
    return response


def session_used() -> bool:
    """Whether the request touched the session, without touching it here.

    Since Flask 3.1.3 merely reading ``flask.session`` marks it accessed.
    """
    opened = getattr(request_ctx, "_session", None)
    return bool(opened is not None and opened.accessed)


def set_cache_headers(response: Response) -> Response:
    if "Cache-Control" in response.headers:
        return response  # the view knew better (health check, favicon)
    shareable = (
        response.status_code == 200
        and request.method in {"GET", "HEAD"}
        and not session_used()
        and not g.get("locale_negotiated")
    )
    if not shareable:
        response.headers["Cache-Control"] = "private, no-store"
        return response
    response.headers["Cache-Control"] = f"public, max-age={current_app.config['PAGE_MAX_AGE']}"
    response.add_etag()  # kept when the page came from the cache
    key = _key()
    cache = _cache()
    fresh = not g.get("from_page_cache") and not response.is_streamed
    if key and fresh and current_app.config["PAGE_CACHE"] and len(cache) < MAX_PAGES:
        body = response.get_data()
        cache[key] = Page(body, response.mimetype, tuple(response.vary), response.get_etag()[0])
    return response.make_conditional(request)


def init_app(app: Flask) -> None:
    if app.config["PAGE_CACHE"]:
        app.before_request(serve_cached)
    app.after_request(set_cache_headers)
