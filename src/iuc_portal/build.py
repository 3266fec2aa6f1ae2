"""Build steps that run before the site is served: never at start, never in an installed package.

    python src/iuc_portal/build.py [--static DIR] [--translations DIR]

- Static files get copies named by their content's hash under ``static/dist/``,
  listed in ``static/dist/manifest.json``, each precompressed with gzip and
  brotli, so WhiteNoise can serve them for a year as immutable.
- ``.po`` catalogs are compiled to ``.mo``.

``make install`` and the wheel's build hook (``hatch_build.py``) both call
this, by its path: it imports nothing from the package (so not Flask), only
the standard library, Babel, WhiteNoise and brotli, and so runs in the wheel's
isolated build environment.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import tempfile
from pathlib import Path

from babel.messages.catalog import Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from whitenoise.compress import Compressor

DIST = "dist"
MANIFEST = "manifest.json"


def hashed_name(relative: Path, content: bytes) -> Path:
    digest = hashlib.sha256(content).hexdigest()[:12]
    return relative.with_name(f"{relative.stem}.{digest}{relative.suffix}")


def build_static(static_dir: Path) -> dict[str, str]:
    """Hashed, compressed copies of every static file; returns the manifest."""
    dist = static_dir / DIST
    if dist.exists():
        shutil.rmtree(dist)
    manifest: dict[str, str] = {}
    compressor = Compressor(quiet=True)
    sources = sorted(
        path for path in static_dir.rglob("*") if path.is_file() and DIST not in path.parts
    )
    for source in sources:
        relative = source.relative_to(static_dir)
        content = source.read_bytes()
        target = dist / hashed_name(relative, content)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
        manifest[relative.as_posix()] = target.relative_to(static_dir).as_posix()
        if compressor.should_compress(target.name):
            compressor.compress(str(target))
    (dist / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return manifest


class _AnyValue(dict):
    """Formats like the values the site passes, whatever their names."""

    def __missing__(self, key: str) -> int:
        return 1


def formats(text: str) -> bool:
    """``text % values`` works, and no ``%`` stands alone (it must be written ``%%``)."""
    if re.search(r"%(?!\()", text.replace("%%", "")):
        return False
    try:
        text % _AnyValue()
    except (ValueError, TypeError, KeyError):
        return False
    return True


def _forms(message: Message) -> tuple[str, ...]:
    return message.string if isinstance(message.string, tuple) else (message.string,)


def site_formats(message: Message) -> bool:
    """Whether the site %-formats this entry when it shows it.

    Python formats a string given values (Babel flags those python-format);
    Jinja's gettext formats every template string, values or not. JSON content
    is never formatted.
    """
    return message.python_format or any(p.startswith("templates/") for p, _ in message.locations)


def catalog_paths(translations_dir: Path) -> list[Path]:
    """Each language's ``messages.po``, in order."""
    return sorted(translations_dir.glob("*/LC_MESSAGES/messages.po"))


def _formatting_problem(message: Message) -> str | None:
    """Why a translation would break the page that %-formats it, if it would."""
    if not site_formats(message):
        return None
    if all(formats(form) for form in _forms(message) if form):
        return None
    return "a % sign breaks the formatting; write %% for a percent sign"


def compile_catalog(po_path: Path) -> tuple[Path, list[str]]:
    """Compile one ``messages.po``; fuzzy entries are left out, as pybabel does.

    So is a translation whose placeholders the page could not fill (``%(telefono)s``
    for ``%(phone)s``, a lone ``%``): the English shows instead of an error page.
    Returns the ``.mo`` and a line for each translation left out. The ``.mo`` is
    replaced in one step, so a running site never reads half of one.
    """
    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale=po_path.parent.parent.name)
    left_out = []
    checked = {id(message): [str(error) for error in errors] for message, errors in catalog.check()}
    for message in catalog:
        if not message.id or message.fuzzy or not any(_forms(message)):
            continue
        reasons = checked.get(id(message), [])
        reasons += [problem] if (problem := _formatting_problem(message)) else []
        if reasons:
            english = message.id if isinstance(message.id, str) else message.id[0]
            left_out.append(
                f'{po_path}:{message.lineno}: "{english}": left out ({"; ".join(reasons)})'
            )
            message.string = ("",) * len(message.string) if message.pluralizable else ""
    mo_path = po_path.with_suffix(".mo")
    # A scratch file of its own: workers starting together may each compile it.
    with tempfile.NamedTemporaryFile(dir=mo_path.parent, prefix=".messages-", delete=False) as out:
        scratch = Path(out.name)
        try:
            write_mo(out, catalog, use_fuzzy=False)
        except BaseException:
            scratch.unlink()
            raise
    scratch.chmod(0o644)  # as a compiled file is anywhere else, not tempfile's 0600
    scratch.replace(mo_path)
    return mo_path, left_out


def compile_catalogs(translations_dir: Path) -> list[tuple[Path, list[str]]]:
    """Compile each language's ``messages.po``."""
    return [compile_catalog(po_path) for po_path in catalog_paths(translations_dir)]


def main(argv: list[str] | None = None) -> None:
    root = Path(__file__).resolve().parents[2]
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--static", type=Path, default=root / "static")
    parser.add_argument("--translations", type=Path, default=root / "translations")
    parser.add_argument("--only", choices=["static", "catalogs"])
    args = parser.parse_args(argv)
    if args.only != "catalogs":
        manifest = build_static(args.static)
        print(f"static: {len(manifest)} files hashed into {args.static / DIST}")
    if args.only != "static":
        for mo_path, left_out in compile_catalogs(args.translations):
            print(f"compiled {mo_path}", *left_out, sep="\n  ")


if __name__ == "__main__":
    main()
