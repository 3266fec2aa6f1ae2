"""`make i18n-check` names each mistake a catalog can hold: file, line, entry, what to do."""

from __future__ import annotations

import re
import subprocess
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
from iuc_portal.catalogs.header import usual_plural_forms
from iuc_portal.catalogs.sources import init
from iuc_portal.content import load_content
from iuc_portal.content.url_words import usable_words
from iuc_portal.paths import CONTENT_DIR, TRANSLATIONS_DIR

PLURAL = ("%(num)d department", "%(num)d departments")
CONTENT = load_content(CONTENT_DIR)  # its English URL words: departments, pneumology...


def template(*extra: str) -> Catalog:
    catalog = Catalog()
    catalog.add("Home")
    catalog.add("Phone: %(phone)s", flags=["python-format"])
    catalog.add('See the <a href="%(url)s">site map</a>.', flags=["python-format"])
    catalog.add(PLURAL, flags=["python-format"])
    catalog.add("Once", context="gift frequency")
    catalog.add("Taxes are reduced by 66%.")
    catalog.add("Inserm")
    for word in ("departments", "contacts", "pneumology"):
        catalog.add(word, context="URL")
    for message in extra:
        catalog.add(message)
    return catalog


GOOD = {
    "Home": "Accueil",
    "Phone: %(phone)s": "Téléphone\u00a0: %(phone)s",
    'See the <a href="%(url)s">site map</a>.': 'Voir le <a href="%(url)s">plan du site</a>.',
    PLURAL: ("%(num)d service", "%(num)d services"),
    "Once": "Une seule fois",
    "Taxes are reduced by 66%.": "L’impôt est réduit de 66\u00a0%.",
    "Inserm": "Inserm",
    "departments": "services",
    "contacts": "contacts",
    "pneumology": "pneumologie",
}
SAME_ON_PURPOSE = {"Inserm"}


def french(
    tmp_path: Path, change: dict | None = None, fuzzy: str | None = None, locale: str = "fr"
) -> Path:
    """A catalog as `make i18n-init` writes it, translated, with ``change`` applied."""
    catalog = Catalog(locale=locale, fuzzy=False, project="iuc-portal", version="1.0.0")
    # Set after: Babel's constructor turns empty values into its placeholders.
    catalog.msgid_bugs_address = catalog.last_translator = ""
    catalog.language_team = "French"
    count, expression = usual_plural_forms(locale)
    catalog.mime_headers = [("Plural-Forms", f"nplurals={count}; plural={expression};")]
    for message in template():
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else tuple(message.id)
        strings = {**GOOD, **(change or {})}.get(key, "")
        flags = ["fuzzy"] if fuzzy == message.id else []
        flags += ["ignore-same"] if key in SAME_ON_PURPOSE else []
        catalog.add(message.id, strings, context=message.context, flags=flags + list(message.flags))
    path = tmp_path / locale / "LC_MESSAGES" / "messages.po"
    path.parent.mkdir(parents=True)
    with path.open("wb") as handle:
        write_po(handle, catalog)
    return path


def problems_of(path: Path, **options) -> list[str]:
    formatted = frozenset({(None, "Home"), (None, "Phone: %(phone)s")})
    found = check_catalog(
        path,
        template(),
        shipped=options.get("shipped", True),
        formatted=options.get("formatted", formatted),
        content=CONTENT,
    )
    return [str(problem) for problem in found]


