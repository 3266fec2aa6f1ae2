"""Amounts as visitors type them in each language, and as each language shows them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from iuc_portal.money import AmountError, AmountProblem, format_money, parse_amount

P = AmountProblem


@pytest.mark.parametrize(
    ("locale", "text", "expected"),
    [
        ("fr", "25,50", "25.50"),
        ("fr", "25,5", "25.50"),
        ("fr", "25.50", "25.50"),  # a dot is never a French thousands separator
        ("fr", "1 000", "1000.00"),
        ("fr", "1\u202f000,50", "1000.50"),
        ("fr", "30 €", "30.00"),
        ("fr", " 50 ", "50.00"),
        ("en", "25.50", "25.50"),
        ("en", "1,000", "1000.00"),
        ("en", "1,000.5", "1000.50"),
        ("en", "€30", "30.00"),
        ("en", "100000", "100000.00"),
    ],
)
def test_accepted_amounts(locale: str, text: str, expected: str) -> None:
    assert parse_amount(text, locale) == Decimal(expected)


@pytest.mark.parametrize(
    ("locale", "text", "problem"),
    [
        ("fr", "", P.EMPTY),
        ("fr", "   ", P.EMPTY),
        ("en", None, P.EMPTY),
        ("fr", "abc", P.NOT_A_NUMBER),
        ("fr", "10.000", P.NOT_A_NUMBER),  # ten, or ten thousand? ask
        ("fr", "1e3", P.NOT_A_NUMBER),
        ("fr", "+5", P.NOT_A_NUMBER),
        ("en", "25,50", P.NOT_A_NUMBER),  # a French decimal on the English page
        ("en", "12 345", P.NOT_A_NUMBER),
        ("en", "\u0663", P.NOT_A_NUMBER),  # digits of other scripts
        ("fr", "-5", P.NEGATIVE),
        ("en", "\u22125", P.NEGATIVE),
        ("fr", "0", P.ZERO),
        ("en", "0.00", P.ZERO),
        ("fr", "25,505", P.TOO_MANY_DECIMALS),
        ("en", "0.001", P.TOO_MANY_DECIMALS),
        ("fr", "25,500", P.TOO_MANY_DECIMALS),  # more than 2 decimals, even zeros
        ("en", "10.000", P.TOO_MANY_DECIMALS),
    ],
)
def test_refused_amounts_say_why(locale: str, text: str | None, problem: AmountProblem) -> None:
    with pytest.raises(AmountError) as error:
        parse_amount(text, locale)
    assert error.value.problem is problem


@pytest.mark.parametrize(
    ("amount", "french", "english"),
    [
        ("34", "34\u00a0€", "€34"),
        ("25.5", "25,50\u00a0€", "€25.50"),
        ("1000", "1\u202f000\u00a0€", "€1,000"),
        ("0.005", "0,01\u00a0€", "€0.01"),  # half up
    ],
)
def test_amounts_are_shown_without_decimals_when_whole(
    amount: str, french: str, english: str
) -> None:
    assert format_money(Decimal(amount), "fr") == french
    assert format_money(Decimal(amount), "en") == english
