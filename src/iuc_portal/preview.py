"""Languages still being translated: what is not translated yet says so, and a
translator sees their work at once.

On a preview page (a language offered below 100 %), an interface string not
yet translated shows in English inside ``<span lang="en" dir="ltr">``, as
untranslated content already does, so that a screen reader switches voice
and the sentence keeps its direction. Translations are looked up while the
page renders: the ones still in English are framed by two private-use
characters, which ``mark_untranslated`` turns into the span in running text
and drops where no element may go (attributes, ``<title>``, ``<option>``).

``make preview`` (``IUC_PREVIEW=1``) offers every language present, caches
nothing, and reloads catalogs as soon as a translator saves them.
"""

from __future__ import annotations

import logging
import re
import secrets
import threading
from pathlib import Path
from typing import Any

from flask import Flask, g
from flask_babel import Domain

from .build import catalog_paths, compile_catalog

log = logging.getLogger(__name__)

# Frames no visitor can type: private-use characters around a token drawn at
# start, so that text a visitor sends (a search echoed back) never becomes markup.
_TOKEN = secrets.token_hex(6)
OPEN, CLOSE = f"\ue000{_TOKEN}\ue001", f"\ue001{_TOKEN}\ue000"
SPAN = '<span lang="en" dir="ltr">'
# Elements whose content is text only: a span there would show as typed.
TEXT_ONLY = {"title", "option", "textarea", "script", "style"}
TOKENS = re.compile(r"(<[^>]*>)")
TAG_NAME = re.compile(r"<\s*(/?)\s*([a-zA-Z][a-zA-Z0-9]*)")


class MarkingTranslations:
    """A catalog's lookups, each result still in English framed by OPEN and CLOSE."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    @staticmethod
    def _frame(result: str, *english: str) -> str:
        # gettext hands back the very English object when the catalog lacks it; an
        # entry translated the same on purpose (ignore-same) is another object.
        return f"{OPEN}{result}{CLOSE}" if any(result is e for e in english) else result

    def ugettext(self, message: str) -> str:
        return self._frame(self.inner.ugettext(message), message)

    gettext = ugettext

    def ungettext(self, singular: str, plural: str, n: int) -> str:
        return self._frame(self.inner.ungettext(singular, plural, n), singular, plural)

    ngettext = ungettext

    def upgettext(self, context: str, message: str) -> str:
        return self._frame(self.inner.upgettext(context, message), message)

    pgettext = upgettext

    def unpgettext(self, context: str, singular: str, plural: str, n: int) -> str:
        return self._frame(self.inner.unpgettext(context, singular, plural, n), singular, plural)

    npgettext = unpgettext

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


class SiteDomain(Domain):
    """Flask-Babel's domain, marking untranslated strings while a preview page renders."""

    def get_translations(self) -> Any:
        translations = super().get_translations()
        if g and g.get("mark_untranslated"):
            return MarkingTranslations(translations)
        return translations

    def raw_translations(self) -> Any:
        return super().get_translations()


def mark_untranslated(html: str) -> str:
    """Frames become ``<span lang="en" dir="ltr">`` in running text; elsewhere they go."""
    if OPEN not in html:
        return html
    out, inside = [], []
    for token in TOKENS.split(html):
        if token.startswith("<"):
            match = TAG_NAME.match(token)
            if match:
                closing, name = match.group(1), match.group(2).lower()
                # Our templates never misnest these, so a closing tag ends the last one.
                if name in TEXT_ONLY and not closing:
                    inside.append(name)
                elif name in TEXT_ONLY and inside:
                    inside.pop()
            out.append(token.replace(OPEN, "").replace(CLOSE, ""))
        elif inside:
            out.append(token.replace(OPEN, "").replace(CLOSE, ""))
        else:
            out.append(token.replace(OPEN, SPAN).replace(CLOSE, "</span>"))
    return "".join(out)


class Reloader:
    """For ``make preview``: compile each catalog saved since, and forget every translation.

    A catalog that cannot be read as it stands (an unescaped quotation mark, an
    unfinished text) is not compiled: Babel would read it differently from
    Poedit and msgfmt. Its last good ``.mo`` stays, the other languages go on
    reloading, and ``problems`` says why on every page until a readable save;
    so it does for an entry left out of a compiled catalog (a placeholder the
    page could not fill).
    """

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.translations = Path(app.config["TRANSLATIONS_DIR"])
        self.lock = threading.Lock()  # one reload at a time, whatever the server's threads
        self.seen: dict[Path, float] = {}
        self.problems: list[str] = []
        self.left_out: dict[Path, list[str]] = {}  # per catalog, entries its .mo leaves out
        self.reload()  # at start too: a catalog may already be broken

    def _stamps(self) -> dict[Path, float]:
        stamps = {}
        for path in catalog_paths(self.translations):
            try:
                stamps[path] = path.stat().st_mtime
            except FileNotFoundError:  # deleted between listing and reading
                continue
        return stamps

    def __call__(self) -> None:
        if self._stamps() != self.seen:
            with self.lock:
                if self.reload():
                    forget_translations(self.app)
                    log.info("catalogs reloaded")

    def reload(self) -> bool:
        """Compile what changed and can be read; True when a catalog was compiled."""
        from .catalogs.syntax import scan  # the catalog tools load their CLI: only when needed

        stamps = self._stamps()
        if stamps == self.seen:
            return False  # another thread has just done it
        problems, compiled = [], False
        for path, stamp in sorted(stamps.items()):
            try:
                found = [str(problem) for problem in scan(path).problems]
            except FileNotFoundError:  # deleted since: its language goes at the next start
                continue
            if not found and self.seen.get(path) != stamp:
                try:
                    self.left_out[path] = compile_catalog(path)[1]
                    compiled = True
                except Exception as error:  # whatever Babel says, the translator reads it
                    found = [f"{path}: the catalog could not be compiled: {error}"]
            # A readable file may still have entries the page could not fill: said until fixed.
            problems += found or self.left_out.get(path, [])
        self.seen, self.problems = stamps, problems
        if problems:
            log.warning("catalogs not reloaded:\n%s", "\n".join(problems))
        return compiled


def forget_translations(app: Flask) -> None:
    """Drop everything built from the catalogs, so the next request reads them anew."""
    app.extensions["babel"].instance.domain_instance.cache.clear()  # Flask-Babel's own
    app.extensions.get("iuc_search", {}).clear()
    # Rendered pages and pristine forms need nothing: a preview keeps none (PAGE_CACHE off).


def init_app(app: Flask) -> None:
    """In a preview, before the languages are looked for: every readable catalog is
    compiled first, so that every language is offered."""
    if app.config["PREVIEW"]:
        reloader = Reloader(app)
        app.before_request(reloader)
        app.context_processor(lambda: {"preview_problems": reloader.problems})
