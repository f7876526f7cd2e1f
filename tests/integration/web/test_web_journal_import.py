"""«Загрузка журнала» (SQLite and PostgreSQL): a seller's Excel journal uploaded, previewed with
nothing written, confirmed once; bad rows listed by row and column with nothing imported;
a second upload of the same file adds nothing; managers import only into their shops; the
XLSX export reads back into an empty journal with the same appeals."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.utils import get_column_letter
from tests.importers.old_books import write_ods, write_xls
from tests.web_support import OWNER, World, csrf_of, sign_in

from mpdesk.bootstrap import App, bootstrap
from mpdesk.config import Settings
from mpdesk.services import export, findings, journal_import
from mpdesk.services.ports.journal import TicketFilter

SELLER_HEADERS = ["Дата", "Площадка", "Тип проблемы", "Тема обращения", "Номер заявки",
                  "Статус", "Сумма", "Номер поставки", "Комментарий менеджера"]  # fmt: skip
SELLER_ROWS = [
    ["01.11.2026", "ВБ", "приёмка", "Недостача в поставке 24567891", 5512001, "в работе",
     1250.5, 24567891, "звонил"],
    [date(2026, 11, 5), "Wildberries", "Финансы", "Штраф за габариты", None, "Решено", 300, None,
     ""],
    ["2026-11-10", "озон", "Логистика", "Потеря отправления", None, "Черновик", None, None, ""],
]  # fmt: skip


def seller_workbook(rows: list[list[Any]] | None = None) -> bytes:
    """A journal as a seller keeps it: a title line, a blank line, then the table; numbers and
    dates as Excel types."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Журнал обращений, ноябрь"])
    sheet.append([])
    sheet.append(SELLER_HEADERS)
    for row in rows if rows is not None else SELLER_ROWS:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client: Any, data: bytes, name: str = "журнал.xlsx") -> Any:
    page = client.get("/journal/import")
    assert page.status_code == 200
    return client.post(
        "/journal/import",
        data={"csrf_token": csrf_of(page.text)},
        files={"file": (name, data, "application/octet-stream")},
    )


def ticket_count(world: World) -> int:
    with world.wctx.ctx.uow() as uow:
        return len(uow.tickets.list(TicketFilter()))


def confirm(client: Any, preview_html: str) -> Any:
    token = preview_html.split('name="token" value="')[1].split('"')[0]
    return client.post(
        "/journal/import/confirm", data={"csrf_token": csrf_of(preview_html), "token": token}
    )


def test_preview_writes_nothing_then_confirm_imports_once(world: World) -> None:
    client = world.client()
    sign_in(client, "boss")
    before = ticket_count(world)
    preview = upload(client, seller_workbook(), name="journal.csv")  # the name never decides
    assert preview.status_code == 200, preview.text
    html = preview.text
    assert "Будет загружено: 3" in html
    assert "«Тип проблемы» — категория" in html and "«Комментарий менеджера»" in html
    for shown in ("Недостача в поставке 24567891", "Приёмка", "Отправлено, ждём ответа",
                  "1\u00a0250,50\u00a0₽", "Ozon"):  # fmt: skip
        assert shown in html
    for code in ("acceptance", "submitted", "finance", ">wb<"):
        assert code not in html  # no English codes for people
    assert ticket_count(world) == before

    done = confirm(client, html)
    assert done.status_code == 200 and "Загружено обращений: 3" in done.text
    assert ticket_count(world) == before + 3
    again = confirm(client, html)  # the staged file is gone
    assert again.status_code == 422 and "больше не доступен" in again.text

    second = upload(client, seller_workbook())
    assert "Будет загружено: 0" in second.text and "уже есть" in second.text
    assert 'id="confirm" disabled' in second.text

    with world.wctx.ctx.uow() as uow:
        imported = [t for t in uow.tickets.iter_all() if t.external_id == "5512001"]
    assert len(imported) == 1
    ticket = imported[0]
    assert (ticket.marketplace, ticket.category, ticket.status.value) == (
        "wb", "acceptance", "submitted"
    )  # fmt: skip
    assert ticket.amount_claimed == "1250.50"
    assert [(i.type.value, i.value) for i in ticket.identifiers] == [("supply_id", "24567891")]
    assert ticket.created_at.isoformat() == "2026-10-31T21:00:00+00:00"  # 01.11 in Moscow
    assert any(e.kind == "imported" for e in ticket.events)
    page = client.get(f"/tickets/{ticket.id}")
    assert "загружено из таблицы журнала" in page.text


