"""The donation form."""

from __future__ import annotations

import functools
from decimal import Decimal
from typing import Any

from babel.numbers import format_decimal
from flask_babel import get_locale
from wtforms import (
    BooleanField,
    Field,
    RadioField,
    SelectChoice,
    SelectField,
)
from wtforms.validators import ValidationError

from iuc_portal.content.models import DonationSettings, siren_is_valid
from iuc_portal.donations import DonorType, Estimate, Frequency, estimate
from iuc_portal.i18n import isolated_sentence
from iuc_portal.i18n import lazy_gettext as _l
from iuc_portal.i18n import lazy_pgettext as _lp
from iuc_portal.money import CENT, AmountError, AmountProblem, format_money, parse_amount

from . import OnceField, SiteForm
from .fields import (
    CountryField,
    digits_only,
    email_field,
    one_of,
    text_field,
)

OTHER = "other"
FREQUENCIES = {
    # The context tells translators these words say how often a gift is made.
    Frequency.ONE_OFF: SelectChoice(Frequency.ONE_OFF, _lp("gift frequency", "One-off")),
    Frequency.MONTHLY: SelectChoice(Frequency.MONTHLY, _lp("gift frequency", "Monthly")),
}

AMOUNT_MESSAGES = {
    AmountProblem.EMPTY: _l("Choose an amount, or enter one in euros"),
    # Translators: %(example)s arrives formatted for the language (25,50 or 25.50).
    AmountProblem.NOT_A_NUMBER: _l("Enter the amount in figures, like %(example)s"),
    AmountProblem.NEGATIVE: _l("Enter the amount without a minus sign"),
    AmountProblem.ZERO: _l("Enter an amount greater than zero"),
    AmountProblem.TOO_MANY_DECIMALS: _l(
        "Enter the amount with no more than 2 decimals, like %(example)s"
    ),
}


@functools.cache
def _amount_labels(
    presets: tuple[int, ...], low: Decimal, high: Decimal, locale: str
) -> tuple[tuple[tuple[str, str], ...], str, str]:
    """((value, label) of each preset, lowest, highest), formatted once per language."""
    labels = tuple((str(value), format_money(Decimal(value), locale)) for value in presets)
    return labels, format_money(low, locale), format_money(high, locale)


# Required of a company only: the page's script marks them required (and shows
# them) once "A company" is chosen; without it, the label says so.
FOR_COMPANIES = {"data-required-for": DonorType.COMPANY.value}


def required_for_companies(message: Any):
    def check(form: DonationForm, field: Field) -> None:
        if form.donor_type.data == DonorType.COMPANY and not field.data:
            raise ValidationError(message)

    return check


def _siren(form: DonationForm, field: Field) -> None:
    if form.donor_type.data == DonorType.COMPANY and field.data and not siren_is_valid(field.data):
        raise ValidationError(_l("Enter the 9-digit SIREN number of the company"))


