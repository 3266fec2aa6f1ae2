"""Server settings for gunicorn. Settings only: this file never imports the app."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:" + os.environ.get("PORT", "8000"))
workers = int(os.environ.get("WEB_CONCURRENCY", "0")) or multiprocessing.cpu_count() * 2 + 1
# Each instance keeps to itself: no shared control socket between sites or tests.
control_socket_disable = True
