"""Error pages in the visitor's language, with the status and headers HTTP expects."""

from __future__ import annotations

from flask import Flask, Response, g, make_response, render_template, request
from flask.globals import request_ctx
from werkzeug.exceptions import HTTPException, ServiceUnavailable

from iuc_portal.i18n import lazy_gettext as _l

from .security import request_id
from .store import StoreUnavailable

# Each page says what happened and what to do next, in the visitor's words.
MESSAGES = {
    # Translators: Title of the error page for a request the site cannot read (HTTP 400).
    400: (_l("Bad request"), _l("The page could not understand what your browser sent.")),
    # Translators: Title of the error page for a page the visitor may not see (HTTP 403).
    403: (_l("Access denied"), _l("You do not have permission to see this page.")),
    404: (
        _l("Page not found"),
        _l("The page you asked for does not exist, or has moved. Check the address."),
    ),
    405: (_l("Action not allowed"), _l("This page cannot be used in that way.")),
    415: (
        _l("Request not understood"),
        _l("This address only accepts the site’s own forms. Go back and use the form."),
    ),
    413: (
        _l("Too much data"),
        _l("What you sent is larger than this site accepts. Shorten it and try again."),
    ),
    429: (
        _l("Too many attempts"),
        _l("You have sent too many requests in a short time. Wait a few minutes and try again."),
    ),
    503: (
        _l("Service temporarily unavailable"),
        _l("The site cannot do this right now. Try again in a few minutes."),
    ),
    500: (
        _l("Something went wrong"),
        _l("The site could not show this page because of an error on our side. Try again later."),
    ),
}


OTHER = (
    _l("The request could not be completed"),
    _l("The site could not do what your browser asked. Go back and try again."),
)


def render_error(error: HTTPException) -> Response:
    code = error.code or 500
    title, message = MESSAGES.get(code, OTHER)
    if request_ctx.url_adapter is None:
        # The request named a host the site does not serve: no link can be built
        # for it, and none should be, so the answer is plain text.
        return Response(f"{title}\n", code, mimetype="text/plain")
    body = render_template(
        "pages/error.html", title=str(title), message=message, status=code, error=error
    )
    response = make_response(body, code)
    # Keep what the exception says HTTP needs (Allow on 405, Retry-After on 429).
    for name, value in error.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    if g.get("locale_negotiated"):
        # Outside /fr/ and /en/ the language came from the visitor's headers.
        response.vary.update(("Accept-Language", "Cookie"))
    return response


class Site(Flask):
    """The Flask app, logging a failure with the request id its error page shows."""

    def log_exception(self, exc_info) -> None:  # type: ignore[no-untyped-def]
        self.logger.error(
            "request %s failed: %s %s",
            request_id(),
            request.method,
            request.path,
            exc_info=exc_info,
        )


def init_app(app: Flask) -> None:
    # One handler for every HTTP error, so none falls back to Werkzeug's English page.
    app.register_error_handler(HTTPException, render_error)
    # The database is down, full or read-only: say so, with a 503, not a 500.
    app.register_error_handler(
        StoreUnavailable, lambda error: render_error(ServiceUnavailable(retry_after=120))
    )
    app.add_template_global(request_id)
