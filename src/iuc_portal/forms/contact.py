"""The contact form: write to a department, or to the institute in general."""

from __future__ import annotations

from typing import Any

import phonenumbers
from wtforms import Field, SelectChoice, SelectField, TextAreaField
from wtforms.validators import ValidationError

from iuc_portal.content import Content
from iuc_portal.i18n import content_lang, content_text
from iuc_portal.i18n import lazy_gettext as _l

from . import OnceField, SiteForm
from .fields import MaxLength, email_field, one_newline, one_of, strip, text_field

GENERAL = "general"
MESSAGE_MAX = 2000


def _phone(form: ContactForm, field: Field) -> None:
    """Any number a French or international caller could dial."""
    try:
        number = phonenumbers.parse(field.data, "FR")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError(_l("Enter a phone number, like 01 23 45 67 89 or +33 1 23 45 67 89"))
    field.data = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class ContactForm(SiteForm):
    unavailable_message = _l(
        "We could not record your message; nothing was sent. Please try again in a few minutes."
    )
    subject = SelectField(_l("Who are you writing to?"), validate_choice=False)
    name = text_field(
        # Translators: Label of the contact form's field for the visitor's full name.
        _l("Your name"),
        required=_l("Enter your name"),
        max_length=100,
        autocomplete="name",
    )
    email = email_field(_l("We will reply to this address."))
    phone = text_field(
        # Translators: Label of the contact form's field for the visitor's phone number;
        # the visitor may leave it empty.
        _l("Phone (optional)"), checks=(_phone,), autocomplete="tel", type="tel",
        description=_l("If you would rather be called back."),
    )  # fmt: skip
    message = text_field(
        # Translators: Label of the contact form's box where the visitor writes the message.
        _l("Your message"),
        required=_l("Enter your message"),
        checks=(MaxLength(MESSAGE_MAX, _l("Shorten your message to %(max)s characters or fewer")),),
        filters=(one_newline, strip),
        kind=TextAreaField,
        description=_l(
            "Only include the medical details needed to answer your question: "
            "the reply will come by email."
        ),
    )
    submission_key = OnceField()

    def __init__(self, content: Content, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.subject.choices = [SelectChoice(GENERAL, _l("The institute (general enquiry)"))] + [
            SelectChoice(
                d.id,
                content_text(d.name, plain=True),
                render_kw={"lang": lang} if (lang := content_lang(d.name)) else None,
            )
            for d in content.departments
        ]
        self.subject.validators = [
            one_of([c.value for c in self.subject.choices], _l("Choose who you are writing to"))
        ]
        if self.subject.data is None:
            self.subject.data = GENERAL

    def record_data(self) -> dict[str, Any]:
        return {
            "subject": self.subject.data,
            "name": self.name.data,
            "email": self.email.data,
            "phone": self.phone.data or None,
            "message": self.message.data,
        }