class DonationForm(SiteForm):
    unavailable_message = _l(
        "We could not record your pledge; nothing has been sent. Please try again in a few minutes."
    )
    # Choices and check set per form: only what the payment provider can take is offered.
    frequency = RadioField(
        _l("How often do you want to give?"),
        default=Frequency.ONE_OFF,
        validate_choice=False,
    )
    donor_type = RadioField(
        _l("Who is giving?"),
        choices=[
            # Translators: Choice answering "Who is giving?" on the donation form: a private person.
            SelectChoice(DonorType.INDIVIDUAL, _l("An individual")),
            # Translators: Choice answering "Who is giving?" on the donation form: a business.
            SelectChoice(DonorType.COMPANY, _l("A company")),
        ],
        default=DonorType.INDIVIDUAL,
        validate_choice=False,
        validators=[one_of(list(DonorType), _l("Choose who is giving"))],
    )
    # Translators: Heading of the donation form's list of amounts to choose from;
    # also the label beside the amount in the summary of a gift.
    preset = RadioField(_l("Amount"), validate_choice=False)
    # Its description, which states the limits, is set per form.
    amount = text_field(
        _l("Another amount, in euros"),
        required=False, autocomplete="transaction-amount", inputmode="decimal",
    )  # fmt: skip
    title = SelectField(
        # Translators: a form of address (Ms, Mr), "Civilité" on French forms.
        _l("Title (optional)"),
        choices=[
            # Translators: Choice in the form-of-address list when the donor gives none.
            SelectChoice("", _l("None")),
            # Translators: Choice in the form-of-address list, for a woman ("Madame" in French).
            SelectChoice("ms", _l("Ms")),
            # Translators: Choice in the form-of-address list, for a man ("Monsieur" in French).
            SelectChoice("mr", _l("Mr")),
        ],
        validate_choice=False,
        validators=[one_of(["", "ms", "mr"], _l("Choose a title from the list"))],
        render_kw={"autocomplete": "honorific-prefix"},
    )
    given_name = text_field(
        # Translators: the first name, "Prénom" on French forms.
        _l("First name"), required=_l("Enter your first name"), max_length=100,
        autocomplete="given-name",
    )  # fmt: skip
    family_name = text_field(
        # Translators: The family name, "Nom" on French forms.
        _l("Last name"), required=_l("Enter your last name"), max_length=100,
        autocomplete="family-name",
    )  # fmt: skip
    email = email_field(
        _l(
            "We will send confirmation of your pledge to this address, "
            "and your tax receipt once your gift has been received."
        )
    )
    address_line1 = text_field(
        _l("Address line 1"), required=_l("Enter the first line of your address"), max_length=200,
        autocomplete="address-line1",
    )  # fmt: skip
    address_line2 = text_field(
        _l("Address line 2 (optional)"), max_length=200, autocomplete="address-line2"
    )
    postal_code = text_field(
        # Translators: Label of the donor's postal code field, in the postal address.
        _l("Postcode"), required=_l("Enter your postcode"), max_length=20,
        autocomplete="postal-code",
    )  # fmt: skip
    city = text_field(
        _l("Town or city"), required=_l("Enter your town or city"), max_length=100,
        autocomplete="address-level2",
    )  # fmt: skip
    # Translators: Label of the list of countries in the donor's postal address.
    country = CountryField(_l("Country"), render_kw={"autocomplete": "country"})
    company_name = text_field(
        # Translators: The name a company is registered under, "Raison sociale" on French forms.
        _l("Company name (required for a company)"),
        required=required_for_companies(_l("Enter the name of the company")),
        max_length=200, autocomplete="organization", **FOR_COMPANIES,
    )  # fmt: skip
    company_legal_form = text_field(
        # Translators: a company's legal form, such as SAS or SARL ("Forme juridique").
        _l("Legal form (required for a company)"),
        required=required_for_companies(_l("Enter the legal form of the company, such as SAS")),
        max_length=100, autocomplete="off", **FOR_COMPANIES,
        description=_l("For example SAS or SARL: the tax receipt must state it."),
    )  # fmt: skip
    siren = text_field(
        # Translators: SIREN is the French register number of companies; keep the acronym.
        _l("SIREN number (required for a company)"),
        required=required_for_companies(_l("Enter the SIREN number of the company")),
        checks=(_siren,), filters=(digits_only,),
        description=_l("The 9-digit number that identifies a French company, for its tax receipt."),
        autocomplete="off", inputmode="numeric", **FOR_COMPANIES,
    )  # fmt: skip
    # Not the donor: the browser must not offer the donor's own name here.
    in_memory_of = text_field(
        _l("In memory of (optional)"), max_length=200, autocomplete="off",
        description=_l("The name of the person you wish to honour with this gift."),
    )  # fmt: skip
    newsletter = BooleanField(_l("Send me news of the institute by email"))
    submission_key = OnceField()

    def __init__(
        self,
        settings: DonationSettings,
        frequencies: list[Frequency],
        *args: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.settings = settings
        self.gift: Decimal | None = None
        locale = str(get_locale())
        self.frequency.choices = [FREQUENCIES[f] for f in frequencies]
        self.frequency.validators = [one_of(frequencies, _l("Choose how often you want to give"))]
        if self.frequency.data not in frequencies and not self.is_submitted():
            self.frequency.data = frequencies[0]
        presets, low, high = _amount_labels(
            tuple(settings.preset_amounts), settings.min_amount, settings.max_amount, locale
        )
        self.amount.description = isolated_sentence(
            _l(
                "Between %(min)s and %(max)s. "
                "An amount entered here replaces the amount chosen above."
            ),
            min=low,
            max=high,
        )
        self.preset.choices = [
            *(SelectChoice(value, label) for value, label in presets),
            # Translators: Last choice in the donation form's list of amounts:
            # the donor types an amount of their own in the field below.
            SelectChoice(OTHER, _l("Another amount")),
        ]
        if not self.is_submitted() and self.preset.data is None:
            self.preset.data = str(settings.default_amount)

    def validate_preset(self, field: Field) -> None:
        if field.data and field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(_l("Choose one of the amounts in the list"))

    def validate_amount(self, field: Field) -> None:
        """Work out the gift: an amount typed in wins over a preset."""
        locale = str(get_locale())
        presets = {str(value) for value in self.settings.preset_amounts}
        if field.data:
            try:
                gift = parse_amount(field.data, locale)
            except AmountError as error:
                if error.problem is AmountProblem.TOO_LARGE:
                    raise ValidationError(self._too_much(locale)) from None
                example = format_decimal(Decimal("25.50"), format="0.00", locale=locale)
                message = isolated_sentence(AMOUNT_MESSAGES[error.problem], example=example)
                raise ValidationError(message) from None
        elif self.preset.data in presets:
            gift = Decimal(self.preset.data).quantize(CENT)  # stored as 50.00, like 25.50
        else:
            raise ValidationError(AMOUNT_MESSAGES[AmountProblem.EMPTY])
        if gift < self.settings.min_amount:
            low = format_money(self.settings.min_amount, locale)
            message = isolated_sentence(_l("Enter an amount of at least %(min)s"), min=low)
            raise ValidationError(message)
        if gift > self.settings.max_amount:
            raise ValidationError(self._too_much(locale))
        self.gift = gift

    def _too_much(self, locale: str) -> Any:
        high = format_money(self.settings.max_amount, locale)
        message = _l("Enter an amount of %(max)s or less; for a larger gift, please contact us")
        return isolated_sentence(message, max=high)

    def amount_problem(self) -> Any:
        """Why the amount typed gives no estimate; None when none was typed, or it reads."""
        if not (self.amount.data or "").strip():
            return None
        try:
            self.validate_amount(self.amount)
        except ValidationError as error:
            return error.args[0]  # a sentence whose amounts are isolated, shown as HTML
        return None

    def estimate(self) -> Estimate | None:
        """The net cost of what is in the form now, when it can be worked out."""
        gift = self.gift
        if gift is None:
            try:
                self.validate_amount(self.amount)
            except ValidationError:
                return None
            gift = self.gift
        try:
            donor = DonorType(self.donor_type.data)
            frequency = Frequency(self.frequency.data)
        except ValueError:
            return None
        if donor.value not in self.settings.eligible_reductions:
            return None
        return estimate(gift, donor, frequency)

    def record_data(self) -> dict[str, Any]:
        """The validated fields as they are stored; amounts as exact strings."""
        company = self.donor_type.data == DonorType.COMPANY
        return {
            "frequency": self.frequency.data,
            "donor_type": self.donor_type.data,
            "amount": str(self.gift),
            "title": self.title.data or None,
            "given_name": self.given_name.data,
            "family_name": self.family_name.data,
            "email": self.email.data,
            "address_line1": self.address_line1.data,
            "address_line2": self.address_line2.data or None,
            "postal_code": self.postal_code.data,
            "city": self.city.data,
            "country": self.country.data,
            "company_name": self.company_name.data if company else None,
            "company_legal_form": self.company_legal_form.data if company else None,
            "siren": self.siren.data if company else None,
            "in_memory_of": self.in_memory_of.data or None,
            "newsletter": bool(self.newsletter.data),
        }
