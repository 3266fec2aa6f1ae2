"""Throughput of content pages against a minimal Flask app, under the same gunicorn settings.

    .venv/bin/python bench/pages.py [--seconds 4] [--connections 16]

Starts gunicorn as configured (gunicorn.conf.py, workers from the CPU count)
for the site, for the site with its page cache off, and for a "hello" app;
runs wrk against home, a department page, the department search and the two
form pages in both languages; prints requests per second, latency percentiles, and the ratio
page / hello measured in this one run (the machine is shared: absolute figures
vary from run to run, ratios much less).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.common import PUBLISHER, gunicorn

PAGES = [
    "/fr/",
    "/en/",
    "/fr/services/pneumologie",
    "/en/departments/pneumology",
    "/fr/services/?q=poumon",
    "/en/departments/?q=lung",
]
# Pages with a form: private (a CSRF token per visitor), so never served stored.
FORM_PAGES = ["/fr/faire-un-don/", "/en/donate/", "/fr/contacts/", "/en/contacts/"]
TARGET = 0.8
FORM_TARGET = 0.25


def wrk(url: str, seconds: int, connections: int) -> dict[str, float]:
    output = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    result = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))}
    for percentile in ("50", "90", "99"):
        match = re.search(rf"^\s+{percentile}%\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE)
        value, unit = float(match.group(1)), match.group(2)
        result[f"p{percentile}"] = value * {"us": 0.001, "ms": 1, "s": 1000}[unit]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    result["errors"] = float(errors.group(1)) if errors else 0.0
    return result


def line(name: str, result: dict[str, float], hello: float) -> str:
    return (
        f"{name:34} {result['rps']:9.0f} {result['p50']:8.2f} {result['p90']:8.2f} "
        f"{result['p99']:8.2f} {result['rps'] / hello:7.2f}"
        + (f"  ({result['errors']:.0f} errors)" if result["errors"] else "")
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=4)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is not installed: `make bench` installs it (apt-get install wrk)")
        return 2
    data_dir = tempfile.mkdtemp(prefix="iuc-bench-")
    site_env = {
        "IUC_DATA_DIR": data_dir,
        "IUC_SECRET_KEY": "bench-" + "k" * 40,
        "IUC_PUBLISHER_FILE": str(PUBLISHER),
    }
    workers = 0  # as configured: gunicorn.conf.py decides from the CPU count

    with gunicorn("bench.hello:create_app()", workers, {}) as (base, _):
        hello = wrk(base + "/hello", args.seconds, args.connections)
    results = {}
    for label, extra in (("", {}), (" (page cache off)", {"IUC_PAGE_CACHE": "0"})):
        with gunicorn("iuc_portal:create_app()", workers, {**site_env, **extra}) as (base, _):
            for page in PAGES + FORM_PAGES:
                results[page + label] = wrk(base + page, args.seconds, args.connections)

    print(f"wrk -t2 -c{args.connections} -d{args.seconds}s; latency in ms\n")
    print(f"{'URL':34} {'req/s':>9} {'p50':>8} {'p90':>8} {'p99':>8} {'/hello':>7}")
    print(line("hello (minimal Flask app)", hello, hello["rps"]))
    for name, result in results.items():
        print(line(name, result, hello["rps"]))
    cached = [results[page]["rps"] / hello["rps"] for page in PAGES]
    print(f"\nlowest page/hello ratio with the page cache: {min(cached):.2f} (target {TARGET})")
    forms = [results[page]["rps"] / hello["rps"] for page in FORM_PAGES]
    print(f"lowest form page/hello ratio: {min(forms):.2f} (target {FORM_TARGET})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
