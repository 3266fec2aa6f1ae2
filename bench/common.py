"""Starting the site under gunicorn for a benchmark, as `make run` would."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The donation form shows only once the publisher's facts name who receives gifts.
PUBLISHER = ROOT / "tests" / "data" / "publisher.example.json"
GUNICORN = Path(sys.executable).with_name("gunicorn")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=2) as response:
            if response.status == 200:
                return
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


@contextlib.contextmanager
def gunicorn(
    app: str,
    workers: int,
    env: dict[str, str] | None = None,
    health: str = "/healthz",
    log: Path | None = None,
) -> Iterator[tuple[str, subprocess.Popen]]:
    """Serve ``app`` with the project's gunicorn.conf.py on a free loopback port.

    ``log`` receives what gunicorn prints (the access log among it).
    """
    port = free_port()
    output = log.open("wb") if log else subprocess.DEVNULL
    environ = {**os.environ, **(env or {})}
    # workers=0 leaves the count to gunicorn.conf.py (from the CPU count).
    environ.pop("WEB_CONCURRENCY", None)
    if workers:
        environ["WEB_CONCURRENCY"] = str(workers)
    process = subprocess.Popen(
        [str(GUNICORN), "-c", str(ROOT / "gunicorn.conf.py"), "--bind", f"127.0.0.1:{port}", app],
        cwd=ROOT,
        env=environ,
        stdout=output,
        stderr=subprocess.STDOUT if log else subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base + health)
        yield base, process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        if log:
            output.close()


def worker_pids(master: int) -> list[int]:
    result = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True)
    return [int(pid) for pid in result.stdout.split()]
