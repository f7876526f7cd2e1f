"""PDF from HTML with WeasyPrint, in the DejaVu Sans font shipped in ``fonts/`` (Bitstream Vera
licence, ``fonts/LICENSE-DejaVu.txt``), so a document looks the same and keeps its Cyrillic on
any machine.

WeasyPrint loads Pango, HarfBuzz and fontconfig from the system when it is imported; without
them the import fails with ``OSError``. The import is deferred to the first PDF, so the rest of
mpdesk runs without those libraries and a PDF request says what is missing
(``PdfUnavailableError``).
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from mpdesk.domain.errors import PdfUnavailableError

FONTS_DIR = Path(__file__).resolve().parent / "fonts"
FAMILY = "DejaVu Sans"  # the family the report, chart and claim templates ask for

_FONT_FACES = "\n".join(
    f'@font-face {{ font-family: "{FAMILY}"; font-weight: {weight}; '
    f'src: url("{(FONTS_DIR / name).as_uri()}"); }}'
    for name, weight in (("DejaVuSans.ttf", "normal"), ("DejaVuSans-Bold.ttf", "bold"))
)
#: the shipped font for every text (page size and margins: each template's ``@page``)
_PAGE_CSS = f"""{_FONT_FACES}
html, body, table, svg, svg text {{ font-family: "{FAMILY}", sans-serif; }}
"""


class WeasyPrintWriter:
    """``PdfWriter`` on WeasyPrint. Thread-safe: a lock guards the one-time import."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._module: Any = None
        self._problem: str | None = None
        self._tried = False

    def _load(self) -> Any:
        with self._lock:
            if not self._tried:
                self._tried = True
                try:
                    import weasyprint

                    self._module = weasyprint
                except (ImportError, OSError) as exc:
                    self._problem = f"{type(exc).__name__}: {exc}"
            return self._module

    def unavailable_reason(self) -> str | None:
        self._load()
        return self._problem

    def html_to_pdf(self, html: str) -> bytes:
        weasyprint = self._load()
        if weasyprint is None:
            raise PdfUnavailableError(problem=self._problem or "weasyprint missing")
        from weasyprint.text.fonts import FontConfiguration

        fetcher = _fonts_only_fetcher(weasyprint)
        fonts = FontConfiguration()
        css = weasyprint.CSS(string=_PAGE_CSS, font_config=fonts, url_fetcher=fetcher)
        document = weasyprint.HTML(string=html, base_url=FONTS_DIR.as_uri(), url_fetcher=fetcher)
        pdf: bytes = document.write_pdf(stylesheets=[css], font_config=fonts)
        return pdf


def _fonts_only_fetcher(weasyprint: Any) -> Any:
    """The documents are self-contained: only the shipped fonts are read, nothing else (no
    network, no other file), whatever a template or a person's text might link to."""

    class FontsOnly(weasyprint.urls.URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            path = Path(url.removeprefix("file://"))
            if url.startswith("file://") and path.parent == FONTS_DIR and path.suffix == ".ttf":
                return weasyprint.urls.URLFetcherResponse(
                    url, path.read_bytes(), {"Content-Type": "font/ttf"}
                )
            raise ValueError(f"external resource refused: {url[:80]}")

    return FontsOnly()
