"""nginx in front of gunicorn, as production runs them, on one machine.

    python deploy/nginx.py run [--port 8443]     # what `make run-proxy PORT=8443` does

fills deploy/nginx.conf's @NAME@ placeholders for a local try (a self-signed
certificate for localhost, gunicorn on a unix socket under var/proxy/), then
runs gunicorn and nginx in the foreground until Ctrl-C. The tests use
``Proxy`` the same way. On a server, fill the template by hand (README,
"In production") and let systemd run both.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "deploy" / "nginx.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
MIME_TYPES = Path("/etc/nginx/mime.types")

MAIN = """# nginx's main file for a local run: the site's file included as Debian does.
worker_processes 1;
pid {home}/nginx.pid;
error_log stderr warn;
daemon off;
{user}
events {{ worker_connections 1024; }}
http {{
    include {mime_types};
    default_type application/octet-stream;
    access_log {home}/access.log;
    client_body_temp_path {home}/body;
    proxy_temp_path {home}/proxy;
    fastcgi_temp_path {home}/fastcgi;
    uwsgi_temp_path {home}/uwsgi;
    scgi_temp_path {home}/scgi;
    sendfile on;
    server_tokens off;
    include {site};
}}
"""


def self_signed_certificate(home: Path, name: str) -> tuple[Path, Path]:
    certificate, key = home / "tls.crt", home / "tls.key"
    if not certificate.exists():
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30",
             "-subj", f"/CN={name}", "-addext", f"subjectAltName=DNS:{name}",
             "-keyout", str(key), "-out", str(certificate)],
            check=True, capture_output=True,
        )  # fmt: skip
    return certificate, key


def render(values: dict[str, str]) -> str:
    text = TEMPLATE.read_text(encoding="utf-8")
    for name, value in values.items():
        text = text.replace(f"@{name}@", value)
    left = re.findall(r"@[A-Z_]+@", text)
    if left:
        raise ValueError(f"placeholders left in the nginx configuration: {', '.join(left)}")
    return text


@dataclass
class Proxy:
    """gunicorn on a unix socket and nginx in front, in ``home``, on loopback ports."""

    home: Path
    https_port: int
    http_port: int
    server_name: str = "localhost"
    env: dict[str, str] = field(default_factory=dict)
    workers: int = 2
    processes: list[subprocess.Popen] = field(default_factory=list)

    @property
    def socket(self) -> Path:
        return self.home / "gunicorn.sock"

    @property
    def site_url(self) -> str:
        suffix = "" if self.https_port == 443 else f":{self.https_port}"
        return f"https://{self.server_name}{suffix}"

    def configure(self) -> Path:
        self.home.mkdir(parents=True, exist_ok=True)
        certificate, key = self_signed_certificate(self.home, self.server_name)
        suffix = "" if self.https_port == 443 else f":{self.https_port}"
        site = self.home / "iuc-portal.conf"
        site.write_text(
            render(
                {
                    "SOCKET": str(self.socket),
                    "CACHE_DIR": str(self.home / "cache"),
                    "HTTP_PORT": str(self.http_port),
                    "HTTPS_PORT": str(self.https_port),
                    "HTTPS_PORT_SUFFIX": suffix,
                    "SERVER_NAME": self.server_name,
                    "TLS_CERTIFICATE": str(certificate),
                    "TLS_KEY": str(key),
                    "STATIC_ROOT": str(ROOT / "static"),
                }
            ),
            encoding="utf-8",
        )
        main = self.home / "nginx.conf"
        main.write_text(
            MAIN.format(
                home=self.home,
                site=site,
                mime_types=MIME_TYPES,
                # As root, nginx's workers would drop to a user that cannot reach the socket.
                user="user root;" if os.geteuid() == 0 else "",
            ),
            encoding="utf-8",
        )
        return main

    def start(self, output: int | None = subprocess.DEVNULL) -> None:
        main = self.configure()
        environ = {
            **os.environ,
            "IUC_SITE_URL": self.site_url,
            "IUC_PROXY_COUNT": "1",
            "WEB_CONCURRENCY": str(self.workers),
            **self.env,
        }
        self.socket.unlink(missing_ok=True)
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.processes.append(
            subprocess.Popen(
                [str(gunicorn), "-c", str(ROOT / "gunicorn.conf.py"),
                 "--bind", f"unix:{self.socket}", "iuc_portal:create_app()"],
                cwd=ROOT, env=environ, stdout=output, stderr=output,
            )
        )  # fmt: skip
        self._wait(lambda: self.socket.exists(), "gunicorn")
        self.processes.append(
            subprocess.Popen(
                [NGINX, "-c", str(main), "-p", str(self.home)], stdout=output, stderr=output
            )
        )
        self._wait(lambda: (self.home / "nginx.pid").exists(), "nginx")

    def _wait(self, ready, name: str, seconds: float = 30) -> None:
        deadline = time.monotonic() + seconds
        while not ready():
            if time.monotonic() > deadline or any(p.poll() is not None for p in self.processes):
                self.stop()
                raise RuntimeError(f"{name} did not start")
            time.sleep(0.1)

    def stop(self) -> None:
        for process in reversed(self.processes):
            process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        self.processes.clear()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["run"])
    parser.add_argument("--port", type=int, default=8443, help="https port (http: the next one)")
    args = parser.parse_args()
    if not Path(NGINX).exists():
        print("nginx is not installed: apt-get install nginx", file=sys.stderr)
        return 2
    proxy = Proxy(ROOT / "var" / "proxy", args.port, args.port + 1)
    proxy.start(output=None)
    print(f"serving {proxy.site_url}/ (self-signed certificate: your browser will ask);"
          f" http://localhost:{args.port + 1}/ redirects there. Ctrl-C stops both.")  # fmt: skip
    try:
        while all(process.poll() is None for process in proxy.processes):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        proxy.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
