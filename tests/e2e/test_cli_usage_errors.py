"""Every usage error of the command line: a Russian message naming the argument or option and
the command's usage line, exit code 2, no traceback (on the Typer version the lock file pins)."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.cli import run


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["show"], "Не хватает аргумента «НОМЕР». Вызов: mpdesk show [ПАРАМЕТРЫ] НОМЕР"),
        (["list", "--bogus"], "У команды нет параметра --bogus. Вызов: mpdesk list"),
        (["show", "abc"], "Неверное значение «НОМЕР»"),
        (["due", "--days", "0"], "Неверное значение '--days'"),
        (["bogus"], "Нет команды «bogus»."),
    ],
    ids=["missing argument", "unknown option", "bad type", "out of range", "unknown command"],
)
def test_usage_errors_are_russian_and_exit_2(cli_env: Path, args: list[str], expected: str) -> None:
    result = run(*args)
    assert result.code == 2
    assert expected in result.stderr
    assert "Вызов: mpdesk" in result.stderr
    assert "Traceback" not in result.stderr and "Непредвиденная" not in result.stderr


def test_usage_error_with_json_is_a_json_error(cli_env: Path) -> None:
    result = run("show", "abc", "--json")
    assert result.code == 2
    assert result.json()["code"] == "usage_bad_value"


def test_version_prints_and_exits_0(cli_env: Path) -> None:
    result = run("--version")
    assert (result.code, result.stdout.strip()) == (0, "0.1.0")


def test_end_of_input_in_the_wizard_saves_nothing_and_exits_2(cli_env: Path) -> None:
    result = run("new", "-m", "wb", "--interactive", stdin="")
    assert result.code == 2
    assert "Ввод закончился" in result.stderr
    assert run("list", "--json").json() == []


def test_triage_refuses_an_unknown_marketplace_and_takes_russian_names(cli_env: Path) -> None:
    refused = run("triage", "-m", "amazon", "товар потерялся")
    assert refused.code == 2
    assert "«amazon»" in refused.stderr and "ozon, wb" in refused.stderr
    for name, expected in (("ВБ", "wb"), ("озон", "ozon"), ("wb", "wb")):
        result = run("triage", "-m", name, "товар потерялся", "--json")
        assert (result.code, result.json()["marketplace"]) == (0, expected)
