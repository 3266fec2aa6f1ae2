"""Every crawled page, and the pages of each form state, pass the Nu Html Checker."""

from __future__ import annotations

import json
import shutil
import subprocess
import urllib.request
from pathlib import Path
from typing import NamedTuple

import pytest

from tests.pages import collection_app

from .test_pages import PAGES

ROOT = Path(__file__).resolve().parents[2]
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url) as response:
            return response.read().decode()
    except urllib.error.HTTPError as error:  # error pages are pages too
        return error.read().decode()


STATES = ["donate-errors", "contact-errors", "donate-thanks", "search-no-match"]


def states(client) -> dict[str, str]:
    """Pages a visitor reaches only by sending a form, rendered by the app itself."""
    from tests.forms import DONATION, submit

    donate_errors = submit(client, "/en/donate/", "donation-form", {**DONATION, "email": "x"})
    contact_errors = submit(client, "/fr/contacts/", "contact-form", {"name": "", "message": ""})
    thanks = submit(client, "/fr/faire-un-don/", "donation-form", DONATION).headers["Location"]
    return {
        "donate-errors": donate_errors.get_data(as_text=True),
        "contact-errors": contact_errors.get_data(as_text=True),
        "donate-thanks": client.get(thanks).get_data(as_text=True),
        "search-no-match": client.get("/en/departments/?q=zzz").get_data(as_text=True),
    }


# Checked with the site's pages, in the same run: the checker must report it.
INVALID = "invalid (checker canary)"
INVALID_HTML = (
    "<!doctype html><html lang=en><head><title>Canary</title></head>"
    "<body><p><div></span></body></html>"
)
INVALID_ERRORS = ["Stray end tag “span”.", "Unclosed element “div”."]


class Report(NamedTuple):
    errors: dict[str, list[str]]  # by document name
    checked: list[str]  # the documents the checker says it read


@pytest.fixture(scope="session")
def vnu(server: str, tmp_path_factory: pytest.TempPathFactory) -> Report:
    """Run the checker once over every document."""
    java = shutil.which("java")
    if java is None or not VNU.exists():
        pytest.fail("The Nu Html Checker needs Java and node_modules/vnu-jar: run `make test`.")
    folder = tmp_path_factory.mktemp("vnu")
    documents = {path: fetch(server + path) for path in PAGES}
    documents["404"] = fetch(server + "/en/no-such-page")
    documents.update(states(collection_app().test_client()))
    documents[INVALID] = INVALID_HTML
    files = {}
    for index, (name, html) in enumerate(documents.items()):
        target = folder / f"page-{index}.html"
        target.write_text(html, encoding="utf-8")
        files[target.name] = name
    documents_on_disk = [str(path) for path in sorted(folder.iterdir())]
    # --verbose names each file on stdout as it is checked; the JSON report goes to stderr.
    command = [
        java, "-jar", str(VNU), "--errors-only", "--verbose", "--format", "json",
        *documents_on_disk,
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    report = json.loads(result.stderr)
    checked = [
        files[Path(line).name] for line in result.stdout.splitlines() if Path(line).name in files
    ]
    errors: dict[str, list[str]] = {name: [] for name in files.values()}
    for message in report["messages"]:
        # vnu names a file "file:/tmp/.../page-3.html"; a message about no file is a failure too.
        name = files.get(message.get("url", "").rsplit("/", 1)[-1], "(checker)")
        errors.setdefault(name, []).append(
            f"line {message.get('lastLine')}: {message.get('message')}"
        )
    assert errors.pop("(checker)", []) == []
    return Report(errors, checked)


def test_the_checker_read_every_page(vnu: Report) -> None:
    """Each crawled page, the 404 page and each form state went through the checker."""
    assert len(PAGES) >= 30
    assert sorted(vnu.checked) == sorted(vnu.errors)
    assert len(vnu.checked) >= len(PAGES) + len(STATES) + 2  # the 404 page and the canary


def test_the_checker_reports_an_invalid_document(vnu: Report) -> None:
    """The checker is not passing everything: it finds the errors of a broken document."""
    found = [error.split(": ", 1)[1] for error in vnu.errors[INVALID]]
    assert all(error in found for error in INVALID_ERRORS), found


@pytest.mark.parametrize("name", [*PAGES, "404", *STATES])
def test_the_nu_html_checker_finds_no_error(vnu: Report, name: str) -> None:
    assert vnu.errors[name] == []
