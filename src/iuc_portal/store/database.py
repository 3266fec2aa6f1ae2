"""Connecting: SQLite in the data directory unless ``IUC_DATABASE_URL`` names another database.

The same code runs on both. What differs is set here, once: SQLite gets WAL
(readers never wait for the writer), a busy timeout (writers wait their turn
instead of failing), foreign keys, secure deletion, and ``BEGIN IMMEDIATE``
for transactions that write, so two writers queue at the start instead of
one failing halfway through.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url

SQLITE_FILE = "iuc.sqlite3"
BUSY_TIMEOUT_MS = 10_000
CONNECT_TIMEOUT_S = 5
WRITE = "iuc_write"  # execution option: this transaction writes


def database_url(config: Mapping[str, Any]) -> str:
    if config.get("DATABASE_URL"):
        return config["DATABASE_URL"]
    return f"sqlite:///{Path(config['DATA_DIR']).resolve() / SQLITE_FILE}"


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def _sqlite_connected(dbapi_connection: Any, _record: Any) -> None:
    # Transactions are begun by _sqlite_begin, not by the driver, so that DDL
    # is transactional too and writers can ask for the lock up front.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    for pragma in (
        f"busy_timeout = {BUSY_TIMEOUT_MS}",  # first: switching to WAL may wait for a lock
        "journal_mode = WAL",
        "synchronous = FULL",  # a committed submission survives a power cut, not only a crash
        "foreign_keys = ON",
        "secure_delete = ON",  # purged personal data is overwritten, not merely unlinked
    ):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    writes = connection.get_execution_options().get(WRITE, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")


def _private_database_file(path: Path) -> None:
    """Create the database file readable by its owner only; SQLite gives its
    write-ahead log and shared-memory files the same mode."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with contextlib.suppress(OSError):  # a read-only or foreign file: SQLite will say so
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
        path.chmod(0o600)


def make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and not parsed.database.startswith("file:"):
            _private_database_file(Path(parsed.database))
        engine = create_engine(parsed)
        event.listen(engine, "connect", _sqlite_connected)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    # A connection the database dropped (restart, failover) is replaced, not reused.
    return create_engine(
        parsed, pool_pre_ping=True, connect_args={"connect_timeout": CONNECT_TIMEOUT_S}
    )


@contextlib.contextmanager
def transaction(engine: Engine, write: bool = False) -> Iterator[Connection]:
    """A connection in a transaction, committed at the end unless an error escapes."""
    with engine.connect() as connection:
        if write:
            connection.execution_options(**{WRITE: True})
        with connection.begin():
            yield connection
