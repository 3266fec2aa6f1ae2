"""The file itself, read line by line before any parser sees it.

Babel's reader forgives what ``msgfmt``, Poedit and Weblate refuse: a
quotation mark typed inside a text silently cuts it short, a missing closing
mark swallows the end of the line, a second definition of an entry replaces
the first. This scan finds each of those with its line, so the translator
sees one plain sentence instead of a traceback or a file rejected elsewhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.pofile import unescape

from .problems import Problem

KEYWORD = re.compile(r"(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)(?=[\s\"]|$)\s*(.*)$")
LITERAL = re.compile(r'"(?:[^"\\]|\\.)*"')
ESCAPE = re.compile(r"\\(.)")
KNOWN_ESCAPES = set('\\"ntrabfv01234567x')

QUOTE_TODO = (
    'Write \\" for a quotation mark inside a text '
    "(in French, prefer « » or “ ”, which need nothing)."
)


@dataclass
class Scan:
    """What the scan learnt: problems, and the header's fields with their lines."""

    problems: list[Problem] = field(default_factory=list)
    header: dict[str, tuple[str, int]] = field(default_factory=dict)  # name -> (value, line)

    @property
    def readable(self) -> bool:
        return not self.problems


@dataclass
class _Entry:
    line: int = 0
    parts: dict[str, list[str]] = field(default_factory=dict)
    lines: list[int] = field(default_factory=list)  # the line of each text piece, in order


def _literal_problem(text: str, column: int) -> tuple[str, str] | None:
    """What is wrong with one quoted text (``text`` starts at ``column``), if anything."""
    if not text.startswith('"'):
        return (
            "a text must be written between quotation marks",
            'Put the text between " and ".',
        )
    found = LITERAL.match(text)
    if found is None:
        return (
            "the text has no closing quotation mark",
            'End the line with ".' + (" " + QUOTE_TODO if text.count('"') > 1 else ""),
        )
    rest = text[found.end() :].strip()
    if rest:
        return (
            f"a quotation mark ends the text early, at column {column + found.end() - 1}, "
            f"and the rest ({rest[:20]!r}) is not read",
            QUOTE_TODO,
        )
    for escape in ESCAPE.finditer(found.group()):
        if escape.group(1) not in KNOWN_ESCAPES:
            return (
                f"\\{escape.group(1)} is not a valid escape",
                "Write \\\\ for a backslash, \\n for a line break.",
            )
    return None


def scan(path: Path) -> Scan:
    result = Scan()
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        result.problems.append(
            Problem(
                path,
                line,
                "this line is not written in UTF-8",
                "Save the file as UTF-8 (Poedit and Weblate always do; in a text editor, "
                "choose UTF-8 when saving).",
            )
        )
        return result

    entries: list[_Entry] = []
    entry: _Entry | None = None
    keyword: str | None = None
    if text.startswith("\ufeff"):
        result.problems.append(
            Problem(
                path,
                1,
                "the file starts with a byte-order mark, which gettext tools refuse",
                "Save it as UTF-8 without BOM (Poedit and Weblate do).",
            )
        )
        return result
    # Lines end at a newline only: a line separator pasted inside a text (U+2028,
    # from a word processor) is part of the text, as gettext reads it.
    for number, raw in enumerate(text.split("\n"), start=1):
        raw = raw.removesuffix("\r")
        line = raw.strip(" \t")
        if not line or line.startswith("#"):
            continue  # comments, flags, and obsolete (#~) entries
        found = KEYWORD.match(line)
        if found:
            keyword, literal = found.group(1), found.group(2)
            column = raw.index(literal) + 1 if literal else len(raw) + 1
            if keyword == "msgctxt" or (
                keyword == "msgid" and not (entry is not None and _only_context(entry))
            ):
                entry = _Entry(line=number)
                entries.append(entry)
            if entry is None:
                result.problems.append(
                    Problem(path, number, f"{keyword} comes before any msgid", "Remove this line.")
                )
                continue
        elif line.startswith('"') and keyword is not None and entry is not None:
            literal, column = line, raw.index('"') + 1
        else:
            result.problems.append(
                Problem(
                    path,
                    number,
                    f"this line is not understood: {line[:40]!r}",
                    "Each line is a comment (#), a keyword (msgid, msgstr…) followed by a text, "
                    "or the text's next part between quotation marks; a line may have been "
                    "broken by an editor.",
                )
            )
            continue
        problem = _literal_problem(literal, column)
        if problem:
            msgid = "".join(entry.parts.get("msgid", []))
            label = f'"{msgid[:60]}"' if msgid and not keyword.startswith("msgid") else ""
            result.problems.append(Problem(path, number, *problem, entry=label))
        # A broken text still counts as written, so that one mistake is told once.
        entry.parts.setdefault(keyword, []).append("" if problem else unescape(literal))
        entry.lines.append(number)

    result.problems += _duplicates(path, entries)
    if entries and "".join(entries[0].parts.get("msgid", ["x"])) == "":
        result.header = _header_fields(entries[0])
    return result


def _only_context(entry: _Entry) -> bool:
    return set(entry.parts) == {"msgctxt"}


def _duplicates(path: Path, entries: list[_Entry]) -> list[Problem]:
    first: dict[tuple[str | None, str], int] = {}
    problems = []
    for entry in entries:
        if "msgid" not in entry.parts or not any(k.startswith("msgstr") for k in entry.parts):
            missing = "msgstr" if "msgid" in entry.parts else "msgid"
            problems.append(
                Problem(
                    path, entry.line, f"this entry has no {missing}", "Add it, or delete the entry."
                )
            )
            continue
        context = "".join(entry.parts["msgctxt"]) if "msgctxt" in entry.parts else None
        key = (context, "".join(entry.parts.get("msgid", [])))
        if key in first:
            problems.append(
                Problem(
                    path,
                    entry.line,
                    f"this entry is already defined at line {first[key]}",
                    "Keep one of the two and delete the other.",
                    f'"{key[1][:60]}"',
                )
            )
        else:
            first[key] = entry.line
    return problems


def _header_fields(header: _Entry) -> dict[str, tuple[str, int]]:
    """``Name: value`` lines of the header, each with the line it is written on."""
    pieces = header.parts.get("msgstr", [])
    lines = header.lines[-len(pieces) :] if pieces else []
    fields: dict[str, tuple[str, int]] = {}
    buffer, start = "", 0
    for piece, line in zip(pieces, lines, strict=True):
        # A long field may be wrapped over several pieces; each field ends with a newline.
        if not buffer:
            start = line
        buffer += piece
        if buffer.endswith("\n") or line == lines[-1]:
            name, _, value = buffer.partition(":")
            if name.strip():
                fields[name.strip()] = (value.strip(), start)
            buffer = ""
    return fields
