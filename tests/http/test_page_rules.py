"""Every page, in every locale, follows the rules a screen-reader or keyboard user relies on."""

from __future__ import annotations

from collections import Counter

import pytest
from flask.testing import FlaskClient

from tests.pages import PAGES, SITE_NAME, PageRef, path_of, soup, text_of

FOCUSABLE = "a[href], button, input, select, textarea, [tabindex]:not([tabindex='-1'])"
NAMES = {"fr": "Français", "en": "English"}
FOOTER_LEVEL = {"fr": "Accessibilité : non conforme", "en": "Accessibility: not compliant"}


@pytest.fixture(params=PAGES, ids=str)
def page_view(request: pytest.FixtureRequest, site_client: FlaskClient):
    ref: PageRef = request.param
    response = site_client.get(ref.path)
    assert response.status_code == 200, ref.path
    return ref, response, soup(response.data)


def test_the_page_is_html_in_its_language(page_view) -> None:
    ref, response, doc = page_view
    assert response.mimetype == "text/html"
    html = doc.find("html")
    assert html["lang"] == ref.locale
    assert html["dir"] == "ltr"


def test_the_skip_link_comes_first_and_leads_to_main(page_view) -> None:
    _, _, doc = page_view
    first = doc.body.select_one(FOCUSABLE)
    assert first["href"] == "#main"
    target = doc.find(id="main")
    assert target is not None
    assert target.name == "main"


def test_landmarks_are_all_there_once(page_view) -> None:
    _, _, doc = page_view
    assert len(doc.find_all("header", recursive=True)) == 1
    assert len(doc.find_all("main")) == 1
    assert len(doc.find_all("footer")) == 1
    navs = doc.find_all("nav")
    labels = [nav.get("aria-label") for nav in navs]
    assert all(labels), "every nav needs a name to tell it apart"
    assert len(set(labels)) == len(labels)


def test_one_h1_and_a_title_naming_the_page_then_the_site(page_view) -> None:
    ref, _, doc = page_view
    h1s = doc.find_all("h1")
    assert len(h1s) == 1
    title = doc.title.get_text()
    assert title.endswith(f" – {SITE_NAME}")
    page_name = title.removesuffix(f" – {SITE_NAME}")
    assert page_name.strip()
    if ref.endpoint != "pages.home":
        assert page_name == text_of(h1s[0])


def test_ids_are_unique(page_view) -> None:
    _, _, doc = page_view
    ids = Counter(node["id"] for node in doc.find_all(id=True))
    assert [name for name, count in ids.items() if count > 1] == []


def test_main_menu_marks_where_the_visitor_is(page_view) -> None:
    ref, _, doc = page_view
    menu = doc.select_one("nav.main-nav")
    current = menu.select("a[aria-current]")
    section = ref.endpoint.split(".")[0]
    if ref.endpoint in {"pages.home", "departments.index", "contacts.index", "donate.index"}:
        assert [path_of(a["href"]) for a in current] == [ref.path]
        assert current[0]["aria-current"] == "page"
    elif section in {"departments", "contacts", "donate"}:
        assert len(current) == 1
        assert current[0]["aria-current"] == "true"
    else:
        assert current == []


def test_hreflang_names_every_locale_and_x_default_with_absolute_urls(page_view) -> None:
    ref, _, doc = page_view
    links = {link["hreflang"]: link["href"] for link in doc.select("link[rel=alternate][hreflang]")}
    assert set(links) == {"fr", "en", "x-default"}
    assert all(url.startswith("http://localhost/") for url in links.values())
    assert path_of(links[ref.locale]) == ref.path
    canonical = doc.select_one("link[rel=canonical]")["href"]
    assert path_of(canonical) == ref.path


def test_language_switcher_names_each_language_in_itself(page_view) -> None:
    ref, _, doc = page_view
    switcher = doc.select_one("nav.languages")
    current = switcher.select_one("[aria-current]")
    assert current.name != "a"
    assert current.get_text(strip=True) == NAMES[ref.locale]
    assert current["lang"] == ref.locale
    links = switcher.select("a")
    assert {a.get_text(strip=True) for a in links} == {NAMES[c] for c in NAMES if c != ref.locale}
    for link in links:
        assert link["lang"] == link["hreflang"]
        assert NAMES[link["hreflang"]] == link.get_text(strip=True)
    assert not switcher.select("img")  # no flags


