"""Fields, choices and checks shared by several forms."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from functools import cache
from typing import Any

from babel import Locale
from email_validator import EmailNotValidError, validate_email
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import EmailField, Field, Form, SelectChoice, StringField, ValidationError
from wtforms.validators import DataRequired, Length, Optional

from iuc_portal.i18n import format_number

# Territory codes Babel knows that are not countries one lives in.
_NOT_COUNTRIES = {"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"}


def _sort_key(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


@cache
def _countries(locale: str) -> tuple[tuple[str, str], ...]:
    names = Locale.parse(locale).territories
    countries = [
        (code, name)
        for code, name in names.items()
        if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES
    ]
    return tuple(sorted(countries, key=lambda item: _sort_key(item[1])))


def country_choices() -> list[SelectChoice]:
    """Every country, named and sorted in the page's language."""
    return [SelectChoice(code, name) for code, name in _countries(str(get_locale()))]


def siren_is_valid(value: str) -> bool:
    """A SIREN is nine digits whose Luhn checksum is zero."""
    if len(value) != 9 or not value.isdigit():
        return False
    total = 0
    for position, digit in enumerate(int(c) for c in reversed(value)):
        if position % 2:
            digit *= 2
            digit -= 9 if digit > 9 else 0
        total += digit
    return total % 10 == 0


def one_newline(value: str | None) -> str | None:
    """Browsers send line breaks as CRLF but count them as one character: so do we."""
    return value.replace("\r\n", "\n") if isinstance(value, str) else value


def digits_only(value: str | None) -> str | None:
    """Drop the spaces people type inside numbers ("732 829 320")."""
    if not isinstance(value, str):
        return value
    return "".join(value.split())


def one_of(values: list[str], message: Any) -> Callable[[Form, Field], None]:
    """A choice must be one we offered: a tampered value gets a message, not a crash."""

    def check(form: Form, field: Field) -> None:
        if (field.data or "") not in values:
            raise ValidationError(message)

    return check


def email_address(form: Form, field: Field) -> None:
    """A well-formed address, normalised; deliverability is not checked (no DNS here).

    Addresses that need SMTPUTF8 are refused: not every mail server relays them.
    """
    try:
        field.data = validate_email(
            field.data or "", check_deliverability=False, allow_smtputf8=False
        ).normalized
    except EmailNotValidError:
        raise ValidationError(_l("Enter an email address like name@example.fr")) from None


def strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class MaxLength(Length):
    """At most ``max`` characters; the message writes the limit as the visitor's
    language writes numbers (2 000, 2,000), which Length's ``%(max)d`` cannot."""

    def __init__(self, max: int, message: Any) -> None:
        super().__init__(max=max, message=message)

    def __call__(self, form: Form, field: Field) -> None:
        if len(field.data or "") > self.max:
            raise ValidationError(self.message % {"max": format_number(self.max)})


def text_field(
    label: Any,
    *,
    autocomplete: str | None = None,
    required: Any = None,
    max_length: int | None = None,
    checks: tuple[Callable[[Form, Field], None], ...] = (),
    kind: type[Field] = StringField,
    filters: tuple[Callable[[Any], Any], ...] = (strip,),
    description: Any = None,
    **attributes: str,
) -> Field:
    """A text field as every form of the site has them: trimmed, bounded, autocompleted.

    ``required`` is the message for an empty field, or a validator of its own
    (required only sometimes); without it the field is optional. ``False``
    leaves emptiness to the form (the donation amount may be a preset instead).
    """
    if required is None:
        validators = [Optional()]
    elif required is False:
        validators = []
    elif callable(required):
        validators = [required]
    else:
        validators = [DataRequired(required)]
    if max_length:
        validators.append(MaxLength(max_length, _l("Enter no more than %(max)s characters")))
    validators.extend(checks)
    render_kw = {"autocomplete": autocomplete, **attributes} if autocomplete else attributes
    return kind(
        label,
        description=description,
        validators=validators,
        filters=list(filters),
        render_kw=render_kw,
    )


def email_field(description: Any) -> Field:
    """The visitor's email address, required and checked; ``description`` says what it is for."""
    return text_field(
        _l("Email address"), required=_l("Enter your email address"), checks=(email_address,),
        description=description, kind=EmailField, autocomplete="email", spellcheck="false",
    )  # fmt: skip
