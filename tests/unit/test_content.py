"""Content validation: each mistake a web editor can make stops the app with a clear message."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from iuc_portal import create_app
from iuc_portal.content import ContentError, load_content
from iuc_portal.content.url_words import with_url_words
from iuc_portal.paths import CONTENT_DIR, TRANSLATIONS_DIR

Edit = Callable[[dict[str, Any]], None]


@pytest.fixture
def content_dir(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(CONTENT_DIR, target)
    return target


def edit(directory: Path, filename: str, change: Edit) -> None:
    path = directory / filename
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def department(data: dict[str, Any], department_id: str) -> dict[str, Any]:
    return next(d for d in data["departments"] if d["id"] == department_id)


def test_the_shipped_content_loads() -> None:
    content = load_content(CONTENT_DIR)
    assert len(content.departments) == 7
    # URL words: the French ones from the French catalog, English where a language has none.
    content = with_url_words(content, TRANSLATIONS_DIR, ["fr", "en"])
    assert content.department_slug(content.department("pneumology"), "fr") == "pneumologie"
    assert content.department_slug(content.department("pneumology"), "de") == "pneumology"
    assert content.section_slug("departments", "fr") == "services"
    assert content.hospital_of(content.department("urology")).id == "pitie-salpetriere"
    assert content.hospital_of(content.department("dermatology")) is None


CASES: list[tuple[str, str, Edit, str]] = [
    (
        "missing field",
        "departments.json",
        lambda d: department(d, "urology").pop("name"),
        "departments.json: departments[6] (urology).name: required field is missing",
    ),
    (
        "unknown field",
        "hospitals.json",
        lambda d: d["hospitals"][0].update(nmae="x"),
        "hospitals.json: hospitals[0] (pitie-salpetriere).nmae: unknown field (misspelt?)",
    ),
    (
        "unknown hospital",
        "departments.json",
        lambda d: department(d, "pneumology").update(hospital="nowhere"),
        "departments.json: departments[5] (pneumology).hospital: unknown hospital 'nowhere'",
    ),
    (
        "duplicate slug in one locale",
        "departments.json",
        lambda d: [
            department(d, i)["slugs"].update(fr="poumon") for i in ("pneumology", "urology")
        ],
        "departments.json: departments[].slugs.fr (urology): 'poumon' is already used "
        "by pneumology",
    ),
    (
        "duplicate slug through the English fallback",
        "departments.json",
        lambda d: department(d, "urology").update(slugs={"en": "pneumology"}),
        "departments.json: departments[].slugs.en (urology): 'pneumology' is already used "
        "by pneumology",
    ),
    (
        "duplicate id",
        "departments.json",
        lambda d: department(d, "urology").update(id="pneumology"),
        "departments.json: departments[].id (pneumology): 'pneumology' is already used",
    ),
    (
        "duplicate section slug",
        "site.json",
        lambda d: [d["sections"][name].update(fr="pages") for name in ("departments", "contacts")],
        "site.json: sections.fr (contacts): 'pages' is already used by departments",
    ),
    (
        "slug without English",
        "departments.json",
        lambda d: department(d, "urology").update(slugs={"fr": "urologie"}),
        "departments.json: departments[6] (urology).slugs: Value error, needs an 'en' slug",
    ),
    (
        "slug with capitals",
        "departments.json",
        lambda d: department(d, "urology")["slugs"].update(fr="Urologie"),
        "departments.json: departments[6] (urology).slugs.fr: String should match pattern",
    ),
    (
        "phone not in E.164",
        "departments.json",
        lambda d: department(d, "urology").update(phone="01 42 17 71 50"),
        "departments.json: departments[6] (urology).phone: Value error, not a phone number",
    ),
    (
        "unknown person in the leadership",
        "site.json",
        lambda d: d["leadership"].append("nobody"),
        "site.json: leadership[4]: unknown person 'nobody' in people.json",
    ),
    (
        "empty description",
        "departments.json",
        lambda d: department(d, "urology").update(description=[]),
        "departments.json: departments[6] (urology).description: List should have at least 1",
    ),
    (
        "wrong type",
        "site.json",
        lambda d: d.update(founded="twenty twelve"),
        "site.json: founded: Input should be a valid integer",
    ),
]


@pytest.mark.parametrize(
    ("filename", "change", "message"), [case[1:] for case in CASES], ids=[c[0] for c in CASES]
)
def test_each_mistake_names_the_file_and_the_field(
    content_dir: Path, filename: str, change: Edit, message: str
) -> None:
    edit(content_dir, filename, change)
    with pytest.raises(ContentError) as error:
        load_content(content_dir)
    assert str(error.value).startswith(message)


def test_malformed_json_gives_line_and_column(content_dir: Path) -> None:
    path = content_dir / "people.json"
    path.write_text('{"people": [\n  {"id": "a",}\n]}', encoding="utf-8")
    with pytest.raises(ContentError) as error:
        load_content(content_dir)
    assert str(error.value).startswith("people.json: line 2, column 14: malformed JSON")


def test_a_missing_file_is_named(content_dir: Path) -> None:
    (content_dir / "hospitals.json").unlink()
    with pytest.raises(ContentError, match=r"^hospitals.json: file is missing$"):
        load_content(content_dir)


def refusal(content_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """The one line a site that will not start prints (gunicorn's master stops on 4)."""
    with pytest.raises(SystemExit) as stopped:
        create_app({"CONTENT_DIR": str(content_dir), "DATA_DIR": str(tmp_path / "var")})
    assert stopped.value.code == 4
    [line] = capsys.readouterr().err.splitlines()
    return line


def test_the_app_refuses_to_start_on_broken_content(
    content_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(content_dir, "departments.json", lambda d: department(d, "urology").update(hospital="x"))
    assert refusal(content_dir, tmp_path, capsys).startswith(
        "iuc_portal: departments.json: departments[6] (urology).hospital: unknown hospital 'x'"
    )


def test_a_section_the_site_needs_must_exist(
    content_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(content_dir, "site.json", lambda d: d["sections"].pop("donate"))
    assert refusal(content_dir, tmp_path, capsys).startswith(
        "iuc_portal: site.json: sections.donate: required section"
    )


def test_a_translated_slug_changes_the_url_with_no_code_change(
    content_dir: Path, tmp_path: Path
) -> None:
    edit(
        content_dir,
        "departments.json",
        lambda d: department(d, "urology")["slugs"].update(fr="uro"),
    )
    app = create_app({"CONTENT_DIR": str(content_dir), "DATA_DIR": str(tmp_path / "var")})
    client = app.test_client()
    assert client.get("/fr/services/uro").status_code == 200
    assert client.get("/fr/services/urologie").status_code == 404
