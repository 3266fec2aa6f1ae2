"""Dropping a new language into a copy of translations/, as a translator would."""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

# A word of each language put before the English, standing for a translation.
MARK = {"ar": "ترجمة", "de": "Übersetzung", "es": "traducción", "it": "traduzione"}


def add_language(
    root: Path,
    locale: str,
    share: float = 1.0,
    compile_it: bool = True,
    leave_out: tuple[str, ...] = (),
    url_words: dict[str, str] | None = None,
) -> None:
    """A catalog for ``locale`` with ``share`` of the entries "translated", except those of
    ``leave_out``: each English text behind a word of the language (Arabic script for
    Arabic), placeholders and tags unchanged, so that no entry reads as the English.
    URL words stay English, but for those ``url_words`` gives."""
    with (root / "messages.pot").open("rb") as handle:
        template = read_po(handle)
    catalog = Catalog(locale=locale)
    entries = [m for m in template if m.id]
    done = int(len(entries) * share)
    for index, message in enumerate(entries):
        if message.context == "URL":
            strings = (url_words or {}).get(message.id, message.id)
        elif index < done and message.id not in leave_out:
            strings = (
                tuple([f"{MARK.get(locale, locale)} {message.id[1]}"] * catalog.num_plurals)
                if message.pluralizable
                else f"{MARK.get(locale, locale)} {message.id}"
            )
        else:
            strings = tuple([""] * catalog.num_plurals) if message.pluralizable else ""
        catalog.add(
            message.id, strings, context=message.context, flags=message.flags,
            locations=message.locations,
        )  # fmt: skip
    folder = root / locale / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with (folder / "messages.po").open("wb") as handle:
        write_po(handle, catalog)
    if compile_it:
        with (folder / "messages.mo").open("wb") as handle:
            write_mo(handle, catalog)
