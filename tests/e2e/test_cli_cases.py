"""Cases in the CLI (SQLite, temp MPDESK_HOME, frozen clock): appeal → follow-up → claim →
the claim resolved closes the case; ``mpdesk case show``; the duplicate warning of
``mpdesk new`` (human, --json, the wizard's offer) and ``--follow-up-of``."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.cli import run

from mpdesk.entrypoints.cli import state


def _new(*extra: str, stdin: str = "") -> dict:  # type: ignore[type-arg]
    result = run(
        "new", "-m", "wb", "-c", "acceptance", "--supply", "24567891", "--date", "2026-11-19",
        "--text", "Отгрузили 100 штук, приняли 95, недостача 5 штук на 235 рублей",
        "--no-interactive", "--json", *extra, stdin=stdin,
    )  # fmt: skip
    assert result.code == 0, result.stderr
    return result.json()  # type: ignore[no-any-return]


def _ok(*args: str) -> dict:  # type: ignore[type-arg]
    result = run(*args, "--json")
    assert result.code == 0, result.stderr
    return result.json()  # type: ignore[no-any-return]


def test_claim_resolves_the_case_and_case_show_tells_it(
    cli_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _new()["ticket"]["id"]
    _ok("submit", str(first), "--external-id", "SD-14")
    follow = _ok("follow-up", str(first))["ticket"]["id"]
    _ok("submit", str(follow), "--external-id", "SD-15")
    claim = _ok("claim", str(first))["ticket"]["id"]
    _ok("submit", str(claim), "--external-id", "SD-16")
    monkeypatch.setenv("MPDESK_NOW", "2026-11-27T10:00:00+03:00")  # a week on
    state.reset()
    late = {t["id"] for t in _ok("list", "--overdue")}
    assert {first, follow} <= late  # no answer: overdue, until the claim decides
    _ok("resolve", str(claim), "--recovered", "235")

    case = _ok("case", "show", str(follow))  # any appeal's number finds the case
    assert case["id"] == first and case["state"] == "resolved" and case["decided_by"] == claim
    assert [a["role"] for a in case["appeals"]] == ["appeal", "follow_up", "claim"]
    assert [a["status"] for a in case["appeals"]] == ["resolved"] * 3
    reason = f"закрыто: решено по претензии №{claim}"
    assert case["appeals"][0]["closed_reason"] == reason
    assert case["amount_recovered"] == "235.00"

    human = run("case", "show", str(first))
    assert human.code == 0 and f"Дело №{first}" in human.stdout and reason in human.stdout
    assert "досудебная претензия" in human.stdout
    assert _ok("list", "--overdue") == []  # the clocks of #14 and #15 stopped
    due = _ok("due")
    assert due["overdue"] == [] and due["today"] == []
    missing = run("case", "show", "999")
    assert missing.code != 0 and "Traceback" not in missing.stderr


def test_new_appeal_about_an_open_case_warns_and_joins_it(cli_env: Path) -> None:
    first = _new()["ticket"]["id"]
    _ok("submit", str(first), "--external-id", "SD-14")

    again = _new()
    (dup,) = again["duplicates"]
    assert dup["case_id"] == first and dup["state"] == "open" and dup["follow_up_of"] == first
    assert dup["matched"] == [{"type": "supply_id", "value": "24567891"}]
    assert again["ticket"]["case_id"] == again["ticket"]["id"]  # not asked: a case of its own

    human = run("new", "-m", "wb", "-c", "acceptance", "--supply", "24567891",
                "--text", "Снова недостача", "--no-interactive", "--dry-run")  # fmt: skip
    assert human.code == 0
    assert (
        f"номер поставки 24567891 — уже есть дело №{first}" in human.stderr
        and "--follow-up-of" in human.stderr
    )

    joined = _new("--follow-up-of", str(first))
    assert joined["ticket"]["case_id"] == first and joined["ticket"]["parent_id"] == first
    assert joined["duplicates"] == []

    other = _new("--supply", "11111111")  # another supply as well: still the same case found
    assert other["duplicates"][0]["case_id"] == first
    unrelated = run("new", "-m", "wb", "-c", "acceptance", "--supply", "99999999",
                    "--text", "Недостача", "--no-interactive", "--json")  # fmt: skip
    assert unrelated.json()["duplicates"] == []


def test_the_wizard_offers_to_add_the_appeal_to_the_case(cli_env: Path) -> None:
    first = _new()["ticket"]["id"]
    _ok("submit", str(first), "--external-id", "SD-14")
    result = run(
        "new", "-m", "wb", "-c", "acceptance", "--supply", "24567891", "--date", "2026-11-19",
        "--text", "Отгрузили 100 штук, приняли 95, недостача 5 штук", "--interactive",
        stdin="\ny\ny\n",  # no more files; save; add it to the case
    )  # fmt: skip
    assert result.code == 0, result.stderr
    assert f"Добавить это обращение к делу №{first}" in result.stderr
    assert f"добавлено к делу №{first}" in result.stdout
