"""A setting with a CR or LF (a header injection into reminder e-mails) is refused at start
by its variable's name, exit 2, before any command runs; so is a value of the wrong type."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli import run


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("MPDESK_SMTP_FROM", "desk@example.com\r\nBcc: spy@example.net"),
        ("MPDESK_REMIND_EMAIL_TO", "owner@example.com\nBcc: spy@example.net"),
        ("MPDESK_TELEGRAM_BOT_TOKEN", "123:abc\r\n"),
    ],
)
def test_a_setting_with_a_line_break_is_refused_by_name(
    cli_env: Path, monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)
    result = run("list")
    assert result.code == 2, (result.stdout, result.stderr)
    assert f"Настройка {variable} содержит перевод строки" in result.stderr
    assert result.stdout == ""


def test_a_setting_of_the_wrong_type_is_refused_by_name(
    cli_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MPDESK_PORT", "восемь тысяч")
    result = run("list")
    assert result.code == 2, (result.stdout, result.stderr)
    assert "Настройка MPDESK_PORT задана неверно" in result.stderr
