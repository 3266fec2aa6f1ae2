"""nginx in front, as deployed: slow clients cost nginx, not gunicorn; one host; safe caching.

Real nginx (Debian's) and real gunicorn on a unix socket, from deploy/nginx.conf.
"""

from __future__ import annotations

import http.client
import shutil
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from deploy.nginx import Proxy
from tests.conftest import EXAMPLE_PUBLISHER
from tests.servers import free_port
from tests.stripe_stub import SECRET_KEY, WEBHOOK_SECRET


@pytest.fixture(scope="module")
def proxy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Proxy]:
    if shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists():
        pytest.fail("nginx is not installed: `make test` installs it (apt-get install nginx)")
    home = tmp_path_factory.mktemp("proxy")
    proxy = Proxy(
        home, free_port(), free_port(),
        env={"IUC_DATA_DIR": str(home / "var"), "IUC_PUBLISHER_FILE": str(EXAMPLE_PUBLISHER),
             "IUC_PAYMENT_PROVIDER": "stripe", "IUC_STRIPE_SECRET_KEY": SECRET_KEY,
             "IUC_STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
             "IUC_STRIPE_API_BASE": "http://127.0.0.1:9"},
    )  # fmt: skip
    proxy.start()
    yield proxy
    proxy.stop()


def tls() -> ssl.SSLContext:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # the test's own self-signed certificate
    return context


def get(
    proxy: Proxy, path: str, headers: dict | None = None, host: str = "localhost", **kw
) -> http.client.HTTPResponse:
    connection = http.client.HTTPSConnection(
        "127.0.0.1", proxy.https_port, context=tls(), timeout=kw.pop("timeout", 10)
    )
    connection.request(kw.pop("method", "GET"), path, body=kw.pop("body", None),
                       headers={"Host": host, **(headers or {})})  # fmt: skip
    response = connection.getresponse()
    response.body = response.read()  # type: ignore[attr-defined]
    connection.close()
    return response


def test_idle_and_slow_clients_do_not_take_the_site_down(proxy: Proxy) -> None:
    held: list[socket.socket] = []
    stop = threading.Event()

    def slow_headers(sock: ssl.SSLSocket) -> None:
        try:
            sock.sendall(b"GET /fr/ HTTP/1.1\r\nHost: localhost\r\n")
            while not stop.wait(0.5):
                sock.sendall(b"X-Slow: 1\r\n")  # a header line now and then, never the end
        except OSError:
            pass

    try:
        for _ in range(50):  # connected, and silent
            held.append(socket.create_connection(("127.0.0.1", proxy.https_port)))
        for _ in range(50):
            sock = tls().wrap_socket(socket.create_connection(("127.0.0.1", proxy.https_port)))
            held.append(sock)
            threading.Thread(target=slow_headers, args=(sock,), daemon=True).start()
        time.sleep(1)
        started = time.monotonic()
        response = get(proxy, "/healthz", timeout=5)
        assert response.status == 200
        assert time.monotonic() - started < 1.0  # gunicorn's 2 workers were never held
    finally:
        stop.set()
        for sock in held:
            sock.close()


def test_a_body_larger_than_a_form_is_refused_even_chunked(proxy: Proxy) -> None:
    connection = http.client.HTTPSConnection("127.0.0.1", proxy.https_port, context=tls())
    chunks = (b"x" * 1024 for _ in range(70))
    connection.request("POST", "/fr/contacts/", body=chunks, encode_chunked=True,
                       headers={"Host": "localhost",
                                "Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
    assert connection.getresponse().status == 413


def test_a_host_that_is_not_the_sites_gets_no_page(proxy: Proxy) -> None:
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        get(proxy, "/fr/", host="evil.example")


def test_plain_http_goes_to_https_and_https_is_strict(proxy: Proxy) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", proxy.http_port)
    connection.request("GET", "/fr/?a=1", headers={"Host": "localhost"})
    redirect = connection.getresponse()
    assert redirect.status == 301
    assert redirect.getheader("Location") == f"{proxy.site_url}/fr/?a=1"
    page = get(proxy, "/fr/")
    assert page.headers.get_all("Strict-Transport-Security") == [
        "max-age=63072000; includeSubDomains"
    ]
    assert f'href="{proxy.site_url}/fr/"' in page.body.decode()  # links use IUC_SITE_URL


def test_public_pages_are_cached_and_pages_with_a_form_never(proxy: Proxy) -> None:
    get(proxy, "/en/departments/")
    assert get(proxy, "/en/departments/").getheader("X-Cache") == "HIT"
    first, second = get(proxy, "/en/donate/"), get(proxy, "/en/donate/")
    assert second.getheader("X-Cache") != "HIT"
    assert first.getheader("Set-Cookie") != second.getheader("Set-Cookie")


def test_an_htmx_fragment_is_never_served_as_the_page(proxy: Proxy) -> None:
    htmx = {"HX-Request": "true", "HX-Target": "department-results"}
    fragment = get(proxy, "/fr/services/?q=poumon", headers=htmx)
    assert b"<html" not in fragment.body
    assert "private" in fragment.getheader("Cache-Control")
    restore = get(proxy, "/fr/services/?q=poumon",
                  headers={**htmx, "HX-History-Restore-Request": "true"})  # fmt: skip
    assert b"<html" in restore.body
    for _ in range(2):  # and whatever came before, a plain visit gets the whole page
        assert b"<html" in get(proxy, "/fr/services/?q=poumon").body


def test_static_files_come_from_nginx_with_their_cache_headers(proxy: Proxy) -> None:
    [css] = [path.name for path in (Path(__file__).parents[2] / "static/dist/css").glob("*.css")]
    response = get(proxy, f"/static/dist/css/{css}")
    assert response.status == 200
    assert response.getheader("Cache-Control") == "public, max-age=31536000, immutable"
    assert response.getheader("X-Request-ID") is None  # nginx answered, not the site


def test_the_webhook_reaches_the_site_unbuffered_and_uncached(proxy: Proxy) -> None:
    response = get(proxy, "/payments/stripe/webhook", method="POST", body=b"{}",
                   headers={"Stripe-Signature": "t=1,v1=0"})  # fmt: skip
    assert response.status == 400  # the site's answer: the signature is wrong
    assert response.getheader("X-Request-ID")
    assert response.getheader("X-Cache") is None
