"""Server settings for gunicorn. Settings only: this file never imports the app."""

import os
import re
import secrets
from pathlib import Path

from gunicorn.glogging import Logger

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:" + os.environ.get("PORT", "8000"))
# Sync workers: the site does little but render pages and write short transactions.
# The CPUs this process may use (a container may allow fewer than the machine has).
workers = int(os.environ.get("WEB_CONCURRENCY") or 0) or len(os.sched_getaffinity(0)) * 2 + 1
timeout = 30  # a stuck worker is replaced; no request ever waits on SMTP
graceful_timeout = 20
keepalive = 5
# Each instance keeps to itself: no control socket shared between sites or tests.
control_socket_disable = True
# Forwarded headers are the app's business (IUC_PROXY_COUNT): gunicorn would
# otherwise trust X-Forwarded-Proto from any local client.
forwarded_allow_ips = ""

accesslog = "-"
# The path without its query string (%(U)s, not %(r)s): a query could carry what
# a visitor typed. No referrer either, for the same reason.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms "%(a)s"'


# Control characters a request may carry (a %0a in its path, a browser name
# with a line feed), shown escaped: a line of the log is one request.
UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _escaped(value):
    if not isinstance(value, str):
        return value
    return UNPRINTABLE.sub(lambda match: f"\\x{ord(match.group()):02x}", value)


class QuietHealthLogger(Logger):
    """The access log: one safe line per request, health checks left out (they would drown it)."""

    def access(self, resp, req, environ, request_time):
        if environ.get("PATH_INFO") != "/healthz":
            super().access(resp, req, environ, request_time)

    def atoms(self, resp, req, environ, request_time):
        return {
            key: _escaped(value)
            for key, value in super().atoms(resp, req, environ, request_time).items()
        }


logger_class = QuietHealthLogger


def on_starting(server):
    """The signing key, made or read once by the master, before any worker starts.

    Workers inherit it: a worker restarted later (after a crash, or when the
    data directory has lost its key file) signs with the same key as the
    others, so no visitor's form is refused for a token another worker made.
    In production the key comes from IUC_SECRET_KEY, the same on every machine.
    """
    if os.environ.get("IUC_SECRET_KEY") or os.environ.get("IUC_ENV") == "production":
        return
    data_dir = Path(os.environ.get("IUC_DATA_DIR") or "var")
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    key_file = data_dir / "secret_key"
    if not key_file.exists():
        candidate = data_dir / f".secret_key.{os.getpid()}"
        descriptor = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(secrets.token_urlsafe(48))
        try:
            os.link(candidate, key_file)  # fails if another process made it first
        except FileExistsError:
            pass
        finally:
            candidate.unlink()
    os.environ["IUC_SECRET_KEY"] = key_file.read_text(encoding="ascii").strip()
