"""Error pages in the visitor's language, with the status and headers HTTP expects."""

from __future__ import annotations

from flask import Flask, Response, make_response, render_template
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException, InternalServerError

# Each page says what happened and what to do next, in the visitor's words.
MESSAGES = {
    400: (_l("Bad request"), _l("The page could not understand what your browser sent.")),
    403: (_l("Access denied"), _l("You do not have permission to see this page.")),
    404: (
        _l("Page not found"),
        _l("The page you asked for does not exist, or has moved. Check the address."),
    ),
    405: (_l("Action not allowed"), _l("This page cannot be used in that way.")),
    413: (
        _l("Too much data"),
        _l("What you sent is larger than this site accepts. Shorten it and try again."),
    ),
    429: (
        _l("Too many attempts"),
        _l("You have sent too many requests in a short time. Wait a few minutes and try again."),
    ),
    500: (
        _l("Something went wrong"),
        _l("The site could not show this page because of an error on our side. Try again later."),
    ),
}


def render_error(error: HTTPException) -> Response:
    code = error.code if error.code in MESSAGES else 500
    title, message = MESSAGES[code]
    body = render_template(
        "pages/error.html", title=str(title), message=message, status=code, error=error
    )
    response = make_response(body, code)
    # Keep what the exception says HTTP needs (Allow on 405, Retry-After on 429).
    for name, value in error.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def init_app(app: Flask) -> None:
    for code in MESSAGES:
        if code != 500:
            app.register_error_handler(code, render_error)
    app.register_error_handler(InternalServerError, render_error)
