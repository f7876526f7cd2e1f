"""The PDF adapter: WeasyPrint with the fonts shipped in the package, nothing else fetched."""

from __future__ import annotations

import pytest
from tests.pdf_support import pdf_fonts, pdf_text, require_pdf

from mpdesk.adapters.pdf import FONTS_DIR, WeasyPrintWriter, _fonts_only_fetcher


def test_shipped_fonts_come_with_their_licence() -> None:
    assert {p.name for p in FONTS_DIR.iterdir()} == {
        "DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "LICENSE-DejaVu.txt",
    }  # fmt: skip
    licence = (FONTS_DIR / "LICENSE-DejaVu.txt").read_text(encoding="utf-8")
    assert "Bitstream" in licence and "Permission is hereby granted" in licence


def test_only_the_shipped_fonts_are_fetched() -> None:
    require_pdf()
    import weasyprint

    fetcher = _fonts_only_fetcher(weasyprint)
    font = fetcher.fetch((FONTS_DIR / "DejaVuSans.ttf").as_uri())
    assert font.read()[:4] == b"\x00\x01\x00\x00"  # a TrueType font
    for url in ("file:///etc/passwd", "http://127.0.0.1:9/x.png", (FONTS_DIR / "x.ttf").as_uri()):
        with pytest.raises(ValueError):
            fetcher.fetch(url)


def test_html_with_outside_links_still_makes_a_pdf_in_the_shipped_font() -> None:
    require_pdf()
    html = (
        '<html><head><link rel="stylesheet" href="file:///etc/passwd"></head><body>'
        "<h1>Претензия</h1><p>Съешь же ещё этих мягких французских булок — 235,00 ₽</p>"
        '<img src="http://127.0.0.1:9/x.png"></body></html>'
    )
    pdf = WeasyPrintWriter().html_to_pdf(html)
    assert "Съешь же ещё этих мягких французских булок — 235,00 ₽" in pdf_text(pdf)
    assert pdf_fonts(pdf) <= {"DejaVu-Sans", "DejaVu-Sans-Bold"}


def test_the_shipped_font_files_are_the_ones_loaded(monkeypatch: pytest.MonkeyPatch) -> None:
    """Not the system's DejaVu: the fonts come from the package, so a machine without them
    prints the same document."""
    require_pdf()
    import mpdesk.adapters.pdf as adapter

    fetched: list[str] = []
    make = adapter._fonts_only_fetcher

    def logging_fetcher(weasyprint: object) -> object:
        fetcher = make(weasyprint)
        fetch = fetcher.fetch

        def log(url: str, headers: object = None) -> object:
            fetched.append(url)
            return fetch(url, headers)

        fetcher.fetch = log
        return fetcher

    monkeypatch.setattr(adapter, "_fonts_only_fetcher", logging_fetcher)
    WeasyPrintWriter().html_to_pdf("<p>Привет, <b>мир</b></p>")
    assert sorted(fetched) == sorted((FONTS_DIR / n).as_uri() for n in adapter._FONTS)
