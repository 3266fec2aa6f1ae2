"""Real Chromium (Debian's) driven by Playwright against real gunicorn.

One server and one browser for the whole session. The browser tests never
skip: without Chromium they fail and say how to install it.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page

from bench.common import gunicorn

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Headless, and nothing that reaches out to the network: this machine has none.
CHROME_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    if not Path(CHROMIUM).exists() and not shutil.which(CHROMIUM):
        pytest.fail(
            f"Chromium is not installed at {CHROMIUM}. `make test` installs it "
            "(apt-get install chromium); or set CHROMIUM_PATH to a Chromium binary.",
            pytrace=False,
        )
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROME_ARGS}


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The site under gunicorn, as deployed; rate limits off, since tests send many forms."""
    env = {
        "IUC_DATA_DIR": str(tmp_path_factory.mktemp("browser-var")),
        "IUC_SECRET_KEY": "browser-tests-" + "k" * 40,
        "IUC_RATELIMIT_ENABLED": "0",
    }
    with gunicorn("iuc_portal:create_app()", workers=2, env=env) as (base, _):
        yield base


@pytest.fixture
def watched(page: Page) -> Page:
    """A page that records console errors, uncaught exceptions and CSP violations."""
    problems: list[str] = []
    page.on(
        "console",
        lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None,
    )
    page.on("pageerror", lambda error: problems.append(f"uncaught: {error}"))
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => "
        "console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));"
    )
    page.problems = problems  # type: ignore[attr-defined]
    return page
