"""Abbreviations are explained where a page first uses them, as the publisher writes them."""

from __future__ import annotations

import json

import pytest
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import Markup

from iuc_portal.abbreviations import abbr
from iuc_portal.paths import CONTENT_DIR
from tests.pages import soup, text_of

TABLE = {
    entry["short"]: entry["full"]
    for entry in json.loads((CONTENT_DIR / "abbreviations.json").read_text(encoding="utf-8"))[
        "abbreviations"
    ]
}


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_the_home_page_explains_each_abbreviation_once_at_first_use(
    site_client: FlaskClient, locale: str
) -> None:
    doc = soup(site_client.get(f"/{locale}/").data)
    main = doc.body
    explained = main.find_all("abbr")
    shorts = [tag.get_text() for tag in explained]
    assert len(shorts) == len(set(shorts))  # once each
    assert {"AP-HP", "Inserm", "CNRS"} <= set(shorts)
    for tag in explained:
        assert tag["title"] == TABLE[tag.get_text()]
        # The first time the page's text names it.
        first = next(s for s in main.find_all(string=True) if tag.get_text() in s)
        assert first.parent is tag
        # French names on an English page are marked French.
        assert tag.get("lang") == (None if locale == "fr" else "fr")
    # Partners known by their initials show their full name in words.
    cards = {text_of(card.h3): card for card in doc.select("#partners-title ~ ul .card")}
    assert text_of(cards["Inserm"].select_one(".card__expansion")) == TABLE["Inserm"]
    assert text_of(cards["CNRS"].select_one(".card__expansion")) == TABLE["CNRS"]


def test_the_filter_explains_whole_words_outside_tags_once_per_page(app: Flask) -> None:
    with app.test_request_context("/fr/"):
        context = app.jinja_env.from_string("").new_context()
        first = abbr(context, Markup('<a title="AP-HP">AP-HP</a> et APHP, AP-HPX, l’Inserm'))
        again = abbr(context, "AP-HP")
    assert str(first).count("<abbr") == 2
    assert 'title="AP-HP"' in str(first)  # the attribute is left alone
    assert "AP-HPX" in str(first)
    assert ">Inserm</abbr>" in str(first)
    assert str(again) == "AP-HP"


def test_the_siren_number_is_explained_on_the_donation_form(site_client: FlaskClient) -> None:
    doc = soup(site_client.get("/en/donate/").data)
    assert "identifies a French company" in text_of(doc.find(id="siren-hint"))


@pytest.mark.parametrize("path", ["/fr/services/pneumologie", "/en/privacy/", "/fr/accessibilite/"])
def test_every_page_explains_an_abbreviation_where_it_is_first_met(
    site_client: FlaskClient, path: str
) -> None:
    doc = soup(site_client.get(path).data)
    for short, full in TABLE.items():
        uses = [s for s in doc.body.find_all(string=True) if short in s]
        if uses:
            assert uses[0].parent.name == "abbr", f"{short} first met unexplained on {path}"
            assert uses[0].parent["title"] == full
