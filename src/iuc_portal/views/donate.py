"""Giving: the donation form, its tax estimate, the confirmation and the donor's email."""

from __future__ import annotations

import datetime as dt
import functools
import logging
from decimal import Decimal
from email.message import EmailMessage
from typing import Any

from babel.numbers import format_decimal
from flask import (
    Blueprint,
    Response,
    current_app,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from iuc_portal import receipts
from iuc_portal.donations import DonorType, Frequency, estimate
from iuc_portal.extensions import form_rate_limit, limiter
from iuc_portal.forms import submission_outcome
from iuc_portal.forms.donation import OTHER, DonationForm
from iuc_portal.i18n import current_locale
from iuc_portal.i18n import lazy_gettext as _l
from iuc_portal.mail import compose
from iuc_portal.payments import PaymentUnavailable, ledger, provider
from iuc_portal.routing import localized_route
from iuc_portal.store import Record, StoreUnavailable, utc_now

from . import (
    form_unavailable,
    htmx_target,
    redirect_after_post,
    remembered_record,
    render_page,
    site_content,
    store,
    store_submission,
)

log = logging.getLogger(__name__)
bp = Blueprint("donate", __name__)

KIND = "donations"
PREFIX = "DON"
ACKNOWLEDGEMENT = "donation_acknowledgement"  # the mail queued with each gift
# The stored fields, in the order staff read them in an export.
FIELDS = (
    "frequency",
    "donor_type",
    "amount",
    "title",
    "given_name",
    "family_name",
    "email",
    "address_line1",
    "address_line2",
    "postal_code",
    "city",
    "country",
    "company_name",
    "company_legal_form",
    "siren",
    "in_memory_of",
    "newsletter",
)
GIFT_FIELDS = {"frequency", "donor_type", "preset", "amount"}
# htmx swaps: the estimate as the amount changes; the whole form on submit.
FRAGMENTS = {"estimate": "estimate", "donation-form": "form"}
# How long the confirmation page asks whether the payment has come.
POLL_FOR = dt.timedelta(minutes=10)


def open_frequencies() -> list[Frequency]:
    """How often one can give now: none while the publisher has not named who
    receives gifts, or while no way to pay them is known."""
    if site_content().publisher.beneficiary is None:
        return []
    return [frequency for frequency in Frequency if provider().accepts(frequency)]


@functools.cache
def net_costs(
    presets: tuple[int, ...], donors: tuple[str, ...]
) -> list[tuple[Decimal, dict[str, Decimal]]]:
    """Each preset amount and what it costs each kind of donor, for the table."""
    return [
        (
            Decimal(amount),
            {
                donor: estimate(Decimal(amount), DonorType(donor), Frequency.ONE_OFF).net
                for donor in donors
            },
        )
        for amount in presets
    ]


def donate_page(
    form: DonationForm | None,
    pristine: bool = False,
    template: str = "pages/donate.html",
    title: str | None = None,
) -> Response:
    settings = site_content().donations
    return render_page(
        template,
        title=title or _l("Make a donation"),
        description=_l(
            "Give to the institute, and see what your gift costs after the French tax reduction."
        ),
        fragments=FRAGMENTS,
        form=form,
        estimate=form.estimate() if form else None,
        amount_problem=form.amount_problem() if form else None,
        settings=settings,
        costs=net_costs(tuple(settings.preset_amounts), tuple(settings.eligible_reductions)),
        payment=provider(),
        beneficiary=site_content().publisher.beneficiary,
        ways=site_content().publisher.ways_to_pay,
        pristine=pristine,
    )


@localized_route(bp, "donate", methods=["GET", "POST"])
@limiter.limit(form_rate_limit, methods=["POST"])
def index() -> Response:
    settings = site_content().donations
    frequencies = open_frequencies()
    if not frequencies:
        return donate_page(None)  # the page says how to give by contacting the institute
    if request.method != "POST":  # GET, and HEAD as GET without its body
        # Query parameters pre-fill the choice of gift (and feed the estimate);
        # never personal details, which have no place in a URL.
        choice = MultiDict((k, v) for k, v in request.args.items(multi=True) if k in GIFT_FIELDS)
        form = DonationForm(settings, frequencies, formdata=choice or None)
        return donate_page(form, pristine=not choice)
    form = DonationForm(settings, frequencies)
    if not submission_outcome(form):
        return donate_page(form)
    pay = provider()
    # A promise is acknowledged at once; a gift paid online, once the provider says it is.
    mails = () if pay.online else (ACKNOWLEDGEMENT,)
    outcome = store_submission(KIND, PREFIX, form, donate_page, mails)
    if isinstance(outcome, Response):
        return outcome
    if not pay.online:
        return redirect_after_post(url_for("donate.thanks", reference=outcome.reference))
    return hand_off(outcome, form)


def hand_off(record: Record, form: DonationForm) -> Response:
    """Send the donor to the provider's payment page for a stored (pending) gift.

    Should the provider not answer, the form comes back filled: sent again,
    it finds the same gift, and the provider the same payment page.
    """
    pay = provider()
    thanks_url = url_for("donate.thanks", reference=record.reference, _external=True)
    cancel_url = url_for("donate.cancelled", reference=record.reference, _external=True)
    try:
        page, session_id = pay.hand_off(record, thanks_url, cancel_url)
    except PaymentUnavailable as error:
        log.warning("%s: the payment provider did not answer (%s)", record.reference, error)
        message = _l(
            "We could not reach the payment service; nothing has been charged. "
            "Please try again in a few minutes."
        )
        return form_unavailable(form, donate_page, message)
    try:
        ledger.started(store(), record.id, pay.name, "checkout_session", session_id)
    except StoreUnavailable:
        log.warning("%s: payment page %s not recorded", record.reference, session_id)
    return redirect_after_post(page)


@localized_route(bp, ("donate", "thanks"), "<reference>", list_args=lambda content: [])
def thanks(reference: str) -> Response:
    """The confirmation: shown only to the browser that made the gift; safe to reload.

    With a payment provider it says what is true now: paid (the provider's
    webhook has come), being confirmed (not yet: htmx asks again, quietly),
    or failed. A poll whose answer has not changed gets no content (204),
    so nothing is announced again; after ten minutes, 286 stops the polling.
    """
    record = remembered_record(KIND, reference)
    context = summary(record)
    unchanged = request.args.get("seen") == context["state_key"]
    if htmx_target() == "payment-status" and unchanged:
        age = utc_now() - record.created
        return Response(status=204 if age < POLL_FOR else 286)
    title = _("Thank you for your pledge")
    if context["payment"].online:
        title = _("Thank you for your gift")
    return render_page(
        "pages/donate_thanks.html",
        title=title,
        fragments={"payment-status": "payment_status"},
        **context,
    )


@localized_route(bp, ("donate", "cancelled"), "<reference>", list_args=lambda content: [])
def cancelled(reference: str) -> Response:
    """Back from the payment page without paying: the form again, filled, to try again."""
    record = remembered_record(KIND, reference)
    frequencies = open_frequencies() or [Frequency(record.data["frequency"])]
    form = DonationForm(site_content().donations, frequencies, data=refill(record))
    # Translators: Title of the donation page shown when the donor comes back from
    # the payment page without paying.
    return donate_page(form, template="pages/donate_cancelled.html", title=_l("Payment cancelled"))


def refill(record: Record) -> dict[str, Any]:
    """The form's fields from a stored gift, a new one-time key: sent, it is a new gift."""
    data = dict(record.data)
    amount = Decimal(data.pop("amount"))
    presets = {Decimal(value): str(value) for value in site_content().donations.preset_amounts}
    if amount in presets:
        data["preset"] = presets[amount]
    else:
        data["preset"] = OTHER
        data["amount"] = format_decimal(amount, format="0.00", locale=current_locale())
    return {key: value for key, value in data.items() if value is not None}


def summary(record: Record) -> dict[str, Any]:
    """What the confirmation page and the donor's email say about a gift."""
    data = record.data
    gift = Decimal(data["amount"])
    settings = site_content().donations
    donor = DonorType(data["donor_type"])
    frequency = Frequency(data["frequency"])
    pay = provider()
    state = ledger.state_of(store().events_of(record.id))
    return {
        "record": record,
        "gift": gift,
        "frequency": frequency,
        "estimate": estimate(gift, donor, frequency)
        if donor.value in settings.eligible_reductions
        else None,
        "next_step": None if pay.online else pay.next_step(record),
        "payment": pay,
        "state": state,
        # What the donor is told of the payment, as the page polls for news.
        "state_key": "processing" if state.processing else state.status,
        "receipts": [r for r in receipts.of_gift(store(), record.id) if r.cancelled is None],
    }


def compose_acknowledgement(record: Record, mail: str = ACKNOWLEDGEMENT) -> EmailMessage:
    """The donor's acknowledgement, in the language they used on the site."""
    config = current_app.config
    with force_locale(record.locale):
        context = summary(record)
        if context["payment"].online:
            subject = _("Your gift %(reference)s: thank you", reference=record.reference)
        else:
            subject = _("Your pledge %(reference)s: thank you", reference=record.reference)
        text = render_template("mail/donation.txt", **context)
        html = render_template("mail/donation.html", subject=subject, **context)
    return compose(
        subject=subject,
        sender=config["MAIL_FROM"],
        to=record.data["email"],
        text=text,
        html=html,
        language=record.locale,
        message_id=f"donation.{record.id}",
    )
