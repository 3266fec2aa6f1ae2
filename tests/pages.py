"""Reading pages as a visitor's tools do: parse the HTML, list the site's pages."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from bs4 import BeautifulSoup
from flask import Flask

from iuc_portal.routing import all_pages, counterparts

SITE_NAME = "IUC AP-HP. Sorbonne Université"


def soup(html: bytes | str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def path_of(url: str) -> str:
    return urlsplit(url).path


@dataclass(frozen=True)
class PageRef:
    endpoint: str
    args: tuple[tuple[str, str], ...]
    locale: str
    path: str

    def __str__(self) -> str:
        return self.path


def every_page(app: Flask) -> list[PageRef]:
    """Each page of the site in each offered locale."""
    refs = []
    with app.test_request_context():
        for endpoint, args in all_pages():
            for info, url in counterparts(endpoint, args):
                refs.append(PageRef(endpoint, tuple(sorted(args.items())), info.code, url))
    return refs


# Inline elements run on with the text around them, as a reader sees it.
INLINE = ["a", "abbr", "b", "bdi", "code", "em", "i", "small", "span", "strong", "time"]


def text_of(node) -> str:
    """The text as read: one space between blocks, inline elements run on."""
    copy = BeautifulSoup(str(node), "html.parser")
    for tag in copy.find_all(INLINE):
        tag.unwrap()
    copy.smooth()
    return " ".join(copy.get_text(" ").split())


def collection_app() -> Flask:
    """An app to list pages at collection time, before any fixture exists."""
    import tempfile

    from iuc_portal import create_app

    return create_app({"TESTING": True, "DATA_DIR": tempfile.mkdtemp(), "SECRET_KEY": "c" * 40})


PAGES = every_page(collection_app())
