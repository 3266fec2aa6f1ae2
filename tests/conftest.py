"""Fixtures shared by every test: an app writing into a temporary data directory.

Tests marked ``databases`` run twice: on SQLite (the default) and on a real
PostgreSQL server that the session starts once.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from iuc_portal import create_app
from iuc_portal.store import migrate
from iuc_portal.store.database import make_engine
from tests.servers import Postgres, Redis

# A site process sends its queued mail from a thread of its own; tests that
# are about that thread turn it on, the others deliver when they choose.
os.environ["IUC_MAIL_WORKER"] = "0"
# The publisher's facts as a site ready to publish has them, every value an example;
# tests of a site still missing them point at the shipped file.
EXAMPLE_PUBLISHER = Path(__file__).parent / "data" / "publisher.example.json"
os.environ["IUC_PUBLISHER_FILE"] = str(EXAMPLE_PUBLISHER)

DATABASES = ("sqlite", "postgresql")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if metafunc.definition.get_closest_marker("databases") and "database" in metafunc.fixturenames:
        metafunc.parametrize("database", DATABASES, indirect=True)


@pytest.fixture(scope="session")
def postgres() -> Iterator[Postgres]:
    server = Postgres()
    server.start()
    try:
        server.template = server.new_database()
        engine = make_engine(server.url(server.template))
        migrate.upgrade(engine)
        engine.dispose()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def redis_server() -> Iterator[Redis]:
    server = Redis()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def database(request: pytest.FixtureRequest) -> str:
    return getattr(request, "param", "sqlite")


@pytest.fixture
def database_url(database: str, request: pytest.FixtureRequest) -> str | None:
    """None: the default, SQLite in the data directory; else a new PostgreSQL database."""
    if database == "sqlite":
        return None
    server: Postgres = request.getfixturevalue("postgres")
    return server.url(server.new_database(template=server.template))


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "var"
    path.mkdir()
    return path


def make_app(data_dir: Path, database_url: str | None, **config: object) -> Flask:
    return create_app(
        {"DATA_DIR": str(data_dir), "DATABASE_URL": database_url, "SECRET_KEY": "t" * 40, **config}
    )


@pytest.fixture
def app(data_dir: Path, database_url: str | None) -> Iterator[Flask]:
    app = make_app(data_dir, database_url, TESTING=True)
    yield app
    app.extensions["iuc_store"].engine.dispose()


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
