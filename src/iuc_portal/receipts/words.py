"""An amount in euros written in words, as the receipt must give it.

num2words writes the numbers; its own ``to="currency"`` is not used: it reads
an int as cents, writes "zéro centimes" after whole amounts and "un million
euros" for "un million d'euros". The units follow each language's grammar,
which is why they are here and not in a catalog: the receipt is printed in
French (the legal text) and in English (a courtesy translation) only.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from num2words import num2words


def _euros_and_cents(amount: Decimal) -> tuple[int, int]:
    cents = int((amount * 100).quantize(Decimal(1), ROUND_HALF_UP))
    return divmod(cents, 100)


def in_french(amount: Decimal) -> str:
    """ "cent cinquante euros et cinquante centimes", "un million d'euros", "un euro"."""
    euros, cents = _euros_and_cents(amount)
    parts = []
    if euros or not cents:
        words = num2words(euros, lang="fr")
        if euros and euros % 1_000_000 == 0:
            parts.append(f"{words} d’euros")  # un million d'euros, deux millions d'euros
        else:
            parts.append(f"{words} {'euro' if euros < 2 else 'euros'}")
    if cents:
        parts.append(f"{num2words(cents, lang='fr')} {'centime' if cents == 1 else 'centimes'}")
    return " et ".join(parts)


def in_english(amount: Decimal) -> str:
    """ "one hundred and fifty euros and fifty cents", "one euro"."""
    euros, cents = _euros_and_cents(amount)
    parts = []
    if euros or not cents:
        parts.append(f"{num2words(euros, lang='en')} {'euro' if euros == 1 else 'euros'}")
    if cents:
        parts.append(f"{num2words(cents, lang='en')} {'cent' if cents == 1 else 'cents'}")
    return " and ".join(parts)