def test_bad_rows_are_listed_by_row_and_column_and_nothing_is_imported(world: World) -> None:
    client = world.client()
    sign_in(client, "boss")
    before = ticket_count(world)
    rows = [
        *SELLER_ROWS,
        ["32.11.2026", "ВБ", "космос", "Что-то", None, "непонятно", "абв", None, ""],
        ["02.11.2026", "Avito", "Другое", "", None, "", None, None, ""],
    ]
    answer = upload(client, seller_workbook(rows))
    assert answer.status_code == 422
    html = answer.text
    assert "ничего не загружено" in html
    cells = re.findall(
        r"<tr><td[^>]*>(\d+)</td><td[^>]*>([^<]*)</td><td[^>]*>([^<]*)</td></tr>", html
    )
    found = {(int(row), column): problem for row, column, problem in cells}
    assert set(found) == {(7, "Тип проблемы"), (7, "Дата"), (7, "Сумма"), (7, "Статус"),
                          (8, "Площадка"), (8, "Тема обращения")}  # fmt: skip
    assert [(r, c) for r, c, _ in cells][:4] == [  # in the order of the file's columns
        ("7", "Дата"), ("7", "Тип проблемы"), ("7", "Статус"), ("7", "Сумма")
    ]  # fmt: skip
    assert found[7, "Тип проблемы"].startswith("категория «космос» не известна")
    assert "«32.11.2026»" in found[7, "Дата"]
    assert found[8, "Площадка"].startswith("маркетплейс «Avito» не известен")
    assert found[8, "Тема обращения"].startswith("нет ни темы, ни описания")
    assert 'id="confirm-form"' not in html
    assert ticket_count(world) == before


def test_files_that_are_not_journals_are_refused_in_russian(world: World) -> None:
    client = world.client()
    sign_in(client, "boss")
    png = upload(client, b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, name="journal.xlsx")
    assert png.status_code == 422 and "не таблица журнала" in png.text
    no_header = upload(client, "а;б;в\n1;2;3\n".encode(), name="j.csv")
    assert no_header.status_code == 422 and "не найдена строка с названиями" in no_header.text


def test_a_manager_imports_only_into_own_shops(world: World) -> None:
    client = world.client()
    sign_in(client, "max")  # manager of shop B (ozon) only
    answer = upload(client, seller_workbook())
    assert answer.status_code == 422
    assert (
        '>Площадка</td><td data-label="Что не так">нет магазина этого маркетплейса' in answer.text
    )
    ozon_only = upload(client, seller_workbook([SELLER_ROWS[2]]))
    assert ozon_only.status_code == 200 and "Будет загружено: 1" in ozon_only.text
    viewer = world.client()
    sign_in(viewer, "vera")
    page = viewer.get("/journal/import")
    assert 'id="viewer-note"' in page.text and 'id="import-form"' not in page.text


def test_xlsx_export_reads_back_into_an_empty_journal(
    world: World, app: App, tmp_path: Path
) -> None:
    ctx = app.ctx
    journal_import.import_file(ctx, OWNER, _saved(tmp_path, seller_workbook()))
    exported = tmp_path / "export.xlsx"
    count = export.export_journal(ctx, "xlsx", exported, TicketFilter())
    assert count == 5
    book = openpyxl.load_workbook(exported)
    assert book.sheetnames == ["Обращения", "Переписка", "Находки аудита"]
    appeals = book["Обращения"]
    header = [c.value for c in appeals[1]]
    last = get_column_letter(len(header))
    assert appeals.freeze_panes == "A2" and appeals.auto_filter.ref == f"A1:{last}6"
    row = {h: c.value for h, c in zip(header, appeals[2], strict=True)}  # newest first
    assert isinstance(row["№"], int) and row["Маркетплейс"] in ("Wildberries", "Ozon")

    other = Settings(
        home=tmp_path / "other",
        database_url=f"sqlite:///{tmp_path / 'o.db'}",
        now="2026-11-20T10:00:00+03:00",
    )
    target = bootstrap(other)
    try:
        first = journal_import.import_file(target.ctx, OWNER, exported)
        assert (first.added, first.skipped) == (5, 0)
        again = journal_import.import_file(target.ctx, OWNER, exported)
        assert (again.added, again.skipped) == (0, 5)
        copy = tmp_path / "copy.xlsx"
        export.export_journal(target.ctx, "xlsx", copy, TicketFilter())
    finally:
        assert target.engine is not None
        target.engine.dispose()
    assert _appeals(copy) == _appeals(exported)
    # the same file into the journal it came from: every appeal is already there
    same = journal_import.import_file(ctx, OWNER, exported, dry_run=True)
    assert (same.added, same.skipped) == (0, 5)


