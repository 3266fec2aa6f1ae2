"""Receipt numbers: taken in the transaction that records the receipt, gapless, never shared.

Several processes issue receipts at once, on SQLite and on PostgreSQL; the
numbers of the year are then exactly 1..N.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from iuc_portal import create_app
from iuc_portal.payments import ledger
from iuc_portal.receipts import settle
from iuc_portal.store.schema import receipts
from tests.forms import DONATION

pytestmark = pytest.mark.databases


def _pay_in_a_process(data_dir: str, database_url: str | None, ids: list[str], barrier) -> None:
    app = create_app({"DATA_DIR": data_dir, "DATABASE_URL": database_url, "SECRET_KEY": "n" * 40})
    store = app.extensions["iuc_store"]
    barrier.wait()
    with app.app_context():
        for record_id in ids:
            fact = ledger.Fact(
                ledger.PAID, dt.datetime.now(dt.UTC), record_id=record_id,
                amount=Decimal("50.00"), method="card", key=f"paid:{record_id}",
            )  # fmt: skip
            ledger.record(store, "test", [fact], then=settle)


def test_receipts_issued_at_once_from_several_processes_are_numbered_1_to_n(
    data_dir: Path, database_url: str | None
) -> None:
    app = create_app({"DATA_DIR": str(data_dir), "DATABASE_URL": database_url,
                      "SECRET_KEY": "n" * 40})  # fmt: skip
    store = app.extensions["iuc_store"]
    gifts = [
        store.add("donations", "DON", "fr", {**DONATION, "amount": "50.00"}).record.id
        for _ in range(40)
    ]
    store.engine.dispose()  # nothing crosses the fork
    workers = 4
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(workers)
    processes = [
        context.Process(
            target=_pay_in_a_process,
            args=(str(data_dir), database_url, gifts[w::workers], barrier),
        )
        for w in range(workers)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=180)
        assert process.exitcode == 0
    with store.transaction() as connection:
        rows = connection.execute(select(receipts.c.number, receipts.c.sequence)).all()
    year = dt.date.today().year
    assert sorted(row.sequence for row in rows) == list(range(1, len(gifts) + 1))
    assert {row.number for row in rows} == {f"{year}-{n:06d}" for n in range(1, len(gifts) + 1)}
    store.engine.dispose()
