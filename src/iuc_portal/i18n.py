"""Locales: which are offered, which one a request is in, and locale-aware formatting.

Locales are discovered from ``translations/`` at start. English is the source
language and always offered; a shipped locale (``SHIPPED_LOCALES``) is always
offered; any other catalog is offered once its ``.po`` file reaches
``LOCALE_THRESHOLD`` percent, and below 100 % as a preview whose pages are
kept out of search engines.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import phonenumbers
from babel import Locale, UnknownLocaleError, negotiate_locale
from babel.dates import format_date as babel_format_date
from babel.numbers import format_percent as babel_format_percent
from babel.units import format_unit
from flask import Flask, current_app, g, has_request_context, request
from flask_babel import (
    Babel,
    format_decimal,
    format_percent,
    get_domain,
    get_locale,
    get_translations,
    gettext,
    pgettext,
)
from flask_babel.speaklater import LazyString
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape
from werkzeug.datastructures import LanguageAccept

from .build import catalog_paths, compile_catalog
from .completeness import catalog_stats
from .content.publisher import Duration, in_language
from .money import format_money
from .preview import SiteDomain

SOURCE_LOCALE = "en"
LANG_COOKIE = "lang"

babel = Babel()


@dataclass(frozen=True)
class LocaleInfo:
    code: str  # as in translations/, e.g. "fr" or "pt_BR"
    tag: str  # BCP 47, for lang and hreflang, e.g. "pt-BR"
    name: str  # the language named in itself, capitalised
    direction: str  # "ltr" or "rtl"
    preview: bool = False  # offered before its catalog is complete


def describe_locale(code: str, preview: bool = False) -> LocaleInfo:
    locale = Locale.parse(code)
    name = locale.get_display_name(locale) or code
    capitalised = name[:1].upper() + name[1:]
    return LocaleInfo(code, code.replace("_", "-"), capitalised, direction_of(code), preview)


@dataclass(frozen=True)
class Locales:
    """The locales a running site offers, the default first."""

    default: str
    offered: tuple[LocaleInfo, ...]

    def __contains__(self, code: object) -> bool:
        return any(info.code == code for info in self.offered)

    def __iter__(self) -> Iterator[LocaleInfo]:
        return iter(self.offered)

    @property
    def codes(self) -> list[str]:
        return [info.code for info in self.offered]

    def get(self, code: str) -> LocaleInfo:
        for info in self.offered:
            if info.code == code:
                return info
        raise KeyError(code)

    def negotiate(self, cookie: str | None, accept: LanguageAccept) -> str:
        """The visitor's choice: the ``lang`` cookie, then Accept-Language, then the default."""
        if cookie in self:
            return cookie
        # Werkzeug's best_match prefers any exact match over a language's
        # base tag, so "fr-CA,en;q=0.5" would give English. Babel walks the
        # visitor's list in order of preference and tries each tag's base
        # language before the next tag.
        preferred = [tag.replace("-", "_") for tag, quality in accept if quality > 0 and tag != "*"]
        match = negotiate_locale(preferred, self.codes)
        # Babel answers in the visitor's spelling ("FR"); URLs need ours ("fr").
        ours = {code.lower(): code for code in self.codes}
        return ours.get(match.lower(), self.default) if match else self.default


def discover_locales(
    translations_dir: Path, shipped: Iterable[str], threshold: int, default: str
) -> Locales:
    shipped = set(shipped)
    found: dict[str, LocaleInfo] = {SOURCE_LOCALE: describe_locale(SOURCE_LOCALE)}
    for po_path in catalog_paths(translations_dir):
        code = po_path.parent.parent.name
        try:
            Locale.parse(code)
        except (ValueError, UnknownLocaleError):
            raise RuntimeError(f"{po_path}: {code!r} is not a locale Babel knows") from None
        if not po_path.with_suffix(".mo").is_file() and code in shipped | {default}:
            # Catalogs kept apart (IUC_TRANSLATIONS_DIR) come without their .mo files:
            # the languages the site cannot go without are compiled, the others wait.
            for line in compile_catalog(po_path)[1]:
                logging.getLogger(__name__).warning(line)
        if not po_path.with_suffix(".mo").is_file():
            continue  # not compiled: nothing to serve from yet
        percent = catalog_stats(po_path).percent
        if code in shipped or percent >= threshold:
            found[code] = describe_locale(code, preview=code not in shipped and percent < 100)
    if default not in found:
        raise RuntimeError(
            f"default locale {default!r} has no compiled catalog in {translations_dir}; "
            "run 'make install' (it compiles the catalogs)"
        )
    missing = sorted(shipped - set(found))
    if missing:
        raise RuntimeError(f"shipped locales without a compiled catalog: {', '.join(missing)}")
    ordered = [found.pop(default)] + [found[code] for code in sorted(found)]
    return Locales(default=default, offered=tuple(ordered))


