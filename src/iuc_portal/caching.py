"""HTTP caching, and content pages rendered once per process.

A content page (no form, no session) is the same for every visitor of a
locale, so it is sent with ``Cache-Control: public`` and an ``ETag`` a CDN or
a browser can revalidate with ``If-None-Match``. Pages that touch the session
(forms, confirmations) are ``private, no-store``.

Each content page, once rendered, is kept in memory with its headers, and
``PageCache`` (a WSGI middleware) serves it again without entering Flask.
Content and catalogs are read at start only, so a restart after a change
starts with an empty cache: never a stale page.
"""

from __future__ import annotations

import secrets
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from flask import Flask, Response, current_app, g, request
from flask.globals import request_ctx
from werkzeug.http import parse_etags

# Pages without a query string are few (the site's own, a few dozen per host
# and language); pages with one (searches) are many. Each kind is kept to its
# most recently used, so junk requests can evict pages but never grow memory.
MAX_PAGES = 1000
MAX_QUERIES = 500
VARIED = ("HTTP_HX_REQUEST", "HTTP_HX_TARGET", "HTTP_HX_HISTORY_RESTORE_REQUEST")
# Set per response, never stored.
PER_RESPONSE = {"x-request-id", "date", "set-cookie"}

Key = tuple[str | None, ...]


def page_key(environ: dict[str, Any]) -> Key | None:
    """What a stored page depends on; None for what must always be rendered."""
    if environ["REQUEST_METHOD"] not in {"GET", "HEAD"}:
        return None
    # htmx headers matter only on an htmx request, so a stray one cannot split the key.
    htmx = environ.get("HTTP_HX_REQUEST") == "true"
    return (
        environ["wsgi.url_scheme"],
        environ.get("HTTP_HOST") or environ.get("SERVER_NAME"),
        environ.get("PATH_INFO", ""),
        environ.get("QUERY_STRING", ""),
        *(environ.get(name) if htmx else None for name in VARIED),
    )


@dataclass(frozen=True)
class Page:
    body: bytes
    headers: tuple[tuple[str, str], ...]
    etag: str


class PageStore:
    """Rendered content pages of one process, the least recently used going first."""

    def __init__(self) -> None:
        self.pages: OrderedDict[Key, Page] = OrderedDict()
        self.queries: OrderedDict[Key, Page] = OrderedDict()

    def _shelf(self, key: Key) -> tuple[OrderedDict[Key, Page], int]:
        return (self.queries, MAX_QUERIES) if key[3] else (self.pages, MAX_PAGES)

    def get(self, key: Key) -> Page | None:
        shelf, _ = self._shelf(key)
        page = shelf.get(key)
        if page is not None:
            shelf.move_to_end(key)
        return page

    def put(self, key: Key, page: Page) -> None:
        shelf, limit = self._shelf(key)
        shelf[key] = page
        while len(shelf) > limit:
            shelf.popitem(last=False)


class PageCache:
    """Serve stored pages before Flask: the same bytes and headers, a fresh request id."""

    def __init__(self, app: Any, store: PageStore) -> None:
        self.app = app
        self.store = store

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        key = page_key(environ)
        page = self.store.get(key) if key else None
        if page is None:
            return self.app(environ, start_response)
        headers = [*page.headers, ("X-Request-ID", secrets.token_hex(6))]
        if parse_etags(environ.get("HTTP_IF_NONE_MATCH")).contains_weak(page.etag):
            kept = [
                (n, v) for n, v in headers if n.lower() not in {"content-length", "content-type"}
            ]
            start_response("304 NOT MODIFIED", kept)
            return []
        start_response("200 OK", headers)
        return [] if environ["REQUEST_METHOD"] == "HEAD" else [page.body]


def session_used() -> bool:
    """Whether the request touched the session, without touching it here.

    Since Flask 3.1.3 merely reading ``flask.session`` marks it accessed, so
    this looks at the request context's own (private) attribute. Should Flask
    rename it, pages with forms would be cached: tests/http/test_production.py
    checks that they are not.
    """
    opened = getattr(request_ctx, "_session", None)
    return bool(opened is not None and opened.accessed)


def set_cache_headers(response: Response) -> Response:
    if "Cache-Control" in response.headers:
        return response  # the view knew better (health check, favicon)
    if current_app.config["PREVIEW"]:
        response.headers["Cache-Control"] = "no-store"  # a translator reloads to see their work
        return response
    shareable = (
        response.status_code == 200
        and request.method in {"GET", "HEAD"}
        and not session_used()
        and not g.get("locale_negotiated")
        # A fragment for htmx is no page: a cache that ignored Vary, or a
        # history-restore request, must never hand it out as one.
        and request.headers.get("HX-Request") != "true"
    )
    if not shareable:
        response.headers["Cache-Control"] = "private, no-store"
        return response
    response.headers["Cache-Control"] = f"public, max-age={current_app.config['PAGE_MAX_AGE']}"
    response.add_etag()
    return response.make_conditional(request)


def store_page(response: Response) -> Response:
    """Keep a shareable page for PageCache; runs last, once every header is set."""
    key = page_key(request.environ)
    if (
        key
        and response.status_code == 200
        and response.headers.get("Cache-Control", "").startswith("public")
        and not response.is_streamed
        and request.method == "GET"
    ):
        headers = tuple(
            (name, value) for name, value in response.headers if name.lower() not in PER_RESPONSE
        )
        store: PageStore = current_app.extensions["iuc_pages_rendered"]
        store.put(key, Page(response.get_data(), headers, response.get_etag()[0]))
    return response


def init_app(app: Flask) -> PageStore:
    store = PageStore()
    app.extensions["iuc_pages_rendered"] = store
    # after_request functions run last-registered first: the store is registered
    # first so that it runs last, once the cache headers (and the security headers,
    # registered after this) are set.
    if app.config["PAGE_CACHE"]:
        app.after_request(store_page)
    app.after_request(set_cache_headers)
    return store
