"""``mpdesk new … && mpdesk show N`` prints the appeal letter a support agent reads: composed
from the facts, the seller's words cleaned up and quoted, plain text without Markdown tables."""

from __future__ import annotations

from pathlib import Path

from tests.cli import run
from tests.conftest import make_jpeg

SELLER = "вб не принял 3 шт.. на фбо, в лк приёмка показывает 7 вместо 10, тп молчит"


def test_new_then_show_prints_the_composed_letter(cli_env: Path, tmp_path: Path) -> None:
    photo = make_jpeg(tmp_path / "akt.jpg")
    created = run(
        "new", "-m", "wb", "-c", "acceptance", "--supply", "24567891", "--date", "05.11.2026",
        "--amount", "1235.5", "--text", SELLER, "--attach", str(photo), "--no-interactive",
        "--json",
    )  # fmt: skip
    assert created.code == 0, created.stderr
    ticket_id = str(created.json()["ticket"]["id"])

    shown = run("show", ticket_id)

    assert shown.code == 0, shown.stderr
    out = shown.stdout
    assert "Расхождение при приёмке поставки № 24567891" in out
    assert "При приёмке поставки № 24567891 на складе Wildberries" in out
    assert "- Дата приёмки: 05.11.2026" in out
    assert "- Сумма: 1\u00a0235,50\u00a0₽" in out
    quoted = (
        "Описание продавца:\n«Wildberries не принял 3 шт. на FBO, в личном кабинете приёмка "
        "показывает 7 вместо 10, техподдержка молчит.»"
    )
    assert quoted in out
    assert "Приложения: akt.jpg." in out
    assert "шт.." not in out and "| " not in out and SELLER not in out
    body = run("show", ticket_id, "--json").json()["body"]
    assert body in out  # the human output prints the stored letter whole, not wrapped
    assert created.json()["appeal"]["body"] == body
