"""Creating and upgrading the schema with Alembic, in one transaction.

Both databases run DDL in transactions, so an upgrade that fails halfway
leaves the database as it was. The revisions live in ``migrations/versions``.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

from .database import transaction

MIGRATIONS = Path(__file__).resolve().with_name("migrations")


def alembic_config(
    connection: Connection | None = None, version_locations: Sequence[Path] = ()
) -> Config:
    """Alembic's settings, made here rather than read from an alembic.ini."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    locations = [MIGRATIONS / "versions", *version_locations]
    # Alembic splits the list on the path separator it is told of.
    config.set_main_option("path_separator", "os")
    config.set_main_option("version_locations", ":".join(str(path) for path in locations))
    config.attributes["connection"] = connection
    return config


def upgrade(engine: Engine, target: str = "head", version_locations: Sequence[Path] = ()) -> None:
    with transaction(engine, write=True) as connection:
        command.upgrade(alembic_config(connection, version_locations), target)


def current_revisions(engine: Engine) -> set[str]:
    with engine.connect() as connection:
        return set(MigrationContext.configure(connection).get_current_heads())


@functools.cache  # the revisions shipped with the code do not change while it runs
def head_revisions(version_locations: tuple[Path, ...] = ()) -> frozenset[str]:
    script = ScriptDirectory.from_config(alembic_config(None, version_locations))
    return frozenset(script.get_heads())


def is_current(engine: Engine) -> bool:
    return current_revisions(engine) == head_revisions()
