"""A receipt as a tagged PDF (PDF/UA-1) that a screen reader can read.

WeasyPrint turns the stored HTML into a tagged PDF: the document's language,
its title, a structure tree from the headings, paragraphs and tables. Two
things it leaves out are added with pikepdf: the language of the English
courtesy translation (``<section lang="en">`` becomes a /Sect without /Lang)
and the scope of table header cells (/Scope on each /TH, which checkers
look for). The same stored HTML always gives the same bytes: the file's
identifier comes from the receipt's number.

WeasyPrint is imported when a receipt is printed, not when the site starts:
web processes that never print one stay lighter by some 35 MB.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

import pikepdf

from .document import Document


def _children(node: pikepdf.Dictionary) -> list[pikepdf.Dictionary]:
    kids = node.get("/K")
    if kids is None:
        return []
    kids = kids if isinstance(kids, pikepdf.Array) else [kids]
    return [kid for kid in kids if isinstance(kid, pikepdf.Dictionary) and "/S" in kid]


def _elements(node: pikepdf.Dictionary) -> Iterator[pikepdf.Dictionary]:
    for kid in _children(node):
        yield kid
        yield from _elements(kid)


def complete_tags(pdf_bytes: bytes, section_languages: list[str]) -> bytes:
    """Add what WeasyPrint leaves out of the structure tree (see the module's docstring)."""
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        elements = list(_elements(pdf.Root.StructTreeRoot))
        for row in (e for e in elements if e.S == "/TR"):
            cells = _children(row)
            referenced = {
                str(header)
                for cell in cells
                if cell.S == "/TD" and "/A" in cell
                for header in cell.A.get("/Headers", [])
            }
            for header in (c for c in cells if c.S == "/TH"):
                scope = "/Row" if str(header.get("/ID", "")) in referenced else "/Column"
                if "/A" not in header:
                    header.A = pikepdf.Dictionary(O=pikepdf.Name.Table)
                header.A.Scope = pikepdf.Name(scope)
        sections = [e for e in elements if e.S == "/Sect"]
        for section, language in zip(sections, section_languages, strict=False):
            section.Lang = pikepdf.String(language)
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True)
        return out.getvalue()


def render(document: Document) -> bytes:
    """The receipt's PDF, from the HTML stored when it was issued."""
    from weasyprint import HTML  # here, not at the top: see the docstring

    raw = HTML(string=document.html).write_pdf(
        pdf_variant="pdf/ua-1", pdf_identifier=document.number.encode("ascii")
    )
    return complete_tags(raw, ["en"] if document.english else [])
