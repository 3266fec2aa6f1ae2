"""The database behind the forms: its schema, carrying an old store over, and
what a visitor gets when it cannot take a write (a 503 with the form, filled)."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from iuc_portal.store import migrate
from tests.conftest import make_app
from tests.forms import CONTACT, DONATION, submit
from tests.pages import soup, text_of
from tests.servers import Postgres, free_port
from tests.stored import stored

# Written as the JSON Lines store of earlier versions wrote them.
OLD_RECORDS = [
    {"created": "2026-01-02T10:00:00Z", "id": "a" * 32, "key": "1" * 32, "locale": "fr",
     "reference": "DON-AAAA-0001", "schema": 1,
     "data": {**DONATION, "amount": "50.00", "preset": None, "newsletter": False}},
    {"created": "2026-01-03T11:30:00Z", "id": "b" * 32, "key": "2" * 32, "locale": "en",
     "reference": "DON-AAAA-0002", "schema": 1,
     "data": {**DONATION, "amount": "20.00", "preset": None, "newsletter": True}},
]  # fmt: skip
OLD_EVENTS = [
    {"at": "2026-01-02T10:00:01Z", "detail": {"message_id": "<x@iuc>"}, "id": "a" * 32,
     "type": "mail_sent"},
    {"at": "2026-01-03T11:30:01Z", "detail": {"error": "ConnectionRefusedError"}, "id": "b" * 32,
     "type": "mail_failed"},
    {"at": "2025-12-01T00:00:00Z", "detail": {}, "id": "c" * 32, "type": "purged"},
]  # fmt: skip


def write_lines(path: Path, rows: list[dict], torn: bytes = b"") -> None:
    lines = "".join(json.dumps(row, sort_keys=True) + "\n" for row in rows)
    path.write_bytes(lines.encode() + torn)


@pytest.mark.databases
def test_a_json_lines_store_is_carried_over_once(app: Flask, data_dir: Path) -> None:
    write_lines(data_dir / "donations.jsonl", OLD_RECORDS, torn=b'{"id":"dead","refer')
    write_lines(data_dir / "donations.events.jsonl", OLD_EVENTS)
    runner = app.test_cli_runner()
    first = runner.invoke(args=["db", "import-jsonl"])
    assert first.exit_code == 0, first.output
    assert "donations: 2 imported, 0 already there, 2 events, 1 unreadable lines" in first.output
    assert "messages: 0 imported" in first.output
    second = runner.invoke(args=["db", "import-jsonl"])
    assert "donations: 0 imported, 2 already there" in second.output
    records = stored(app, "donations")
    assert [(r["reference"], r["created"], r["locale"]) for r in records] == [
        ("DON-AAAA-0001", "2026-01-02T10:00:00Z", "fr"),
        ("DON-AAAA-0002", "2026-01-03T11:30:00Z", "en"),
    ]
    assert records[0]["data"] == OLD_RECORDS[0]["data"]
    export = runner.invoke(args=["donations", "export", "--format", "csv"]).output
    # Mailed before stays mailed; the one that failed waits in the queue.
    assert [row["mail"] for row in csv.DictReader(io.StringIO(export))] == ["sent", "pending"]
    events = app.extensions["iuc_store"].events("donations")
    assert [(e.record_id[0], e.type) for e in events] == [("a", "mail_sent"), ("b", "mail_failed")]


def test_db_upgrade_creates_the_schema_on_an_empty_postgresql_database(
    postgres: Postgres, data_dir: Path
) -> None:
    url = postgres.url(postgres.new_database())
    app = make_app(data_dir, url)
    client = app.test_client()
    health = client.get("/healthz")
    assert health.status_code == 503
    assert "schema is not up to date" in health.json["problems"][0]
    # A visitor is told, not shown a 500.
    assert submit(client, "/en/donate/", "donation-form", DONATION).status_code == 503
    runner = app.test_cli_runner()
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert f"upgraded (revision {max(migrate.head_revisions())})" in result.output
    assert "already up to date" in runner.invoke(args=["db", "upgrade"]).output
    assert client.get("/healthz").status_code == 200
    assert submit(client, "/en/donate/", "donation-form", DONATION).status_code == 303
    app.extensions["iuc_store"].engine.dispose()


def assert_form_back_unrecorded(client: FlaskClient, locale: str = "fr") -> None:
    path, form_id = {"fr": ("/fr/faire-un-don/", "donation-form"),
                     "en": ("/en/contacts/", "contact-form")}[locale]  # fmt: skip
    data = DONATION if form_id == "donation-form" else CONTACT
    response = submit(client, path, form_id, data)
    assert response.status_code == 503
    assert response.headers["Retry-After"]
    doc = soup(response.data)
    summary = text_of(doc.select_one(".error-summary"))
    expected = {
        "fr": "Nous n’avons pas pu enregistrer votre promesse de don ; rien n’a été envoyé. "
        "Veuillez réessayer dans quelques minutes.",
        "en": "We could not record your message; nothing was sent. "
        "Please try again in a few minutes.",
    }[locale]
    assert expected in summary.replace("\u202f", " ").replace("\u00a0", " ")
    assert text_of(doc.find("title")).startswith(("Erreur", "Error"))
    filled = doc.select_one(f"form#{form_id} input[name=email]")
    assert filled["value"] == data["email"]  # nothing typed is lost


@pytest.fixture
def read_only_postgres(postgres: Postgres, data_dir: Path) -> Iterator[Flask]:
    database = postgres.new_database(template=postgres.template)
    app = make_app(data_dir, postgres.url(database))
    postgres.execute(f"ALTER DATABASE {database} SET default_transaction_read_only = on")
    yield app
    app.extensions["iuc_store"].engine.dispose()


def test_a_read_only_postgresql_gives_the_form_back_with_a_503(read_only_postgres: Flask) -> None:
    client = read_only_postgres.test_client()
    assert_form_back_unrecorded(client, "fr")
    assert_form_back_unrecorded(client, "en")
    health = client.get("/healthz")
    assert health.status_code == 503
    assert "database cannot be written" in health.json["problems"][0]
    assert client.get("/fr/").status_code == 200  # the pages still serve


def test_postgresql_down_gives_the_form_back_with_a_503(data_dir: Path) -> None:
    nobody = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/iuc"
    app = make_app(data_dir, nobody)
    client = app.test_client()
    assert_form_back_unrecorded(client, "fr")
    assert client.get("/healthz").status_code == 503
    assert client.get("/en/departments/").status_code == 200


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 8 MB file system (tmpfs), for the data directory to fill up."""
    mount = tmp_path / "disk"
    mount.mkdir()
    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=8m,mode=0700", "tmpfs", str(mount)],
        capture_output=True, text=True,
    )  # fmt: skip
    if result.returncode:
        pytest.fail(f"these tests mount a small tmpfs and need root: {result.stderr.strip()}")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(disk: Path) -> Path:
    filler = disk / "filler"
    descriptor = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        for size in (65536, 4096, 1):  # to the last byte
            with contextlib.suppress(OSError):  # ENOSPC: full at this size
                while True:
                    os.write(descriptor, b"\0" * size)
    finally:
        os.close(descriptor)
    return filler


def test_a_full_disk_gives_the_form_back_with_a_503_and_nothing_half_written(
    small_disk: Path,
) -> None:
    app = make_app(small_disk, None)
    client = app.test_client()
    assert submit(client, "/en/donate/", "donation-form", DONATION).status_code == 303
    health = client.get("/healthz")
    assert health.status_code == 503  # 8 MB in all: under the 50 MB the check asks for
    assert any("MB free" in problem for problem in health.json["problems"])
    filler = fill(small_disk)
    assert_form_back_unrecorded(client, "fr")
    assert len(stored(app, "donations")) == 1
    filler.unlink()
    assert submit(client, "/en/donate/", "donation-form", DONATION).status_code == 303
    assert len(stored(app, "donations")) == 2
    app.extensions["iuc_store"].engine.dispose()


def test_a_read_only_file_system_gives_the_form_back_with_a_503(small_disk: Path) -> None:
    app = make_app(small_disk, None)
    client = app.test_client()
    app.extensions["iuc_store"].engine.dispose()
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    assert_form_back_unrecorded(client, "en")
    problems = client.get("/healthz").json["problems"]
    assert "data directory is not writable" in problems
    assert any("database cannot be written" in problem for problem in problems)
