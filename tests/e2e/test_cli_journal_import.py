"""``mpdesk import-journal`` with a seller's CSV and mpdesk's own XLSX export: ``--dry-run``
writes nothing, bad rows are named by row and column (exit 2, nothing imported), a second
import adds nothing, and the XLSX export reads back into another journal."""

from __future__ import annotations

import os
from pathlib import Path

import openpyxl
import pytest
from tests.cli import run

SELLER_CSV = (
    "Журнал обращений магазина\n"
    "\n"
    "Дата;Площадка;Тип проблемы;Тема обращения;Номер заявки;Статус;Сумма;Номер поставки\n"
    "01.11.2026;ВБ;приёмка;Недостача в поставке;123456;в работе;1 250,50;24567891\n"
    "05.11.2026;Wildberries;Финансы;Штраф за габариты;;Решено;300;\n"
)


def seller_csv(tmp_path: Path, extra: str = "", encoding: str = "cp1251") -> Path:
    path = tmp_path / "journal.txt"  # the name and extension never decide
    path.write_bytes((SELLER_CSV + extra).encode(encoding))
    return path


def count() -> int:
    return len(run("list", "--json").json())


def test_dry_run_writes_nothing_and_the_import_is_idempotent(cli_env: Path, tmp_path: Path) -> None:
    source = seller_csv(tmp_path)
    checked = run("import-journal", str(source), "--dry-run")
    assert checked.code == 0, checked.stderr
    assert "Строка 4: «Недостача в поставке» — Wildberries, Приёмка, Отправлено" in checked.stdout
    assert "будет загружено обращений — 2" in checked.stdout
    assert "«Тип проблемы» → категория" in checked.stdout
    assert count() == 0

    data = run("import-journal", str(source), "--json").json()
    assert (data["format"], data["added"], data["skipped"], data["dry_run"]) == ("csv", 2, 0, False)
    assert [r["row"] for r in data["rows"]] == [4, 5]
    assert data["rows"][0]["status"] == "submitted" and data["rows"][1]["status"] == "resolved"
    assert count() == 2
    again = run("import-journal", str(source), "--json").json()
    assert (again["added"], again["skipped"]) == (0, 2)
    assert count() == 2


def test_bad_rows_exit_2_naming_row_and_column_and_nothing_is_imported(
    cli_env: Path, tmp_path: Path
) -> None:
    source = seller_csv(tmp_path, "32.11.2026;озон;космос;Что-то;;непонятно;абв;\n", "utf-8")
    result = run("import-journal", str(source))
    assert result.code == 2
    err = result.stderr
    assert "ничего не загружено" in err and "Traceback" not in err
    assert "Строка 6, столбец «Тип проблемы»: категория «космос» не известна" in err
    assert "Строка 6, столбец «Дата»" in err and "«32.11.2026»" in err
    assert "Строка 6, столбец «Сумма»" in err and "Строка 6, столбец «Статус»" in err
    assert count() == 0
    as_json = run("import-journal", str(source), "--json")
    assert as_json.code == 2
    fields = as_json.json()["fields"]
    assert {(p["row"], p["column"]) for p in fields["problems"]} == {
        (6, "Тип проблемы"), (6, "Дата"), (6, "Сумма"), (6, "Статус")
    }  # fmt: skip


def test_xlsx_export_round_trip_into_another_journal(cli_env: Path, tmp_path: Path) -> None:
    run("import-journal", str(seller_csv(tmp_path)))
    out = tmp_path / "journal.xlsx"
    assert run("export", "-f", "xlsx", "-o", str(out), "--json").json()["tickets"] == 2
    sheet = openpyxl.load_workbook(out)["Обращения"]
    header = [c.value for c in sheet[1]]
    money = sheet.cell(row=3, column=header.index("Сумма претензии") + 1)
    assert money.value == 1250.5 and "₽" in money.number_format  # a number, shown in roubles

    os.environ["MPDESK_HOME"] = str(tmp_path / "other")
    (tmp_path / "other").mkdir()
    from mpdesk.entrypoints.cli import state

    state.reset()
    assert run("import-journal", str(out), "--json").json()["added"] == 2
    assert run("import-journal", str(out), "--json").json()["skipped"] == 2
    listed = {t["subject"]: t for t in run("list", "--json").json()}
    assert listed["Недостача в поставке"]["external_id"] == "123456"
    assert listed["Недостача в поставке"]["amount_claimed"] == "1250.50"
    assert listed["Штраф за габариты"]["status"] == "resolved"

    csv_copy = tmp_path / "journal.csv"  # the CSV export reads back the same way
    run("export", "-f", "csv", "-o", str(csv_copy))
    os.environ["MPDESK_HOME"] = str(tmp_path / "third")
    (tmp_path / "third").mkdir()
    state.reset()
    assert run("import-journal", str(csv_copy), "--json").json()["added"] == 2

    def comparable(tickets: list[dict[str, object]]) -> list[tuple[object, ...]]:
        keys = ("subject", "marketplace", "category", "status", "external_id", "event_date",
                "amount_claimed", "created_at", "submitted_at", "reply_due_at")  # fmt: skip
        return sorted(tuple(t[k] for k in keys) for t in tickets)

    assert comparable(run("list", "--json").json()) == comparable(list(listed.values()))


def test_the_journal_own_export_adds_nothing_even_for_appeals_made_after_midnight(
    cli_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MPDESK_NOW", "2026-11-20T01:30:00+03:00")  # still the 19th in UTC
    from mpdesk.entrypoints.cli import state

    state.reset()
    made = run("new", "-m", "ozon", "-c", "listing", "--sku", "1100526203", "--no-interactive",
               "--text", "Фото в карточке перепутаны местами", "--json")  # fmt: skip
    assert made.code == 0, made.stderr
    out = tmp_path / "journal.xlsx"
    run("export", "-f", "xlsx", "-o", str(out))
    again = run("import-journal", str(out), "--json").json()
    assert (again["added"], again["skipped"]) == (0, 1)
