"""A donor's tax receipt: downloaded from the confirmation page, and mailed as a PDF."""

from __future__ import annotations

from email.message import EmailMessage

from flask import Blueprint, Response, abort, current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from iuc_portal import receipts
from iuc_portal.mail import compose
from iuc_portal.receipts.document import Document
from iuc_portal.receipts.pdf import render
from iuc_portal.routing import localized_route
from iuc_portal.store import Record

from . import remembered_record, store
from .donate import KIND

bp = Blueprint("receipts", __name__)


def filename(number: str) -> str:
    return f"recu-fiscal-{number}.pdf"


@localized_route(bp, ("donate", "thanks"), "<reference>/<number>.pdf", list_args=lambda content: [])
def download(reference: str, number: str) -> Response:
    """The receipt of a gift this browser made (the confirmation page links it)."""
    record = remembered_record(KIND, reference)
    receipt = receipts.find(store(), number)
    if receipt is None or receipt.submission_id != record.id:
        abort(404)
    response = Response(render(Document.from_json(receipt.document)), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename(number)}"'
    return response


def compose_receipt(record: Record, mail: str) -> EmailMessage:
    """The receipt named by the queued mail ("receipt:<number>"), as a PDF attached."""
    number = mail.split(":", 1)[1]
    receipt = receipts.find(store(), number)
    if receipt is None:
        raise LookupError(f"receipt {number} is not in the store")
    document = Document.from_json(receipt.document)
    with force_locale(record.locale):
        subject = _("Your tax receipt no. %(number)s", number=number)
        context = {"record": record, "receipt": document, "subject": subject}
        text = render_template("mail/receipt.txt", **context)
        html = render_template("mail/receipt.html", **context)
    message = compose(
        subject=subject,
        sender=current_app.config["MAIL_FROM"],
        to=record.data["email"],
        text=text,
        html=html,
        language=record.locale,
        message_id=f"receipt.{number}",
    )
    message.add_attachment(
        render(document), maintype="application", subtype="pdf", filename=filename(number)
    )
    return message
