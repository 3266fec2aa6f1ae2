"""Finding departments in each language, ignoring case and accents."""

from __future__ import annotations

import pytest
from babel.support import NullTranslations, Translations

from iuc_portal.content import load_content
from iuc_portal.paths import CONTENT_DIR, TRANSLATIONS_DIR
from iuc_portal.search import build_index, normalise, search

CONTENT = load_content(CONTENT_DIR)


def index_for(locale: str):
    translations = (
        NullTranslations() if locale == "en" else Translations.load(TRANSLATIONS_DIR, [locale])
    )

    def hospital_name(department):
        hospital = CONTENT.hospital_of(department)
        return hospital.name if hospital else None

    return build_index(CONTENT.departments, translations.gettext, hospital_name)


INDEXES = {locale: index_for(locale) for locale in ("fr", "en")}


@pytest.mark.parametrize(
    ("locale", "query", "first"),
    [
        ("fr", "pneumo", "pneumology"),
        ("fr", "Pneumologie", "pneumology"),
        ("fr", "PNEUMOLOGIE", "pneumology"),
        ("fr", "poumon", "pneumology"),
        ("fr", "poumons", "pneumology"),
        ("fr", "oncologie pediatrique", "pediatric-oncology"),
        ("fr", "Oncologie Pédiatrique", "pediatric-oncology"),
        ("fr", "pédia", "pediatric-oncology"),
        ("fr", "enfant", "pediatric-oncology"),
        ("fr", "peau", "dermatology"),
        ("fr", "melanome", "dermatology"),
        ("fr", "prostate", "urology"),
        ("fr", "cerveau", "onco-neurology"),
        ("fr", "chimio", "medical-oncology-radiotherapy"),
        ("en", "lung", "pneumology"),
        ("en", "Lungs", "pneumology"),
        ("en", "pneumology", "pneumology"),
        ("en", "skin", "dermatology"),
        ("en", "child", "pediatric-oncology"),
        ("en", "brain", "onco-neurology"),
        ("en", "kidney", "urology"),
    ],
)
def test_a_query_finds_its_department_first(locale: str, query: str, first: str) -> None:
    results = search(INDEXES[locale], query)
    assert results
    assert results[0].id == first


@pytest.mark.parametrize(
    ("locale", "query", "expected"),
    [
        ("fr", "pitie", {"onco-neurology", "pneumology", "urology"}),  # a hospital
        ("fr", "Pitié-Salpêtrière", {"onco-neurology", "pneumology", "urology"}),
        ("en", "salpetriere lung", {"pneumology"}),  # thoracic surgery has no hospital listed
        ("fr", "oncologie", {"pediatric-oncology", "medical-oncology-radiotherapy"}),
    ],
)
def test_every_word_must_match(locale: str, query: str, expected: set[str]) -> None:
    assert {d.id for d in search(INDEXES[locale], query)} == expected


@pytest.mark.parametrize(
    ("locale", "query"),
    [("fr", "lung"), ("en", "poumon"), ("fr", "xyzzy"), ("en", "pneumo zzz"), ("fr", "'; DROP")],
)
def test_no_match(locale: str, query: str) -> None:
    assert search(INDEXES[locale], query) == []


@pytest.mark.parametrize("query", ["", "   ", "---", "«»"])
def test_an_empty_query_lists_everything(query: str) -> None:
    assert [d.id for d in search(INDEXES["fr"], query)] == [d.id for d in CONTENT.departments]


def test_a_very_long_query_is_cut_not_refused() -> None:
    assert search(INDEXES["en"], "lung " * 500)[0].id == "pneumology"


def test_normalise() -> None:
    assert normalise("Pédiatrique ÉCOLE Œuvre") == "pediatrique ecole œuvre"
