"""The search box works as a plain form; htmx gets the fragment of the same page."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.pages import soup, text_of


def result_names(html: bytes, selector: str = "#department-results h2 a") -> list[str]:
    return [text_of(a) for a in soup(html).select(selector)]


@pytest.mark.parametrize(
    ("path", "query", "names", "status"),
    [
        ("/fr/services/", "poumon", ["Pneumologie", "Chirurgie thoracique et vasculaire"],
         "2 services trouvés pour « poumon »."),
        ("/fr/services/", "pneumo", ["Pneumologie"], "1 service trouvé pour « pneumo »."),
        ("/en/departments/", "lung", ["Pneumology", "Thoracic and Vascular Surgery"],
         "2 departments found for “lung”."),
        ("/en/departments/", "kidney", ["Urology"], "1 department found for “kidney”."),
        ("/en/departments/", "", None, "7 departments listed."),
    ],
)  # fmt: skip
def test_results_page_without_javascript(
    site_client: FlaskClient, path: str, query: str, names: list[str] | None, status: str
) -> None:
    response = site_client.get(path, query_string={"q": query})
    assert response.status_code == 200
    doc = soup(response.data)
    assert text_of(doc.select_one("#search-status")) == status
    assert doc.select_one("#search-status")["role"] == "status"
    if names is not None:
        assert result_names(response.data) == names
    search = doc.select_one("form[role=search]")
    assert search["method"] == "get"
    assert doc.select_one("input[name=q]")["value"] == query


def test_no_match_gives_a_way_out(site_client: FlaskClient) -> None:
    doc = soup(site_client.get("/fr/services/", query_string={"q": "xyzzy"}).data)
    assert text_of(doc.select_one("#search-status")) == "Aucun service ne correspond à « xyzzy »."
    results = doc.select_one("#department-results")
    assert results.select_one("a[href='/fr/services/']")
    assert results.select_one("a[href^='tel:']")


def test_htmx_gets_the_results_and_the_count_for_the_live_region(site_client: FlaskClient) -> None:
    headers = {"HX-Request": "true", "HX-Target": "department-results"}
    response = site_client.get("/en/departments/?q=lung", headers=headers)
    body = response.get_data(as_text=True)
    assert "<html" not in body
    assert "<title>" not in body
    doc = soup(body)
    assert [text_of(a) for a in doc.select("h2 a")] == [
        "Pneumology",
        "Thoracic and Vascular Surgery",
    ]
    status = doc.select_one("#search-status")
    assert status["data-hx-swap-oob"] == "innerHTML"
    assert text_of(status) == "2 departments found for “lung”."
    assert "HX-Request" in response.vary


def test_history_restore_gets_the_whole_page(site_client: FlaskClient) -> None:
    headers = {"HX-Request": "true", "HX-History-Restore-Request": "true"}
    body = site_client.get("/en/departments/?q=lung", headers=headers).get_data(as_text=True)
    assert body.startswith("<!doctype html>")


def test_the_search_form_replaces_the_url_instead_of_pushing(site_client: FlaskClient) -> None:
    form = soup(site_client.get("/en/departments/").data).select_one("form[role=search]")
    assert form["data-hx-replace-url"] == "true"
    assert "data-hx-push-url" not in form.attrs
    assert form["data-hx-target"] == "#department-results"


def test_the_contacts_directory_is_searchable_too(site_client: FlaskClient) -> None:
    response = site_client.get("/fr/contacts/", query_string={"q": "peau"})
    names = result_names(response.data, "#directory-results h3 a")
    assert names == ["Dermatologie, allergologie et médecine vasculaire"]
    fragment = site_client.get(
        "/fr/contacts/?q=peau", headers={"HX-Request": "true", "HX-Target": "directory-results"}
    )
    assert "<form" not in fragment.get_data(as_text=True)
    assert result_names(fragment.data, "h3 a") == names
