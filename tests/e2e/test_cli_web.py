"""CLI of the web part: users, tokens, and the serve guard for non-loopback addresses."""

from __future__ import annotations

from pathlib import Path

from tests.cli import run

from mpdesk.entrypoints.cli.web import is_loopback


def test_user_add_list_passwd_and_token(cli_env: Path) -> None:
    assert run("shop", "add", "Мой магазин", "-m", "wb").code == 0
    added = run(
        "user", "add", "anna", "--shop", "Мой магазин", "--role", "viewer",
        "--password-stdin", "--json", stdin="long-password-1\n",
    )  # fmt: skip
    assert added.code == 0, added.stderr
    assert added.json()["login"] == "anna"
    listed = run("user", "list", "--json").json()
    assert listed[0]["roles"] == [{"shop_id": 1, "role": "viewer"}]
    assert listed[0]["has_password"] is True
    weak = run("user", "passwd", "anna", "--password-stdin", stdin="short\n")
    assert weak.code == 2 and "слишком простой" in weak.stderr
    assert run("user", "passwd", "anna", "--password-stdin", stdin="another-pass-2\n").code == 0
    token = run("token", "create", "--user", "anna", "--json").json()["token"]
    assert token.startswith("mpd_")
    assert run("user", "add", "anna", "--password-stdin", stdin="long-password-1\n").code == 2


def test_serve_refuses_a_public_address_without_accounts(cli_env: Path) -> None:
    result = run("serve", "--host", "0.0.0.0", "--port", "1")
    assert result.code == 2
    assert "mpdesk user add" in result.stderr


def test_loopback_detection() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.0.2.1")


def test_list_text_search_finds_other_word_forms(cli_env: Path) -> None:
    opened = run(
        "new", "-m", "wb", "-c", "acceptance", "--supply", "24567891", "--no-interactive",
        "--text", "Поставка принята не полностью, по акту приёмки недостача", "--json",
    )  # fmt: skip
    assert opened.code == 0, opened.stderr
    found = run("list", "--text", "приёмке", "--json").json()
    assert [t["id"] for t in found] == [opened.json()["ticket"]["id"]]
    assert run("list", "--text", "2456789", "--json").json()  # number prefix
