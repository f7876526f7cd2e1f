"""Documents for people to print or send: HTML made into PDF."""

from __future__ import annotations

from typing import Protocol


class PdfWriter(Protocol):
    def unavailable_reason(self) -> str | None:
        """Why PDFs cannot be made here (English, for logs), or None when they can."""
        ...

    def html_to_pdf(self, html: str) -> bytes:
        """A PDF of a self-contained HTML page (inline CSS and SVG, no external resources),
        its text in the fonts shipped with mpdesk; raises ``PdfUnavailableError``."""
        ...
