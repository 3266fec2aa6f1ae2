"""What a screen reader navigates by, kept as reviewed golden files.

A change to landmarks, headings, links or form controls shows up in review as
a readable diff of tests/browser/aria/*.yml. After a deliberate change, run
`IUC_UPDATE_SNAPSHOTS=1 make test` and review the diff before committing.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest
from playwright.sync_api import Page

from .helpers import navigable_outline

GOLDEN = Path(__file__).parent / "aria"
PAGES = {
    "home-fr": "/fr/",
    "home-en": "/en/",
    "department-fr": "/fr/services/pneumologie",
    "department-en": "/en/departments/pneumology",
    "donate-fr": "/fr/faire-un-don/",
    "donate-en": "/en/donate/",
    "contacts-fr": "/fr/contacts/",
    "contacts-en": "/en/contacts/",
}


@pytest.mark.parametrize("name", PAGES)
def test_the_screen_reader_view_matches_its_golden_file(page: Page, server: str, name: str) -> None:
    page.goto(server + PAGES[name])
    outline = navigable_outline(page.locator("body").aria_snapshot())
    golden = GOLDEN / f"{name}.yml"
    if os.environ.get("IUC_UPDATE_SNAPSHOTS") == "1":
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(outline, encoding="utf-8")
    expected = golden.read_text(encoding="utf-8") if golden.exists() else ""
    diff = "".join(
        difflib.unified_diff(
            expected.splitlines(keepends=True), outline.splitlines(keepends=True),
            f"{golden.name} (reviewed)", f"{golden.name} (now)",
        )
    )  # fmt: skip
    assert not diff, f"the screen-reader view of {PAGES[name]} changed:\n{diff}"


def test_the_outline_keeps_what_is_navigated_by() -> None:
    """Every kind of landmark and control survives the reduction; a long option list does not."""
    snapshot = """\
- banner:
  - navigation "Main menu":
    - list:
      - listitem:
        - link "Home" [ref=e1]
- complementary "Related":
  - img "Map of the site"
  - img
  - paragraph: Some text
- search:
  - searchbox "Find a department" [active]
- group "Gift":
  - spinbutton "Number of months": "3"
  - switch "Monthly" [checked]
  - slider "Share"
  - combobox "Country":
    - option "Afghanistan"
    - option "France" [selected]
  - listbox "Hospitals":
    - option "Tenon" [selected]
    - option "Rothschild"
- dialog "Confirm":
  - button "OK"
"""
    assert (
        navigable_outline(snapshot)
        == """\
- banner
  - navigation "Main menu"
    - link "Home"
- complementary "Related"
  - img "Map of the site"
- search
  - searchbox "Find a department"
- group "Gift"
  - spinbutton "Number of months": "3"
  - switch "Monthly" [checked]
  - slider "Share"
  - combobox "Country"
    - option "France" [selected]
  - listbox "Hospitals"
    - option "Tenon" [selected]
- dialog "Confirm"
  - button "OK"
"""
    )


def test_an_entry_quoted_for_its_colon_is_kept() -> None:
    snapshot = """\
- list:
  - listitem:
    - 'link "Write to: Pneumology"':
      - /url: /en/contacts/
"""
    assert navigable_outline(snapshot) == '- link "Write to: Pneumology"\n'
