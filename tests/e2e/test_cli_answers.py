"""``mpdesk answer --jsonl`` per the answer contract, the human mode, and
``mpdesk eval answers`` on the tuning set."""

from __future__ import annotations

import io
import json
import sys
from contextlib import redirect_stdout
from pathlib import Path

import pytest
from tests.cli import run

from mpdesk.entrypoints.cli.app import main

DATA = Path(__file__).resolve().parents[1] / "data"


def _jsonl(data: bytes, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
    out, code = io.StringIO(), 0
    with redirect_stdout(out):
        try:
            main(["answer", "--jsonl"])
        except SystemExit as exc:
            code = int(exc.code or 0)
    return code, out.getvalue()


def test_jsonl_writes_one_reading_per_line_in_order(
    cli_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = [
        {"id": "a", "text": "Компенсация 1 500 руб. начислена.", "marketplace": "wb"},
        {"id": "b", "text": "Приложите видео вскрытия.", "subject": "Обращение 12345678"},
        {"id": "c", "text": "Ваше обращение зарегистрировано.", "marketplace": "Озон"},
    ]
    data = "\n".join(json.dumps(x, ensure_ascii=False) for x in lines).encode() + b"\n"
    code, out = _jsonl(data, monkeypatch)
    readings = [json.loads(line) for line in out.splitlines()]
    assert code == 0
    assert [r["id"] for r in readings] == ["a", "b", "c"]
    assert readings[0]["class"] == "resolved"
    assert readings[0]["amount"] == "1500.00"
    assert readings[1]["class"] == "needs_data"
    assert readings[1]["requested"] == ["evidence"]
    assert readings[1]["appeal_number"] == "12345678"
    assert readings[2]["class"] == "auto_reply"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (b"not json", "answer_line_not_json"),
        (b"[1, 2]", "answer_line_not_object"),
        (b'{"id": "x"}', "answer_text_missing"),
        (b'{"id": "x", "text": 5}', "answer_text_not_string"),
        (b'{"id": "x", "text": "   "}', "answer_text_empty"),
        (b'{"id": "x", "text": "ok", "subject": 1}', "answer_subject_not_string"),
        (b'{"id": "x", "text": "ok", "marketplace": "amazon"}', "answer_marketplace_invalid"),
        (b'{"id": "x", "text": "\\u0000\\u0001\\u0002\\u0003"}', "answer_text_binary"),
        (b'{"id": "x", "text": "\xff\xfe"}', "answer_line_invalid_utf8"),
    ],
)
def test_a_bad_line_yields_an_error_object_and_the_run_goes_on(
    raw: bytes, code: str, cli_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = '{"id": "next", "text": "Отказано."}'.encode()
    exit_code, out = _jsonl(raw + b"\n" + good + b"\n", monkeypatch)
    first, second = (json.loads(line) for line in out.splitlines())
    assert exit_code == 0
    assert first["code"] == code and first["error"] and "error" not in second
    assert second == second | {"id": "next", "class": "refused"}


def test_human_mode_speaks_russian_and_proposes_a_step(cli_env: Path) -> None:
    result = run("answer", "Ваш вопрос передан специалистам.", "--answered-at", "2026-06-01")
    assert result.code == 0
    assert "без решения" in result.stdout
    assert "no_decision" not in result.stdout
    assert "04.06.2026" in result.stdout  # three working days later


def test_json_mode_adds_the_next_step(cli_env: Path) -> None:
    result = run("answer", "--json", "В компенсации отказано.")
    data = result.json()
    assert data["class"] == "refused"
    assert data["next_step"]["kind"] == "pretrial_claim"


def test_a_wrong_marketplace_flag_is_a_russian_error_with_exit_2(cli_env: Path) -> None:
    result = run("answer", "-m", "amazon", "Отказано.")
    assert result.code == 2
    assert "amazon" in result.stderr and "Traceback" not in result.stderr


def test_an_empty_answer_is_refused(cli_env: Path) -> None:
    result = run("answer", "   ")
    assert result.code == 2


def test_eval_on_the_tuning_set_meets_the_targets(cli_env: Path) -> None:
    result = run("eval", "answers", str(DATA / "answers-tune.jsonl"), "--json")
    summary = result.json()["summary"]
    assert result.code == 0
    assert summary["cases"] >= 50
    assert summary["class_accuracy"] >= 0.90
    assert summary["not_resolved_read_as_resolved"] == 0


def test_eval_reports_a_broken_file_with_exit_2(cli_env: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "x", "gold": {"class": "maybe"}}\n', encoding="utf-8")
    result = run("eval", "answers", str(bad))
    assert result.code == 2
    assert "bad.jsonl" in result.stderr
