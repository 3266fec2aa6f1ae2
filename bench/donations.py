"""Post donations concurrently to gunicorn, kill a worker mid-run, check the store.

    .venv/bin/python bench/donations.py [--donations 400] [--clients 16] [--workers 4]

Reports throughput, and whether every donation the site acknowledged (a 303
to its confirmation) is in the store exactly once, with every line valid JSON.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import signal
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.common import gunicorn, worker_pids

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


def post(host: str, port: int, data: str, cookie: str) -> str | None:
    connection = http.client.HTTPConnection(host, port, timeout=30)
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


def one_donation(host: str, port: int, twice: bool) -> list[str | None]:
    """GET the form, POST it (twice at once, like a double click, when ``twice``).

    Returns the reference of each acknowledged POST, None for the others.
    """
    connection = http.client.HTTPConnection(host, port, timeout=30)
    try:
        connection.request("GET", "/en/donate/")
        page = connection.getresponse()
        body = page.read().decode()
        cookie = page.getheader("Set-Cookie", "").split(";")[0]
    except (OSError, http.client.HTTPException):
        return [None]
    finally:
        connection.close()
    data = urlencode({**FORM, **dict(HIDDEN.findall(body))})
    if not twice:
        return [post(host, port, data, cookie)]
    results: list[str | None] = [None, None]

    def send(slot: int) -> None:
        results[slot] = post(host, port, data, cookie)

    pair = [threading.Thread(target=send, args=(slot,)) for slot in (0, 1)]
    for thread in pair:
        thread.start()
    for thread in pair:
        thread.join()
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--donations", type=int, default=400)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="iuc-bench-"))
    env = {"IUC_DATA_DIR": str(data_dir), "IUC_RATELIMIT_ENABLED": "0",
           "IUC_SECRET_KEY": "bench-" + "k" * 40}  # fmt: skip
    acknowledged: list[str] = []
    failures = Counter()
    lock = threading.Lock()
    remaining = iter(range(args.donations))

    with gunicorn("iuc_portal:create_app()", args.workers, env) as (base, master):
        parts = urlsplit(base)

        def client() -> None:
            while True:
                with lock:
                    number = next(remaining, None)
                if number is None:
                    return
                twice = number % 10 == 0  # every tenth gift is a double click
                references = one_donation(parts.hostname, parts.port, twice)
                with lock:
                    for reference in references:
                        if reference:
                            acknowledged.append(reference)
                        else:
                            failures["not acknowledged"] += 1
                    if twice and references[0] and references[0] == references[1]:
                        failures["double clicks answered with one gift"] += 1

        threads = [threading.Thread(target=client) for _ in range(args.clients)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        while len(acknowledged) < args.donations // 3:
            time.sleep(0.01)
        victim = worker_pids(master.pid)[0]
        os.kill(victim, signal.SIGKILL)
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started

    lines = (data_dir / "donations.jsonl").read_text().splitlines()
    valid, torn = [], 0
    for line in lines:
        try:
            valid.append(json.loads(line))
        except json.JSONDecodeError:
            torn += 1
    stored = Counter(record["reference"] for record in valid)
    missing = [r for r in set(acknowledged) if stored[r] == 0]
    repeated = [r for r in set(acknowledged) if stored[r] > 1]
    gifts = len(set(acknowledged))

    print(f"workers: {args.workers}, clients: {args.clients}, killed worker pid {victim}")
    print(f"donations: {args.donations} (every tenth posted twice at once), "
          f"acknowledged posts: {len(acknowledged)}, distinct gifts: {gifts}, "
          f"posts not acknowledged: {failures['not acknowledged']}")  # fmt: skip
    print(
        f"double clicks answered with one gift: {failures['double clicks answered with one gift']}"
    )
    print(f"throughput: {gifts / elapsed:.1f} gifts/s over {elapsed:.1f} s "
          f"(GET form + POST each)")  # fmt: skip
    print(f"store: {len(lines)} lines, {len(valid)} valid, {torn} torn")
    print(f"acknowledged but missing: {len(missing)}; stored more than once: {len(repeated)}")
    ok = not missing and not repeated
    print(
        "RESULT:",
        "every acknowledged donation is stored exactly once" if ok else "LOSS OR DUPLICATE",
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