def _saved(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "seller.bin"
    path.write_bytes(data)
    return path


def _appeals(path: Path) -> list[dict[str, Any]]:
    """The appeals sheet without the record numbers (a new journal numbers its own)."""
    sheet = openpyxl.load_workbook(path)["Обращения"]
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    result = [dict(zip(header, r, strict=True)) for r in rows[1:]]
    for r in result:
        r.pop("№")
        assert r["Сумма претензии"] is None or isinstance(r["Сумма претензии"], float | int)
    return sorted(result, key=lambda r: (str(r["Тема"]), str(r["Маркетплейс"])))


def test_xlsx_export_lists_findings_with_typed_money(
    world: World, app: App, tmp_path: Path
) -> None:
    wb = Path(__file__).resolve().parents[2] / "importers" / "wb" / "fixtures"
    result = findings.audit_into_shop(
        app.ctx, OWNER, [wb / "shipment_list.xlsx", wb / "incomes.json"], world.shop_a
    )
    assert result.findings
    out = tmp_path / "j.xlsx"
    export.export_journal(app.ctx, "xlsx", out, TicketFilter())
    sheet = openpyxl.load_workbook(out)["Находки аудита"]
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, r, strict=True)) for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert len(rows) == len(result.findings)
    assert sum(r["Сумма, ₽"] or 0 for r in rows) == float(result.total)
    assert {r["Магазин"] for r in rows} == {"Магазин А"}
    assert all(r["Статус"] == "новая" and r["Вид"] for r in rows)
    money = sheet.cell(row=2, column=header.index("Сумма, ₽") + 1)
    assert "₽" in money.number_format
    # a viewer of shop B only sees none of shop A's findings in an export scoped to shop B
    scoped = tmp_path / "b.xlsx"
    export.export_journal(app.ctx, "xlsx", scoped, TicketFilter(shop_ids=[world.shop_b]))
    assert openpyxl.load_workbook(scoped)["Находки аудита"].max_row == 1


def test_a_json_export_loads_on_the_page_for_administrators_only(
    world: World, app: App, tmp_path: Path
) -> None:
    dump = tmp_path / "j.json"
    export.export_journal(app.ctx, "json", dump, TicketFilter())
    manager = world.client()
    sign_in(manager, "max")
    refused = upload(manager, dump.read_bytes(), name="j.json")
    assert refused.status_code == 422 and "только администратор" in refused.text
    admin = world.client()
    sign_in(admin, "boss")
    checked = upload(admin, dump.read_bytes(), name="j.json")
    assert checked.status_code == 200 and "Будет загружено: 0" in checked.text  # all there
    broken = upload(admin, b'{"format": "mpdesk-journal",\n "tickets": [,]}', name="b.json")
    assert broken.status_code == 422 and "b.json" in broken.text
    assert "import-staging" not in broken.text and "/tmp" not in broken.text


def _as_text(separator: str) -> str:
    lines = [separator.join(SELLER_HEADERS)]
    for row in SELLER_ROWS:
        cells = ["" if v is None else v.strftime("%d.%m.%Y") if isinstance(v, date) else str(v)
                 for v in row]  # fmt: skip
        comma = separator != ","  # Russian Excel writes «1250,5»; a comma-separated file, «1250.5»
        lines.append(separator.join("1250,5" if c == "1250.5" and comma else c for c in cells))
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    "kind", ["xls", "ods", "csv-utf8-bom", "csv-cp1251", "csv-utf16-tab", "csv-comma"]
)
def test_every_table_format_reads_the_same_rows(app: App, tmp_path: Path, kind: str) -> None:
    path = tmp_path / "journal.dat"  # the content decides, never the name
    if kind == "xls":
        write_xls(path, SELLER_HEADERS, SELLER_ROWS, title="Журнал обращений")
    elif kind == "ods":
        write_ods(path, SELLER_HEADERS, SELLER_ROWS, title="Журнал обращений")
    elif kind == "csv-utf8-bom":
        path.write_bytes(_as_text(";").encode("utf-8-sig"))
    elif kind == "csv-cp1251":
        path.write_bytes(_as_text(";").encode("cp1251"))
    elif kind == "csv-utf16-tab":
        path.write_bytes(_as_text("\t").encode("utf-16"))
    else:
        path.write_bytes(_as_text(",").encode())
    result = journal_import.import_file(app.ctx, OWNER, path, dry_run=True)
    assert result.format == kind.split("-")[0]
    tickets = [r.ticket for r in result.rows]
    got = [(t.subject, t.category, t.status.value, t.external_id, t.amount_claimed,
            [i.value for i in t.identifiers]) for t in tickets]  # fmt: skip
    assert got == [
        ("Недостача в поставке 24567891", "acceptance", "submitted", "5512001", "1250.50",
         ["24567891"]),
        ("Штраф за габариты", "finance", "resolved", "", "300.00", []),
        ("Потеря отправления", "logistics", "draft", "", None, []),
    ]  # fmt: skip
