"""The server settings: workers from the CPUs, no query strings or health checks in the log."""

from __future__ import annotations

import os
import runpy
import urllib.request
from pathlib import Path

import pytest

from bench.common import gunicorn

CONF = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"


def test_it_does_not_import_the_app() -> None:
    assert "iuc_portal" not in CONF.read_text()


def test_workers_follow_the_cpus_unless_told(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    assert runpy.run_path(str(CONF))["workers"] == len(os.sched_getaffinity(0)) * 2 + 1
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    assert runpy.run_path(str(CONF))["workers"] == 3
    assert runpy.run_path(str(CONF))["control_socket_disable"] is True


def test_the_access_log_has_no_query_string_and_no_health_check(tmp_path: Path) -> None:
    log = tmp_path / "gunicorn.log"
    env = {"IUC_DATA_DIR": str(tmp_path / "var"), "IUC_SECRET_KEY": "g" * 40}
    with gunicorn("iuc_portal:create_app()", workers=1, env=env, log=log) as (base, _):
        for path in ("/healthz", "/fr/services/?q=jean.dupont@example.org", "/en/"):
            with urllib.request.urlopen(base + path) as response:
                assert response.status == 200
    lines = [line for line in log.read_text().splitlines() if '"GET ' in line]
    assert any('"GET /fr/services/ HTTP/1.1" 200' in line for line in lines)
    assert any('"GET /en/ HTTP/1.1" 200' in line for line in lines)
    assert "jean.dupont" not in log.read_text()
    assert "/healthz" not in log.read_text()


def test_gunicorn_does_not_trust_forwarded_headers_on_its_own(tmp_path: Path) -> None:
    """With IUC_PROXY_COUNT=0, a client saying "https" gets no HSTS and no Secure cookie."""
    env = {"IUC_DATA_DIR": str(tmp_path / "var"), "IUC_SECRET_KEY": "g" * 40}
    with gunicorn("iuc_portal:create_app()", workers=1, env=env) as (base, _):
        request = urllib.request.Request(
            base + "/en/donate/", headers={"X-Forwarded-Proto": "https"}
        )
        with urllib.request.urlopen(request) as response:
            assert response.headers["Strict-Transport-Security"] is None
            assert "Secure" not in response.headers["Set-Cookie"]
