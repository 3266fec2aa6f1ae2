"""Amounts of money: read as the visitor writes them, shown as their language writes them.

Pure functions of a locale code, no Flask, so the rules are tested directly.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from functools import cache

from babel import Locale
from babel.numbers import format_currency, get_decimal_symbol, get_group_symbol

CENT = Decimal("0.01")
CURRENCY = "EUR"
_SPACES = "\u0020\u00a0\u202f\u2009"
_MINUS = "-\u2212"


class AmountProblem(StrEnum):
    EMPTY = "empty"
    NOT_A_NUMBER = "not_a_number"
    NEGATIVE = "negative"
    ZERO = "zero"
    TOO_MANY_DECIMALS = "too_many_decimals"
    TOO_LARGE = "too_large"


# Digits before the decimal point worth reading: anything longer is no gift,
# and Decimal arithmetic on it would overflow its 28-digit precision.
MAX_WHOLE_DIGITS = 12


class AmountError(ValueError):
    def __init__(self, problem: AmountProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


@cache
def _amount_pattern(locale: str) -> re.Pattern[str]:
    decimal = re.escape(get_decimal_symbol(locale))
    group = get_group_symbol(locale)
    group_class = f"[{_SPACES}]" if group in _SPACES else re.escape(group)
    fraction = rf"{decimal}(?P<fraction>\d+)"
    if group != "." and decimal != r"\.":
        # A French visitor may type "25.50": where a dot is not the thousands
        # separator it can be read as the decimal point, but only before one
        # or two digits, since "10.000" may well mean ten thousand.
        fraction = rf"(?:{fraction}|\.(?P<dot_fraction>\d{{1,2}}))"
    return re.compile(
        rf"(?P<sign>[{_MINUS}+])?"
        rf"(?P<whole>\d{{1,3}}(?:{group_class}\d{{3}})+|\d+)"
        rf"(?:{fraction})?",
        re.ASCII,
    )


def parse_amount(text: str | None, locale: str) -> Decimal:
    """A positive amount with at most two decimals, or an ``AmountError`` saying why not."""
    cleaned = (text or "").strip(_SPACES + "\t\n")
    cleaned = re.sub(r"^(?:€|EUR)\s*|\s*(?:€|EUR)$", "", cleaned, flags=re.IGNORECASE)
    if not cleaned:
        raise AmountError(AmountProblem.EMPTY)
    match = _amount_pattern(locale).fullmatch(cleaned)
    if match is None:
        raise AmountError(AmountProblem.NOT_A_NUMBER)
    if match["sign"] and match["sign"] in _MINUS:
        raise AmountError(AmountProblem.NEGATIVE)
    if match["sign"]:
        raise AmountError(AmountProblem.NOT_A_NUMBER)
    whole = re.sub(r"\D", "", match["whole"]).lstrip("0") or "0"
    if len(whole) > MAX_WHOLE_DIGITS:
        raise AmountError(AmountProblem.TOO_LARGE)
    fraction = match["fraction"] or match.groupdict().get("dot_fraction") or ""
    if len(fraction) > 2:
        raise AmountError(AmountProblem.TOO_MANY_DECIMALS)
    amount = Decimal(f"{whole}.{fraction or '0'}").quantize(CENT)
    if amount == 0:
        raise AmountError(AmountProblem.ZERO)
    return amount


def round_cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@cache
def _whole_pattern(locale: str) -> str:
    pattern = Locale.parse(locale).currency_formats["standard"].pattern
    return re.sub(r"\.0+", "", pattern)


def format_money(amount: Decimal, locale: str) -> str:
    """``34 €`` or ``25,50 €`` in French, ``€34`` or ``€25.50`` in English."""
    amount = round_cents(amount)
    if amount == amount.to_integral_value():
        return format_currency(
            amount, CURRENCY, format=_whole_pattern(locale), locale=locale, currency_digits=False
        )
    return format_currency(amount, CURRENCY, locale=locale)
