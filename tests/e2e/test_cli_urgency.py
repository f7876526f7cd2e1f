"""`mpdesk list --urgent` and `mpdesk show`: urgency derived from the text and the clocks."""

from __future__ import annotations

from pathlib import Path

from tests.cli import run


def _new(text: str, date: str) -> int:
    result = run(
        "new", "-m", "wb", "-c", "acceptance", "--supply", "24567891", "--date", date,
        "--text", text, "--no-interactive", "--json",
    )  # fmt: skip
    assert result.code == 0, result.stderr
    return int(result.json()["ticket"]["id"])


def test_list_urgent_and_show_the_first_action(cli_env: Path) -> None:
    blocked = _new("Кабинет заблокирован, продажи стоят. Приняли 95 из 100 штук.", "2026-11-19")
    plain = _new("Отгрузили 100 штук, приняли 95, недостача 5 штук", "2026-11-19")
    urgent = run("list", "--urgent", "--json").json()
    assert [t["id"] for t in urgent] == [blocked]
    assert urgent[0]["urgency"]["reason"] == "cabinet_blocked"
    every = {t["id"]: t["urgent"] for t in run("list", "--json").json()}
    assert every == {blocked: True, plain: False}
    human = run("list", "--urgent")
    assert human.code == 0 and "срочно" in human.stdout and "Всего: 1" in human.stdout
    shown = run("show", str(blocked))
    assert "СРОЧНО: Кабинет заблокирован" in shown.stdout
    assert "Откройте в кабинете уведомление о блокировке" in shown.stdout
    assert "СРОЧНО" not in run("show", str(plain)).stdout
