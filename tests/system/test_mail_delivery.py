"""Mail goes out with no command run: the site's own delivery loop, or ``outbox work``."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.common import ROOT, gunicorn
from bench.donations import one_donation
from tests.smtp import Inbox, SmtpServer, free_port


def wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


@pytest.fixture
def inbox() -> SmtpServer:
    server = SmtpServer(port=free_port(), inbox=Inbox())
    yield server
    server.stop()


def site_env(tmp_path: Path, inbox: SmtpServer, mail_worker: str) -> dict[str, str]:
    return {
        "IUC_DATA_DIR": str(tmp_path / "var"),
        "IUC_SECRET_KEY": "mail-" + "k" * 40,
        "IUC_SMTP_URL": inbox.url,
        "IUC_MAIL_FROM": "dons@iuc.example",
        "IUC_MAIL_WORKER": mail_worker,
    }


def test_smtp_down_then_back_the_mail_goes_out_on_its_own(
    tmp_path: Path, inbox: SmtpServer
) -> None:
    with gunicorn("iuc_portal:create_app()", 2, site_env(tmp_path, inbox, "1")) as (base, _):
        [reference] = one_donation(base, [base])  # SMTP is down: the gift is confirmed at once
        assert reference
        time.sleep(1)  # the loop has tried, and failed
        assert inbox.inbox.messages == []
        inbox.start()
        # Retries are at most 30 s apart in a mail's first hour.
        assert wait_for(lambda: inbox.inbox.messages, 40), "the mail never went out"
        time.sleep(4)  # a further pass of every worker's loop sends nothing more
    [message] = inbox.inbox.messages
    assert reference in message["Subject"]


def test_outbox_work_sends_as_a_service_of_its_own(tmp_path: Path, inbox: SmtpServer) -> None:
    inbox.start()
    env = site_env(tmp_path, inbox, "0")
    with gunicorn("iuc_portal:create_app()", 1, env) as (base, _):
        [reference] = one_donation(base, [base])
        time.sleep(1)
        assert inbox.inbox.messages == []  # the site itself does not send
        worker = subprocess.Popen(
            [str(Path(sys.executable).with_name("flask")), "--app", "iuc_portal", "outbox", "work"],
            cwd=ROOT, env={**os.environ, **env},
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        try:
            assert wait_for(lambda: inbox.inbox.messages, 20), "outbox work sent nothing"
        finally:
            worker.send_signal(signal.SIGTERM)
            output, _ = worker.communicate(timeout=30)
    assert worker.returncode == 0, output
    assert [reference in m["Subject"] for m in inbox.inbox.messages] == [True]
