"""Localized URLs: ``/fr/services/pneumologie`` and ``/en/departments/pneumology``.

A page is declared once, with the content section whose slug starts its path;
one URL rule is registered per offered locale, each carrying its locale as a
rule default. Slugs of content items (departments) are read and written by
converters that know their rule's locale, so ``url_for(endpoint, locale=x,
**view_args)`` turns any page into its counterpart in language ``x``: that one
call drives the language switcher, ``hreflang`` and the sitemap.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Flask, current_app, g, request, url_for
from flask.blueprints import BlueprintSetupState
from werkzeug.routing import BaseConverter, Map, MapAdapter, Rule, ValidationError

from .content import Content
from .i18n import LocaleInfo, current_locale, locales

ArgsLister = Callable[[Content], Iterable[Mapping[str, Any]]]


class SlugConverter(BaseConverter):
    """Maps a content id to its slug in one locale, and back."""

    @staticmethod
    def table(locale: str) -> dict[str, str]:  # slug -> id; bound by slug_converter
        raise NotImplementedError

    def __init__(self, map: Map, locale: str) -> None:
        super().__init__(map)
        self.ids = self.table(locale)
        self.slugs = {item_id: slug for slug, item_id in self.ids.items()}

    def to_python(self, value: str) -> str:
        try:
            return self.ids[value]
        except KeyError:
            raise ValidationError() from None

    def to_url(self, value: str) -> str:
        return self.slugs[value]


def slug_converter(table: Callable[[str], dict[str, str]]) -> type[SlugConverter]:
    return type("BoundSlugConverter", (SlugConverter,), {"table": staticmethod(table)})


class LocalizedRule(Rule):
    """Hands the rule's locale to slug converters, which need it to read a slug."""

    def get_converter(
        self,
        variable_name: str,
        converter_name: str,
        args: tuple[Any, ...],
        kwargs: Mapping[str, Any],
    ) -> BaseConverter:
        converter = self.map.converters.get(converter_name)
        if isinstance(converter, type) and issubclass(converter, SlugConverter):
            kwargs = {**kwargs, "locale": (self.defaults or {})["locale"]}
        return super().get_converter(variable_name, converter_name, args, kwargs)


@dataclass(frozen=True)
class Page:
    endpoint: str
    list_args: ArgsLister


def localized_route(
    bp: Blueprint,
    section: str | tuple[str, ...] | None,
    suffix: str = "",
    list_args: ArgsLister | None = None,
    **options: Any,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register ``view`` at ``/<locale>/<section slug>/<suffix>`` in every offered locale.

    ``list_args`` names every set of view arguments the route serves (for the
    sitemap and the page crawl); it defaults to the single page without any.
    ``section=None`` is the locale's home page; a tuple of sections nests them
    (``("donate", "thanks")`` is ``/fr/faire-un-don/merci/``).
    """
    sections = () if section is None else (section,) if isinstance(section, str) else section

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        endpoint = options.pop("endpoint", view.__name__)

        def without_slash(adapter: MapAdapter, **values: Any) -> str:
            url = adapter.build(f"{bp.name}.{endpoint}", values)
            query = adapter.query_args  # the request's query string, kept as Werkzeug does
            query = query if isinstance(query, str) else urlencode(query or {}, doseq=True)
            return f"{url}?{query}" if query else url

        def register(state: BlueprintSetupState) -> None:
            content: Content = state.app.extensions["iuc_content"]
            for info in state.app.extensions["iuc_locales"]:
                path = f"/{info.code}/" + "".join(
                    f"{content.section_slug(name, info.code)}/" for name in sections
                )
                state.add_url_rule(
                    path + suffix, endpoint, view, defaults={"locale": info.code}, **options
                )
                if suffix and not suffix.endswith("/"):
                    # Sections end in "/", pages within them do not; a visitor
                    # who adds the slash anyway is sent to the page (308).
                    state.add_url_rule(
                        path + suffix + "/", f"{endpoint}_slash",
                        defaults={"locale": info.code}, redirect_to=without_slash,
                    )  # fmt: skip
            full_endpoint = f"{bp.name}.{endpoint}"
            state.app.extensions["iuc_pages"][full_endpoint] = Page(
                full_endpoint, list_args or (lambda content: [{}])
            )

        bp.record(register)
        return view

    return decorator


def is_localized(endpoint: str | None) -> bool:
    return endpoint in current_app.extensions["iuc_pages"]


def all_pages() -> list[tuple[str, dict[str, Any]]]:
    """Every (endpoint, view arguments) the site serves, in declaration order."""
    content = current_app.extensions["iuc_content"]
    return [
        (page.endpoint, dict(args))
        for page in current_app.extensions["iuc_pages"].values()
        for args in page.list_args(content)
    ]


QueryIn = Callable[[str], dict[str, str]]
_QUERIES: dict[str, QueryIn] = {}


def query_in_other_languages(endpoint: str) -> Callable[[QueryIn], QueryIn]:
    """Register how a page's query reads in another language (``?service=urologie``
    is ``?department=urology`` in English), so that switching language keeps it."""

    def register(query_in: QueryIn) -> QueryIn:
        _QUERIES[endpoint] = query_in
        return query_in

    return register


def counterparts(
    endpoint: str,
    args: Mapping[str, Any],
    external: bool = False,
    indexed: bool = False,
    query_in: QueryIn | None = None,
) -> list[tuple[LocaleInfo, str]]:
    """The page in each offered locale; ``indexed``: only those search engines should
    know of (a preview language is offered to visitors, kept from engines);
    ``query_in``: the query each locale's page carries."""
    return [
        (info, url_for(endpoint, **args, **(query_in(info.code) if query_in else {}),
                       locale=info.code, _external=external))
        for info in locales()
        if not (indexed and info.preview)
    ]  # fmt: skip


def request_counterparts(
    external: bool = False, indexed: bool = False, keep_query: bool = False
) -> list[tuple[LocaleInfo, str]]:
    """This page in every offered locale; on a page outside the tree, each home page.

    ``keep_query``: with what the visitor chose in the query, where the page says
    how it reads in each language (the language switcher; never canonical links).
    """
    if not is_localized(request.endpoint):
        return counterparts("pages.home", {}, external, indexed)
    query_in = _QUERIES.get(request.endpoint) if keep_query else None
    return counterparts(request.endpoint, request.view_args or {}, external, indexed, query_in)


def x_default_url(endpoint: str, args: Mapping[str, Any]) -> str:
    """The home page's x-default is ``/``, which picks a language; others go to the default."""
    if endpoint == "pages.home":
        return url_for("meta.choose_language", _external=True)
    return url_for(endpoint, **args, locale=locales().default, _external=True)


def init_app(app: Flask, content: Content) -> None:
    app.url_rule_class = LocalizedRule
    app.url_map.converters["department"] = slug_converter(content.department_slugs)
    app.extensions["iuc_pages"] = {}

    @app.url_value_preprocessor
    def pull_locale(endpoint: str | None, values: dict[str, Any] | None) -> None:
        if values and "locale" in values:
            g.locale = values.pop("locale")

    @app.url_defaults
    def add_locale(endpoint: str, values: dict[str, Any]) -> None:
        if "locale" not in values and is_localized(endpoint):
            values["locale"] = current_locale()

    app.add_template_global(request_counterparts)
    app.add_template_global(x_default_url)
    app.add_template_global(is_localized)
