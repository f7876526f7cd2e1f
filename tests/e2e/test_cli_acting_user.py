"""``mpdesk --as LOGIN`` (or ``MPDESK_USER``): every command acts as that user, with the roles
the same use cases check for the web and the API; without it the CLI is the local owner."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.cli import run


def _desk(tmp_path: Path) -> int:
    """Two shops; «vera» views shop A only, «max» manages shop A; one draft in shop A."""
    assert run("shop", "add", "Магазин А", "-m", "wb").code == 0
    assert run("shop", "add", "Магазин Б", "-m", "ozon").code == 0
    for login, role in (("vera", "viewer"), ("max", "manager")):
        added = run(
            "user", "add", login, "--shop", "Магазин А", "--role", role, "--password-stdin",
            stdin="long-password-1\n",
        )  # fmt: skip
        assert added.code == 0, added.stderr
    opened = run(
        "new", "-m", "wb", "--category", "acceptance", "--supply", "24567891",
        "--text", "Приняли 95 штук из 100", "--shop", "Магазин А", "--no-interactive", "--json",
    )  # fmt: skip
    assert opened.code == 0, opened.stderr
    return int(opened.json()["ticket"]["id"])


def test_a_viewer_cannot_change_a_ticket_from_the_cli(cli_env: Path, tmp_path: Path) -> None:
    ticket = str(_desk(tmp_path))
    shown = run("--as", "vera", "show", ticket, "--json")
    assert shown.code == 0, shown.stderr  # a viewer sees it
    before = shown.json()
    for command in (
        ("submit", ticket, "--external-id", "SD-1"),
        ("note", ticket, "--text", "Позвонили в поддержку"),
        ("reject", ticket),
    ):
        refused = run("--as", "vera", *command)
        assert refused.code == 2, (command, refused.stdout)
        assert "Вашей роли в этом магазине не хватает" in refused.stderr
    after = run("show", ticket, "--json").json()
    assert (after["status"], after["events"], after["messages"]) == (
        before["status"],
        before["events"],
        before["messages"],
    )  # nothing changed


def test_a_manager_acts_and_the_journal_names_them(
    cli_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ticket = str(_desk(tmp_path))
    monkeypatch.setenv("MPDESK_USER", "max")
    done = run("submit", ticket, "--external-id", "SD-7", "--json")
    assert done.code == 0, done.stderr
    events = run("show", ticket, "--json").json()["events"]
    assert events[-1]["actor"] == "max"
    listed = run("shop", "list", "--json").json()
    assert [s["name"] for s in listed] == ["Магазин А"]  # the shops max sees
    refused = run("shop", "add", "Третий", "-m", "wb")
    assert refused.code == 2 and "не администратор" in refused.stderr
    monkeypatch.delenv("MPDESK_USER")
    assert len(run("shop", "list", "--json").json()) == 2  # the owner again


def test_an_unknown_login_is_refused_in_russian(cli_env: Path, tmp_path: Path) -> None:
    _desk(tmp_path)
    refused = run("--as", "nobody", "list")
    assert refused.code == 2
    assert "Пользователя «nobody» нет" in refused.stderr
