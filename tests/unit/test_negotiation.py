"""Which language "/" opens in, and where the switcher leads: the rules alone."""

from __future__ import annotations

import pytest
from flask import Flask
from werkzeug.datastructures import LanguageAccept

from iuc_portal.i18n import Locales, describe_locale
from iuc_portal.routing import counterparts

SITE = Locales(default="fr", offered=(describe_locale("fr"), describe_locale("en")))


def accept(*tags: tuple[str, float]) -> LanguageAccept:
    return LanguageAccept(list(tags))


@pytest.mark.parametrize(
    ("cookie", "header", "chosen"),
    [
        ("en", [("fr", 1)], "en"),  # the visitor's own choice first
        ("de", [("en", 1)], "en"),  # a cookie for a language not offered is ignored
        (None, [("en-GB", 1), ("fr", 0.5)], "en"),
        (None, [("fr-CA", 1), ("en", 0.5)], "fr"),  # a regional tag maps to its language
        (None, [("de", 1), ("en", 0.8), ("fr", 0.9)], "fr"),  # quality values decide
        (None, [("en", 0), ("de", 1)], "fr"),  # q=0 means "not this one"
        (None, [("*", 1)], "fr"),
        (None, [("FR", 1)], "fr"),  # our spelling, whatever the visitor's
        (None, [], "fr"),
    ],
)
def test_negotiation(cookie: str | None, header: list, chosen: str) -> None:
    assert SITE.negotiate(cookie, accept(*header)) == chosen


def test_a_page_has_one_counterpart_per_language_in_the_sites_order(app: Flask) -> None:
    with app.test_request_context("/fr/"):
        pairs = counterparts("departments.show", {"department_id": "pneumology"})
        assert [(info.code, url) for info, url in pairs] == [
            ("fr", "/fr/services/pneumologie"),
            ("en", "/en/departments/pneumology"),
        ]
        assert [info.name for info, _ in pairs] == ["Français", "English"]
        home = counterparts("pages.home", {}, external=True)
        assert [url for _, url in home] == ["http://localhost/fr/", "http://localhost/en/"]
