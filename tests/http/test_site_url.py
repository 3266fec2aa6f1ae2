"""One site address (IUC_SITE_URL): links, the sitemap, robots, mails and the statement use
it, never the host a request names; another host gets a 400."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask, url_for

from iuc_portal import create_app
from tests.pages import soup
from tests.smtp import SmtpServer

SITE = "https://iuc.example.org"


@pytest.fixture
def site(data_dir: Path, smtp_server: SmtpServer) -> Flask:
    return create_app({"TESTING": True, "DATA_DIR": str(data_dir), "SECRET_KEY": "u" * 40,
                       "SITE_URL": SITE, "SMTP_URL": smtp_server.url,
                       "MAIL_FROM": "site@iuc.example", "MAIL_TO": "team@iuc.example"})  # fmt: skip


def test_links_name_the_site_whatever_the_request_says(site: Flask) -> None:
    client = site.test_client()
    page = client.get("/en/accessibility/", base_url=SITE)
    doc = soup(page.data)
    assert doc.select_one("link[rel=canonical]")["href"] == f"{SITE}/en/accessibility/"
    assert {link["href"].split("/")[2] for link in doc.select("link[hreflang]")} == {
        "iuc.example.org"
    }
    assert f"{SITE}/" in doc.find("main").get_text()  # the statement names the site
    assert f"Sitemap: {SITE}/sitemap.xml" in client.get("/robots.txt", base_url=SITE).text
    assert f"<loc>{SITE}/fr/</loc>" in client.get("/sitemap.xml", base_url=SITE).text


@pytest.mark.parametrize("host", ["evil.example", "127.0.0.1:8100", "iuc.example.org.evil.test"])
def test_another_host_gets_a_400(site: Flask, host: str) -> None:
    client = site.test_client()
    for path in ("/fr/", "/robots.txt", "/sitemap.xml", "/", "/fr/services/pneumologie/"):
        response = client.get(path, headers={"Host": host})
        assert response.status_code == 400, (host, path)
        assert host.split(":")[0] not in response.text


def test_outside_any_request_links_still_name_the_site(site: Flask) -> None:
    """What the delivery loop renders (mails) has no request to take a host from."""
    with site.app_context():
        assert url_for("pages.home", locale="fr", _external=True) == f"{SITE}/fr/"
