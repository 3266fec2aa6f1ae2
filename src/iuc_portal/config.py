"""Settings from ``IUC_*`` environment variables, with safe defaults.

Every setting an operator can change is read here and nowhere else, so the
table in the README is the whole story.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

from .paths import default_data_dir

SECRET_KEY_FILE = "secret_key"
# The exit status gunicorn reads as "the app failed to load": its master stops
# too, instead of starting worker after worker that fail the same way.
APP_LOAD_ERROR = 4
PAYMENT_PROVIDERS = ("offline", "stripe")


class ConfigError(ValueError):
    """A setting the site cannot start without; the message names the variable."""


def site_address(config: Mapping[str, Any]) -> dict[str, Any]:
    """Flask settings that make IUC_SITE_URL the one address of the site.

    Links are built with its host and scheme (SERVER_NAME, also outside a
    request, in mails); a request naming another host gets a 400.
    """
    url = config.get("SITE_URL")
    if not url:
        return {}
    parts = urlsplit(url)
    trusted = [parts.hostname, *(config.get("TRUSTED_HOSTS") or [])]
    return {
        "SERVER_NAME": parts.netloc,
        "PREFERRED_URL_SCHEME": parts.scheme,
        "TRUSTED_HOSTS": list(dict.fromkeys(trusted)),
    }


def preview_settings(config: Mapping[str, Any]) -> dict[str, Any]:
    """A translator's preview (IUC_PREVIEW): every language present whatever its
    completeness, and nothing kept from one look at a page to the next."""
    return {"LOCALE_THRESHOLD": 0, "PAGE_CACHE": False} if config.get("PREVIEW") else {}


def check(config: Mapping[str, Any]) -> None:
    """Refuse a configuration the site cannot run with, naming the variable to set."""
    if config.get("SITE_URL"):
        parts = urlsplit(config["SITE_URL"])
        if parts.scheme not in {"http", "https"} or not parts.hostname or parts.path:
            raise ConfigError(
                "IUC_SITE_URL must be the site's address, like https://iuc.example.org"
            )
    if config.get("ENV") == "production":
        if not config.get("SITE_URL"):
            raise ConfigError("IUC_SITE_URL must be set when IUC_ENV=production")
        if not config.get("SECRET_KEY"):
            raise ConfigError("IUC_SECRET_KEY must be set when IUC_ENV=production")
        if config.get("DEBUG"):
            raise ConfigError("debug must be off when IUC_ENV=production (unset FLASK_DEBUG)")
        if config.get("PREVIEW"):
            raise ConfigError(
                "IUC_PREVIEW is a translator's preview: unset it when IUC_ENV=production"
            )
    provider = config["PAYMENT_PROVIDER"]
    if provider not in PAYMENT_PROVIDERS:
        raise ConfigError(
            f"IUC_PAYMENT_PROVIDER must be one of {', '.join(PAYMENT_PROVIDERS)}, not {provider!r}"
        )
    if provider == "stripe":
        for setting in ("STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET"):
            if not config.get(setting):
                raise ConfigError(f"IUC_{setting} must be set when IUC_PAYMENT_PROVIDER=stripe")


def _flag(value: str | None, default: bool) -> bool:
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() not in {"0", "false", "no", "off"}


def _int(environ: Mapping[str, str], name: str, default: int) -> int:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from None


def _list(value: str | None, default: tuple[str, ...]) -> tuple[str, ...]:
    if not value:
        return default
    return tuple(item.strip() for item in value.split(",") if item.strip())


def from_environ(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Flask config keys built from the process environment."""
    env = os.environ if environ is None else environ
    data_dir = env.get("IUC_DATA_DIR") or str(default_data_dir())
    return {
        "SECRET_KEY": env.get("IUC_SECRET_KEY") or None,
        "DATA_DIR": data_dir,
        # The site's public address; links, mails and the accessibility statement
        # use it, never the host a request names. Unset: the request's host.
        "SITE_URL": (env.get("IUC_SITE_URL") or "").rstrip("/") or None,
        # production: refuse to start without the settings a public site needs.
        "ENV": env.get("IUC_ENV") or "development",
        # Unset: SQLite in the data directory (store/database.py).
        "DATABASE_URL": env.get("IUC_DATABASE_URL") or None,
        "SMTP_URL": env.get("IUC_SMTP_URL") or None,
        # Each site process sends queued mail itself; 0 where ``outbox work`` runs apart.
        "MAIL_WORKER": _flag(env.get("IUC_MAIL_WORKER"), True),
        "MAIL_FROM": env.get("IUC_MAIL_FROM") or None,
        "MAIL_TO": env.get("IUC_MAIL_TO") or None,
        "PROXY_COUNT": _int(env, "IUC_PROXY_COUNT", 0),
        # The publisher's facts (legal entity, beneficiary, DPO...); unset: the shipped
        # content/publisher.json, where every fact still waits to be supplied.
        "PUBLISHER_FILE": env.get("IUC_PUBLISHER_FILE") or None,
        # offline: gifts are promises, paid by cheque, transfer or mandate; stripe:
        # paid on Stripe Checkout (payments/).
        "PAYMENT_PROVIDER": env.get("IUC_PAYMENT_PROVIDER") or "offline",
        # Paid gifts and tax receipts are accounting records: kept this long
        # (Code de commerce L123-22), whatever a purge asks.
        "RECEIPT_RETENTION_YEARS": _int(env, "IUC_RECEIPT_RETENTION_YEARS", 10),
        "STRIPE_SECRET_KEY": env.get("IUC_STRIPE_SECRET_KEY") or None,
        "STRIPE_WEBHOOK_SECRET": env.get("IUC_STRIPE_WEBHOOK_SECRET") or None,
        # Unset: Stripe's own API. Tests point it at a local stand-in.
        "STRIPE_API_BASE": env.get("IUC_STRIPE_API_BASE") or None,
        # The site's own host names: links in pages and the sitemap are absolute,
        # so a request naming another host is refused rather than echoed back.
        "TRUSTED_HOSTS": list(_list(env.get("IUC_TRUSTED_HOSTS"), ())) or None,
        "RATELIMIT_ENABLED": _flag(env.get("IUC_RATELIMIT_ENABLED"), True),
        "RATELIMIT_STORAGE_URI": env.get("IUC_RATELIMIT_STORAGE_URL") or "memory://",
        # Locales that must be complete; any other catalog is offered only
        # once it reaches LOCALE_THRESHOLD percent (see i18n.discover_locales).
        "SHIPPED_LOCALES": _list(env.get("IUC_SHIPPED_LOCALES"), ("fr", "en")),
        "LOCALE_THRESHOLD": _int(env, "IUC_LOCALE_THRESHOLD", 100),
        # A translator's preview (make preview): every language, no cache, catalogs
        # reloaded as they are saved (preview.py).
        "PREVIEW": _flag(env.get("IUC_PREVIEW"), False),
        # Where the catalogs are; unset: those shipped with the site. A team that
        # keeps them apart (a Weblate checkout, say) points here.
        "TRANSLATIONS_DIR": env.get("IUC_TRANSLATIONS_DIR") or None,
        "DEFAULT_LOCALE": env.get("IUC_DEFAULT_LOCALE") or "fr",
        "PAGE_MAX_AGE": _int(env, "IUC_PAGE_MAX_AGE", 300),
        # Content pages rendered once per process; 0 renders every time (benchmarks).
        "PAGE_CACHE": _flag(env.get("IUC_PAGE_CACHE"), True),
        # Forms are small; anything larger is refused with a localized 413.
        "MAX_CONTENT_LENGTH": _int(env, "IUC_MAX_CONTENT_LENGTH", 64 * 1024),
        # Submissions of a form per client address (Flask-Limiter syntax).
        "FORM_RATE_LIMIT": env.get("IUC_FORM_RATE_LIMIT") or "10 per minute; 50 per hour",
        # Stripe's webhooks, per client address: far above what Stripe sends.
        "WEBHOOK_RATE_LIMIT": env.get("IUC_WEBHOOK_RATE_LIMIT") or "600 per minute",
        "RATELIMIT_HEADERS_ENABLED": True,
        # A form's token lives as long as the session, so a slow visitor is not
        # turned away; an expired session gives the form back, filled.
        "WTF_CSRF_TIME_LIMIT": None,
        "SESSION_COOKIE_SAMESITE": "Lax",
    }


