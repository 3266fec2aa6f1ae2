"""`make i18n-check` fails, naming the string, on each fault a catalog can have."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from iuc_portal.catalogs import (
    check_all,
    check_catalog,
    check_template,
    formatted_entries,
    one_number_forms,
    status_rows,
)
from iuc_portal.paths import TRANSLATIONS_DIR

PLURAL = ("%(num)d department", "%(num)d departments")


def template(*extra: str) -> Catalog:
    catalog = Catalog()
    catalog.add("Home")
    catalog.add("Phone: %(phone)s", flags=["python-format"])
    catalog.add('See the <a href="%(url)s">site map</a>.', flags=["python-format"])
    catalog.add(PLURAL, flags=["python-format"])
    catalog.add("Once", context="gift frequency")
    for message in extra:
        catalog.add(message)
    return catalog


GOOD = {
    "Home": "Accueil",
    "Phone: %(phone)s": "Téléphone\u00a0: %(phone)s",
    'See the <a href="%(url)s">site map</a>.': 'Voir le <a href="%(url)s">plan du site</a>.',
    PLURAL: ("%(num)d service", "%(num)d de services", "%(num)d services"),
    "Once": "Une seule fois",
}


def french(
    tmp_path: Path, change: dict | None = None, fuzzy: str | None = None, locale: str = "fr"
) -> Path:
    catalog = Catalog(locale=locale, fuzzy=False)
    for message in template():
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else tuple(message.id)
        strings = {**GOOD, **(change or {})}.get(key, "")
        flags = ["fuzzy"] if fuzzy == message.id else []
        catalog.add(message.id, strings, context=message.context, flags=flags + list(message.flags))
    path = tmp_path / locale / "LC_MESSAGES" / "messages.po"
    path.parent.mkdir(parents=True)
    with path.open("wb") as handle:
        write_po(handle, catalog)
    return path


def test_a_good_catalog_passes(tmp_path: Path) -> None:
    assert check_catalog(french(tmp_path), template(), shipped=True) == []


@pytest.mark.parametrize(
    ("change", "fuzzy", "expected"),
    [
        ({"Home": ""}, None, "'Home': not translated"),
        ({}, "Home", "'Home': marked fuzzy"),
        (
            {"Phone: %(phone)s": "Téléphone\u00a0: %(numero)s"},
            None,
            "'Phone: %(phone)s': placeholders",
        ),
        ({"Phone: %(phone)s": "Téléphone"}, None, "'Phone: %(phone)s': placeholders"),
        ({"Phone: %(phone)s": "Téléphone {phone}"}, None, "'Phone: %(phone)s': placeholders"),
        ({"Phone: %(phone)s": "100 %\u00a0: %(phone)s"}, None, "a % sign breaks the formatting"),
        (
            {'See the <a href="%(url)s">site map</a>.': "Voir le plan du site (%(url)s)."},
            None,
            "HTML tags differ",
        ),
        (
            {'See the <a href="%(url)s">site map</a>.': 'Voir le <a href="%(url)s">plan</b>.'},
            None,
            "HTML tags differ",
        ),
        ({PLURAL: ("%(num)d service", "", "%(num)d services")}, None, "plural form 1 missing"),
        # French form 0 is also used for 0: "un service" would be wrong there.
        ({PLURAL: ("un service", "%(num)d de services", "%(num)d services")}, None, "(form 0)"),
        (
            {'See the <a href="%(url)s">site map</a>.': '</a>Voir le <a href="%(url)s"> plan.'},
            None,
            "HTML tags differ",
        ),
        (
            {
                'See the <a href="%(url)s">site map</a>.': (
                    'Voir le <a href="%(url)s" target="_blank">plan</a>.'
                )
            },
            None,
            "HTML tags differ",
        ),
        ({"Phone: %(phone)s": "Téléphone %s\u00a0: %(phone)s"}, None, "a % sign breaks"),
        ({"Phone: %(phone)s": "Téléphone : %(phone)s"}, None, "an ordinary space in ' :'"),
        ({"Home": "« Accueil »"}, None, "an ordinary space in '« '"),
        ({"Home": "Accueil ?"}, None, "French wants a no-break space"),
        ({"Once": ""}, None, "gift frequency|'Once': not translated"),
    ],
)
def test_each_fault_is_named(
    tmp_path: Path, change: dict, fuzzy: str | None, expected: str
) -> None:
    problems = check_catalog(french(tmp_path, change, fuzzy), template(), shipped=True)
    assert len(problems) == 1
    assert expected in problems[0]
    assert "fr/LC_MESSAGES/messages.po" in problems[0]


def test_a_catalog_behind_the_template_is_named(tmp_path: Path) -> None:
    problems = check_catalog(french(tmp_path), template("Contacts"), shipped=True)
    assert problems == [
        f"{tmp_path}/fr/LC_MESSAGES/messages.po: missing 'Contacts' (run make i18n-update)"
    ]


def test_a_catalog_that_is_not_shipped_may_be_partial_but_not_broken(tmp_path: Path) -> None:
    partial = french(tmp_path, {"Home": "", "Once": ""})
    assert check_catalog(partial, template("Contacts"), shipped=False) == []
    broken = tmp_path / "broken"
    path = french(broken, {"Phone: %(phone)s": "Téléphone\u00a0: %(tel)s"})
    assert len(check_catalog(path, template(), shipped=False)) == 1


def test_a_stale_template_is_named() -> None:
    fresh = template("A new sentence")
    committed = template("A sentence since removed")
    problems = check_template(fresh, committed)
    assert "messages.pot: not extracted yet: 'A new sentence' (run make i18n-update)" in problems
    assert (
        "messages.pot: no longer in the sources: 'A sentence since removed' (run make i18n-update)"
        in problems
    )


def test_a_shipped_language_without_a_catalog_is_named(tmp_path: Path) -> None:
    french(tmp_path)
    assert check_all(tmp_path, template(), ["fr", "en", "de"]) == [
        f"{tmp_path}: shipped locale 'de' has no catalog"
    ]


def test_the_projects_catalogs_pass() -> None:
    with (TRANSLATIONS_DIR / "messages.pot").open("rb") as handle:
        committed = read_po(handle)
    assert check_all(TRANSLATIONS_DIR, committed, ["fr", "en"]) == []


def test_status_reads_completeness_from_the_po_files(tmp_path: Path) -> None:
    french(tmp_path, {"Home": "", "Once": ""})
    [row] = status_rows(tmp_path, ["fr"], 100)
    assert (row.locale, row.translated, row.untranslated, row.state) == ("fr", 3, 2, "shipped")
    assert round(row.percent) == 60


def test_a_lone_percent_in_a_template_string_is_named(tmp_path: Path) -> None:
    """Jinja formats every template string, even one without placeholders."""
    path = french(tmp_path, {"Home": "Accueil (100 %)"})
    assert check_catalog(path, template(), shipped=True) == []  # unknown origin: not judged
    from_template = frozenset({(None, "Home")})
    [problem] = check_catalog(path, template(), shipped=True, formatted=from_template)
    assert "'Home': a % sign breaks the formatting" in problem


def test_which_entries_are_formatted_comes_from_where_they_are_used() -> None:
    fresh = Catalog()
    fresh.add("Skip", locations=[("templates/base.html", 3)])
    fresh.add("Access denied", locations=[("src/iuc_portal/errors.py", 9)])
    fresh.add("Phone: %(phone)s", locations=[("src/x.py", 1)], flags=["python-format"])
    fresh.add("Pneumology", locations=[("src/iuc_portal/data/departments.json", 40)])
    assert formatted_entries(fresh) == {(None, "Skip"), (None, "Phone: %(phone)s")}


def test_a_fuzzy_header_is_named(tmp_path: Path) -> None:
    path = french(tmp_path)
    text = path.read_text(encoding="utf-8").replace('msgid ""\n', '#, fuzzy\nmsgid ""\n', 1)
    path.write_text(text, encoding="utf-8")
    assert any("header is marked fuzzy" in p for p in check_catalog(path, template(), True))


def test_a_form_for_one_number_only_may_spell_it_out(tmp_path: Path) -> None:
    assert one_number_forms("(n != 1)") == {0}  # English "one"
    assert one_number_forms("(n > 1)") == set()  # French form 0 covers 0 and 1
    english_like = french(
        tmp_path, {PLURAL: ("one department", "%(num)d departments")}, locale="en"
    )
    assert check_catalog(english_like, template(), shipped=False) == []
