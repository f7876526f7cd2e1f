"""Rules of the source tree that review alone would miss."""

from __future__ import annotations

from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "mpdesk"


def _sources() -> list[Path]:
    return sorted(SRC.rglob("*.py"))


def test_no_module_is_imported_by_name_at_run_time() -> None:
    probing = [
        p.relative_to(SRC)
        for p in _sources()
        if "import_module(" in (text := p.read_text(encoding="utf-8")) or "__import__(" in text
    ]
    assert probing == []


def test_no_module_reads_the_process_table() -> None:
    assert [p.relative_to(SRC) for p in _sources() if "/proc/" in p.read_text("utf-8")] == []


#: words that name a surface or a second layer, not a concept of the desk
SURFACE_WORDS = {"web", "api", "cli", "page", "pages", "http", "desk", "route", "routes", "ui"}


def test_no_service_module_is_named_after_a_surface() -> None:
    named = [
        p.relative_to(SRC)
        for p in (SRC / "services").rglob("*.py")
        if SURFACE_WORDS & set(p.stem.split("_"))
    ]
    assert named == []


def test_no_module_is_longer_than_400_lines() -> None:
    long = {
        str(p.relative_to(SRC)): n
        for p in _sources()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > 400
    }
    assert long == {}
