"""A problem found in a catalog, told as compilers tell it: ``file:line: what. What to do.``

Translators read these in a terminal or in Weblate's log, so each names the
entry by its English text and says in plain words what is wrong and how to
put it right.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Message


def shown(path: Path | str) -> str:
    """The path as the translator typed it: relative to where the command runs."""
    path = Path(path)
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def entry_label(message: Message, width: int = 60) -> str:
    """The entry as a translator finds it in Poedit: its English text, and its context."""
    text = message.id if isinstance(message.id, str) else message.id[0]
    text = text if len(text) <= width else text[: width - 1] + "…"
    return f'"{text}" (context "{message.context}")' if message.context else f'"{text}"'


@dataclass(frozen=True)
class Problem:
    path: Path | str
    line: int  # 0 when the problem is the file's as a whole
    what: str
    todo: str = ""
    entry: str = ""

    def __str__(self) -> str:
        where = f"{shown(self.path)}:{self.line}" if self.line else shown(self.path)
        entry = f" {self.entry}:" if self.entry else ""
        todo = f" {self.todo}" if self.todo else ""
        return f"{where}:{entry} {self.what}.{todo}"


def about(path: Path | str, message: Message, what: str, todo: str = "") -> Problem:
    return Problem(path, message.lineno or 0, what, todo, entry_label(message))
