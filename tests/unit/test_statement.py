"""The accessibility statement names the tool versions that really ran."""

from __future__ import annotations

import json
import re
from importlib.metadata import version
from pathlib import Path

import axe_playwright_python

from iuc_portal.content import load_content
from iuc_portal.paths import CONTENT_DIR

ROOT = Path(__file__).resolve().parents[2]


def installed() -> dict[str, str]:
    axe = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()[:200]
    lock = json.loads((ROOT / "package-lock.json").read_text())
    return {
        "axe-core": re.search(r"axe v([\d.]+)", axe).group(1),
        "Nu Html Checker (vnu)": lock["packages"]["node_modules/vnu-jar"]["version"],
        "Playwright": version("playwright"),
    }


def test_the_statement_names_the_versions_in_use() -> None:
    stated = load_content(CONTENT_DIR).site.accessibility.automated_tests.tools
    assert {tool.name: tool.version for tool in stated} == installed()


def test_the_statement_names_the_browser_of_the_recorded_run() -> None:
    browser = load_content(CONTENT_DIR).site.accessibility.automated_tests.browser
    assert browser.name == "Chromium"  # the one the browser tests drive (tests/browser/conftest.py)
    assert re.fullmatch(r"\d+(\.\d+){3}", browser.version)
