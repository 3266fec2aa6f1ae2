"""Extensions created once here and bound to the app in ``create_app``."""

from __future__ import annotations

from flask import current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

# Per client address, behind IUC_PROXY_COUNT trusted proxies (see security.py).
limiter = Limiter(get_remote_address, headers_enabled=True)


def form_rate_limit() -> str:
    return current_app.config["FORM_RATE_LIMIT"]
