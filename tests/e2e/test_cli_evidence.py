"""``mpdesk evidence sweep`` end to end: unreferenced files go, attached ones stay."""

from __future__ import annotations

from pathlib import Path

from tests.cli import run
from tests.conftest import make_jpeg

from mpdesk.adapters.file_store import LocalFileStore


def test_sweep_deletes_only_files_no_ticket_references(cli_env: Path, tmp_path: Path) -> None:
    made = run(
        "new", "-m", "wb", "-c", "acceptance", "--supply", "24567891", "--date", "2026-11-19",
        "--text", "Отгрузили 100 штук, приняли 95, недостача 5 штук",
        "--attach", str(make_jpeg(tmp_path / "kept.jpg")), "--no-interactive", "--json",
    )  # fmt: skip
    assert made.code == 0, made.stderr
    kept = made.json()["ticket"]["attachments"][0]["sha256"]
    store = LocalFileStore(cli_env / "files")
    orphan = store.put(make_jpeg(tmp_path / "orphan.jpg")).sha256  # a failed request's file
    assert run("evidence", "sweep", "--json").json()["removed"] == []  # within 24 h
    swept = run("evidence", "sweep", "--grace-hours", "0", "--json").json()
    assert swept == {"checked": 2, "referenced": 1, "removed": [orphan]}
    assert [b.sha256 for b in store.list_blobs()] == [kept]
    human = run("evidence", "sweep", "--grace-hours", "0")
    assert human.code == 0 and "удалено: 0" in human.stdout
    bad = run("evidence", "sweep", "--grace-hours", "-1")
    assert bad.code == 2 and "--grace-hours" in bad.stderr and "от 0" in bad.stderr
