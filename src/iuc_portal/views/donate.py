"""Giving: the donation form, its tax estimate, the confirmation and the donor's email."""

from __future__ import annotations

import functools
import logging
from decimal import Decimal
from email.message import EmailMessage
from typing import Any

from flask import (
    Blueprint,
    Response,
    current_app,
    render_template,
    request,
)
from flask_babel import force_locale
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from iuc_portal.donations import DonorType, Frequency, estimate
from iuc_portal.extensions import form_rate_limit, limiter
from iuc_portal.forms import submission_outcome
from iuc_portal.forms.donation import DonationForm
from iuc_portal.mail import compose
from iuc_portal.payments import provider
from iuc_portal.routing import localized_route
from iuc_portal.store import Record

from . import record_submission, remembered_record, render_page, site_content

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
    "siren",
    "in_memory_of",
    "newsletter",
)
GIFT_FIELDS = {"frequency", "donor_type", "preset", "amount"}
# htmx swaps: the estimate as the amount changes; the whole form on submit.
FRAGMENTS = {"estimate": "estimate", "donation-form": "form"}


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


def donate_page(form: DonationForm | None, pristine: bool = False) -> Response:
    settings = site_content().donations
    return render_page(
        "pages/donate.html",
        title=_("Make a donation"),
        description=_(
            "Give to the institute, and see what your gift costs after the French tax reduction."
        ),
        fragments=FRAGMENTS,
        form=form,
        estimate=form.estimate() if form else None,
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
    return record_submission(
        KIND, PREFIX, form, "donate.thanks", donate_page, mails=(ACKNOWLEDGEMENT,)
    )


@localized_route(bp, ("donate", "thanks"), "<reference>", list_args=lambda content: [])
def thanks(reference: str) -> Response:
    """The confirmation: shown only to the browser that made the gift; safe to reload."""
    record = remembered_record(KIND, reference)
    return render_page(
        "pages/donate_thanks.html",
        title=_("Thank you for your promise of a gift"),
        **summary(record),
    )


def summary(record: Record) -> dict[str, Any]:
    """What the confirmation page and the donor's email say about a gift."""
    data = record.data
    gift = Decimal(data["amount"])
    settings = site_content().donations
    donor = DonorType(data["donor_type"])
    frequency = Frequency(data["frequency"])
    return {
        "record": record,
        "gift": gift,
        "frequency": frequency,
        "estimate": estimate(gift, donor, frequency)
        if donor.value in settings.eligible_reductions
        else None,
        "next_step": provider().next_step(record),
        "payment": provider(),
    }


def compose_acknowledgement(record: Record) -> EmailMessage:
    """The donor's acknowledgement, in the language they used on the site."""
    config = current_app.config
    with force_locale(record.locale):
        context = summary(record)
        subject = _("Your promise of a gift %(reference)s: thank you", reference=record.reference)
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
