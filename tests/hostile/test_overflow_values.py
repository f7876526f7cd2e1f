"""Numbers past every column's range and paths that lead nowhere: huge ids in page URLs,
query strings and forms, and in the command line, a month in the year 9999, a port past
65535, output files in folders that do not exist. Each gets a Russian answer (a 404 or 422
page, or exit 2 naming the value), never a 500 or a traceback, and nothing is written."""

from __future__ import annotations

from pathlib import Path

import pytest

from mpdesk.bootstrap import App
from tests.cli import run
from tests.web_support import build_world, csrf_of, sign_in

HUGE = "99999999999999999999"
ABOVE_INT32 = "3000000000"


@pytest.mark.parametrize(
    "path",
    [
        f"/tickets/{HUGE}",
        f"/tickets/{ABOVE_INT32}",
        f"/journal?shop={ABOVE_INT32}",
        f"/journal?shop={HUGE}",
        f"/journal/export.csv?shop={ABOVE_INT32}",
        f"/journal/export.xlsx?shop={HUGE}",
        f"/audit?shop={ABOVE_INT32}",
        f"/stats/report.html?month=9999-12&shop={ABOVE_INT32}",
        "/stats/report.html?month=9999-12",
        f"/api/v1/tickets/{HUGE}",
        f"/api/v1/tickets?shop_id={HUGE}",
    ],
)
def test_huge_numbers_in_urls_are_answered_in_russian(app: App, path: str) -> None:
    world = build_world(app)
    client = world.client()
    sign_in(client, "boss")
    client.headers["Authorization"] = f"Bearer {world.admin_token}"
    response = client.get(path)
    assert response.status_code in (404, 422), (response.status_code, response.text[:300])
    text = response.json()["message"] if path.startswith("/api/") else response.text
    assert any(word in text for word in ("не найден", "Недопустимое", "Проверьте")), text[:500]


@pytest.mark.parametrize(
    ("path", "form"),
    [
        ("/account/roles", {"login": "vera", "shop_id": ABOVE_INT32, "role": "viewer"}),
        ("/account/users", {"login": "nina", "shop_id": ABOVE_INT32, "role": "viewer"}),
        ("/tickets", {"shop_id": ABOVE_INT32, "marketplace": "wb", "category": "other"}),
    ],
)
def test_huge_shop_ids_in_forms_are_answered_in_russian(
    app: App, path: str, form: dict[str, str]
) -> None:
    world = build_world(app)
    client = world.client()
    sign_in(client, "boss")
    token = csrf_of(client.get("/account").text)
    response = client.post(path, data={**form, "text": "Вопрос по договору", "csrf_token": token})
    assert response.status_code in (404, 422), (response.status_code, response.text[:300])
    assert "Магазин" in response.text and "не найден" in response.text


@pytest.mark.parametrize(
    "args",
    [
        ("show", HUGE),
        ("show", ABOVE_INT32),
        ("bundle", HUGE),
        ("status", HUGE, "resolved"),
        ("report", "monthly", "--month", "9999-12", "-o", "report.html"),
        ("serve", "--port", "99999"),
    ],
)
def test_huge_numbers_in_the_command_line_exit_2_in_russian(
    cli_env: Path, args: tuple[str, ...]
) -> None:
    result = run(*args)
    assert result.code == 2, (result.code, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr and "Непредвиденная" not in result.stderr
    assert any("а" <= ch <= "я" for ch in result.stderr.lower())


@pytest.mark.parametrize(
    "args",
    [
        ("bundle", "1", "-o", "{missing}/evidence.zip"),
        ("bundle", "1", "-o", "{folder}"),
        ("export", "-f", "xlsx", "-o", "{missing}/journal.xlsx"),
        ("export", "-o", "{folder}"),
        ("stats", "--xlsx", "{missing}/stats.xlsx"),
        ("report", "monthly", "--month", "2026-11", "-o", "{missing}/report.html"),
    ],
)
def test_output_in_a_missing_folder_exits_2_and_writes_nothing(
    cli_env: Path, tmp_path: Path, args: tuple[str, ...]
) -> None:
    opened = run(
        "new", "-m", "wb", "-c", "acceptance", "--supply", "24567891", "--no-interactive",
        "--text", "Поставка принята не полностью, по акту приёмки недостача",
    )  # fmt: skip
    assert opened.code == 0, opened.stderr
    missing, folder = tmp_path / "no" / "such", tmp_path / "out"
    folder.mkdir()
    args = tuple(a.format(missing=missing, folder=folder) for a in args)
    result = run(*args)
    assert result.code == 2, (result.code, result.stdout, result.stderr)
    assert not (tmp_path / "no").exists()
    assert list(folder.iterdir()) == []
