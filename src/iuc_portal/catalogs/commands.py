"""``flask --app iuc_portal i18n ...``: the commands behind the Makefile's ``i18n-*`` targets."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from iuc_portal.build import catalog_paths, compile_catalogs
from iuc_portal.completeness import catalog_stats

from .check import check_all, check_template, formatted_entries
from .sources import TEMPLATE, extract, init, project_root, read_catalog, update

i18n = AppGroup("i18n", help="Translation catalogs: extract, update, compile, init, check, status.")


def _translations() -> Path:
    return Path(current_app.config["TRANSLATIONS_DIR"])


def _need_toolkit() -> None:
    try:
        import translate.filters.checks  # noqa: F401
    except ImportError:
        raise click.ClickException(
            "this command needs translate-toolkit: run it through make "
            "(make i18n-check installs it), or pip install -e '.[translate]'"
        ) from None


@i18n.command("extract")
def extract_command() -> None:
    """Collect strings from Python, templates and JSON into messages.pot."""
    extract(project_root(), _translations() / TEMPLATE)
    click.echo(f"wrote {_translations() / TEMPLATE}")


@i18n.command("update")
def update_command() -> None:
    """Extract, then merge the template into every catalog."""
    root = project_root()
    extract(root, _translations() / TEMPLATE)
    changed = update(_translations())
    for path in changed:
        click.echo(f"updated {path}")
    if changed:
        click.echo("translate the new entries, then run make i18n-compile")
    else:
        click.echo("the catalogs were already up to date")


@i18n.command("compile")
def compile_command() -> None:
    """Compile every catalog, with statistics per language."""
    for mo_path, left_out in compile_catalogs(_translations()):
        stats = catalog_stats(mo_path.with_suffix(".po"))
        click.echo(
            f"{mo_path.parent.parent.name}: {stats.translated} of {stats.total} translated "
            f"({stats.percent:.0f}%), {stats.fuzzy} fuzzy -> {mo_path}"
        )
        for line in left_out:  # the English shows there; make i18n-check says what to do
            click.echo(f"  {line}", err=True)


@i18n.command("init")
@click.argument("locale")
def init_command(locale: str) -> None:
    """Start the catalog of a new language, e.g. `de`."""
    _need_toolkit()
    path = init(_translations(), locale)
    click.echo(
        f"Created {path}. Translate it, and see it as you go with make preview "
        f"(docs/TRANSLATING.md). The site offers the language once it reaches "
        f"{current_app.config['LOCALE_THRESHOLD']}%."
    )


@i18n.command("check")
def check_command() -> None:
    """Fail, naming file, line and entry, on anything that would show a visitor a broken page."""
    _need_toolkit()
    root = project_root()
    committed = read_catalog(_translations() / TEMPLATE)
    with tempfile.TemporaryDirectory() as scratch:
        fresh_path = Path(scratch) / TEMPLATE
        extract(root, fresh_path)
        fresh = read_catalog(fresh_path)
    problems = check_template(fresh, committed, _translations() / TEMPLATE)
    problems += check_all(
        _translations(),
        committed,
        current_app.config["SHIPPED_LOCALES"],
        formatted_entries(fresh),
        current_app.extensions["iuc_content"],
    )
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        raise click.ClickException(f"{len(problems)} problem(s) in the catalogs")
    click.echo("catalogs: all good")


@dataclass(frozen=True)
class Row:
    locale: str
    translated: int
    fuzzy: int
    untranslated: int
    percent: float
    state: str


def status_rows(translations: Path, shipped: Iterable[str], threshold: int) -> list[Row]:
    rows = []
    for po_path in catalog_paths(translations):
        locale = po_path.parent.parent.name
        stats = catalog_stats(po_path)
        if locale in shipped:
            state = "shipped"
        elif not po_path.with_suffix(".mo").is_file():
            state = "not compiled"
        elif stats.percent >= 100:
            state = "offered"
        elif stats.percent >= threshold:
            state = "preview (noindex)"
        else:
            state = f"not offered (below {threshold}%; make preview shows it)"
        rows.append(
            Row(locale, stats.translated, stats.fuzzy, stats.untranslated, stats.percent, state)
        )
    return rows


@i18n.command("status")
def status_command() -> None:
    """Completeness of each language, read from its .po file."""
    rows = status_rows(
        _translations(),
        current_app.config["SHIPPED_LOCALES"],
        current_app.config["LOCALE_THRESHOLD"],
    )
    click.echo(f"{'locale':8} {'translated':>10} {'fuzzy':>6} {'untranslated':>12} {'%':>7}  state")
    for row in rows:
        click.echo(
            f"{row.locale:8} {row.translated:10} {row.fuzzy:6} {row.untranslated:12} "
            f"{row.percent:6.1f}%  {row.state}"
        )
