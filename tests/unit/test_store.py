"""The append-only store loses nothing: concurrent writers, torn lines, repeats, purges."""

from __future__ import annotations

import datetime as dt
import json
import logging
import multiprocessing
from pathlib import Path

import pytest

from iuc_portal.submissions import REFERENCE_ALPHABET, JsonlStore


@pytest.fixture
def store(tmp_path: Path) -> JsonlStore:
    return JsonlStore(tmp_path)


def test_a_submission_is_stored_once_with_its_metadata(store: JsonlStore) -> None:
    saved = store.add("donations", "DON", "fr", {"amount": "25.50"}, key="k1")
    assert saved.created
    record = saved.record
    prefix, first, second = record.reference.split("-")
    assert prefix == "DON"
    assert len(first) == len(second) == 4
    assert set(first + second) <= set(REFERENCE_ALPHABET)
    assert record.locale == "fr"
    assert record.schema == 1
    assert record.created.tzinfo == dt.UTC
    assert store.find("donations", record.reference) == record
    assert store.get("donations", record.id) == record
    line = json.loads((store.directory / "donations.jsonl").read_text())
    assert line["data"] == {"amount": "25.50"}
    assert line["created"].endswith("Z")


def test_the_same_key_returns_the_first_record(store: JsonlStore) -> None:
    first = store.add("donations", "DON", "fr", {"n": 1}, key="same")
    again = store.add("donations", "DON", "fr", {"n": 2}, key="same")
    assert not again.created
    assert again.record == first.record
    assert len(store.records("donations")) == 1


def test_another_process_sees_the_key_too(store: JsonlStore) -> None:
    store.add("donations", "DON", "fr", {"n": 1}, key="shared")
    elsewhere = JsonlStore(store.directory)  # a second worker, with its own index
    assert not elsewhere.add("donations", "DON", "fr", {"n": 2}, key="shared").created


def _append_many(directory: str, worker: int, count: int, barrier) -> None:
    store = JsonlStore(directory)
    barrier.wait()
    for index in range(count):
        store.add("donations", "DON", "en", {"worker": worker, "index": index, "pad": "x" * 500})


def test_concurrent_appends_from_processes_lose_nothing_and_never_interleave(
    tmp_path: Path,
) -> None:
    workers, each = 6, 60
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(workers)
    processes = [
        context.Process(target=_append_many, args=(str(tmp_path), w, each, barrier))
        for w in range(workers)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=60)
        assert process.exitcode == 0
    lines = (tmp_path / "donations.jsonl").read_text().splitlines()
    assert len(lines) == workers * each
    seen = {
        (json.loads(line)["data"]["worker"], json.loads(line)["data"]["index"]) for line in lines
    }
    assert seen == {(w, i) for w in range(workers) for i in range(each)}
    references = [json.loads(line)["reference"] for line in lines]
    assert len(set(references)) == len(references)


def test_a_torn_last_line_is_skipped_and_the_next_append_stands_alone(
    store: JsonlStore, caplog: pytest.LogCaptureFixture
) -> None:
    before = store.add("donations", "DON", "fr", {"n": 1}).record
    path = store.directory / "donations.jsonl"
    with path.open("ab") as handle:  # a worker killed in the middle of a write
        handle.write(b'{"id":"dead","reference":"DON-XXXX')
    with caplog.at_level(logging.WARNING, logger="iuc_portal.submissions"):
        assert [r.id for r in JsonlStore(store.directory).records("donations")] == [before.id]
        after = JsonlStore(store.directory).add("donations", "DON", "fr", {"n": 2}).record
        records = JsonlStore(store.directory).records("donations")
    assert [r.id for r in records] == [before.id, after.id]
    assert "torn" in caplog.text or "unfinished" in caplog.text
    assert path.read_text().count("\n") == 3  # old record, ended torn line, new record
    assert store.find("donations", after.reference) == after


def test_events_are_kept_apart_from_records(store: JsonlStore) -> None:
    record = store.add("messages", "MSG", "en", {"text": "hello"}).record
    store.add_event("messages", record.id, "mail_sent", {"message_id": "<1@x>"})
    events = store.events("messages")
    assert [(e.record_id, e.type) for e in events] == [(record.id, "mail_sent")]
    assert "mail_sent" not in (store.directory / "messages.jsonl").read_text()


def test_purge_removes_old_records_and_records_the_removal(store: JsonlStore) -> None:
    old = store.add("donations", "DON", "fr", {"n": 1}).record
    new = store.add("donations", "DON", "fr", {"n": 2}).record
    cutoff = new.created + dt.timedelta(seconds=1)
    path = store.directory / "donations.jsonl"
    # Backdate the first record, as if it were years old.
    lines = path.read_text().splitlines()
    lines[0] = lines[0].replace(
        old.created.isoformat().replace("+00:00", "Z"), "2019-01-01T00:00:00Z"
    )
    path.write_text("\n".join(lines) + "\n")
    removed = store.purge("donations", cutoff - dt.timedelta(days=365))
    assert removed == 1
    assert [r.id for r in store.records("donations")] == [new.id]
    assert store.find("donations", old.reference) is None
    assert [(e.record_id, e.type) for e in store.events("donations")] == [(old.id, "purged")]
    assert not list(store.directory.glob("*.tmp"))
    assert store.purge("donations", cutoff - dt.timedelta(days=365)) == 0


def test_kinds_are_names_not_paths(store: JsonlStore) -> None:
    with pytest.raises(ValueError, match="not a kind"):
        store.add("../etc", "X", "fr", {})


def test_an_idle_worker_sees_purges_made_by_another(tmp_path: Path) -> None:
    """Two purges may give the new file the old file's inode: the index must not go stale."""
    idle = JsonlStore(tmp_path)
    first = idle.add("donations", "DON", "fr", {"n": 1}, key="early").record
    busy = JsonlStore(tmp_path)
    future = first.created + dt.timedelta(days=1)
    for round_ in range(2):
        busy.add("donations", "DON", "fr", {"n": round_}, key=f"round{round_}")
        busy.purge("donations", future)
    late = busy.add("donations", "DON", "fr", {"n": 9}, key="late").record
    again = idle.add("donations", "DON", "fr", {"n": 9}, key="late")
    assert not again.created
    assert again.record == late
    assert idle.find("donations", late.reference) == late
    assert idle.find("donations", first.reference) is None
    assert [r.id for r in idle.records("donations")] == [late.id]


def test_purge_keeps_lines_it_cannot_date(store: JsonlStore) -> None:
    store.add("donations", "DON", "fr", {"n": 1})
    path = store.directory / "donations.jsonl"
    with path.open("ab") as handle:
        handle.write(b'{"a line from a future schema": true}\n')
    assert store.purge("donations", dt.datetime(2999, 1, 1, tzinfo=dt.UTC)) == 1
    assert path.read_bytes() == b'{"a line from a future schema": true}\n'


def test_a_busy_delivery_lock_is_not_waited_for(store: JsonlStore) -> None:
    with store.exclusive("messages", "delivery") as first:
        assert first
        with JsonlStore(store.directory).exclusive("messages", "delivery", wait=False) as second:
            assert second is False
    with store.exclusive("messages", "delivery", wait=False) as free:
        assert free
