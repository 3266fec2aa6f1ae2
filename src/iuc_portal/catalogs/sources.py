"""From the sources to the catalogs: extract the template, update and start catalogs.

Entries keep the file they come from and are ordered by it, so a page's
paragraphs stay together in Poedit; line numbers are left out, so that moving
code does not rewrite every catalog. Headers name the project and version
from ``pyproject.toml`` and, in a new catalog, the plural rule translation
tools expect for its language.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from datetime import UTC, datetime
from pathlib import Path

import click
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from iuc_portal.build import catalog_paths
from iuc_portal.paths import PACKAGE_DIR

from .header import PLACEHOLDER_VALUES, language_name, plural_forms_line

TEMPLATE = "messages.pot"
TEMPLATE_COMMENT = (
    "# Every text of the {project} website, in English: the template each language's\n"
    "# catalog is made from. Written by make i18n-extract; docs/TRANSLATING.md says more."
)
CATALOG_COMMENT = (
    "# {language} texts of the {project} website.\n"
    "# Translators: docs/TRANSLATING.md says how to translate, check and preview them."
)
# One set of extraction options, for `make i18n-extract` and for the staleness check.
EXTRACT_OPTIONS = [
    "--mapping-file", "babel.cfg",
    "--add-location", "file", "--sort-by-file",
    "--add-comments", "Translators:", "--strip-comments",
]  # fmt: skip


def project_root() -> Path:
    root = PACKAGE_DIR.parents[1]
    if not (root / "babel.cfg").is_file():
        raise click.ClickException("catalog chores run in a checkout of the project (babel.cfg)")
    return root


def project() -> tuple[str, str]:
    """(name, version) from the checkout's pyproject.toml."""
    with (project_root() / "pyproject.toml").open("rb") as handle:
        meta = tomllib.load(handle)["project"]
    return meta["name"], meta["version"]


def read_catalog(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def write_catalog(path: Path, catalog: Catalog) -> None:
    """Write ``catalog``, unless only its dates would change: review shows real changes."""
    scratch = path.with_name(path.name + ".tmp")
    with scratch.open("wb") as handle:
        write_po(handle, catalog, ignore_obsolete=True, include_lineno=False)
    if path.is_file() and _without_dates(path.read_bytes()) == _without_dates(scratch.read_bytes()):
        scratch.unlink()
    else:
        scratch.replace(path)


def _without_dates(po: bytes) -> bytes:
    return re.sub(rb'^"(POT-Creation|PO-Revision)-Date: [^"]*"$', b"", po, flags=re.MULTILINE)


def babel(*args: str, cwd: Path) -> None:
    command = [sys.executable, "-m", "babel.messages.frontend", "--quiet", *args]
    try:
        subprocess.run(command, cwd=cwd, check=True)
    except subprocess.CalledProcessError as error:
        # pybabel has printed what went wrong (a template syntax error, say).
        raise click.ClickException(f"pybabel {args[0]} failed, see its message above") from error


def extract(root: Path, output: Path) -> None:
    """The template, from templates, code and JSON content."""
    name, version = project()
    scratch = output.with_name(output.name + ".new")
    babel(
        "extract", *EXTRACT_OPTIONS, "--project", name, "--version", version,
        "--header-comment", TEMPLATE_COMMENT.format(project=name),
        "--output-file", str(scratch), ".", cwd=root,
    )  # fmt: skip
    if output.is_file() and _without_dates(output.read_bytes()) == _without_dates(
        scratch.read_bytes()
    ):
        scratch.unlink()
    else:
        scratch.replace(output)


def _fill_header(catalog: Catalog, code: str) -> None:
    catalog.project, catalog.version = project()
    catalog.header_comment = CATALOG_COMMENT.format(
        language=language_name(code), project=catalog.project
    )
    if any(p in (catalog.msgid_bugs_address or "") for p in PLACEHOLDER_VALUES):
        catalog.msgid_bugs_address = ""
    if any(p in (catalog.language_team or "") for p in PLACEHOLDER_VALUES):
        catalog.language_team = language_name(code)
    if any(p in (catalog.last_translator or "") for p in PLACEHOLDER_VALUES):
        catalog.last_translator = ""


def update(translations: Path) -> list[Path]:
    """Merge the template into every catalog: new entries empty, gone ones dropped."""
    template = read_catalog(translations / TEMPLATE)
    changed = []
    for path in catalog_paths(translations):
        code = path.parent.parent.name
        before = path.read_bytes()
        catalog = read_catalog(path, code)
        # No guessing from similar entries: a guess looks translated to a hurried eye.
        catalog.update(template, no_fuzzy_matching=True)
        _fill_header(catalog, code)
        write_catalog(path, catalog)
        if path.read_bytes() != before:
            changed.append(path)
    return changed


def init(translations: Path, code: str) -> Path:
    path = translations / code / "LC_MESSAGES" / "messages.po"
    if path.exists():
        raise click.ClickException(f"{path} already exists: run make i18n-update instead")
    catalog = read_catalog(translations / TEMPLATE, code)
    catalog.locale = code
    catalog.fuzzy = False
    catalog.revision_date = datetime.now(UTC)
    _fill_header(catalog, code)
    if forms := plural_forms_line(code):
        catalog.mime_headers = [("Plural-Forms", forms)]
    path.parent.mkdir(parents=True, exist_ok=True)
    write_catalog(path, catalog)
    return path
