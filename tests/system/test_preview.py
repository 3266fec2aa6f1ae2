"""`make preview`, as docs/TRANSLATING.md tells translators to use it."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from bench.common import ROOT
from iuc_portal.paths import TRANSLATIONS_DIR
from tests.servers import free_port


def fetch(url: str, seconds: float = 60) -> tuple[str, str]:
    """The page's text and Cache-Control, once the server answers."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                return response.read().decode(), response.headers.get("Cache-Control", "")
        except (urllib.error.URLError, ConnectionError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def test_a_saved_catalog_shows_on_reload_without_a_restart(tmp_path: Path) -> None:
    translations = tmp_path / "translations"
    shutil.copytree(TRANSLATIONS_DIR, translations)
    french = translations / "fr" / "LC_MESSAGES" / "messages.po"
    port = free_port()
    env = {**os.environ, "IUC_TRANSLATIONS_DIR": str(translations),
           "IUC_DATA_DIR": str(tmp_path / "var")}  # fmt: skip
    server = subprocess.Popen(
        ["make", "--no-print-directory", "preview", f"PORT={port}"],
        cwd=ROOT, env=env, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        page, cache_control = fetch(f"http://127.0.0.1:{port}/fr/")
        assert "Chiffres clés" in page
        assert "no-store" in cache_control  # the browser keeps nothing either
        # The translator changes a wording and saves, as Poedit would.
        text = french.read_text(encoding="utf-8")
        assert 'msgstr "Chiffres clés"' in text
        french.write_text(text.replace('msgstr "Chiffres clés"', 'msgstr "L’IUC en chiffres"'))
        page, _ = fetch(f"http://127.0.0.1:{port}/fr/")
        assert "L’IUC en chiffres" in page
        assert "Chiffres clés" not in page
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
