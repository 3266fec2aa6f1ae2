"""Post donations concurrently, kill a worker mid-run, and count what was kept and mailed.

    .venv/bin/python bench/donations.py [--donations 400] [--clients 16] [--workers 4]

Runs twice: on SQLite (one gunicorn, as ``make run`` serves) and on
PostgreSQL (two gunicorn instances standing for two machines, sharing rate
limits through Redis; each gift's form is fetched from one and posted to the
other). Every tenth gift is posted twice at once, like a double click; one
worker is SIGKILLed a third of the way in. The site's own delivery loop
sends the acknowledgements to a local SMTP server.

Prints, per database: posts acknowledged (a 303 to the confirmation), gifts
stored, acknowledged gifts missing or stored twice, mails received and mails
received twice, and throughput; then the PostgreSQL / SQLite ratio.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import re
import signal
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from sqlalchemy import select, update

from bench.common import PUBLISHER, gunicorn, worker_pids
from iuc_portal.store import migrate, open_store
from iuc_portal.store.schema import outbox, submissions
from tests.servers import Postgres, Redis
from tests.smtp import Inbox, SmtpServer, free_port

FORM = {
    "frequency": "one_off",
    "donor_type": "individual",
    "preset": "50",
    "given_name": "Bench",
    "family_name": "Mark",
    "email": "bench@example.org",
    "address_line1": "1 rue du Test",
    "postal_code": "75013",
    "city": "Paris",
    "country": "FR",
}
HIDDEN = re.compile(r'name="(csrf_token|submission_key)" type="hidden" value="([^"]*)"')


def post(base: str, data: str, cookie: str) -> str | None:
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
        connection.request("POST", "/en/donate/", body=data, headers=headers)
        answer = connection.getresponse()
        answer.read()
        if answer.status != 303:
            return None
        return answer.getheader("Location").rsplit("/", 1)[-1]
    except (OSError, http.client.HTTPException):
        return None  # the worker was killed under this request: not acknowledged
    finally:
        connection.close()


def one_donation(form_from: str, post_to: list[str]) -> list[str | None]:
    """GET the form from one instance, POST it to each of ``post_to`` at once.

    Returns the reference of each acknowledged POST, None for the others.
    """
    parts = urlsplit(form_from)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request("GET", "/en/donate/")
        page = connection.getresponse()
        body = page.read().decode()
        cookie = page.getheader("Set-Cookie", "").split(";")[0]
    except (OSError, http.client.HTTPException):
        return [None] * len(post_to)
    finally:
        connection.close()
    data = urlencode({**FORM, **dict(HIDDEN.findall(body))})
    results: list[str | None] = [None] * len(post_to)

    def send(slot: int) -> None:
        results[slot] = post(post_to[slot], data, cookie)

    posts = [threading.Thread(target=send, args=(slot,)) for slot in range(len(post_to))]
    for thread in posts:
        thread.start()
    for thread in posts:
        thread.join()
    return results


@dataclass
class Result:
    database: str
    instances: int
    workers: int
    donations: int
    acknowledged: list[str] = field(default_factory=list)
    not_acknowledged: int = 0
    double_clicks_one_gift: int = 0
    double_clicks: int = 0
    stored: Counter = field(default_factory=Counter)
    mails: Counter = field(default_factory=Counter)
    leased_by_the_dead: int = 0  # mails the killed worker had claimed: sent once its lease ran out
    elapsed: float = 0.0
    killed: int | None = None

    @property
    def gifts(self) -> set[str]:
        return set(self.acknowledged)

    @property
    def missing(self) -> list[str]:
        return [r for r in self.gifts if self.stored[r] == 0]

    @property
    def doubled(self) -> list[str]:
        return [r for r in self.stored if self.stored[r] > 1]

    @property
    def mailed_twice(self) -> int:
        return sum(1 for count in self.mails.values() if count > 1)

    @property
    def ok(self) -> bool:
        return (
            bool(self.acknowledged)  # a run where no gift got through proves nothing
            and not self.missing
            and not self.doubled
            and not self.mailed_twice
            and len(self.mails) == sum(self.stored.values())
            and self.double_clicks_one_gift == self.double_clicks
        )

    def report(self) -> str:
        stored = sum(self.stored.values())
        return "\n".join(
            [
                f"{self.database}: {self.instances} instance(s) x {self.workers} workers, "
                f"worker {self.killed} SIGKILLed",
                f"  gifts: {self.donations} (every tenth posted twice at once); acknowledged "
                f"posts: {len(self.acknowledged)}, distinct gifts: {len(self.gifts)}, "
                f"posts not acknowledged: {self.not_acknowledged}",
                f"  double clicks (both posts answered) answered with one gift: "
                f"{self.double_clicks_one_gift}/{self.double_clicks}",
                f"  stored: {stored}; acknowledged but missing: {len(self.missing)}; "
                f"stored twice: {len(self.doubled)}",
                f"  mailed: {len(self.mails)} of {stored}; mailed twice: {self.mailed_twice}; "
                f"claimed by the killed worker, sent after its lease: {self.leased_by_the_dead}",
                f"  throughput: {len(self.gifts) / self.elapsed:.1f} gifts/s over "
                f"{self.elapsed:.1f} s (GET form + POST each)",
            ]
        )


@contextlib.contextmanager
def servers(database: str) -> Iterator[tuple[str | None, str | None]]:
    """(IUC_DATABASE_URL, IUC_RATELIMIT_STORAGE_URL) for a run, servers started as needed."""
    if database == "sqlite":
        yield None, None
        return
    postgres, redis = Postgres(), Redis()
    postgres.start()
    redis.start()
    try:
        yield postgres.url(postgres.new_database()), redis.url
    finally:
        redis.stop()
        postgres.stop()


def run(database: str, donations: int, clients: int, workers: int) -> Result:
    instances = 1 if database == "sqlite" else 2
    result = Result(database, instances, workers, donations)
    inbox = SmtpServer(port=free_port(), inbox=Inbox())
    inbox.start()
    data_dir = Path(tempfile.mkdtemp(prefix="iuc-bench-"))
    with servers(database) as (database_url, limits_url), contextlib.ExitStack() as stack:
        env = {
            "IUC_DATA_DIR": str(data_dir),
            "IUC_SECRET_KEY": "bench-" + "k" * 40,
            "IUC_SMTP_URL": inbox.url,
            "IUC_MAIL_FROM": "bench@iuc.example",
            "IUC_MAIL_WORKER": "1",
            "IUC_RATELIMIT_ENABLED": "0",
            "IUC_PUBLISHER_FILE": str(PUBLISHER),
        }
        if database_url:
            env["IUC_DATABASE_URL"] = database_url
            env["IUC_RATELIMIT_STORAGE_URL"] = limits_url
            setup = open_store({"DATABASE_URL": database_url})
            migrate.upgrade(setup.engine)  # the deployment's `db upgrade` step
            setup.engine.dispose()
        sites = [
            stack.enter_context(gunicorn("iuc_portal:create_app()", workers, env))
            for _ in range(instances)
        ]
        bases = [base for base, _ in sites]
        lock = threading.Lock()
        remaining = iter(range(donations))

        def client() -> None:
            while True:
                with lock:
                    number = next(remaining, None)
                if number is None:
                    return
                twice = number % 10 == 0  # every tenth gift is a double click
                form_from = bases[number % len(bases)]
                post_to = bases[(number + 1) % len(bases)]
                targets = [post_to, bases[number % len(bases)]] if twice else [post_to]
                references = one_donation(form_from, targets)
                with lock:
                    for reference in references:
                        if reference:
                            result.acknowledged.append(reference)
                        else:
                            result.not_acknowledged += 1
                    if twice and all(references):  # a post the killed worker held has no answer
                        result.double_clicks += 1
                        result.double_clicks_one_gift += references[0] == references[1]

        threads = [threading.Thread(target=client) for _ in range(clients)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        while len(result.acknowledged) < donations // 3 and any(t.is_alive() for t in threads):
            time.sleep(0.01)
        result.killed = worker_pids(sites[0][1].pid)[0]
        os.kill(result.killed, signal.SIGKILL)
        for thread in threads:
            thread.join()
        result.elapsed = time.perf_counter() - started

        store = open_store({"DATABASE_URL": database_url, "DATA_DIR": str(data_dir)})
        with store.transaction() as connection:
            result.stored = Counter(connection.execute(select(submissions.c.reference)).scalars())
        result.leased_by_the_dead = wait_for_mail(store, inbox, sum(result.stored.values()))
        store.engine.dispose()
    inbox.stop()
    result.mails = Counter(message["Message-ID"] for message in inbox.inbox.messages)
    return result


def wait_for_mail(store, inbox: SmtpServer, expected: int, patience: float = 60) -> int:
    """Wait for the site to mail every stored gift; return how many had to wait for a lease.

    A mail the killed worker had claimed waits for its lease to run out (minutes).
    Once nothing else is left to send, its lease is ended here by hand, as the
    passing of that time would end it.
    """
    deadline = time.monotonic() + patience
    released, seen, quiet_since = 0, -1, time.monotonic()
    while len(inbox.inbox.messages) < expected and time.monotonic() < deadline:
        time.sleep(0.2)
        if len(inbox.inbox.messages) != seen:
            seen, quiet_since = len(inbox.inbox.messages), time.monotonic()
            continue
        if time.monotonic() - quiet_since < 2:
            continue
        with store.transaction(write=True) as connection:
            pending = connection.execute(
                select(outbox.c.id, outbox.c.lease_until).where(outbox.c.state == "pending")
            ).all()
            if pending and all(row.lease_until is not None for row in pending):
                released += connection.execute(
                    update(outbox).where(outbox.c.state == "pending").values(lease_until=None)
                ).rowcount
    return released


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--donations", type=int, default=400)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    results = [
        run(db, args.donations, args.clients, args.workers) for db in ("sqlite", "postgresql")
    ]
    for result in results:
        print(result.report())
    sqlite, postgres = results
    if sqlite.gifts:
        ratio = (len(postgres.gifts) / postgres.elapsed) / (len(sqlite.gifts) / sqlite.elapsed)
        print(f"throughput PostgreSQL (2 instances) / SQLite (1 instance): {ratio:.2f}")
    ok = all(result.ok for result in results)
    print(
        "RESULT:",
        "every acknowledged gift stored once and mailed once" if ok else "LOSS OR DUPLICATE",
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
