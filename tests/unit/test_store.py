"""The store loses nothing: concurrent writers, repeats, purges, failed migrations.

Every test runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import shutil
from pathlib import Path

import pytest
from sqlalchemy import event, exc, insert, inspect, select, text, update

from iuc_portal.store import (
    REFERENCE_ALPHABET,
    Store,
    StoreUnavailable,
    migrate,
    open_store,
)
from iuc_portal.store.schema import events, outbox, purges, submissions

pytestmark = pytest.mark.databases


@pytest.fixture
def url(database_url: str | None, tmp_path: Path) -> str:
    return database_url or f"sqlite:///{tmp_path / 'iuc.sqlite3'}"


@pytest.fixture
def store(url: str) -> Store:
    store = open_store({"DATABASE_URL": url})
    migrate.upgrade(store.engine)  # PostgreSQL is upgraded by a command; here, by the test
    yield store
    store.engine.dispose()


def test_a_submission_is_stored_once_with_its_metadata(store: Store) -> None:
    saved = store.add("donations", "DON", "fr", {"amount": "25.50", "ok": True}, key="k1")
    assert saved.created
    record = saved.record
    prefix, first, second = record.reference.split("-")
    assert prefix == "DON"
    assert len(first) == len(second) == 4
    assert set(first + second) <= set(REFERENCE_ALPHABET)
    assert (record.locale, record.schema, record.kind) == ("fr", 1, "donations")
    assert record.created.tzinfo == dt.UTC
    assert store.find("donations", record.reference) == record
    assert store.find("messages", record.reference) is None  # a kind sees only its own
    assert store.get(record.id) == record
    assert store.records("donations") == [record]


def test_the_same_key_returns_the_first_record_and_queues_nothing_more(store: Store) -> None:
    first = store.add("donations", "DON", "fr", {"n": 1}, key="same", mails=["thanks"])
    again = store.add("donations", "DON", "fr", {"n": 2}, key="same", mails=["thanks"])
    assert not again.created
    assert again.record == first.record
    assert len(store.records("donations")) == 1
    with store.transaction() as connection:
        assert len(connection.execute(select(outbox)).all()) == 1
    # The key is per kind: a message may carry a key a donation used.
    assert store.add("messages", "MSG", "fr", {"n": 3}, key="same").created


def test_another_process_sees_the_key_too(store: Store, url: str) -> None:
    store.add("donations", "DON", "fr", {"n": 1}, key="shared")
    elsewhere = open_store({"DATABASE_URL": url})  # a second worker, its own connections
    assert not elsewhere.add("donations", "DON", "fr", {"n": 2}, key="shared").created
    elsewhere.engine.dispose()


def _add_many(url: str, worker: int, count: int, barrier, results) -> None:
    store = open_store({"DATABASE_URL": url})
    barrier.wait()
    created = 0
    for index in range(count):
        data = {"worker": worker, "index": index, "pad": "x" * 500}
        created += store.add("donations", "DON", "en", data, mails=["thanks"]).created
        # Every worker also sends the same double click at the same moments.
        created += store.add("donations", "DON", "en", {"twin": index}, key=f"twin-{index}").created
    results.put((worker, created))


def test_concurrent_writers_lose_nothing_and_double_nothing(store: Store, url: str) -> None:
    workers, each = 6, 25
    context = multiprocessing.get_context("fork")
    store.engine.dispose()  # no connection crosses the fork
    barrier, results = context.Barrier(workers), context.Queue()
    processes = [
        context.Process(target=_add_many, args=(url, w, each, barrier, results))
        for w in range(workers)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)
        assert process.exitcode == 0
    created = sum(results.get(timeout=5)[1] for _ in processes)
    records = store.records("donations")
    assert created == len(records) == workers * each + each
    seen = {(r.data["worker"], r.data["index"]) for r in records if "worker" in r.data}
    assert seen == {(w, i) for w in range(workers) for i in range(each)}
    assert sorted(r.data["twin"] for r in records if "twin" in r.data) == list(range(each))
    assert len({r.reference for r in records}) == len(records)
    with store.transaction() as connection:
        assert len(connection.execute(select(outbox)).all()) == workers * each


def test_events_are_kept_apart_from_records(store: Store) -> None:
    record = store.add("messages", "MSG", "en", {"text": "hello"}).record
    store.add_event(record.id, "mail_sent", {"message_id": "<1@x>"})
    [event] = store.events("messages")
    assert (event.record_id, event.type, dict(event.detail)) == (
        record.id, "mail_sent", {"message_id": "<1@x>"},
    )  # fmt: skip
    assert event.at.tzinfo == dt.UTC
    assert store.events("donations") == []
    assert store.get(record.id) == record  # the record itself is unchanged


def test_purge_deletes_old_records_with_their_events_and_leaves_a_trace(
    store: Store, url: str
) -> None:
    old = store.add("donations", "DON", "fr", {"name": "Ada Lovelace"}, mails=["thanks"]).record
    new = store.add("donations", "DON", "fr", {"name": "Grace Hopper"}, mails=["thanks"]).record
    store.add_event(old.id, "mail_sent")
    with store.transaction(write=True) as connection:  # as if it were years old
        connection.execute(
            update(submissions)
            .where(submissions.c.id == old.id)
            .values(created=dt.datetime(2019, 1, 1, tzinfo=dt.UTC))
        )
    cutoff = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    assert store.purge("donations", cutoff) == (1, 0)
    assert [r.id for r in store.records("donations")] == [new.id]
    assert store.find("donations", old.reference) is None
    assert store.events("donations") == []
    with store.transaction() as connection:
        assert [row.submission_id for row in connection.execute(select(outbox))] == [new.id]
        [trace] = connection.execute(select(purges)).all()
    assert (trace.kind, trace.cutoff, trace.removed) == ("donations", cutoff, 1)
    assert store.purge("donations", cutoff) == (0, 0)
    assert [removed for _, _, removed in store.purge_log("donations")] == [1, 0]
    if url.startswith("sqlite"):
        # Overwritten, not merely unlinked: the name is nowhere in the files.
        database = Path(url.removeprefix("sqlite:///"))
        store.engine.dispose()
        for path in database.parent.glob(database.name + "*"):
            assert b"Ada Lovelace" not in path.read_bytes(), path.name
            assert b"Grace Hopper" in path.read_bytes() or path.name != database.name


def refusing_writes(store: Store, url: str) -> Store:
    """The same database, now refusing writes: full (SQLite's own SQLITE_FULL,
    without filling a disk) or read-only (PostgreSQL)."""
    if url.startswith("sqlite"):
        with store.engine.connect() as connection:
            pages = connection.exec_driver_sql("PRAGMA page_count").scalar()
        full = open_store({"DATABASE_URL": url})

        @event.listens_for(full.engine, "connect")
        def no_room(dbapi_connection, _record) -> None:
            dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

        return full
    database = url.rsplit("/", 1)[1]
    with store.engine.connect() as connection:
        connection.execute(
            text(f"ALTER DATABASE {database} SET default_transaction_read_only = on")
        )
        connection.commit()
    store.engine.dispose()
    return store


def test_a_database_that_refuses_a_write_keeps_nothing_of_it(store: Store, url: str) -> None:
    store.add("donations", "DON", "fr", {"n": 0})
    broken = refusing_writes(store, url)
    with pytest.raises(StoreUnavailable):
        broken.add("donations", "DON", "fr", {"n": 1, "pad": "x" * 100_000}, mails=["thanks"])
    assert [r.data for r in broken.records("donations")] == [{"n": 0}]
    with broken.transaction() as connection:
        assert connection.execute(select(outbox)).all() == []


def test_the_health_probe_fails_on_a_read_only_database(store: Store, url: str) -> None:
    store.check_writable()
    if url.startswith("sqlite"):
        path = url.removeprefix("sqlite:///")
        read_only = open_store({"DATABASE_URL": f"sqlite:///file:{path}?mode=ro&uri=true"})
    else:
        read_only = refusing_writes(store, url)
    with pytest.raises(StoreUnavailable):
        read_only.check_writable()


BROKEN_REVISION = """
from alembic import op
import sqlalchemy as sa

