"""Finding a department by what a visitor types, in the visitor's language.

Matching ignores case and accents and reads every word typed as the start of
a word: "pneumo" finds Pneumologie, "oncologie pediatrique" finds Oncologie
pédiatrique, "poumon" finds it through its keywords. Every word typed must
match somewhere (name, hospital or keywords); names weigh most.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .content.models import Department

WORD = re.compile(r"\w+")
MAX_QUERY = 100  # characters; a longer query is cut, never an error

# How much a word matched in each place counts. Keywords are listed most
# telling first, so the first one ("poumon" for Pneumologie) counts more.
WEIGHTS = {"name": 6, "first_keyword": 5, "keywords": 4, "hospital": 2}


def normalise(text: str) -> str:
    """Lower case, without accents: "Pédiatrique" -> "pediatrique"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    return WORD.findall(normalise(text))


@dataclass(frozen=True)
class Entry:
    department: Department
    fields: dict[str, tuple[str, ...]]  # place -> its words, in one language


def build_index(
    departments: Sequence[Department],
    translate: Callable[[str], str],
    hospital_name: Callable[[Department], str | None],
) -> list[Entry]:
    """The words of each department in one language (``translate`` gives it)."""
    index = []
    for department in departments:
        hospital = hospital_name(department)
        keywords = translate(department.keywords)
        fields = {
            "name": tuple(words(translate(department.name))),
            "first_keyword": tuple(words(keywords.split(",")[0])),
            "keywords": tuple(words(keywords)),
            "hospital": tuple(words(translate(hospital))) if hospital else (),
        }
        index.append(Entry(department, fields))
    return index


def _score(entry: Entry, terms: list[str]) -> int:
    total = 0
    for term in terms:
        best = max(
            (
                weight
                for place, weight in WEIGHTS.items()
                if any(word.startswith(term) for word in entry.fields[place])
            ),
            default=0,
        )
        if best == 0:
            return 0  # every word typed must match
        total += best
    return total


def search(index: Sequence[Entry], query: str) -> list[Department]:
    """Departments matching ``query``, best first; all of them for an empty query."""
    terms = words(query[:MAX_QUERY])
    if not terms:
        return [entry.department for entry in index]
    scored = [(score, position, entry) for position, entry in enumerate(index)
              if (score := _score(entry, terms))]  # fmt: skip
    scored.sort(key=lambda item: (-item[0], item[1]))
    return [entry.department for _, _, entry in scored]