def locales() -> Locales:
    return current_app.extensions["iuc_locales"]


def current_locale() -> str:
    """The request's locale: its URL prefix, else (error pages) what the visitor asks for."""
    if "locale" not in g:
        offered = locales()
        prefix = request.path.strip("/").split("/", 1)[0]
        if prefix in offered:
            g.locale = prefix
        else:
            g.locale = offered.negotiate(request.cookies.get(LANG_COOKIE), request.accept_languages)
            g.locale_negotiated = True
    return g.locale


def current_locale_info() -> LocaleInfo:
    """The locale being rendered: a page's, or a mail's, composed under force_locale,
    often outside any request (the delivery loop)."""
    code = current_locale() if has_request_context() else str(get_locale())
    offered = locales()
    return offered.get(code) if code in offered else describe_locale(code)


# Formatting. Phone numbers are stored in E.164 and shown the way readers of
# the page's language write them: French readers dial the national form.


def format_phone(e164: str) -> str:
    number = phonenumbers.parse(e164, None)
    region = phonenumbers.region_code_for_number(number)
    locale = Locale.parse(str(get_locale()))
    if locale.territory == region or (locale.territory is None and locale.language == "fr"):
        style = phonenumbers.PhoneNumberFormat.NATIONAL
    else:
        style = phonenumbers.PhoneNumberFormat.INTERNATIONAL
    return phonenumbers.format_number(number, style)


def phone_href(e164: str) -> str:
    return f"tel:{e164}"


def format_number(value: int | float) -> str:
    return format_decimal(value)


# The site's English is British ("centre", "postcode"): its dates are too
# (29 November 2026); Babel's plain "en" writes them the American way.
DATE_LOCALES = {"en": "en_GB"}


def format_long_date(value: dt.date) -> str:
    code = str(get_locale())
    return babel_format_date(value, format="long", locale=DATE_LOCALES.get(code, code))


def content_text(text: str, plain: bool = False) -> str:
    """A JSON content string in the page's language.

    In a preview locale a string not yet translated falls back to English; in
    running text it is wrapped in ``lang="en"`` so that screen readers switch
    voice (WCAG 3.1.2). ``plain`` is for attributes and the title. Shipped
    locales are complete (``make i18n-check`` fails otherwise), so they are
    never wrapped.
    """
    lang = None if plain else content_lang(text)
    if lang is None:
        return raw_translations().gettext(text)
    return Markup('<span lang="{}" dir="{}">{}</span>').format(lang, direction_of(lang), text)


@functools.cache  # a handful of codes; Babel parses the locale anew each time
def direction_of(code: str) -> str:
    """ "rtl" or "ltr", as the language's script is written."""
    return "rtl" if Locale.parse(code).character_order == "right-to-left" else "ltr"


def isolated(value: Any, direction: str | None = None) -> Any:
    """A value set in a translated sentence, kept whole whatever the sentence's direction.

    In HTML, a ``<bdi>``: an amount, a reference or an address in an Arabic
    sentence keeps its own order ("+33 1 42 16 78 84", not "84 78 16 42 1 33+").
    """
    if direction:
        return Markup('<bdi dir="{}">{}</bdi>').format(direction, value)
    return Markup("<bdi>{}</bdi>").format(value)


class LazyText(LazyString):
    """A translation made when shown, which Jinja escapes like any text.

    Flask-Babel's lazy string passes itself off as markup (``__html__`` returns
    it as is), so a translator's ``"`` or ``<`` would reach the page raw. Here a
    plain string is escaped and only real ``Markup`` (``isolated_sentence``)
    goes through as markup.
    """

    def __html__(self) -> Markup:
        return escape(self._func(*self._args, **self._kwargs))


def lazy_gettext(string: str, **variables: Any) -> LazyText:
    return LazyText(gettext, string, **variables)


def lazy_pgettext(context: str, string: str, **variables: Any) -> LazyText:
    return LazyText(pgettext, context, string, **variables)