def test_footer_states_the_compliance_level_and_links_the_statement(page_view) -> None:
    ref, _, doc = page_view
    footer = doc.find("footer")
    level = [a for a in footer.select("a") if text_of(a) == FOOTER_LEVEL[ref.locale]]
    assert len(level) == 1
    statement = next(
        p.path for p in PAGES if p.endpoint == "pages.accessibility" and p.locale == ref.locale
    )
    assert path_of(level[0]["href"]) == statement


def test_content_pages_set_no_cookie(page_view) -> None:
    """Only a page with a form needs a session (for its CSRF token)."""
    _, response, doc = page_view
    if doc.select("form[method=post]"):
        cookie = response.headers["Set-Cookie"]
        assert "HttpOnly" in cookie
        assert "SameSite=Lax" in cookie
    else:
        assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize("ref", PAGES, ids=str)
def test_head_answers_like_get_without_a_body(site_client: FlaskClient, ref: PageRef) -> None:
    """Link checkers and uptime monitors ask with HEAD, form pages included."""
    get, head = site_client.get(ref.path), site_client.head(ref.path)
    assert (
        (head.status_code, head.mimetype) == (get.status_code, get.mimetype) == (200, "text/html")
    )
    assert head.data == b""


def test_a_page_asked_for_with_a_trailing_slash_redirects_to_itself(
    site_client: FlaskClient,
) -> None:
    """Sections end in "/", pages within them do not; both spellings lead to the page."""
    pages = [ref.path for ref in PAGES if not ref.path.endswith("/")]
    assert len(pages) >= 10  # every department, in each language
    for path in pages:
        response = site_client.get(path + "/")
        assert response.status_code == 308, path
        assert path_of(response.headers["Location"]) == path
    kept = site_client.get(pages[0] + "/?utm_source=newsletter&x=%C3%A9").headers["Location"]
    assert kept.endswith(pages[0] + "?utm_source=newsletter&x=%C3%A9")  # the query goes along
    sections = [ref.path for ref in PAGES if ref.path.endswith("/") and ref.path.count("/") > 2]
    assert sections
    for path in sections:
        assert path_of(site_client.get(path[:-1]).headers["Location"]) == path


def test_each_page_has_its_own_description_in_its_language(site_client: FlaskClient) -> None:
    by_locale: dict[str, list[str]] = {}
    for ref in PAGES:
        doc = soup(site_client.get(ref.path).data)
        description = doc.select_one("meta[name=description]")["content"]
        assert 25 <= len(description) <= 200, (ref.path, description)
        by_locale.setdefault(ref.locale, []).append(description)
    for locale, descriptions in by_locale.items():
        repeated = [text for text, count in Counter(descriptions).items() if count > 1]
        assert repeated == [], locale
    assert set(by_locale["fr"]).isdisjoint(by_locale["en"])


def test_links_to_the_contact_form_speak_the_pages_language(site_client: FlaskClient) -> None:
    for path, expected in (
        ("/fr/services/urologie", "/fr/contacts/?service=urologie#contact-form-title"),
        ("/en/departments/urology", "/en/contacts/?department=urology#contact-form-title"),
    ):
        doc = soup(site_client.get(path).data)
        assert expected in [a["href"] for a in doc.select("main a")]
        form = soup(site_client.get(expected.split("#")[0]).data)
        assert form.select_one("select[name=subject] option[selected]")["value"] == "urology"
    # The query word of one language means nothing in another.
    other = soup(site_client.get("/fr/contacts/?department=urology").data)
    assert other.select_one("select[name=subject] option[selected]")["value"] == "general"


def test_query_strings_of_every_link_are_in_the_pages_language(site_client: FlaskClient) -> None:
    english_words = {"department", "subject", "frequency", "preset"}
    for ref in PAGES:
        if ref.locale != "fr":
            continue
        doc = soup(site_client.get(ref.path).data)
        for link in doc.select("a[href*='?']"):
            query = link["href"].split("?", 1)[1].split("#")[0]
            names = {part.split("=")[0] for part in query.split("&")}
            assert names.isdisjoint(english_words), (ref.path, link["href"])


def test_links_with_the_same_text_lead_to_the_same_place(page_view) -> None:
    """Screen readers list a page's links out of context (WCAG 2.4.4, RGAA 6.1):
    two links read alike must go to the same address. Visually hidden text counts."""
    _, _, doc = page_view
    places: dict[str, set[str]] = {}
    for link in doc.select("a[href]"):
        name = link.get("aria-label") or text_of(link)
        places.setdefault(name, set()).add(link["href"].split("#")[0] or "#")
    ambiguous = {name: hrefs for name, hrefs in places.items() if len(hrefs) > 1}
    assert ambiguous == {}