revision = "9999"
down_revision = "HEAD"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("half_done", sa.Column("id", sa.Integer, primary_key=True))
    op.add_column("submissions", sa.Column("extra", sa.String(10)))
    op.execute("SELECT * FROM a_table_that_does_not_exist")


def downgrade():
    pass
"""


def test_a_migration_that_fails_leaves_the_database_as_it_was(store: Store, tmp_path: Path) -> None:
    store.add("donations", "DON", "fr", {"n": 1})
    extra = tmp_path / "broken-versions"
    extra.mkdir()
    head = max(migrate.head_revisions())
    (extra / "9999_broken.py").write_text(BROKEN_REVISION.replace("HEAD", head))
    with pytest.raises(Exception, match="a_table_that_does_not_exist"):
        migrate.upgrade(store.engine, version_locations=[extra])
    inspector = inspect(store.engine)
    assert "half_done" not in inspector.get_table_names()
    assert "extra" not in {column["name"] for column in inspector.get_columns("submissions")}
    assert migrate.current_revisions(store.engine) == {head}
    assert len(store.records("donations")) == 1
    shutil.rmtree(extra)


def test_an_empty_sqlite_database_is_created_at_the_latest_revision(tmp_path: Path) -> None:
    store = open_store({"DATA_DIR": str(tmp_path)})
    assert (tmp_path / "iuc.sqlite3").exists()
    assert migrate.is_current(store.engine)
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
    assert {"submissions", "events", "outbox", "purges"} <= set(
        inspect(store.engine).get_table_names()
    )
    store.engine.dispose()


def test_events_cannot_point_nowhere(store: Store) -> None:
    with pytest.raises(exc.IntegrityError), store.transaction(write=True) as connection:
        connection.execute(
            insert(events).values(
                submission_id="nobody", type="x", at=dt.datetime.now(dt.UTC), detail={}
            )
        )
