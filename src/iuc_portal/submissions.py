"""The append-only store for what visitors send: donations and contact messages.

One JSON Lines file per kind (``donations.jsonl``); each submission is one line,
written once and never rewritten. What happens to it later (mail sent, purge)
is an event in ``<kind>.events.jsonl``, keyed by the submission's id.

Every write holds an exclusive ``flock`` on ``<kind>.lock`` and is flushed and
fsynced before it returns, so several gunicorn workers never interleave lines
and a visitor is told "received" only once the line is on disk. A writer killed
mid-line leaves a torn last line: the next writer ends it with a newline before
appending, and readers skip it and log where it is.

``Store`` is the interface; a shared database can replace ``JsonlStore`` when
the site runs on several machines.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import logging
import os
import secrets
import tempfile
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Protocol

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
# Crockford's base 32 without I, L, O, U: nothing to confuse when read out on the phone.
REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_reference(prefix: str) -> str:
    body = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"{prefix}-{body[:4]}-{body[4:]}"


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _iso(moment: dt.datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def _from_iso(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def _line(fields: Mapping[str, Any]) -> str:
    """One JSON line: compact, keys sorted, text as written (no \\u escapes)."""
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


@dataclass(frozen=True)
class Record:
    id: str
    reference: str
    created: dt.datetime
    locale: str
    data: Mapping[str, Any]
    key: str | None = None
    schema: int = SCHEMA_VERSION

    def to_json(self) -> str:
        return _line(
            {
                "id": self.id,
                "reference": self.reference,
                "created": _iso(self.created),
                "locale": self.locale,
                "schema": self.schema,
                "key": self.key,
                "data": dict(self.data),
            }
        )

    @classmethod
    def from_json(cls, line: str) -> Record:
        raw = json.loads(line)
        return cls(
            id=raw["id"],
            reference=raw["reference"],
            created=_from_iso(raw["created"]),
            locale=raw["locale"],
            data=raw["data"],
            key=raw.get("key"),
            schema=raw["schema"],
        )


@dataclass(frozen=True)
class Event:
    record_id: str
    type: str
    at: dt.datetime
    detail: Mapping[str, Any] = field(default_factory=dict)

    def to_json(self) -> str:
        return _line(
            {
                "id": self.record_id,
                "type": self.type,
                "at": _iso(self.at),
                "detail": dict(self.detail),
            }
        )

    @classmethod
    def from_json(cls, line: str) -> Event:
        raw = json.loads(line)
        return cls(
            record_id=raw["id"],
            type=raw["type"],
            at=_from_iso(raw["at"]),
            detail=raw.get("detail") or {},
        )


@dataclass(frozen=True)
class Saved:
    record: Record
    created: bool  # False when the one-time key had already been used


class Store(Protocol):
    def add(
        self, kind: str, prefix: str, locale: str, data: Mapping[str, Any], key: str | None = None
    ) -> Saved: ...

    def find(self, kind: str, reference: str) -> Record | None: ...

    def get(self, kind: str, record_id: str) -> Record | None: ...

    def records(self, kind: str) -> list[Record]: ...

    def add_event(
        self, kind: str, record_id: str, type: str, detail: Mapping[str, Any] | None = None
    ) -> Event: ...

    def events(self, kind: str) -> list[Event]: ...

    def purge(self, kind: str, before: dt.datetime) -> int: ...

    def exclusive(
        self, kind: str, purpose: str, wait: bool = True
    ) -> contextlib.AbstractContextManager[bool]: ...


@dataclass
class _Index:
    """What one process has read of a records file, so each append reads only what is new.

    It keeps the file it indexed open: a purge replaces the file, and while the
    old one is open its inode cannot be given to the new one, so comparing
    inodes always tells a replaced file from the same one.
    """

    handle: BinaryIO | None = None
    offset: int = 0
    by_key: dict[str, int] = field(default_factory=dict)
    by_reference: dict[str, int] = field(default_factory=dict)
    by_id: dict[str, int] = field(default_factory=dict)


def _fsync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class JsonlStore:
    def __init__(self, directory: Path | str) -> None:
        self.directory = Path(directory)
        self._indexes: dict[str, _Index] = {}

    # Files and locks

    def _path(self, kind: str, suffix: str = ".jsonl") -> Path:
        if not kind.isidentifier():
            raise ValueError(f"not a kind of submission: {kind!r}")
        return self.directory / f"{kind}{suffix}"

    @contextlib.contextmanager
    def _locked(self, kind: str, mode: int, suffix: str = ".lock") -> Iterator[None]:
        self.directory.mkdir(parents=True, exist_ok=True)
        with open(self._path(kind, suffix), "a+b") as lock:
            fcntl.flock(lock, mode)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    @contextlib.contextmanager
    def exclusive(self, kind: str, purpose: str, wait: bool = True) -> Iterator[bool]:
        """A lock of its own for a long task (mail delivery) that must not block appends.

        With ``wait=False`` it yields False at once when another process holds it.
        """
        self.directory.mkdir(parents=True, exist_ok=True)
        with open(self._path(kind, f".{purpose}.lock"), "a+b") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _append_line(self, path: Path, line: str) -> int:
        """Append one line under the caller's lock; return the offset where it starts."""
        new_file = not path.exists()
        with open(path, "a+b") as handle:
            handle.seek(0, os.SEEK_END)
            end = handle.tell()
            if end:
                handle.seek(end - 1)
                if handle.read(1) != b"\n":
                    # A writer died mid-line: end that line so ours stands alone.
                    log.warning("ending a torn line at the end of %s", path.name)
                    handle.write(b"\n")
                    end += 1
            handle.write(line.encode("utf-8") + b"\n")
            handle.flush()
            os.fsync(handle.fileno())
        if new_file:
            _fsync_directory(path.parent)
        return end

    def _read_lines(self, path: Path, start: int = 0) -> Iterator[tuple[int, int, bytes]]:
        """(start, end, bytes) of each complete line from ``start``.

        An unfinished last line is left alone: under the lock it can only be
        a torn one, which the next writer ends with a newline.
        """
        if not path.exists():
            return
        with open(path, "rb") as handle:
            handle.seek(start)
            end = start
            for raw in handle:
                begin, end = end, end + len(raw)
                if not raw.endswith(b"\n"):
                    log.warning("unfinished line at byte %d of %s", begin, path.name)
                    return
                yield begin, end, raw

    def _parse(self, path: Path, offset: int, line: bytes, parse: Callable[[str], Any]) -> Any:
        try:
            return parse(line.decode("utf-8"))
        except (ValueError, KeyError, TypeError):
            log.warning("skipping a torn line at byte %d of %s", offset, path.name)
            return None

    def _parse_all(self, path: Path, parse: Callable[[str], Any]) -> list[Any]:
        parsed = (
            self._parse(path, start, line, parse) for start, _, line in self._read_lines(path)
        )
        return [item for item in parsed if item is not None]

    def _refresh(self, kind: str) -> _Index:
        """Bring this process's index up to date with the file (caller holds a lock)."""
        path = self._path(kind)
        index = self._indexes.get(kind) or _Index()
        try:
            stat = path.stat()
        except FileNotFoundError:
            stat = None
        held = os.fstat(index.handle.fileno()) if index.handle else None
        same_file = stat and held and (stat.st_ino, stat.st_dev) == (held.st_ino, held.st_dev)
        if not same_file or stat.st_size < index.offset:
            if index.handle:
                index.handle.close()
            index = _Index(handle=open(path, "rb") if stat else None)  # noqa: SIM115 (kept open)
        self._indexes[kind] = index
        for offset, end, line in self._read_lines(path, index.offset):
            index.offset = end
            record = self._parse(path, offset, line, Record.from_json)
            if record is None:
                continue
            index.by_id[record.id] = offset
            index.by_reference[record.reference] = offset
            if record.key:
                index.by_key[record.key] = offset
        return index

    def _record_at(self, index: _Index, offset: int) -> Record:
        assert index.handle is not None
        index.handle.seek(offset)
        return Record.from_json(index.handle.readline().decode("utf-8"))

    # Submissions

    def add(
        self, kind: str, prefix: str, locale: str, data: Mapping[str, Any], key: str | None = None
    ) -> Saved:
        """Store a submission once. A second call with the same ``key`` returns the first."""
        with self._locked(kind, fcntl.LOCK_EX):
            index = self._refresh(kind)
            if key is not None and key in index.by_key:
                return Saved(self._record_at(index, index.by_key[key]), created=False)
            reference = new_reference(prefix)
            while reference in index.by_reference:
                reference = new_reference(prefix)
            record = Record(
                id=uuid.uuid4().hex,
                reference=reference,
                created=utc_now(),
                locale=locale,
                data=dict(data),
                key=key,
            )
            self._append_line(self._path(kind), record.to_json())
            self._refresh(kind)
            return Saved(record, created=True)

    def find(self, kind: str, reference: str) -> Record | None:
        with self._locked(kind, fcntl.LOCK_SH):
            index = self._refresh(kind)
            offset = index.by_reference.get(reference)
            return None if offset is None else self._record_at(index, offset)

    def get(self, kind: str, record_id: str) -> Record | None:
        with self._locked(kind, fcntl.LOCK_SH):
            index = self._refresh(kind)
            offset = index.by_id.get(record_id)
            return None if offset is None else self._record_at(index, offset)

    def records(self, kind: str) -> list[Record]:
        path = self._path(kind)
        with self._locked(kind, fcntl.LOCK_SH):
            return self._parse_all(path, Record.from_json)

    # Events

    def add_event(
        self, kind: str, record_id: str, type: str, detail: Mapping[str, Any] | None = None
    ) -> Event:
        event = Event(record_id=record_id, type=type, at=utc_now(), detail=dict(detail or {}))
        with self._locked(kind, fcntl.LOCK_EX):
            self._append_line(self._path(kind, ".events.jsonl"), event.to_json())
        return event

    def events(self, kind: str) -> list[Event]:
        path = self._path(kind, ".events.jsonl")
        with self._locked(kind, fcntl.LOCK_SH):
            return self._parse_all(path, Event.from_json)

    # Retention

    def purge(self, kind: str, before: dt.datetime) -> int:
        """Remove submissions created before ``before``; return how many went.

        The kept lines are written to a temporary file that replaces the old one
        by a rename, so a crash leaves either the old file or the new, never half.
        Each removal is recorded as a ``purged`` event, which holds no personal data.
        """
        path = self._path(kind)
        with self._locked(kind, fcntl.LOCK_EX):
            for leftover in self.directory.glob(f".{kind}.*.tmp"):  # from a purge that crashed
                leftover.unlink()
            kept: list[bytes] = []
            removed: list[str] = []
            for start, _, line in self._read_lines(path):
                record = self._parse(path, start, line, Record.from_json)
                if record is not None and record.created < before:
                    removed.append(record.id)
                else:
                    kept.append(line)  # a line we cannot date is kept as it is
            if not removed:
                return 0
            # Record the removals first: a crash before the rename leaves a
            # "purged" event for a record still there (purged again next time),
            # never a removal nobody recorded.
            events = self._path(kind, ".events.jsonl")
            for record_id in removed:
                self._append_line(events, Event(record_id, "purged", utc_now()).to_json())
            fd, temporary = tempfile.mkstemp(dir=self.directory, prefix=f".{kind}.", suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(b"".join(kept))
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(temporary, path)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
            _fsync_directory(self.directory)
            return len(removed)
