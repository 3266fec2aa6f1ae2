"""The site's pages, found the way a visitor or a search engine finds them.

Breadth-first from /fr/ and /en/, following same-origin links and the
sitemap, so that a new page is tested the day it is linked. Query strings
and fragments are dropped: they are states of a page, tested on their own.
"""

from __future__ import annotations

from collections import deque
from urllib.parse import urljoin, urlsplit
from xml.etree import ElementTree

from flask import Flask

from tests.pages import soup

SKIP_PREFIXES = ("/static/",)
SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def crawl(app: Flask, starts: tuple[str, ...] = ("/fr/", "/en/")) -> list[str]:
    client = app.test_client()
    queue = deque(starts)
    sitemap = ElementTree.fromstring(client.get("/sitemap.xml").data)
    queue.extend(urlsplit(loc.text).path for loc in sitemap.iterfind("s:url/s:loc", SITEMAP_NS))
    seen: set[str] = set()
    pages: list[str] = []
    while queue:
        path = queue.popleft()
        if path in seen or path.startswith(SKIP_PREFIXES):
            continue
        seen.add(path)
        response = client.get(path)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        pages.append(path)
        for link in soup(response.data).select("a[href]"):
            target = urlsplit(urljoin("http://localhost" + path, link["href"]))
            if target.scheme in {"http", "https"} and target.netloc == "localhost":
                queue.append(target.path)
    return sorted(pages)
