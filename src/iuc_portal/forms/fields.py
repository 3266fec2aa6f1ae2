"""Fields, choices and checks shared by several forms."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import cache
from typing import Any

import pycountry
from babel import Locale
from email_validator import EmailNotValidError, validate_email
from flask_babel import get_locale
from markupsafe import Markup
from wtforms import (
    EmailField,
    Field,
    Form,
    SelectField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import Select, html_params

from iuc_portal.i18n import format_number
from iuc_portal.i18n import lazy_gettext as _l

# Listed first: most donors live there.
HOME_COUNTRY = "FR"


def _sort_key(name: str) -> str:
    """Accents and case set aside, as collation does at its first level.

    Checked against ICU's French and English collators (PyICU, not installable
    here without a compiler): the same order for all 249 country names.
    """
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


@cache
def countries(locale: str) -> tuple[tuple[str, str], ...]:
    """(code, name) of the countries of ISO 3166-1, named in ``locale``; home first.

    Babel's territories also hold regions and groupings (Europe, the UN...),
    which are no place to live: ISO's list says which are countries.
    """
    names = Locale.parse(locale).territories
    others = sorted(
        (
            (country.alpha_2, names[country.alpha_2])
            for country in pycountry.countries
            if country.alpha_2 != HOME_COUNTRY
        ),
        key=lambda item: _sort_key(item[1]),
    )
    return ((HOME_COUNTRY, names[HOME_COUNTRY]), *others)


@cache
def _country_options(locale: str) -> str:
    """Every country's <option>, rendered once per language: a form page renders fast."""
    return "".join(
        str(Markup('<option value="{}">{}</option>').format(code, name))
        for code, name in countries(locale)
    )


class CountrySelect(Select):
    def __call__(self, field: Field, **kwargs: Any) -> Markup:
        kwargs.setdefault("id", field.id)
        options = _country_options(str(get_locale()))
        chosen = f'<option value="{field.data}">'
        if field.data and chosen in options:  # only one of our own codes can match
            options = options.replace(chosen, f'<option selected value="{field.data}">', 1)
        return Markup(f"<select {html_params(name=field.name, **kwargs)}>{options}</select>")


def _known_country(form: Form, field: Field) -> None:
    if field.data not in dict(countries(str(get_locale()))):
        raise ValidationError(_l("Choose a country from the list"))


class CountryField(SelectField):
    """A country from ISO 3166-1, named and sorted in the page's language."""

    widget = CountrySelect()

    def __init__(self, label: Any, **kwargs: Any) -> None:
        super().__init__(
            label, default=HOME_COUNTRY, validate_choice=False, validators=[_known_country],
            **kwargs,
        )  # fmt: skip


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
        checked = validate_email(field.data or "", check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError:
        raise ValidationError(_l("Enter an email address like name@example.fr")) from None
    # An internationalised domain is kept in its ASCII form (punycode), which
    # every mail server can relay.
    field.data = checked.ascii_email or checked.normalized


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


# What no one types into a form: control characters (C0 and DEL), and the
# invisible marks that reverse the direction of text around them. A name or
# an address holding one could forge a line in a mail or a spreadsheet.
_BIDI_CONTROLS = "\u202a-\u202e\u2066-\u2069"
_NOT_IN_A_LINE = re.compile(f"[\\x00-\\x1f\\x7f{_BIDI_CONTROLS}]")
_NOT_IN_A_TEXT = re.compile(f"[\\x00-\\x09\\x0b-\\x1f\\x7f{_BIDI_CONTROLS}]")  # newlines kept


def no_hidden_characters(form: Form, field: Field) -> None:
    """One line of ordinary text; a text area may also hold line breaks."""
    multiline = isinstance(field, TextAreaField)
    pattern = _NOT_IN_A_TEXT if multiline else _NOT_IN_A_LINE
    if isinstance(field.data, str) and pattern.search(field.data):
        raise ValidationError(
            _l("Remove the invisible characters from your message")
            if multiline
            else _l("Remove the line breaks and invisible characters from this field")
        )


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
    validators.append(no_hidden_characters)
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
        # Translators: Label of the email field on the contact and donation forms;
        # also beside the visitor's address in the mail to a department.
        _l("Email address"), required=_l("Enter your email address"), checks=(email_address,),
        description=description, kind=EmailField, autocomplete="email", spellcheck="false",
    )  # fmt: skip