def isolated_sentence(message: Any, **values: Any) -> LazyText:
    """A sentence built in Python for HTML (a form's hint or error), each value isolated.

    ``message`` is a lazy translation without its values (``_l("At least %(min)s")``).
    It is translated when the page shows it, inside a preview's marking of what is
    not translated yet, not when the form is validated.
    """

    def render() -> Markup:
        return Markup.escape(str(message)) % {k: isolated(v) for k, v in values.items()}

    return LazyText(render)


def html_isolated(format_value: Callable[..., str], direction: str | None = None) -> Callable:
    """A formatting filter whose result, in an HTML template, is isolated (``isolated``);
    in a plain-text template (a mail's text part), it stays plain."""

    @pass_context  # never folded into the compiled template (see per_request)
    def filter_(context: Context, value: Any, *args: Any, **kwargs: Any) -> Any:
        text = format_value(value, *args, **kwargs)
        return isolated(text, direction) if context.eval_ctx.autoescape else text

    return filter_


def per_request(format_value: Callable[..., Any]) -> Callable:
    """A filter that depends on the request's language. Jinja evaluates a filter on a
    constant (``{{ 4|percent }}``) once, when it compiles the template, in whatever
    language the first request had; a filter that takes the context never is."""

    @pass_context
    def filter_(context: Context, value: Any, *args: Any, **kwargs: Any) -> Any:
        return format_value(value, *args, **kwargs)

    return filter_


def content_lang(text: str) -> str | None:
    """The language of a content string when it differs from the page's (an
    English fallback in a preview locale), for a ``lang`` attribute; else None."""
    if raw_translations().gettext(text) is text and in_preview():
        return SOURCE_LOCALE
    return None


def raw_translations() -> Any:
    """The catalog's lookups as they are (content is marked by ``content_text`` itself)."""
    domain = get_domain()
    return domain.raw_translations() if isinstance(domain, SiteDomain) else get_translations()


def in_preview() -> bool:
    code = str(get_locale())
    return code in locales() and locales().get(code).preview


def publisher_text(value: Mapping[str, str], plain: bool = False) -> str:
    """The publisher's own words in the page's language, else in French, marked as such."""
    text, lang = in_language(value, str(get_locale()))
    if plain or lang == str(get_locale()):
        return text
    # In a right-to-left page too, French words read left to right.
    return Markup('<span lang="{}" dir="{}">{}</span>').format(lang, direction_of(lang), text)


def format_duration(value: Duration) -> str:
    """ "3 ans", "6 months": a retention period in words."""
    return format_unit(value.value, f"duration-{value.unit[:-1]}", locale=str(get_locale()))


def format_siren(value: str) -> str:
    """ "123 456 782", in groups that never break across lines."""
    return "\u00a0".join((value[:3], value[3:6], value[6:]))


def format_share(value: Decimal) -> str:
    """A rate as a percentage, with its decimals: "0,5 %", "66 %"."""
    return babel_format_percent(value, locale=str(get_locale()), decimal_quantization=False)


def format_amount(value: Decimal) -> str:
    return format_money(value, str(get_locale()))


def init_app(app: Flask) -> Locales:
    translations_dir = Path(app.config["TRANSLATIONS_DIR"])
    offered = discover_locales(
        translations_dir,
        app.config["SHIPPED_LOCALES"],
        app.config["LOCALE_THRESHOLD"],
        app.config["DEFAULT_LOCALE"],
    )
    app.extensions["iuc_locales"] = offered
    app.config["BABEL_DEFAULT_LOCALE"] = offered.default
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(translations_dir)
    babel.init_app(app, locale_selector=current_locale)
    # Flask-Babel's domain, able to mark what a preview language has not translated yet.
    babel.domain_instance = SiteDomain()
    app.add_template_filter(per_request(content_text), "t")
    # Numbers, amounts and phone numbers keep their order in a sentence of any direction.
    app.add_template_filter(html_isolated(format_phone, "ltr"), "phone")
    app.add_template_filter(phone_href, "tel")
    app.add_template_filter(html_isolated(format_number), "number")
    app.add_template_filter(per_request(format_long_date), "long_date")
    app.add_template_filter(html_isolated(format_percent), "percent")
    app.add_template_filter(html_isolated(format_share), "share")
    app.add_template_filter(html_isolated(format_amount), "money")
    app.add_template_filter(isolated, "bdi")
    app.add_template_filter(per_request(publisher_text), "own")
    app.add_template_filter(per_request(format_duration), "duration")
    app.add_template_filter(html_isolated(format_siren, "ltr"), "siren")
    app.add_template_global(current_locale_info, "locale_info")
    app.add_template_global(locales, "locales")
    return offered
