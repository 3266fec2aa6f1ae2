"""The accessibility statement follows the official RGAA 4.1 model, section by section,
and says only what is true: the site it covers, how it was tested, what was not."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag
from flask.testing import FlaskClient

from iuc_portal import create_app
from iuc_portal.content import load_content
from iuc_portal.paths import CONTENT_DIR
from tests.pages import soup, text_of

ROOT = Path(__file__).resolve().parents[2]
SHIPPED_PUBLISHER = CONTENT_DIR / "publisher.json"
STATEMENT = {"fr": "/fr/accessibilite/", "en": "/en/accessibility/"}

# The model's sections, in its order, then the accessibility plans.
SECTIONS = [
    "Commitment",
    "Compliance status",
    "Test results",
    "Content that is not accessible",
    "How this statement was prepared",
    "Feedback and contact",
    "Remedies",
    "Multi-year accessibility plan",
]
# The three parts of "content that is not accessible", and of how the statement was prepared.
NOT_ACCESSIBLE = [
    "Non-compliant content",
    "Exemptions for disproportionate burden",
    "Content not subject to the accessibility obligation",
]
PREPARED = [
    "Technologies used",
    "Test environment",
    "Tools used to assess accessibility",
    "Pages checked",
]
REAL_SCREEN_READERS = [
    "NVDA with Firefox",
    "JAWS",
    "VoiceOver on macOS and on iOS",
    "TalkBack on Android",
]


def statement(client: FlaskClient, locale: str = "en") -> BeautifulSoup:
    response = client.get(STATEMENT[locale])
    assert response.status_code == 200
    return soup(response.data)


def part(doc: BeautifulSoup, heading: str) -> list[Tag]:
    """The elements under a heading, up to the next heading of its level or above."""
    start = next(h for h in doc.select("main h2, main h3") if text_of(h) == heading)
    level = int(start.name[1])
    elements = []
    for element in start.find_next_siblings():
        if element.name in {f"h{n}" for n in range(1, level + 1)}:
            break
        elements.append(element)
    return elements


def part_text(doc: BeautifulSoup, heading: str) -> str:
    return " ".join(text_of(element) for element in part(doc, heading))


def pages_checked(doc: BeautifulSoup) -> list[Tag]:
    heading = "Pages checked" if doc.find("html")["lang"] == "en" else "Pages vérifiées"
    [listing] = [element for element in part(doc, heading) if element.name == "ul"]
    return listing.find_all("li")


def test_every_section_of_the_model_is_there_in_its_order(client: FlaskClient) -> None:
    doc = statement(client)
    assert [text_of(h) for h in doc.select("main h2")] == SECTIONS
    assert [text_of(h) for h in doc.select("main h3")] == NOT_ACCESSIBLE + PREPARED
    for heading in NOT_ACCESSIBLE:  # the sub-parts sit in their section
        assert text_of(doc.find("h3", string=heading).find_previous("h2")) == SECTIONS[3]
    for heading in PREPARED:
        assert text_of(doc.find("h3", string=heading).find_previous("h2")) == SECTIONS[4]


def test_the_content_parts_say_what_applies(client: FlaskClient) -> None:
    doc = statement(client)
    assert "No exemption for disproportionate burden is claimed" in part_text(
        doc, "Exemptions for disproportionate burden"
    )
    assert part_text(doc, "Content not subject to the accessibility obligation").startswith("None:")
    assert "Stripe" not in text_of(doc.find("main"))  # gifts are not paid online here


def test_with_online_payment_the_payment_page_is_said_to_be_outside_the_site(
    data_dir: Path,
) -> None:
    app = create_app({"TESTING": True, "DATA_DIR": str(data_dir), "SECRET_KEY": "a" * 40,
                      "PAYMENT_PROVIDER": "stripe", "STRIPE_SECRET_KEY": "sk_test_example",
                      "STRIPE_WEBHOOK_SECRET": "whsec_example"})  # fmt: skip
    text = part_text(
        statement(app.test_client()), "Content not subject to the accessibility obligation"
    )
    assert "payment service Stripe: that page is not part of this site" in text


def test_technologies_and_tools_with_their_versions(client: FlaskClient) -> None:
    doc = statement(client)
    assert "HTML, CSS and JavaScript" in part_text(doc, "Technologies used")
    assert "every page and every form works without it" in part_text(doc, "Technologies used")
    tests = load_content(CONTENT_DIR).site.accessibility.automated_tests
    tools = part_text(doc, "Tools used to assess accessibility")
    for tool in [*tests.tools, tests.screen_reader]:
        assert f"{tool.name} {tool.version}" in tools
    environment = part_text(doc, "Test environment")
    assert f"{tests.browser.name}, version {tests.browser.version}" in environment
    assert f"{tests.screen_reader.name} {tests.screen_reader.version}" in environment
    assert "it is not a real screen reader" in environment
    assert "forced colours, emulating the high contrast mode of Windows" in environment


def test_the_virtual_screen_reader_stated_is_the_one_installed() -> None:
    stated = load_content(CONTENT_DIR).site.accessibility.automated_tests.screen_reader
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
    package = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))
    assert stated.name == "@guidepup/virtual-screen-reader"
    assert stated.version == lock["packages"][f"node_modules/{stated.name}"]["version"]
    assert stated.version == package["devDependencies"][stated.name]


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_real_screen_readers_are_listed_as_not_yet_tested(client: FlaskClient, locale: str) -> None:
    doc = statement(client, locale)
    heading = "Test environment" if locale == "en" else "Environnement de test"
    [listing] = [element for element in part(doc, heading) if element.name == "ul"]
    items = [text_of(item) for item in listing.find_all("li")]
    if locale == "en":
        for reader in REAL_SCREEN_READERS:
            assert any(item.startswith(f"{reader}: not yet tested") for item in items), reader
    else:
        for reader in ("NVDA avec Firefox", "JAWS", "VoiceOver", "TalkBack"):
            [found] = [item for item in items if item.startswith(reader)]
            assert "pas encore testé" in found, reader


def test_what_the_tests_do_not_cover_is_up_to_date(client: FlaskClient) -> None:
    doc = statement(client)
    intro = doc.find("p", string="What the tests do not cover yet:")
    limits = [text_of(item) for item in intro.find_next_sibling("ul").find_all("li")]
    assert "no person has assessed the 106 criteria of the RGAA;" in limits
    assert any(item.startswith("no real screen reader has been used yet") for item in limits)
    assert "the site is tested in one browser only, Chromium;" in limits
    assert not any("emails" in item for item in limits)  # they are tested now
    checks = text_of(intro.find_previous_sibling("ul"))
    for check in ("forced colours", "1.4.12", "at a zoom of 400%", "24 by 24 CSS pixels",
                  "virtual screen reader", "the emails the site sends"):  # fmt: skip
        assert check in checks


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_every_page_checked_is_linked_and_the_links_lead_there(
    client: FlaskClient, locale: str
) -> None:
    items = pages_checked(statement(client, locale))
    assert len(items) == 12
    links = [item.find("a") for item in items]
    # The two confirmations are shown only to whoever sent the form: named, not linked.
    assert [index for index, link in enumerate(links) if link is None] == [5, 6]
    hrefs = [link["href"] for link in links if link is not None]
    assert len(set(hrefs)) == len(hrefs) == 10
    assert all(href.startswith(f"/{locale}/") for href in hrefs)
    for href in hrefs[:-1]:
        assert client.get(href).status_code == 200, href
    assert client.get(hrefs[-1]).status_code == 404  # the page for an unknown address


def test_the_pages_checked_are_the_kinds_of_page_the_site_has(client: FlaskClient) -> None:
    items = [text_of(item) for item in pages_checked(statement(client))]
    assert items[:5] == ["Home", "Departments", "A department’s page: Pneumology",
                         "Contact us", "Make a donation"]  # fmt: skip
    assert items[5].startswith("The page confirming a gift")
    assert items[6].startswith("The page confirming a message")
    assert items[7:] == ["Accessibility statement", "Legal notice",
                         "Personal data and cookies", "Site map",
                         "The page shown for an address that does not exist"]  # fmt: skip


def test_remedies_name_the_three_ways_of_the_model(client: FlaskClient) -> None:
    doc = statement(client)
    remedies = part_text(doc, "Remedies")
    assert "using the online form at defenseurdesdroits.fr" in remedies
    assert "through one of its local delegates" in remedies
    assert "Défenseur des droits, Libre réponse 71120, 75342 Paris CEDEX 07" in remedies
    links = [a["href"] for element in part(doc, "Remedies") for a in element.select("a[href]")]
    assert "https://www.defenseurdesdroits.fr/" in links


def test_the_statement_names_the_site_url_of_the_settings_whatever_the_host(
    data_dir: Path,
) -> None:
    app = create_app({"TESTING": True, "DATA_DIR": str(data_dir), "SECRET_KEY": "h" * 40,
                      "SITE_URL": "https://iuc.example.org",
                      "TRUSTED_HOSTS": ["www.iuc.example.net"]})  # fmt: skip
    client = app.test_client()
    for locale in ("en", "fr"):
        response = client.get(STATEMENT[locale], base_url="https://www.iuc.example.net")
        assert response.status_code == 200  # a trusted host is served...
        doc = soup(response.data)
        commitment = part_text(doc, text_of(doc.select_one("main h2")))  # the first section
        assert "https://iuc.example.org/" in commitment  # ...yet the statement names the site
        assert "iuc.example.net" not in text_of(doc.find("main"))


def test_without_a_site_url_the_statement_names_the_host_requested(client: FlaskClient) -> None:
    assert "This statement applies to the website http://localhost/." in part_text(
        statement(client), "Commitment"
    )


def test_the_accessibility_plans_from_the_publishers_facts(client: FlaskClient) -> None:
    doc = statement(client)
    links = {
        text_of(a): a["href"]
        for element in part(doc, "Multi-year accessibility plan")
        for a in element.select("a[href]")
    }
    assert links == {
        "multi-year accessibility plan":
            "https://example.org/Exemple-schema-pluriannuel-accessibilite.pdf",
        "this year’s accessibility action plan":
            "https://example.org/Exemple-plan-action-annuel-accessibilite.pdf",
    }  # fmt: skip
    assert "not been published" not in part_text(doc, "Multi-year accessibility plan")


def test_plans_not_supplied_are_said_not_to_be_published(data_dir: Path) -> None:
    app = create_app({"TESTING": True, "DATA_DIR": str(data_dir), "SECRET_KEY": "n" * 40,
                      "PUBLISHER_FILE": str(SHIPPED_PUBLISHER)})  # fmt: skip
    doc = statement(app.test_client())
    plans = part(doc, "Multi-year accessibility plan")
    assert [a for element in plans for a in element.select("a")] == []
    text = part_text(doc, "Multi-year accessibility plan")
    assert "The multi-year accessibility plan has not been published yet." in text
    assert "This year’s accessibility action plan has not been published yet." in text


def test_publish_check_asks_for_the_accessibility_plans(data_dir: Path) -> None:
    app = create_app({"DATA_DIR": str(data_dir), "SECRET_KEY": "c" * 40,
                      "PUBLISHER_FILE": str(SHIPPED_PUBLISHER)})  # fmt: skip
    out = app.test_cli_runner().invoke(args=["publish", "check"]).output
    assert "accessibility statement (/fr/accessibilite/, /en/accessibility/):" in out
    assert "missing: multi-year accessibility plan: its address" in out
    assert "missing: this year's accessibility action plan: its address" in out


def test_the_example_plans_say_they_are_examples() -> None:
    from tests.conftest import EXAMPLE_PUBLISHER

    plans = json.loads(EXAMPLE_PUBLISHER.read_text(encoding="utf-8"))["accessibility_plans"]
    assert all("Exemple" in url and "example.org" in url for url in plans.values())
    shipped = json.loads(SHIPPED_PUBLISHER.read_text(encoding="utf-8"))["accessibility_plans"]
    assert shipped == {"multi_year": None, "annual_action_plan": None}
