"""Render the pages of a PDF to PNG files to look at them (pypdfium2, a dev dependency):
``python scripts/pdf_pages.py FILE.pdf OUT_DIR [--scale 1.5]``."""

from __future__ import annotations

import argparse
from pathlib import Path

import pypdfium2


def render_pages(pdf: Path, out: Path, scale: float = 1.5) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    document = pypdfium2.PdfDocument(pdf)
    written = []
    try:
        for number in range(len(document)):
            image = document[number].render(scale=scale).to_pil()
            path = out / f"{pdf.stem}-{number + 1}.png"
            image.save(path)
            written.append(path)
    finally:
        document.close()
    return written


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("pdf", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--scale", type=float, default=1.5)
    args = parser.parse_args()
    for path in render_pages(args.pdf, args.out, args.scale):
        print(path)
