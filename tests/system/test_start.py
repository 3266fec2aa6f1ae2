"""A site that cannot run says why in one line and stops, gunicorn's master included."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from bench.common import ROOT
from tests.servers import free_port

GUNICORN = Path(sys.executable).with_name("gunicorn")


def test_stripe_without_its_secret_key_stops_gunicorn_with_one_line(tmp_path: Path) -> None:
    env = {**os.environ, "IUC_DATA_DIR": str(tmp_path), "IUC_PAYMENT_PROVIDER": "stripe",
           "IUC_STRIPE_WEBHOOK_SECRET": "whsec_x", "IUC_STRIPE_SECRET_KEY": ""}  # fmt: skip
    result = subprocess.run(
        [str(GUNICORN), "-c", str(ROOT / "gunicorn.conf.py"), "--bind", f"127.0.0.1:{free_port()}",
         "--workers", "2", "iuc_portal:create_app()"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode != 0  # the master stopped instead of restarting workers forever
    ours = [line for line in result.stderr.splitlines() if line.startswith("iuc_portal:")]
    assert ours, result.stderr
    assert set(ours) == {
        "iuc_portal: IUC_STRIPE_SECRET_KEY must be set when IUC_PAYMENT_PROVIDER=stripe"
    }
    # No frame of the site's code in any traceback: the refusal is one line of ours. (When
    # two workers stop at once, gunicorn 27's arbiter may print its own HaltServer.)
    assert not re.search(r'File "[^"]*/iuc_portal/', result.stderr), result.stderr
