"""Views, one blueprint per area, and what they share."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from flask import (
    Flask,
    Response,
    abort,
    current_app,
    g,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from markupsafe import Markup

from iuc_portal import donations
from iuc_portal.content import Content
from iuc_portal.forms import new_submission_key
from iuc_portal.i18n import current_locale, in_preview
from iuc_portal.i18n import lazy_gettext as _l
from iuc_portal.outbox import delivery_loop
from iuc_portal.preview import mark_untranslated
from iuc_portal.store import Record, Store, StoreUnavailable

log = logging.getLogger(__name__)

# The main menu, and the pages every footer links to; the site map lists both.
MAIN_MENU = [
    # Translators: The home page's name: in the main menu, as its title,
    # and first in every breadcrumb trail.
    ("pages.home", _l("Home")),
    # Translators: The departments page's name: in the main menu, as its title and in
    # breadcrumb trails; also the heading of the list of departments on the contact page.
    ("departments.index", _l("Departments")),
    # Translators: The contact page's name: in the main menu, as its title and in breadcrumb trails.
    ("contacts.index", _l("Contact us")),
    ("donate.index", _l("Make a donation")),
]
SITE_INFO_MENU = [
    # Translators: The accessibility statement page's name: a link in every footer,
    # and the page's title.
    ("pages.accessibility", _l("Accessibility statement")),
    # Translators: The legal notice page's name: a link in every footer, and the page's title.
    ("pages.legal", _l("Legal notice")),
    ("pages.privacy", _l("Personal data and cookies")),
    # Translators: The site map page's name: a link in every footer, and the page's title.
    ("pages.sitemap", _l("Site map")),
]


def site_content() -> Content:
    return current_app.extensions["iuc_content"]


def page_title(title: str, form: Any = None) -> str:
    """``<title>``: the page, then the site; "Error:" first when a form has errors."""
    full = f"{title} – {site_content().site.short_name}"
    # An error or a form that must be sent again; not "already recorded" (nothing went wrong).
    if form is not None and (form.content_errors or form.expired or form.unavailable):
        # Translators: Browser tab title of a form page whose form has errors;
        # %(title)s is the page's own title followed by the site's short name.
        return _("Error: %(title)s", title=full)
    return full


def htmx_target() -> str | None:
    """The id of the element an htmx request will swap, or None for a whole page.

    A history-restore request (Back after an htmx swap) needs the whole page.
    """
    if request.headers.get("HX-Request") != "true":
        return None
    if request.headers.get("HX-History-Restore-Request") == "true":
        return None
    return request.headers.get("HX-Target", "")


# The id htmx swaps -> the block that fills it, or (block, {other id: its block})
# when other parts of the page change too (swapped "out of band" by htmx).
Fragments = dict[str, str | tuple[str, dict[str, str]]]


def render_page(
    template: str,
    title: str,
    fragments: Fragments | None = None,
    description: str | None = None,
    pristine: bool = False,
    **context: Any,
) -> Response:
    """Render a page, or for an htmx request the blocks of it that change.

    One view and one template serve both. A re-rendered form (a POST) comes
    with the page's ``<title>``, which htmx applies, so "Error:" shows.
    ``description`` is what search engines show of the page (the site's own
    description when a page has none of its own). ``pristine``: the page shows
    its form as first offered, which ``PristineForms`` renders once per language.
    """
    context["title"] = title
    context["description"] = description
    target = htmx_target()
    if pristine and target is None and current_app.config["PAGE_CACHE"] and not in_preview():
        response = _pristine_forms().render(template, context)
        response.vary.update(("HX-Request", "HX-Target"))
        return response
    with marking_untranslated(in_preview()):
        body = _render(template, title, fragments, target, context)
    response = make_response(body)
    if fragments:
        response.vary.update(("HX-Request", "HX-Target"))
    return response


@contextmanager
def marking_untranslated(on: bool) -> Iterator[None]:
    """In a preview language, what is not translated yet is rendered framed, and the
    frames become ``lang="en"`` spans; off again however rendering ends, so that an
    error page rendered next is not left with frames in it."""
    g.mark_untranslated = on
    try:
        yield
    finally:
        g.mark_untranslated = False


def _render(
    template: str, title: str, fragments: Fragments | None, target: str | None, context: Any
) -> str:
    spec = (fragments or {}).get(target) if target is not None else None
    if spec:
        block, others = (spec, {}) if isinstance(spec, str) else spec
        body = render_block(template, block, context)
        for element_id, other in others.items():
            body += Markup('<div id="{}" data-hx-swap-oob="innerHTML">{}</div>').format(
                element_id, render_block(template, other, context)
            )
        if request.method == "POST":
            body = Markup("<title>{}</title>").format(page_title(title, context.get("form"))) + body
    else:
        body = render_template(template, **context)
    return mark_untranslated(body) if g.mark_untranslated else body


class PristineForms:
    """Form pages as first shown, rendered once per page and language.

    Such a page is the same for every visitor but for two hidden values: the
    form's CSRF token and its one-time key. The first rendering is kept with
    stand-ins for those two, and each later request puts in its own: a form
    page then costs about what a stored content page does.
    """

    def __init__(self) -> None:
        self._pages: dict[tuple[str, str], str] = {}
        self._token = f"csrf-{secrets.token_hex(16)}"
        self._key = f"once-{secrets.token_hex(16)}"

    def render(self, template: str, context: dict[str, Any]) -> Response:
        form = context["form"]
        token, key = form.csrf_token.current_token, form.submission_key.data
        cache_key = (template, current_locale())
        page = self._pages.get(cache_key)
        if page is None:
            html = render_template(template, **context)
            page = html.replace(token, self._token).replace(key, self._key)
            self._pages[cache_key] = page
        return make_response(page.replace(self._token, token).replace(self._key, key))


def _pristine_forms() -> PristineForms:
    return current_app.extensions.setdefault("iuc_pristine_forms", PristineForms())


def render_block(template_name: str, block: str, context: dict[str, Any]) -> Markup:
    """One block of a template, with the same context a full render would have.

    Macros a block uses must be imported inside the block: the template's
    top level does not run when a block is rendered alone.
    """
    app = current_app._get_current_object()
    app.update_template_context(context)
    template = app.jinja_env.get_template(template_name)
    return Markup("".join(template.blocks[block](template.new_context(context))))


def redirect_after_post(url: str) -> Response:
    """Post/Redirect/Get: a 303 to a page that is safe to reload.

    An htmx request is told to load that page whole (``HX-Redirect``), so the
    visitor lands on a new page with its own title, as without JavaScript.
    """
    if htmx_target() is not None:
        response = make_response("")
        response.headers["HX-Redirect"] = url
        return response
    return redirect(url, code=303)


REMEMBERED = 10  # confirmations a browser can reopen, per kind


def store() -> Store:
    return current_app.extensions["iuc_store"]


def store_submission(
    kind: str,
    prefix: str,
    form: Any,
    redisplay: Callable[[Any], Response],
    mails: tuple[str, ...] = (),
) -> Record | Response:
    """Store a valid form once, with its mails queued; the record, or the form back.

    The same one-time key posted twice with the same details (a double click,
    a resent POST) finds the first record. Posted again with other details
    (the visitor went Back and changed them), the form comes back saying what
    was recorded, ready to be sent as new. A database that cannot take the
    write gives the form back, filled, with a 503: nothing was stored, nothing
    will be sent. The browser is remembered as the record's sender, so that it,
    and only it, may see the confirmation.
    """
    data = form.record_data()
    try:
        saved = store().add(
            kind, prefix, current_locale(), data, key=form.submission_key.data, mails=mails
        )
    except StoreUnavailable as error:
        log.error("%s not recorded: the database is unavailable (%s)", kind, error)
        return form_unavailable(form, redisplay)
    reference = saved.record.reference
    if not saved.created and dict(saved.record.data) != data:
        form.already_sent = reference
        form.submission_key.data = new_submission_key()
        return redisplay(form)
    if saved.created:
        log.info("%s %s recorded", kind, reference)
        if mails and (loop := delivery_loop()) is not None:
            loop.wake()
    references = [r for r in session.get(kind, []) if r != reference]
    session[kind] = [*references, reference][-REMEMBERED:]
    return saved.record


def form_unavailable(
    form: Any, redisplay: Callable[[Any], Response], message: Any = None
) -> Response:
    """The form back, filled, with a 503 and what went wrong (the form's own words by default)."""
    form.unavailable = True
    if message is not None:
        form.unavailable_message = message
    response = redisplay(form)
    response.status_code = 503
    response.headers["Retry-After"] = "120"
    return response


def record_submission(
    kind: str,
    prefix: str,
    form: Any,
    thanks_endpoint: str,
    redisplay: Callable[[Any], Response],
    mails: tuple[str, ...] = (),
) -> Response:
    """Store a valid form once, then send the visitor to its confirmation (or give it back)."""
    outcome = store_submission(kind, prefix, form, redisplay, mails)
    if isinstance(outcome, Response):
        return outcome
    return redirect_after_post(url_for(thanks_endpoint, reference=outcome.reference))


def remembered_record(kind: str, reference: str) -> Record:
    """A submission this browser sent, or 404: confirmations are not public."""
    record = store().find(kind, reference) if reference in session.get(kind, []) else None
    if record is None:
        abort(404)
    return record


def field_anchor(field: Any) -> str:
    """Where an error summary link leads: the field, or a radio group's first option."""
    return f"{field.id}-0" if field.type == "RadioField" else field.id


def control_attributes(
    field: Any, described: list[str], width: str | None = None, counter: int | None = None
) -> dict[str, Any]:
    """HTML attributes of a form control, beside those its validators add (required, maxlength)."""
    attributes: dict[str, Any] = {"class": "field__control"}
    if width:
        attributes["class"] += f" field__control--{width}"
    if described:
        attributes["aria-describedby"] = " ".join(described)
    if field.errors:
        attributes["aria-invalid"] = "true"
    if counter:
        attributes["maxlength"] = counter
        attributes["data-count"] = f"{field.id}-count"
    return attributes


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(
        main_menu=MAIN_MENU,
        site_info_menu=SITE_INFO_MENU,
        page_title=page_title,
        field_anchor=field_anchor,
        control_attributes=control_attributes,
        tax=donations,
    )
