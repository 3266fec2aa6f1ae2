"""Reaching a team: the directory with its search, and the contact form."""

from __future__ import annotations

from email.message import EmailMessage

from flask import Blueprint, Response, current_app, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from iuc_portal.content.models import Department
from iuc_portal.extensions import form_rate_limit, limiter
from iuc_portal.forms import submission_outcome
from iuc_portal.forms.contact import ContactForm
from iuc_portal.i18n import content_text, current_locale
from iuc_portal.i18n import lazy_gettext as _l
from iuc_portal.mail import compose
from iuc_portal.routing import localized_route, query_in_other_languages
from iuc_portal.search import search
from iuc_portal.store import Record

from . import record_submission, remembered_record, render_page, site_content
from .departments import query, search_index

bp = Blueprint("contacts", __name__)

KIND = "messages"
PREFIX = "MSG"
MESSAGE = "contact_message"  # the mail to the team, queued with each message
FIELDS = ("subject", "name", "email", "phone", "message")
# htmx swaps: the directory as the visitor types a search; the form on submit.
FRAGMENTS = {
    "directory-results": ("search_results", {"search-status": "search_status"}),
    "contact-form": "form",
}


def contacts_page(form: ContactForm, pristine: bool = False) -> Response:
    content = site_content()
    text = query()
    return render_page(
        "pages/contacts.html",
        title=_l("Contact us"),
        description=_l(
            "How to reach the institute’s departments by phone or through the contact form, "
            "and where its hospitals are."
        ),
        fragments=FRAGMENTS,
        form=form,
        query=text,
        departments=search(search_index(), text),
        hospitals=list(content.hospitals.values()),
        message_max=form.message.flags.maxlength,
        pristine=pristine and not text,
    )


@localized_route(bp, "contacts", methods=["GET", "POST"])
@limiter.limit(form_rate_limit, methods=["POST"])
def index() -> Response:
    content = site_content()
    if request.method != "POST":  # GET, and HEAD as GET without its body
        chosen = chosen_department()
        return contacts_page(ContactForm(content, subject=chosen), pristine=chosen is None)
    form = ContactForm(content)
    if not submission_outcome(form):
        return contacts_page(form)
    return record_submission(KIND, PREFIX, form, "contacts.thanks", contacts_page, mails=(MESSAGE,))


@localized_route(bp, ("contacts", "thanks"), "<reference>", list_args=lambda content: [])
def thanks(reference: str) -> Response:
    record = remembered_record(KIND, reference)
    return render_page(
        "pages/contact_thanks.html",
        # Translators: Title of the page confirming that the visitor's message was sent.
        title=_l("Message received"),
        record=record,
        subject_name=subject_name(record.data["subject"], plain=False),
    )


def chosen_department() -> str | None:
    """The department a link chose, by its slug in the page's language:
    ``/fr/contacts/?service=urologie``, ``/en/contacts/?department=urology``."""
    content = site_content()
    slug = request.args.get(content.query_name("department", current_locale()))
    return content.department_slugs(current_locale()).get(slug) if slug else None


@query_in_other_languages("contacts.index")
def chosen_department_in(locale: str) -> dict[str, str]:
    """The department chosen, as the contact page's query says it in ``locale``."""
    department_id = chosen_department()
    department = site_content().find_department(department_id) if department_id else None
    if department is None:
        return {}
    content = site_content()
    return {content.query_name("department", locale): content.department_slug(department, locale)}


@bp.app_template_global()
def contact_url(department: Department) -> str:
    """The contact form, with ``department`` chosen, in the page's language."""
    locale = current_locale()
    content = site_content()
    name = content.query_name("department", locale)
    return (
        url_for("contacts.index", **{name: content.department_slug(department, locale)})
        + "#contact-form-title"
    )


def subject_name(subject: str, plain: bool = True) -> str:
    """Who a message is for; ``plain=False`` marks an English fallback for the page."""
    department = site_content().find_department(subject)
    if department is None:  # general, or a department since removed from the content
        return _("The institute (general enquiry)")
    return content_text(department.name, plain=plain)


def recipient(record: Record) -> str | None:
    """The department's own address, else the site's; None when neither is set."""
    department = site_content().find_department(record.data["subject"])
    own = department.email if department else None
    return own or current_app.config.get("MAIL_TO")


def compose_message(record: Record, mail: str = MESSAGE) -> EmailMessage | None:
    """The message for the team, in the visitor's language; the visitor is the Reply-To."""
    to = recipient(record)
    if to is None:
        return None  # nobody to send it to yet: it waits in the store
    with force_locale(record.locale):
        context = {"record": record, "subject_name": subject_name(record.data["subject"])}
        # Translators: Subject of the mail sent to a department; %(reference)s is the message's
        # reference (MSG-XXXX-XXXX), %(recipient)s the department, or the institute in general.
        subject = _(
            "Message %(reference)s for %(recipient)s",
            reference=record.reference,
            recipient=context["subject_name"],
        )
        text = render_template("mail/message.txt", **context)
        html = render_template("mail/message.html", subject=subject, **context)
    return compose(
        subject=subject,
        sender=current_app.config["MAIL_FROM"],
        to=to,
        reply_to=record.data["email"],
        text=text,
        html=html,
        language=record.locale,
        message_id=f"message.{record.id}",
    )
