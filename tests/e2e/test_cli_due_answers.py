"""``mpdesk due`` lists the answered tickets with the next step their answer proposes."""

from __future__ import annotations

from pathlib import Path

from tests.cli import run
from tests.e2e.test_cli_journal import new_ticket


def answered(tmp_path: Path, number: str, text: str) -> int:
    tid = int(new_ticket(tmp_path)["ticket"]["id"])
    assert run("submit", str(tid), "--external-id", number).code == 0
    assert run("reply", str(tid), "--text", text, "--json").json()["status"] == "answered"
    return tid


def test_due_shows_the_next_step_of_each_answered_ticket(cli_env: Path, tmp_path: Path) -> None:
    quiet = run("due")
    assert "Ответила поддержка" not in quiet.stdout
    waiting = int(new_ticket(tmp_path)["ticket"]["id"])
    run("submit", str(waiting), "--external-id", "SD-1")
    asks = answered(tmp_path, "SD-2", "Для рассмотрения пришлите, пожалуйста, фото упаковки.")
    paid = answered(tmp_path, "SD-3", "Расхождение подтверждено, компенсация 1 500 ₽ начислена.")

    due = run("due", "--json").json()
    steps = {a["ticket_id"]: a for a in due["answered"]}
    assert set(steps) == {asks, paid}  # a ticket still waiting has no answer to read
    assert steps[asks]["answer_class"] == "needs_data"
    assert steps[asks]["next_step"]["kind"] == "provide_data"
    assert steps[paid]["answer_class"] == "resolved"  # money promised: wait for it, dated
    assert steps[paid]["next_step"]["kind"] == "wait" and steps[paid]["next_step"]["until"]
    assert [a["ticket_id"] for a in due["answered"]] == [paid, asks]  # dated steps first
    assert steps[asks]["ticket"]["id"] == asks

    human = run("due").stdout
    assert "Ответила поддержка — что дальше" in human
    lines = {ln.strip().split(" ", 1)[0]: ln for ln in human.splitlines() if "Следующий шаг" in ln}
    assert "подготовьте и отправьте то, что просят" in lines[f"№{asks}"]
    assert "Следующий шаг: ждите до " in lines[f"№{paid}"] and "решено" in lines[f"№{paid}"]
