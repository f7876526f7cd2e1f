"""``mpdesk backup`` / ``backup --check`` / ``restore`` end to end on SQLite: a restore into an
empty home gives the same journal (export before = export after), the copy is consistent
while a writer holds the journal, a damaged archive is refused and nothing is written."""

from __future__ import annotations

import os
import sqlite3
import tarfile
from pathlib import Path

import pytest
from tests.cli import run
from tests.conftest import make_jpeg

from mpdesk.bootstrap import journal_paths, web_secret
from mpdesk.config import Settings
from mpdesk.domain.errors import BackupError
from mpdesk.entrypoints.cli import state


def _journal(tmp_path: Path) -> int:
    photo = make_jpeg(tmp_path / "photo.jpg")
    made = run(
        "new", "-m", "wb", "-c", "acceptance", "--supply", "24567891", "--date", "2026-11-19",
        "--text", "Отгрузили 100 штук, приняли 95, недостача 5 штук",
        "--attach", str(photo), "--no-interactive", "--json",
    )  # fmt: skip
    assert made.code == 0, made.stderr
    ticket_id = int(made.json()["ticket"]["id"])
    assert run("submit", str(ticket_id), "--external-id", "SD-1", "--json").code == 0
    return ticket_id


def _export(tmp_path: Path, name: str) -> str:
    out = tmp_path / name
    result = run("export", "-f", "json", "-o", str(out))
    assert result.code == 0, result.stderr
    return out.read_text(encoding="utf-8")


def _move_home(path: Path) -> Path:
    path.mkdir()
    os.environ["MPDESK_HOME"] = str(path)
    state.reset()
    return path


def test_restore_into_an_empty_home_gives_the_same_journal(cli_env: Path, tmp_path: Path) -> None:
    ticket_id = _journal(tmp_path)
    web_secret(Settings(home=cli_env))  # the key file mpdesk serve creates
    before = _export(tmp_path, "before.json")
    archive = tmp_path / "copy.tar"
    made = run("backup", str(archive), "--json")
    assert made.code == 0, made.stderr
    assert (made.json()["tickets"], made.json()["files"]) == (1, 1)
    checked = run("backup", "--check", str(archive), "--json")
    assert checked.code == 0 and checked.json()["ok"] is True
    assert "в порядке" in run("backup", "--check", str(archive)).stdout

    new_home = _move_home(tmp_path / "restored")
    restored = run("restore", str(archive), "--json")
    assert restored.code == 0, restored.stderr
    assert (restored.json()["tickets"], restored.json()["files"]) == (1, 1)
    assert _export(tmp_path, "after.json") == before
    assert (new_home / "secret_key").read_bytes() == (cli_env / "secret_key").read_bytes()
    assert (new_home / "secret_key").stat().st_mode & 0o777 == 0o600
    bundle = run("bundle", str(ticket_id), "-o", str(tmp_path / "b.zip"), "--json")
    assert bundle.code == 0, bundle.stderr  # the evidence came back too


def test_backup_is_consistent_while_a_writer_holds_the_journal(
    cli_env: Path, tmp_path: Path
) -> None:
    _journal(tmp_path)
    before = _export(tmp_path, "before.json")
    writer = sqlite3.connect(cli_env / "mpdesk.db", isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE tickets SET subject = 'half-done edit'")
    try:
        made = run("backup", str(tmp_path / "copy.tar"), "--json")
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert made.code == 0, made.stderr
    _move_home(tmp_path / "restored")
    assert run("restore", str(tmp_path / "copy.tar")).code == 0
    assert _export(tmp_path, "after.json") == before


def _damage(archive: Path, member_prefix: str) -> str:
    with tarfile.open(archive) as tar:
        info = next(i for i in tar if i.name.startswith(member_prefix))
    with archive.open("r+b") as fh:
        fh.seek(info.offset_data + 5)
        byte = fh.read(1)
        fh.seek(info.offset_data + 5)
        fh.write(bytes([byte[0] ^ 0xFF]))
    return info.name


def test_damaged_archive_is_refused_and_nothing_is_restored(cli_env: Path, tmp_path: Path) -> None:
    _journal(tmp_path)
    archive = tmp_path / "copy.tar"
    assert run("backup", str(archive)).code == 0
    member = _damage(archive, "files/")
    checked = run("backup", "--check", str(archive))
    assert checked.code == 2 and "Traceback" not in checked.stderr
    assert str(archive) in checked.stderr and member in checked.stderr
    assert "повреждён" in checked.stderr
    new_home = _move_home(tmp_path / "restored")
    refused = run("restore", str(archive), "--json")
    assert refused.code == 2 and refused.json()["code"] == "backup_member_corrupt"
    assert sorted(p.name for p in new_home.rglob("*")) == []


def test_not_an_archive_and_restore_over_a_journal_are_refused(
    cli_env: Path, tmp_path: Path
) -> None:
    _journal(tmp_path)
    junk = tmp_path / "junk.tar"
    junk.write_bytes(b"not a tar at all" * 100)
    result = run("backup", "--check", str(junk), "--json")
    assert (result.code, result.json()["code"]) == (2, "backup_not_archive")
    missing = run("backup", "--check", str(tmp_path / "nope.tar"), "--json")
    assert missing.json()["code"] == "backup_missing"
    archive = tmp_path / "copy.tar"
    assert run("backup", str(archive)).code == 0
    again = run("backup", str(archive), "--json")
    assert again.json()["code"] == "backup_dest_exists"
    over = run("restore", str(archive))
    assert over.code == 2 and "не пуста" in over.stderr and "mpdesk.db" in over.stderr


def test_a_postgresql_journal_is_backed_up_with_its_own_tools(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, database_url="postgresql://u@db.example/mpdesk")
    with pytest.raises(BackupError) as err:
        journal_paths(settings)
    assert err.value.code == "backup_needs_sqlite"


def test_a_directory_or_an_unwritable_place_is_refused_with_exit_2(
    cli_env: Path, tmp_path: Path
) -> None:
    on_dir = run("backup", str(tmp_path), "--json")
    assert (on_dir.code, on_dir.json()["code"]) == (2, "backup_dest_exists")
    nowhere = run("backup", str(tmp_path / "no" / "such" / "dir.tar"))
    assert nowhere.code == 2 and "Не удалось записать" in nowhere.stderr
    assert not (tmp_path / "no").exists()