def prepare_data_dir(path: str) -> Path:
    """The data directory, created if missing (the health check then tells it is writable),
    and readable by the site's own user only: it holds personal data."""
    data_dir = Path(path)
    # A directory that cannot be made is reported by /healthz; the pages still serve.
    with contextlib.suppress(OSError):
        data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        data_dir.chmod(0o700)
    return data_dir


def private_file(path: Path | str, mode: str = "w", encoding: str | None = "utf-8") -> IO[Any]:
    """A file for personal data (an export, a receipt), readable by its owner only."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)  # an existing file keeps its mode otherwise
    return os.fdopen(descriptor, mode, encoding=encoding if "b" not in mode else None)


def ensure_secret_key(data_dir: Path) -> str:
    """Read the signing key kept in the data directory, creating it once.

    Workers start together: each writes a candidate to a private file and
    links it into place. ``link`` fails when the name exists, so exactly one
    candidate wins and every worker then reads that one, never a half-written
    file.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    target = data_dir / SECRET_KEY_FILE
    if not target.exists():
        candidate = data_dir / f".{SECRET_KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w", encoding="ascii") as handle:
                handle.write(secrets.token_urlsafe(48))
                handle.flush()
                os.fsync(handle.fileno())
            with contextlib.suppress(FileExistsError):
                os.link(candidate, target)
        finally:
            candidate.unlink(missing_ok=True)
    key = target.read_text(encoding="ascii").strip()
    if len(key) < 32:
        raise RuntimeError(f"{target} holds no usable key; delete it to have a new one made")
    return key
