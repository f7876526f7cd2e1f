"""PDF tests need WeasyPrint's system libraries (Pango, HarfBuzz, fontconfig). Without them the
tests skip with the reason, unless MPDESK_REQUIRE_PDF=1 (CI), where they fail instead."""

from __future__ import annotations

import io
import os

import pytest
from pypdf import PdfReader

from mpdesk.adapters.pdf import WeasyPrintWriter


def require_pdf() -> None:
    problem = WeasyPrintWriter().unavailable_reason()
    if problem is None:
        return
    reason = (
        f"WeasyPrint cannot load its system libraries ({problem}): install "
        "libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libfontconfig1 (see README, PDF)"
    )
    if os.environ.get("MPDESK_REQUIRE_PDF") == "1":
        pytest.fail(f"MPDESK_REQUIRE_PDF=1 but {reason}")
    pytest.skip(reason)


def pdf_text(content: bytes) -> str:
    """The text of every page, as a PDF reader extracts it (one space for any run of spaces)."""
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def pdf_fonts(content: bytes) -> set[str]:
    """The base names of the fonts the pages use (subset prefix dropped)."""
    reader = PdfReader(io.BytesIO(content))
    names = set()
    for page in reader.pages:
        fonts = page["/Resources"].get("/Font", {})
        for ref in fonts.values():
            names.add(str(ref.get_object()["/BaseFont"]).split("+")[-1])
    return names
