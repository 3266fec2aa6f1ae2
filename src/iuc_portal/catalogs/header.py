"""The header: what every tool needs to read a catalog the same way.

The plural rule matters most. The one checked against is translate-toolkit's
table, which Poedit, Weblate and ``msgfmt`` agree with: a catalog with another
rule, even an equivalent one, is "fixed" by those tools, and its plural forms
then silently shift by one.
"""

from __future__ import annotations

import gettext
import re
from pathlib import Path

from babel import Locale, UnknownLocaleError

from .problems import Problem

PLURAL_FORMS = re.compile(r"^\s*nplurals\s*=\s*(\S+?)\s*;\s*plural\s*=\s*(.+?)\s*;?\s*$")
# Numbers enough to tell plural rules apart: every ending, and the large round numbers.
SAMPLES = [*range(1001), 10**4, 10**5, 10**6, 2 * 10**6, 10**9]
# What Babel and gettext write in a header until someone fills it in.
PLACEHOLDER_VALUES = ("PROJECT", "FULL NAME", "EMAIL@ADDRESS", "LL@li.org", "LANGUAGE <")


def language_name(code: str) -> str:
    try:
        return Locale.parse(code).english_name or code
    except (ValueError, UnknownLocaleError):
        return code


def usual_plural_forms(code: str) -> tuple[int, str] | None:
    """The rule translation tools expect for ``code`` (``pt_BR``, then ``pt``), if they know it."""
    from translate.lang import data  # translate-toolkit: the catalog tools' own table

    for key in (code, code.split("_")[0]):
        if key in data.languages:
            _, count, expression = data.languages[key]
            return count, expression
    return None


def plural_forms_line(code: str) -> str | None:
    usual = usual_plural_forms(code)
    return f"nplurals={usual[0]}; plural={usual[1]};" if usual else None


def parse_plural_forms(value: str) -> tuple[int, str]:
    """``(nplurals, expression)``; ValueError, in plain words, if either cannot be used."""
    found = PLURAL_FORMS.match(value)
    if not found:
        raise ValueError("it should read nplurals=N; plural=EXPRESSION;")
    count_text, expression = found.groups()
    if not count_text.isdigit() or int(count_text) < 1:
        raise ValueError(f"nplurals must be a whole number, not {count_text!r}")
    count = int(count_text)
    try:
        rule = gettext.c2py(expression)
    except (ValueError, SyntaxError, RecursionError):
        raise ValueError(f"the plural expression {expression!r} cannot be read") from None
    used = {rule(n) for n in SAMPLES}
    if max(used) >= count:
        raise ValueError(f"the expression chooses form {max(used)}, but nplurals is {count}")
    return count, expression


def same_rule(first: str, second: str) -> bool:
    one, other = gettext.c2py(first), gettext.c2py(second)
    return all(one(n) == other(n) for n in SAMPLES)


def check_header(path: Path, header: dict[str, tuple[str, int]], code: str) -> list[Problem]:
    if not header:
        return [Problem(path, 1, "the file has no header", "Start again from make i18n-init.")]
    first_line = min(line for _, line in header.values())
    problems = []
    usual = plural_forms_line(code)
    value, line = header.get("Plural-Forms", ("", first_line))
    if not value:
        todo = f'Add the line "Plural-Forms: {usual}\\n".' if usual else ""
        problems.append(Problem(path, line, "the header has no Plural-Forms", todo))
    else:
        try:
            count, expression = parse_plural_forms(value)
        except ValueError as error:
            todo = f"For {language_name(code)}, write: {usual}" if usual else ""
            problems.append(Problem(path, line, f"Plural-Forms is not valid: {error}", todo))
        else:
            expected = usual_plural_forms(code)
            if expected and (count != expected[0] or not same_rule(expression, expected[1])):
                problems.append(
                    Problem(
                        path,
                        line,
                        f"Plural-Forms is not the one Poedit, Weblate and msgfmt use for "
                        f"{language_name(code)}, so they would change it and shift the forms",
                        f"Write: {usual} Then check each plural entry's forms.",
                    )
                )
    charset, line = header.get("Content-Type", ("", first_line))
    if "charset=utf-8" not in charset.lower().replace(" ", ""):
        problems.append(
            Problem(
                path,
                line,
                "the header does not declare UTF-8",
                'Write "Content-Type: text/plain; charset=UTF-8\\n".',
            )
        )
    language, line = header.get("Language", ("", first_line))
    if language.replace("-", "_") != code:
        problems.append(
            Problem(
                path,
                line,
                f"the header says Language: {language or '(nothing)'}, "
                f"but the file is in the folder of {code!r}",
                f'Write "Language: {code}\\n".',
            )
        )
    for name, (value, line) in header.items():
        if any(placeholder in value for placeholder in PLACEHOLDER_VALUES):
            problems.append(
                Problem(
                    path,
                    line,
                    f"the header's {name} still holds a placeholder ({value})",
                    "Put your name (and address, if you wish), or leave it empty."
                    if name == "Last-Translator"
                    else "Run make i18n-update, which fills it in.",
                )
            )
    return problems
