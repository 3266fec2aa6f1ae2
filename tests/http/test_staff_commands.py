"""Export and retention for staff: locale-independent, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from iuc_portal.cli import neutralise
from tests.forms import DONATION, submit
from tests.stored import stored

pytestmark = pytest.mark.databases


def give(client: FlaskClient, path: str = "/fr/faire-un-don/", **change: str) -> None:
    assert submit(client, path, "donation-form", {**DONATION, **change}).status_code == 303


def test_csv_export_is_locale_independent_and_neutralises_formulas(
    app: Flask, client: FlaskClient
) -> None:
    give(client, amount="1 234,50", given_name='=HYPERLINK("http://x")', family_name="+Doe")
    give(client, "/en/donate/", frequency="monthly", family_name="@cmd", city="-Paris")
    result = app.test_cli_runner().invoke(args=["donations", "export", "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [row["locale"] for row in rows] == ["fr", "en"]
    assert rows[0]["amount"] == "1234.50"
    assert rows[1]["amount"] == "50.00"
    assert rows[0]["created"].endswith("Z")
    assert rows[0]["given_name"] == '\'=HYPERLINK("http://x")'
    assert rows[0]["family_name"] == "'+Doe"
    assert rows[1]["family_name"] == "'@cmd"
    assert rows[1]["city"] == "'-Paris"
    assert rows[0]["mail"] == "pending"
    assert rows[0]["newsletter"] == "no"


def test_jsonl_export_gives_one_record_a_line(app: Flask, client: FlaskClient) -> None:
    give(client)
    give(client, "/en/donate/")
    result = app.test_cli_runner().invoke(args=["donations", "export", "--format", "jsonl"])
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [line["locale"] for line in lines] == ["fr", "en"]
    assert all(line["reference"].startswith("DON-") for line in lines)
    assert "key" not in lines[0]


def test_export_to_a_file(app: Flask, client: FlaskClient, tmp_path: Path) -> None:
    give(client)
    target = tmp_path / "gifts.csv"
    result = app.test_cli_runner().invoke(args=["donations", "export", "--output", str(target)])
    assert result.exit_code == 0
    assert target.read_text(encoding="utf-8").startswith('"id","reference","created","locale"')
    assert target.stat().st_mode & 0o777 == 0o600  # personal data: its owner only


def test_purge_before_a_date(app: Flask, client: FlaskClient) -> None:
    give(client)
    runner = app.test_cli_runner()
    assert (
        "donations: 0 removed"
        in runner.invoke(args=["donations", "purge", "--before", "2000-01-01"]).output
    )
    assert (
        "donations: 1 removed"
        in runner.invoke(args=["donations", "purge", "--before", "2999-01-01"]).output
    )
    assert stored(app, "donations") == []
    bad = runner.invoke(args=["donations", "purge", "--before", "yesterday"])
    assert bad.exit_code != 0


def test_neutralise() -> None:
    assert neutralise("=1+1") == "'=1+1"
    assert neutralise("\t=1") == "'\t'=1"
    assert neutralise("25.50") == "25.50"
    assert neutralise(None) == ""
    assert neutralise(True) == "yes"
