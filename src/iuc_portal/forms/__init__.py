"""Forms: a shared base with CSRF and a honeypot, and one module per form."""

from __future__ import annotations

import functools
import secrets
from enum import Enum
from typing import Any

from babel import support
from flask import abort, current_app
from flask_babel import get_locale
from flask_wtf import FlaskForm
from itsdangerous import BadData, URLSafeTimedSerializer
from wtforms import HiddenField, StringField
from wtforms.i18n import messages_path
from wtforms.validators import Regexp

from iuc_portal.i18n import lazy_gettext as _l

CSRF_FIELD = "csrf_token"


class CsrfVerdict(Enum):
    OK = "ok"
    EXPIRED = "expired"  # a token we signed, for a session that is gone or was replaced
    FORGED = "forged"  # missing, or not signed by us


@functools.cache
def _wtforms_translations(locale: str) -> support.Translations:
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class SiteForm(FlaskForm):
    """Every form of the site.

    Messages come from the server in the visitor's language (templates render
    forms with ``novalidate``). ``iuc_hp`` is a honeypot: hidden from people,
    filled by robots.
    """

    class Meta(FlaskForm.Meta):
        def get_translations(self, form: Any) -> support.Translations:
            # WTForms' own messages, loaded once per language rather than on
            # every request as Flask-WTF does (a tenth of a form page's time).
            return _wtforms_translations(str(get_locale()))

    iuc_hp = StringField()
    # Set when the token had expired: the form comes back filled, with a notice.
    expired = False
    # The reference recorded when this form was first sent, when it comes back
    # because it was sent again with other details.
    already_sent: str | None = None
    # Set when the database could not record the form: it comes back, filled.
    unavailable = False
    # What the visitor is told then: each form words it for what it records.
    unavailable_message: Any = None

    def csrf_verdict(self) -> CsrfVerdict:
        """After ``validate()``: was the token good, merely expired, or forged?

        A token we signed that does not match the session belongs to an old tab
        whose session ended. Giving the form back, filled, stores nothing and
        asks for a new submit, so a forged request gains nothing by it; and
        SameSite=Lax already keeps the session cookie off other sites' posts.
        """
        if not self.meta.csrf or not self.csrf_token.errors:
            return CsrfVerdict.OK
        submitted = self.csrf_token.data
        if submitted and _signed_by_us(submitted):
            return CsrfVerdict.EXPIRED
        return CsrfVerdict.FORGED

    def is_robot(self) -> bool:
        return bool(self.iuc_hp.data)

    @property
    def has_notice(self) -> bool:
        """Whether the form comes back with something to read first (errors or a notice)."""
        return bool(self.content_errors or self.expired or self.already_sent or self.unavailable)

    @property
    def content_errors(self) -> dict[str, list[str]]:
        """Errors to show the visitor: CSRF is handled apart, the honeypot never shown."""
        return {
            name: messages
            for name, messages in self.errors.items()
            if name not in {CSRF_FIELD, "iuc_hp"}
        }


def _signed_by_us(token: str) -> bool:
    secret = current_app.config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key
    try:
        URLSafeTimedSerializer(secret, salt="wtf-csrf-token").loads(token)
    except BadData:
        return False
    return True


def submission_outcome(form: SiteForm) -> bool:
    """Validate a posted form; True when it can be stored.

    A forged or missing token, or a filled honeypot, ends the request with a
    400 page and nothing is stored. An expired one gives the form back, filled,
    with a fresh token, so a slow visitor loses nothing.
    """
    valid = form.validate()
    if form.is_robot():
        abort(400)
    verdict = form.csrf_verdict()
    if verdict is CsrfVerdict.FORGED:
        abort(400)
    form.expired = verdict is CsrfVerdict.EXPIRED
    return valid and verdict is CsrfVerdict.OK


def new_submission_key() -> str:
    return secrets.token_hex(16)


class OnceField(HiddenField):
    """A key carried by the form so that submitting it twice records it once."""

    def __init__(self, **kwargs) -> None:
        super().__init__(
            validators=[Regexp(r"^[0-9a-f]{32}$", message=_l("Reload the page and try again."))],
            default=new_submission_key,
            **kwargs,
        )
