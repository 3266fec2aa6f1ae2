"""The site under gunicorn as the README runs it: one signing key, safe and traceable logs."""

from __future__ import annotations

import http.client
import os
import re
import signal
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from bench.common import gunicorn, worker_pids
from bench.donations import HIDDEN
from tests.forms import CONTACT


def form_of(base: str) -> tuple[str, dict[str, str]]:
    """A visitor opens the contact form: (their cookie, the hidden fields)."""
    with urllib.request.urlopen(base + "/en/contacts/") as page:
        cookie = page.headers["Set-Cookie"].split(";")[0]
        return cookie, dict(HIDDEN.findall(page.read().decode()))


def post(base: str, cookie: str, hidden: dict[str, str]) -> http.client.HTTPResponse:
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=20)
    connection.request("POST", "/en/contacts/", body=urlencode({**CONTACT, **hidden}),
                       headers={"Cookie": cookie,
                                "Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


def test_workers_restarted_after_the_key_file_is_lost_keep_the_same_key(tmp_path: Path) -> None:
    data_dir = tmp_path / "var"
    env = {"IUC_DATA_DIR": str(data_dir), "IUC_RATELIMIT_ENABLED": "0"}
    env_without_key = {k: v for k, v in os.environ.items() if k != "IUC_SECRET_KEY"}
    os.environ.pop("IUC_SECRET_KEY", None)  # the master makes it, as `make run` does
    try:
        with gunicorn("iuc_portal:create_app()", 3, env) as (base, master):
            visitors = [form_of(base) for _ in range(12)]
            assert (data_dir / "secret_key").exists()
            (data_dir / "secret_key").unlink()  # the data directory loses the key file...
            for pid in worker_pids(master.pid):  # ...and every worker is replaced
                os.kill(pid, signal.SIGKILL)
            deadline = time.monotonic() + 20
            while len(worker_pids(master.pid)) < 3 and time.monotonic() < deadline:
                time.sleep(0.2)
            time.sleep(1)
            statuses = [post(base, cookie, hidden).status for cookie, hidden in visitors]
    finally:
        os.environ.clear()
        os.environ.update(env_without_key)
    assert statuses == [303] * len(visitors)  # every form signed before is still good


def test_each_log_line_names_its_request_and_control_characters_are_escaped(
    tmp_path: Path,
) -> None:
    log = tmp_path / "gunicorn.log"
    env = {"IUC_DATA_DIR": str(tmp_path / "var"), "IUC_SECRET_KEY": "l" * 40,
           "IUC_RATELIMIT_ENABLED": "0"}  # fmt: skip
    with gunicorn("iuc_portal:create_app()", 1, env, log=log) as (base, _):
        cookie, hidden = form_of(base)
        sent = post(base, cookie, hidden)
        request_id = sent.getheader("X-Request-ID")
        parts = urlsplit(base)
        connection = http.client.HTTPConnection(parts.hostname, parts.port)
        connection.request("GET", "/fr/%0a127.0.0.1%20[forged]%20GET%20/admin")
        connection.getresponse().read()
    text = log.read_text()
    [recorded] = [line for line in text.splitlines() if "messages MSG-" in line]
    assert f"[{request_id}]" in recorded
    assert "\\x0a127.0.0.1 [forged]" in text
    assert not re.search(r"^127\.0\.0\.1 \[forged\]", text, re.MULTILINE)
