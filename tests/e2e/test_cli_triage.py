"""``mpdesk triage --jsonl`` per the contract, every bad-input case; human output; eval."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.cli import run

GOOD = {"id": "1", "text": "вб принял 95 из 100 по поставке 24567891 позавчера",
        "received_at": "2026-06-10"}  # fmt: skip


def _jsonl(lines: list[bytes], monkeypatch: pytest.MonkeyPatch) -> tuple[int, list[dict]]:
    import io
    import sys

    data = b"\n".join(lines) + b"\n"

    class Stdin(io.TextIOWrapper):
        pass

    monkeypatch.setattr(sys, "stdin", Stdin(io.BytesIO(data), encoding="utf-8"))
    from contextlib import redirect_stdout

    from mpdesk.entrypoints.cli.app import main

    out = io.StringIO()
    code = 0
    with redirect_stdout(out):
        try:
            main(["triage", "--jsonl"])
        except SystemExit as exc:
            code = int(exc.code or 0)
    return code, [json.loads(line) for line in out.getvalue().splitlines()]


def test_jsonl_answers_follow_the_contract(cli_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, answers = _jsonl([json.dumps(GOOD, ensure_ascii=False).encode()], monkeypatch)
    assert code == 0
    (answer,) = answers
    assert answer["id"] == "1"
    assert answer["marketplace"] == "wb"
    assert answer["category"] == "acceptance"
    assert answer["entities"] == [{"type": "supply_id", "value": "24567891"}]
    assert answer["event_date"] == "2026-06-08"
    assert answer["missing"] == ["evidence"]
    assert answer["channel"] == "wb_service_desk"
    assert len(answer["questions"]) == 1
    assert answer["needs_confirmation"] is False
    assert answer["category_alternatives"] == [] or "acceptance" not in answer[
        "category_alternatives"]  # fmt: skip
    assert answer["urgent"] is False
    probabilities = answer["category_probabilities"]
    assert next(iter(probabilities)) == "acceptance"
    assert sum(probabilities.values()) == pytest.approx(1.0, abs=0.01)


def test_jsonl_bad_lines_yield_error_objects_and_the_run_goes_on(
    cli_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = json.dumps({"id": "big", "text": "а" * 600_000}).encode()
    lines = [
        json.dumps({"id": "empty", "text": "   "}).encode(),
        big,
        json.dumps({"id": "junk", "text": "\x00\x01\x02\x03\x04" * 10}).encode(),
        b'{"id": "utf", "text": "\xff\xfe\xfa"}',
        b"[1, 2, 3]",
        b'"just a string"',
        json.dumps({"id": "notext"}).encode(),
        json.dumps({"id": "num", "text": 42}).encode(),
        json.dumps({"id": "date", "text": "вчера", "received_at": "10.06.2026"}).encode(),
        json.dumps({"id": "date2", "text": "вчера", "received_at": "2026-02-30"}).encode(),
        b"{broken json",
        b"",
        b"\x89PNG\x00\x00\x1a binary \xff\x00",
        json.dumps({"id": "att", "text": "вчера", "attachments": "a.jpg"}).encode(),
        json.dumps({"id": "mp", "text": "вчера", "marketplace": "amazon"}).encode(),
        json.dumps(GOOD, ensure_ascii=False).encode(),
    ]
    code, answers = _jsonl(lines, monkeypatch)
    assert code == 0
    assert len(answers) == len(lines)
    expected_ids = ["empty", "big", "junk", "utf", None, None, "notext", "num", "date", "date2",
                    None, None, None, "att", "mp"]  # fmt: skip
    for answer, line_id in zip(answers[:-1], expected_ids, strict=True):
        assert answer["id"] == line_id
        assert isinstance(answer["error"], str) and answer["error"]
    assert answers[-1]["id"] == "1" and "error" not in answers[-1]


def test_jsonl_hint_sets_marketplace(cli_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    line = json.dumps({"id": "h", "text": "поставку не приняли", "marketplace": "ozon"})
    _, (answer,) = _jsonl([line.encode()], monkeypatch)
    assert answer["marketplace"] == "ozon"


def test_triage_one_text_in_russian(cli_env: Path) -> None:
    result = run("triage", "вб: штраф 5 000 руб по заказу 5192837460, просим отменить штраф",
                 "--received-at", "2026-07-07")  # fmt: skip
    assert result.code == 0, result.stderr
    assert "Финансы" in result.stdout
    assert "5192837460" in result.stdout
    assert "Вопросы" in result.stdout


def test_triage_one_text_json(cli_env: Path, tmp_path: Path) -> None:
    photo = tmp_path / "foto.jpg"
    photo.write_bytes(b"x")
    result = run("triage", "озон вчера потерял отправление 48291037-0011-1", "--received-at",
                 "2026-07-07", "--attach", str(photo), "--json")  # fmt: skip
    data = result.json()
    assert data["marketplace"] == "ozon"
    assert data["event_date"] == "2026-07-06"
    assert "evidence" not in data["missing"]


def test_eval_triage(cli_env: Path, tmp_path: Path) -> None:
    gold = {
        "marketplace": "wb",
        "category": "acceptance",
        "event_date": "2026-06-08",
        "entities": [{"type": "supply_id", "value": "24567891"}],
        "missing": ["evidence"],
    }
    case = {**GOOD, "attachments": [], "gold": gold}
    path = tmp_path / "set.jsonl"
    path.write_text(json.dumps(case, ensure_ascii=False) + "\n", encoding="utf-8")
    result = run("eval", "triage", str(path), "--json")
    assert result.code == 0, result.stderr
    assert result.json()["summary"]["category_accuracy"] == 1.0
    human = run("eval", "triage", str(path))
    assert "category_accuracy" in human.stdout


def test_eval_triage_bad_file(cli_env: Path, tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text("{not json\n", encoding="utf-8")
    result = run("eval", "triage", str(path))
    assert result.code == 2


def test_new_with_text_is_prefilled_by_triage(cli_env: Path) -> None:
    text = "вб при приёмке недосчитал 5 шт по поставке 24567891, приёмка была вчера, арт 176543298"
    result = run("new", "--text", text, "--no-interactive", "--dry-run", "--json")
    assert result.code == 0, result.stderr
    appeal = result.json()["appeal"]
    flat = json.dumps(appeal, ensure_ascii=False)
    assert "24567891" in flat and "176543298" in flat
    assert "acceptance" in flat


def test_new_flags_win_over_triage(cli_env: Path) -> None:
    text = "вб при приёмке недосчитал 5 шт по поставке 24567891"
    result = run("new", "--text", text, "-m", "ozon", "-c", "other", "--order", "4829301755",
                 "--no-interactive", "--dry-run", "--json")  # fmt: skip
    assert result.code == 0, result.stderr
    appeal = result.json()["appeal"]
    assert "4829301755" in appeal["subject"] and "24567891" not in appeal["subject"]


def test_wizard_shows_what_triage_understood_and_asks_only_the_rest(cli_env: Path) -> None:
    text = "вб при приёмке 12.03 недосчитал 15 шт по поставке 27654321, просим пересчитать"
    result = run("new", "--text", text, "--interactive", stdin="y\n\ny\n")
    assert result.code == 0, result.stderr
    assert "Из текста понятно" in result.stderr and "27654321" in result.stderr
    assert "Маркетплейс:\n" not in result.stderr  # not asked again
    assert "Какой номер поставки" not in result.stderr


def test_triage_empty_text_is_a_user_error(cli_env: Path) -> None:
    result = run("triage", "   ")
    assert result.code == 2
    assert "пустое" in result.stderr


def test_jsonl_tolerates_a_bom_a_datetime_and_a_marketplace_name(
    cli_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    line = {"id": "b", "text": "вчера приняли не всё", "received_at": "2026-07-01T12:00:00",
            "marketplace": "Wildberries"}  # fmt: skip
    raw = b"\xef\xbb\xbf" + json.dumps(line, ensure_ascii=False).encode()
    code, (answer,) = _jsonl([raw], monkeypatch)
    assert code == 0
    assert answer["marketplace"] == "wb" and answer["event_date"] == "2026-06-30"


def test_triage_shows_urgency_and_several_requests(cli_env: Path) -> None:
    result = run("triage", "Озон заблокировал кабинет, выплаты заморожены. Верните деньги за "
                 "штраф 4300. Также просим разблокировать карточку товара.",
                 "--received-at", "2026-07-07")  # fmt: skip
    assert result.code == 0, result.stderr
    assert "Срочно" in result.stdout
    assert "несколько просьб" in result.stdout
    assert "разблокировать карточку" in result.stdout


def test_triage_json_carries_what_the_surfaces_need(cli_env: Path) -> None:
    result = run("triage", "Озон заблокировал кабинет. Верните деньги за штраф 4300.", "--json")
    assert result.code == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["urgent"] is True
    assert {"needs_confirmation", "category_alternatives", "category_probabilities",
            "confirmation_question", "requests", "problems"} <= set(answer)  # fmt: skip
    assert answer["requests"] == ["Верните деньги за штраф 4300."]


@pytest.mark.parametrize("command", ["triage", "answer"])
def test_jsonl_with_a_text_argument_is_refused_not_ignored(cli_env: Path, command: str) -> None:
    """``--jsonl`` reads stdin; a file name given as the text would silently triage nothing."""
    line = json.dumps({"id": "1", "text": "вб не принял поставку 24567891"}, ensure_ascii=False)
    result = run(command, "--jsonl", "texts.jsonl", stdin=line + "\n")
    assert result.code == 2
    assert result.json()["code"] == "jsonl_with_text"
    assert f"mpdesk {command} --jsonl <" in result.stderr
    assert "Traceback" not in result.stderr
