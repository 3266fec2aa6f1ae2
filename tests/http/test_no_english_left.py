"""No English is left on a French page.

Text that reads the same in both languages is allowed only when it is a name
(people, places, addresses) or one of the few words listed here that French
and English share. A translator who pastes the English is caught.
"""

from __future__ import annotations

import json
import re

import pytest
from bs4 import BeautifulSoup
from flask.testing import FlaskClient

from iuc_portal.content import load_content
from iuc_portal.paths import CONTENT_DIR
from tests.conftest import EXAMPLE_PUBLISHER
from tests.pages import PAGES, PageRef, soup

WORD = re.compile(r"[^\W\d_]{3,}")
SAME_IN_BOTH = [
    "AP-HP. Sorbonne Université",
    "CLIP² Galilée",
    "CNRS",
    "Contacts",
    "Cookies",
    "cnil.fr",
    "defenseurdesdroits.fr",
    "Inserm",
    "SIRIC Curamus",
    "Sorbonne Université",
]


def _publisher_words(value: object) -> list[str]:
    """The publisher's names, addresses and numbers: the same in every language."""
    if isinstance(value, dict):
        return [word for item in value.values() for word in _publisher_words(item)]
    if isinstance(value, list):
        return [word for item in value for word in _publisher_words(item)]
    return [value] if isinstance(value, str) else []


def _same_in_both() -> list[str]:
    content = load_content(CONTENT_DIR)
    names = [content.site.short_name, "IUC", "RGAA"]
    names += [person.name for person in content.people.values()]
    names += [tool.name for tool in content.site.accessibility.automated_tests.tools]
    for hospital in content.hospitals.values():
        names += [hospital.address.street, hospital.address.city]
    names += SAME_IN_BOTH
    names += _publisher_words(json.loads(EXAMPLE_PUBLISHER.read_text(encoding="utf-8")))
    return sorted(names, key=len, reverse=True)  # longest first, so parts don't break wholes


ALLOWED = _same_in_both()


def _marked_as_other_language(text, page_lang: str) -> bool:
    owner = text.find_parent(attrs={"lang": True})
    return owner is not None and owner["lang"] != page_lang


def _code(text) -> bool:
    """A cookie's name, say: code, not language."""
    return text.find_parent("code") is not None


def _country_name(text) -> bool:
    """Country names come from CLDR, in the page's language; many read alike."""
    return text.find_parent("select", attrs={"autocomplete": "country"}) is not None


def segments(doc: BeautifulSoup) -> set[str]:
    """Every piece of text a visitor meets, except text marked with its own language."""
    page_lang = doc.find("html")["lang"]
    # An explained abbreviation runs on with the words around it ("SIRIC Curamus").
    doc = BeautifulSoup(str(doc), "html.parser")
    for abbr in doc.find_all("abbr"):
        if not abbr.get("lang"):
            abbr.unwrap()
    doc.smooth()
    found = {
        " ".join(text.split())
        for text in doc.body.find_all(string=True)
        if not (_marked_as_other_language(text, page_lang) or _country_name(text) or _code(text))
    }
    found.add(doc.title.get_text())
    found.update(tag["aria-label"] for tag in doc.select("[aria-label]"))
    found.update(tag["content"] for tag in doc.select("meta[name=description]"))
    return {text for text in found if text}


def leftover(text: str) -> bool:
    text = re.sub(r"https?://\S+|\S+@\S+", " ", text)  # addresses are no language's
    for name in ALLOWED:
        text = text.replace(name, " ")
    return bool(WORD.search(text))


FRENCH = [page for page in PAGES if page.locale == "fr"]


@pytest.mark.parametrize("french", FRENCH, ids=str)
def test_no_english_on_french_pages(site_client: FlaskClient, french: PageRef) -> None:
    english = next(
        p
        for p in PAGES
        if p.locale == "en" and (p.endpoint, p.args) == (french.endpoint, french.args)
    )
    in_french = segments(soup(site_client.get(french.path).data))
    in_english = segments(soup(site_client.get(english.path).data))
    untranslated = sorted(text for text in in_french & in_english if leftover(text))
    assert untranslated == []


def test_the_check_can_fail() -> None:
    assert leftover("Make a donation")
    assert not leftover("75013 Paris")
    assert not leftover("Joseph Gligorov")