def line_of(path: Path, text: str) -> int:
    """The line a text is written on, as an editor numbers it."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if text in line:
            return number
    raise AssertionError(f"{text!r} is not in {path}")


def edit(path: Path, old: str, new: str) -> Path:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_a_good_catalog_passes(tmp_path: Path) -> None:
    assert problems_of(french(tmp_path)) == []


@pytest.mark.parametrize(
    ("change", "fuzzy", "expected"),
    [
        ({"Home": ""}, None, '"Home": not translated.'),
        ({}, "Home", '"Home": marked fuzzy. Check the translation'),
        (
            {"Phone: %(phone)s": "Téléphone\u00a0: %(numero)s"},
            None,
            "%(numero)s is not in the English",
        ),
        ({"Phone: %(phone)s": "Téléphone"}, None, '"Phone: %(phone)s": %(phone)s is missing.'),
        ({"Phone: %(phone)s": "Téléphone {phone}"}, None, "{phone} is not in the English"),
        ({"Phone: %(phone)s": "100 %\u00a0: %(phone)s"}, None, "a % sign breaks the formatting"),
        (
            {'See the <a href="%(url)s">site map</a>.': "Voir le plan du site (%(url)s)."},
            None,
            'the tag </a>, <a href="%(url)s"> of the English is missing',
        ),
        (
            {'See the <a href="%(url)s">site map</a>.': 'Voir le <a href="%(url)s">plan</b>.'},
            None,
            "the tag </a> of the English is missing; the tag </b> is not in the English",
        ),
        ({PLURAL: ("%(num)d service", "")}, None, "plural form 1 is empty"),
        # French form 0 is also used for 0: "un service" would be wrong there.
        ({PLURAL: ("un service", "%(num)d services")}, None, "%(num)d is missing (form 0)"),
        (
            {'See the <a href="%(url)s">site map</a>.': '</a>Voir le <a href="%(url)s"> plan.'},
            None,
            "a tag is closed before it is opened",
        ),
        (
            {
                'See the <a href="%(url)s">site map</a>.': (
                    'Voir le <a href="%(url)s" target="_blank">plan</a>.'
                )
            },
            None,
            'the tag <a href="%(url)s" target> is not in the English',
        ),
        ({"Phone: %(phone)s": "Téléphone %s\u00a0: %(phone)s"}, None, "a % sign breaks"),
        ({"Phone: %(phone)s": "Téléphone : %(phone)s"}, None, "an ordinary space in ' :'"),
        ({"Home": "« Accueil »"}, None, "an ordinary space in '« '"),
        ({"Home": "Accueil ?"}, None, "French wants a no-break space"),
        ({"Once": ""}, None, '"Once" (context "gift frequency"): not translated'),
        # What translate-toolkit's pofilter and msgfmt -c catch.
        ({"Home": "Home"}, None, '"Home": the translation is the same as the English'),
        ({"Home": " Accueil"}, None, "it begins with other spaces than the English"),
        ({"Home": "Accueil "}, None, "it ends with other spaces than the English"),
        ({"Home": "Accueil\n"}, None, "its line breaks differ from the English"),
        ({"Home": "Accueil\\n"}, None, "its backslash sequences"),
        ({"Home": "Page  d’accueil"}, None, "it has two spaces in a row"),
        # Not formatted (JSON content here): %% would show as two signs.
        ({"Taxes are reduced by 66%.": "L’impôt est réduit de 66\u00a0%%."}, None, "%% shows"),
        # Markup a browser reads though it hides from a simple pattern (translations reach
        # templates as trusted HTML): a redirect, a link elsewhere, a script.
        (
            {
                'See the <a href="%(url)s">site map</a>.': 'Voir le <a href="%(url)s">plan</a>.'
                '<meta/http-equiv="refresh"/content="0;url=//evil.example">'
            },
            None,
            "the tag <meta content http-equiv> is not in the English",
        ),
        (
            {
                'See the <a href="%(url)s">site map</a>.': 'Voir le <a href="%(url)s">plan</a>.'
                '<a/href="//evil.example/login">Connexion</a'
            },
            None,
            'the tag </a, <a href="//evil.example/login"> is not in the English',
        ),
        ({"Home": "Accueil<svg/onload=alert(1)>"}, None, "the tag <svg onload> is not in"),
        ({"Home": "Accueil<svg/onload=alert(1)"}, None, "the tag <svg/onload=alert(1) is not in"),
        ({"Home": "Accueil <!-- x -->"}, None, "the tag <!-- x --> is not in the English"),
        ({"Home": "Accueil 1 < 2"}, None, "it has a < that is not in the English"),
        # URL words: plain, and each its own.
        ({"departments": "Services"}, None, "'Services' cannot be part of a URL"),
        ({"departments": "réseau"}, None, "cannot be part of a URL"),
        (
            {"departments": "contacts"},
            None,
            "'contacts' is also the URL word of the section 'contacts'",
        ),
    ],
)
def test_each_fault_is_named_with_its_line(
    tmp_path: Path, change: dict, fuzzy: str | None, expected: str
) -> None:
    path = french(tmp_path, change, fuzzy)
    [problem] = problems_of(path)
    assert expected in problem
    # file:line: as compilers say it, pointing at the entry's msgid.
    where, line = re.match(r"(\S+?):(\d+): ", problem).groups()
    assert where.endswith("fr/LC_MESSAGES/messages.po")
    assert path.read_text(encoding="utf-8").splitlines()[int(line) - 1].startswith("msgid ")


def test_a_url_word_may_stay_english_and_a_name_may_when_marked(tmp_path: Path) -> None:
    assert problems_of(french(tmp_path, {"pneumology": "pneumology"})) == []
    unmarked = french(tmp_path / "unmarked")
    text = unmarked.read_text(encoding="utf-8").replace("#, ignore-same\n", "")
    unmarked.write_text(text, encoding="utf-8")
    [problem] = problems_of(unmarked)
    assert '"Inserm": the translation is the same as the English' in problem
    assert "add the flag ignore-same" in problem
    # Poedit's way: a translator comment.
    unmarked.write_text(text.replace('msgid "Inserm"', '# ignore-same\nmsgid "Inserm"'), "utf-8")
    assert problems_of(unmarked) == []


def test_an_unescaped_quote_is_named_where_it_cuts_the_text(tmp_path: Path) -> None:
    path = edit(french(tmp_path), 'msgstr "Accueil"', 'msgstr "Page "Accueil""')
    [problem] = problems_of(path)
    line = line_of(path, 'msgstr "Page "')
    assert problem.startswith(f'{path}:{line}: "Home": a quotation mark ends the text early')
    assert 'Write \\" for a quotation mark' in problem
    # msgfmt refuses the file too: the check tells why before it would.
    assert subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(path)]).returncode != 0


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('msgstr "Accueil"', 'msgstr "Accueil', "the text has no closing quotation mark"),
        ('msgstr "Accueil"', 'msgstr "Accueil"\nAccueil', "this line is not understood"),
        ('msgstr "Accueil"', 'msgstr "Accueil\\q"', "\\q is not a valid escape"),
        ('msgid "Home"\nmsgstr "Accueil"', 'msgid "Home"', "this entry has no msgstr"),
        (
            'msgid "Home"\nmsgstr "Accueil"',
            'msgid "Home"\nmsgstr "Accueil"\n\nmsgid "Home"\nmsgstr "Maison"',
            "this entry is already defined at line",
        ),
    ],
)
def test_a_file_msgfmt_would_refuse_is_named_line_by_line(
    tmp_path: Path, old: str, new: str, expected: str
) -> None:
    path = edit(french(tmp_path), old, new)
    [problem] = problems_of(path)
    assert expected in problem
    assert re.match(rf"{re.escape(str(path))}:\d+: ", problem)
    assert subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(path)]).returncode != 0


def test_a_file_not_in_utf8_is_one_line(tmp_path: Path) -> None:
    path = french(tmp_path)
    path.write_bytes(path.read_bytes().replace("Téléphone".encode(), b"T\xe9l\xe9phone"))
    [problem] = problems_of(path)
    assert f":{line_of_bytes(path, b'T')}: this line is not written in UTF-8" in problem


def line_of_bytes(path: Path, start: bytes) -> int:
    lines = path.read_bytes().splitlines()
    return next(n for n, line in enumerate(lines, 1) if line.startswith(b'msgstr "' + start))


@pytest.mark.parametrize(
    ("plural_forms", "expected"),
    [
        ("nplurals=2; plural=(n > 1", "Plural-Forms is not valid: the plural expression"),
        ("nplurals=two; plural=(n > 1);", "Plural-Forms is not valid: nplurals must be"),
        ("nplurals=1; plural=(n > 1);", "the expression chooses form 1, but nplurals is 1"),
        # Right for some numbers, but not what Poedit and Weblate use: they would "fix" it.
        (
            "nplurals=3; plural=(n == 0 || n == 1) ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2;",
            "not the one Poedit, Weblate and msgfmt use for French",
        ),
    ],
)
def test_a_broken_plural_header_is_one_line_not_a_traceback(
    tmp_path: Path, plural_forms: str, expected: str
) -> None:
    path = edit(french(tmp_path), "nplurals=2; plural=(n > 1);", plural_forms)
    [problem] = [p for p in problems_of(path) if "Plural-Forms" in p]
    assert problem.startswith(f"{path}:{line_of(path, 'Plural-Forms')}: ")
    assert expected in problem
    assert "Write: nplurals=2; plural=(n > 1);" in problem or "write: nplurals=2" in problem


def test_the_french_plural_rule_is_translate_toolkits() -> None:
    with (TRANSLATIONS_DIR / "fr" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle)
    assert usual_plural_forms("fr") == (2, "(n > 1)")
    assert (catalog.num_plurals, catalog.plural_expr) == (2, "(n > 1)")


def test_header_placeholders_are_named(tmp_path: Path) -> None:
    path = edit(
        french(tmp_path), '"Language-Team: French\\n"', '"Language-Team: LANGUAGE <LL@li.org>\\n"'
    )
    [problem] = problems_of(path)
    assert f":{line_of(path, 'Language-Team')}: the header's Language-Team still holds" in problem


def test_a_catalog_behind_the_template_is_named(tmp_path: Path) -> None:
    [problem] = check_catalog(french(tmp_path), template("Contacts"), shipped=True)
    assert str(problem) == (
        f'{tmp_path}/fr/LC_MESSAGES/messages.po: "Contacts": missing from this catalog. '
        "Run make i18n-update."
    )


def test_a_catalog_that_is_not_shipped_may_be_partial_but_not_broken(tmp_path: Path) -> None:
    partial = french(tmp_path, {"Once": ""})
    assert check_catalog(partial, template("Contacts"), shipped=False) == []
    # A copy of the English is named even so: it is the entry holding the language back.
    copied = french(tmp_path / "copied", {"Home": "Home", "Once": ""})
    [problem] = check_catalog(copied, template("Contacts"), shipped=False)
    assert '"Home": the translation is the same as the English' in str(problem)
    broken = tmp_path / "broken"
    path = french(broken, {"Phone: %(phone)s": "Téléphone\u00a0: %(tel)s"})
    [problem] = check_catalog(path, template(), shipped=False)
    assert "%(phone)s is missing; %(tel)s is not in the English" in str(problem)


def test_a_stale_template_is_named() -> None:
    fresh = template("A new sentence")
    committed = template("A sentence since removed")
    problems = [str(p) for p in check_template(fresh, committed)]
    assert 'messages.pot: "A new sentence": not extracted yet. Run make i18n-update.' in problems
    assert (
        'messages.pot: "A sentence since removed": no longer in the sources. Run make i18n-update.'
        in problems
    )


def test_a_shipped_language_without_a_catalog_is_named(tmp_path: Path) -> None:
    french(tmp_path)
    [problem] = check_all(tmp_path, template(), ["fr", "en", "de"])
    assert "the shipped language 'de' has no catalog" in str(problem)


def test_the_projects_catalogs_pass(app) -> None:
    with (TRANSLATIONS_DIR / "messages.pot").open("rb") as handle:
        committed = read_po(handle)
    content = app.extensions["iuc_content"]
    problems = check_all(TRANSLATIONS_DIR, committed, ["fr", "en"], None, content)
    assert [str(p) for p in problems] == []


def test_status_counts_a_copy_of_the_english_as_untranslated(tmp_path: Path) -> None:
    french(tmp_path, {"Home": "Home", "Once": ""})
    [row] = status_rows(tmp_path, ["fr"], 100)
    assert (row.locale, row.translated, row.untranslated, row.state) == ("fr", 8, 2, "shipped")
    assert round(row.percent) == 80


def test_a_lone_percent_in_a_template_string_is_named(tmp_path: Path) -> None:
    """Jinja formats every template string, even one without placeholders."""
    path = french(tmp_path, {"Home": "Accueil (100 %)"})
    assert problems_of(path, formatted=None) == []  # unknown origin: not judged
    [problem] = problems_of(path)
    assert '"Home": a % sign breaks the formatting. Write %% for a percent sign' in problem


def test_which_entries_are_formatted_comes_from_where_they_are_used() -> None:
    fresh = Catalog()
    fresh.add("Skip", locations=[("templates/base.html", 3)])
    fresh.add("Access denied", locations=[("src/iuc_portal/errors.py", 9)])
    fresh.add("Phone: %(phone)s", locations=[("src/x.py", 1)], flags=["python-format"])
    fresh.add("Pneumology", locations=[("src/iuc_portal/data/departments.json", 40)])
    assert formatted_entries(fresh) == {(None, "Skip"), (None, "Phone: %(phone)s")}


def test_a_fuzzy_header_is_named(tmp_path: Path) -> None:
    path = edit(french(tmp_path), 'msgid ""\n', '#, fuzzy\nmsgid ""\n')
    assert any("the header is marked fuzzy" in p for p in problems_of(path))


def test_a_form_for_one_number_only_may_spell_it_out(tmp_path: Path) -> None:
    assert one_number_forms("(n != 1)") == {0}  # English "one"
    assert one_number_forms("(n > 1)") == set()  # French form 0 covers 0 and 1
    english_like = french(
        tmp_path,
        {PLURAL: ("one department", "%(num)d departments"), "Home": "Start"},
        locale="en",
    )
    assert check_catalog(english_like, template(), shipped=False) == []


@pytest.mark.parametrize(("code", "forms"), [("es", 2), ("ar", 6), ("pt_BR", 2), ("ja", 1)])
def test_a_new_catalog_has_a_real_header_and_the_usual_plural_rule(
    tmp_path: Path, code: str, forms: int
) -> None:
    translations = tmp_path / "translations"
    translations.mkdir()
    (translations / "messages.pot").write_bytes((TRANSLATIONS_DIR / "messages.pot").read_bytes())
    path = init(translations, code)
    header = path.read_text(encoding="utf-8").split("\n\n")[0]
    for placeholder in ("PROJECT", "VERSION", "FULL NAME", "EMAIL@ADDRESS", "LL@li.org"):
        assert placeholder not in header
    assert '"Project-Id-Version: iuc-portal 1.0.0\\n"' in header
    with path.open("rb") as handle:
        catalog = read_po(handle)
    assert (catalog.num_plurals, catalog.plural_expr) == usual_plural_forms(code)
    assert catalog.num_plurals == forms
    assert not catalog.fuzzy
    # Nothing translated yet: not shipped, so nothing is wrong with it.
    assert problems_of(path, shipped=False) == []
    # And GNU gettext reads it without a word.
    result = subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(path)], capture_output=True)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("words", "fixed", "kept"),
    [
        # A translation equal to another page's English word: the translation goes.
        ({"pneumology": "oncology"}, {}, {}),
        # Two translations alike: both go, each page keeps its English word.
        ({"pneumology": "poumon", "oncology": "poumon"}, {}, {}),
        # A cascade: b falls back to "b", which c's translation had taken.
        ({"a": "x", "b": "x", "c": "b"}, {}, {}),
        # The JSON's own word (the web team's) is never the one left out.
        ({"pneumology": "pneumo"}, {"oncology": "pneumo"}, {}),
        # Good words stay.
        ({"pneumology": "pneumologie", "oncology": "oncologie"}, {}, None),
    ],
)
def test_url_words_left_out_leave_one_word_per_page(
    words: dict[str, str], fixed: dict[str, str], kept: dict[str, str] | None
) -> None:
    kinds = {"department": ["pneumology", "oncology", "a", "b", "c"]}
    usable, left_out = usable_words(kinds, words, fixed)
    assert usable == (words if kept is None else kept)
    assert set(left_out) == set(words) - set(usable)
    final = [fixed.get(e) or usable.get(e) or e for e in kinds["department"]]
    assert len(final) == len(set(final))


def test_a_line_separator_inside_a_text_is_text(tmp_path: Path) -> None:
    """gettext splits lines at newlines only; a pasted U+2028 belongs to the text."""
    path = edit(french(tmp_path), 'msgstr "Accueil"', 'msgstr "Page\u2028d’accueil"')
    assert problems_of(path) == []
    assert subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(path)]).returncode == 0


def test_a_byte_order_mark_is_named(tmp_path: Path) -> None:
    path = french(tmp_path)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    [problem] = problems_of(path)
    assert ":1: the file starts with a byte-order mark" in problem
