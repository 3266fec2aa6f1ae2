"""Fixtures shared by every test: an app writing into a temporary data directory."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from iuc_portal import create_app


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "var"
    path.mkdir()
    return path


@pytest.fixture
def app(data_dir: Path) -> Iterator[Flask]:
    return create_app({"TESTING": True, "DATA_DIR": str(data_dir), "SECRET_KEY": "t" * 40})


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture(scope="session")
def site_app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """One app for tests that only read pages; faster than one app per test."""
    data_dir = tmp_path_factory.mktemp("site-var")
    return create_app({"TESTING": True, "DATA_DIR": str(data_dir), "SECRET_KEY": "s" * 40})


@pytest.fixture
def site_client(site_app: Flask) -> FlaskClient:
    return site_app.test_client()


pytest_plugins = ["tests.smtp"]
