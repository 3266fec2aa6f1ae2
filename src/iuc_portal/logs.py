"""The site's log lines each carry the id of the request they belong to.

Support finds every line of one visitor's request from the id on its error
page or its ``X-Request-ID`` header. Lines go where Flask sends them (the
server's error stream); gunicorn.conf.py keeps its own access log safe.
"""

from __future__ import annotations

import logging

from flask import Flask, has_request_context
from flask.logging import default_handler

from .security import request_id

FORMAT = "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id() if has_request_context() else "-"
        return True


def init_app(app: Flask) -> None:
    if not any(isinstance(f, RequestIdFilter) for f in default_handler.filters):
        default_handler.addFilter(RequestIdFilter())
        default_handler.setFormatter(logging.Formatter(FORMAT))
    # What the site records (a gift stored, a mail sent) is worth a line.
    if app.logger.level == logging.NOTSET:
        app.logger.setLevel(logging.INFO)
