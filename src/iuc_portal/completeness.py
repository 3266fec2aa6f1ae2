"""How complete a language's catalog is, read from its ``.po`` file.

A ``.mo`` file holds only what is translated, so completeness is read from the
``.po``. An entry left identical to the English counts as untranslated: a
translator who copied the source to fill the box has not translated it yet.
Where the English is right as it is (a name such as "Inserm", a word the
language shares), the translator marks the entry with the flag ``ignore-same``
(Weblate's name for it) or writes ``ignore-same`` in a translator comment.
URL words (context "URL") may always stay in English.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Message
from babel.messages.pofile import read_po

INTENTIONALLY_SAME = "ignore-same"
URL_CONTEXT = "URL"
# What is not words: placeholders, tags and entities stay as they are in any language.
NOT_WORDS = re.compile(r"%\(\w+\)\w|%%|\{\w*\}|<[^>]*>|&\w+;")
LETTER = re.compile(r"[^\W\d_]")


def marked_same(message: Message) -> bool:
    return INTENTIONALLY_SAME in message.flags or any(
        INTENTIONALLY_SAME in comment for comment in message.user_comments
    )


def same_as_english(message: Message) -> bool:
    """A form copied from the English, where the English has words to translate."""
    if message.context == URL_CONTEXT or marked_same(message):
        return False
    if message.pluralizable:
        sources = [message.id[0], *[message.id[1]] * (len(message.string) - 1)]
        pairs = zip(sources, message.string, strict=False)
    else:
        pairs = iter([(message.id, message.string)])
    return any(
        string and string == source and LETTER.search(NOT_WORDS.sub("", source))
        for source, string in pairs
    )


def translated(message: Message) -> bool:
    strings = message.string if message.pluralizable else [message.string]
    return all(strings) and not same_as_english(message)


@dataclass(frozen=True)
class CatalogStats:
    translated: int
    fuzzy: int
    untranslated: int

    @property
    def total(self) -> int:
        return self.translated + self.fuzzy + self.untranslated

    @property
    def percent(self) -> float:
        return 100.0 if self.total == 0 else 100.0 * self.translated / self.total


def catalog_stats(po_path: Path) -> CatalogStats:
    with po_path.open("rb") as handle:
        catalog = read_po(handle)
    done = fuzzy = untranslated = 0
    for message in catalog:
        if not message.id:
            continue  # the header
        if message.fuzzy:
            fuzzy += 1
        elif translated(message):
            done += 1
        else:
            untranslated += 1
    return CatalogStats(done, fuzzy, untranslated)
