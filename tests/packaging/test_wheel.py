"""The wheel, built from a clean copy of the project, runs anywhere.

Built with `python -m build`, installed into a new virtual environment and
started from an unrelated directory, it serves every page in both languages.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import urllib.request
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest

from bench.common import free_port, wait_until_up

ROOT = Path(__file__).resolve().parents[2]


def clean_copy(target: Path) -> None:
    """The files a clone would have: tracked, or new and not ignored. No build output."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT, capture_output=True, check=True,
    ).stdout.decode().split("\0")  # fmt: skip
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = tmp_path_factory.mktemp("source")
    clean_copy(source)
    dist = tmp_path_factory.mktemp("dist")
    # Without --wheel, as a release would: the sdist first, then the wheel built from it.
    subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(dist), str(source)],
        check=True, capture_output=True,
    )  # fmt: skip
    [built] = dist.glob("*.whl")
    return built


def test_the_wheel_carries_what_the_site_reads(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "iuc_portal/templates/base.html" in names
    assert "iuc_portal/translations/fr/LC_MESSAGES/messages.mo" in names
    assert "iuc_portal/static/dist/manifest.json" in names
    assert any(
        n.startswith("iuc_portal/static/dist/css/site.") and n.endswith(".css.br") for n in names
    )
    assert "iuc_portal/data/departments.json" in names
    assert not any(n.startswith(("tests/", "node_modules/")) for n in names)


def test_installed_elsewhere_it_serves_every_page(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run(
        [str(venv / "bin" / "pip"), "install", "--quiet", str(wheel)],
        check=True, capture_output=True,
    )  # fmt: skip
    [package] = venv.glob("lib/python*/site-packages/iuc_portal")
    installed = files_of(package)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    port = free_port()
    server = subprocess.Popen(
        [str(venv / "bin" / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", "1",
         "--no-control-socket", "iuc_portal:create_app()"],
        cwd=elsewhere, env={**os.environ, "IUC_DATA_DIR": str(tmp_path / "var")},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base + "/healthz")
        sitemap = ElementTree.fromstring(urllib.request.urlopen(base + "/sitemap.xml").read())
        pages = [
            loc.text for loc in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")
        ]
        assert any("/fr/" in page for page in pages)
        assert any("/en/" in page for page in pages)
        for page in pages:
            with urllib.request.urlopen(page) as response:
                assert response.status == 200, page
                html = response.read().decode()
            assert ('lang="fr"' if "/fr/" in page else 'lang="en"') in html
        french = urllib.request.urlopen(base + "/fr/").read().decode()
        assert "Accueil" in french  # the compiled catalog is found
        stylesheet = french.split('rel="stylesheet" href="')[1].split('"')[0]
        assert stylesheet.startswith("/static/dist/")
        with urllib.request.urlopen(base + stylesheet) as response:
            assert "immutable" in response.headers["Cache-Control"]
    finally:
        server.terminate()
        server.wait(timeout=20)
    assert (tmp_path / "var").is_dir()
    assert files_of(package) == installed, "the site wrote into its installed package"


def files_of(package: Path) -> set[str]:
    return {
        str(path.relative_to(package))
        for path in package.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
