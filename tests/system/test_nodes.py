"""Several site processes and machines on one database: nothing lost, doubled or mailed twice."""

from __future__ import annotations

import http.client
from urllib.parse import urlencode, urlsplit

import pytest

from bench.common import gunicorn
from bench.donations import FORM, HIDDEN, run
from tests.servers import Postgres, Redis


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_concurrent_gifts_with_a_worker_killed(database: str) -> None:
    """bench/donations.py, small: double clicks, a SIGKILLed worker, the site's own mail loop."""
    result = run(database, donations=40, clients=6, workers=2)
    print(result.report())
    assert not result.missing, "acknowledged gifts missing"
    assert not result.doubled, "gifts stored twice"
    assert result.mailed_twice == 0
    assert len(result.mails) == sum(result.stored.values())
    assert result.double_clicks_one_gift == result.double_clicks >= 2


def post_form(base: str, cookie: str, body: str) -> int:
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
    connection.request("POST", "/en/donate/", body=body, headers=headers)
    status = connection.getresponse().status
    connection.close()
    return status


def test_rate_limits_are_shared_between_machines_through_redis(
    postgres: Postgres, redis_server: Redis, tmp_path
) -> None:
    env = {
        "IUC_DATA_DIR": str(tmp_path / "var"),
        "IUC_SECRET_KEY": "nodes-" + "k" * 40,
        "IUC_DATABASE_URL": postgres.url(postgres.new_database(template=postgres.template)),
        "IUC_RATELIMIT_STORAGE_URL": redis_server.url,
        "IUC_FORM_RATE_LIMIT": "3 per minute",
    }
    with (
        gunicorn("iuc_portal:create_app()", 1, env) as (first, _),
        gunicorn("iuc_portal:create_app()", 1, env) as (second, _),
    ):
        parts = urlsplit(first)
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        connection.request("GET", "/en/donate/")
        page = connection.getresponse()
        cookie = page.getheader("Set-Cookie").split(";")[0]
        hidden = dict(HIDDEN.findall(page.read().decode()))
        connection.close()
        # Invalid on purpose (no email): each post counts, none is stored.
        body = urlencode({**FORM, **hidden, "email": ""})
        statuses = [post_form(base, cookie, body) for base in (first, second, first, second)]
    assert statuses == [200, 200, 200, 429]
