"""Server settings for gunicorn. Settings only: this file never imports the app."""

import os

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


class QuietHealthLogger(Logger):
    """The load balancer's health checks would drown the access log."""

    def access(self, resp, req, environ, request_time):
        if environ.get("PATH_INFO") != "/healthz":
            super().access(resp, req, environ, request_time)


logger_class = QuietHealthLogger
