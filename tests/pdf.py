"""Reading a receipt as its users' tools do: text extraction, structure, a PDF/UA checker."""

from __future__ import annotations

import io
import unicodedata

import pdfua.rules.structure as structure
import pikepdf
from pdfminer.high_level import extract_text
from pdfua import validate


def text_of_pdf(data: bytes) -> str:
    """The text in reading order, no-break spaces as plain ones, one space between words."""
    text = extract_text(io.BytesIO(data))
    text = text.replace("\u00a0", " ").replace("\u202f", " ")
    return " ".join(unicodedata.normalize("NFC", text).split())


def pdfua_findings(path: str) -> tuple[int, list[str], list[str]]:
    """(exit code, findings, rules not evaluated) of the pdfua checker.

    pdfua 0.1.3 reads a heading's /K as an integer and fails on WeasyPrint's
    arrays, then reports the empty-heading rule as "skipped" while passing:
    the checker's own helper is made to treat an array as "not an integer",
    so the rule really runs.
    """
    original = structure.as_integer

    def as_integer(value):  # type: ignore[no-untyped-def]
        if isinstance(value, pikepdf.Array | pikepdf.Dictionary):
            return None
        return original(value)

    structure.as_integer = as_integer
    try:
        report = validate(path)
    finally:
        structure.as_integer = original
    findings = [f"{f.rule_id}: {f.message}" for f in report.findings]
    skipped = [str(getattr(rule, "rule_id", rule)) for rule in report.skipped]
    return report.exit_code, findings, skipped
