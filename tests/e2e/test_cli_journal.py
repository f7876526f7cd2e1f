"""The CLI end to end on SQLite in a temp MPDESK_HOME, with MPDESK_NOW frozen."""

from __future__ import annotations

import json
import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from tests.cli import run
from tests.conftest import make_jpeg


def new_ticket(tmp_path: Path, *extra: str) -> dict:  # type: ignore[type-arg]
    photo = make_jpeg(tmp_path / "photo.jpg")
    result = run(
        "new",
        "--marketplace",
        "wb",
        "--category",
        "acceptance",
        "--supply",
        "24567891",
        "--date",
        "2026-11-19",
        "--text",
        "Отгрузили 100 штук, приняли 95, недостача 5 штук",
        "--attach",
        str(photo),
        "--no-interactive",
        "--json",
        *extra,
    )
    assert result.code == 0, result.stderr
    return result.json()  # type: ignore[no-any-return]


def test_done_when_scenario_new_submit_reply_due_export(cli_env: Path, tmp_path: Path) -> None:
    created = new_ticket(tmp_path)
    ticket = created["ticket"]
    assert ticket["status"] == "ready"
    assert ticket["created_at"] == "2026-11-20T07:00:00+00:00"  # stored in UTC
    assert created["appeal"]["subject"] == "Расхождение при приёмке поставки № 24567891"
    assert created["appeal"]["channel"]["id"] == "wb_service_desk"
    assert created["appeal"]["missing"] == []
    assert any("Telegram" in w["message"] for w in created["appeal"]["warnings"])

    sub = run("submit", str(ticket["id"]), "--external-id", "SD-5512", "--json").json()
    assert sub["status"] == "submitted"
    assert sub["reply_due_at"] == "2026-11-22T07:00:00+00:00"

    human = run("submit", str(ticket["id"]), "--external-id", "SD-5512")
    assert human.code == 2 and "нельзя перевести" in human.stderr

    due = run("due", "--days", "1", "--json").json()
    assert due["overdue"] == due["today"] == due["week"] == []  # due in 48 h, horizon 1 day
    week = run("due", "--days", "3", "--json").json()["week"]
    assert [d["ticket"]["id"] for d in week] == [ticket["id"]]

    reply = run("reply", str(ticket["id"]), "--text", "Расхождение подтверждено", "--json")
    assert reply.json()["status"] == "answered"

    out = tmp_path / "journal.xlsx"
    exported = run("export", "--format", "xlsx", "--output", str(out), "--json").json()
    assert exported["tickets"] == 1
    sheet = openpyxl.load_workbook(out).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert rows[0][0] == "№" and row["Номер обращения"] == "SD-5512"
    assert row["Создано (МСК)"] == datetime(2026, 11, 20, 10, 0)  # a typed cell, Moscow time
    assert row["Статус"] == "Получен ответ" and row["Маркетплейс"] == "Wildberries"


def test_overdue_ticket_says_by_how_much(
    cli_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tid = new_ticket(tmp_path)["ticket"]["id"]
    run("submit", str(tid), "--external-id", "SD-1")
    monkeypatch.setenv("MPDESK_NOW", "2026-11-22T13:30:00+03:00")
    from mpdesk.entrypoints.cli import state

    state.reset()
    due = run("due", "--json").json()
    assert due["overdue"][0]["overdue_seconds"] == 3 * 3600 + 30 * 60
    human = run("due")
    assert "просрочено на 3 часа 30 минут" in human.stdout


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["--marketplace", "amazon"], "marketplace"),
        (["--category", "money"], "category"),
        (["--supply", "ABC-1"], "supply"),
        (["--date", "31.02.2026"], "date"),
        (["--barcode", "12"], "barcode"),
    ],
)
def test_bad_input_exits_2_with_russian_message_and_no_traceback(
    cli_env: Path, args: list[str], field: str
) -> None:
    base = {"--marketplace": "wb", "--category": "acceptance"}
    for key, value in zip(args[::2], args[1::2], strict=True):
        base[key] = value
    argv = ["new", "--no-interactive", *[x for kv in base.items() for x in kv]]
    if "--supply" not in base:
        argv += ["--supply", "24567891"]
    result = run(*argv)
    assert result.code == 2
    assert "Traceback" not in result.stderr
    assert field in result.stderr
    as_json = run(*argv, "--json")
    assert as_json.json()["ok"] is False and as_json.json()["fields"]


def test_refused_attachments_leave_nothing_behind(cli_env: Path, tmp_path: Path) -> None:
    fake = tmp_path / "photo.jpg"
    fake.write_bytes(b"MZ\x90\x00" + bytes(100))
    big = tmp_path / "big.pdf"
    big.write_bytes(b"%PDF-1.4\n" + bytes(21 * 1024 * 1024))
    for bad, phrase in (
        (fake, "не принят"),
        (big, "больше допустимых"),
        (tmp_path / "nope.jpg", "не найден"),
    ):
        result = run(
            "new",
            "-m",
            "wb",
            "-c",
            "acceptance",
            "--supply",
            "1",
            "--no-interactive",
            "--attach",
            str(bad),
        )
        assert result.code == 2, result.stdout
        assert phrase in result.stderr
    assert run("list", "--json").json() == []
    assert not any(p.is_file() for p in (cli_env / "files").rglob("*"))


def test_unknown_ticket_and_debug_flag(cli_env: Path) -> None:
    result = run("show", "999")
    assert result.code == 2 and "Обращение 999 не найдено" in result.stderr
    assert "Traceback" not in result.stderr
    debug = run("--debug", "show", "999")
    assert "Traceback" in debug.stderr


def test_export_neutralises_formulas_and_json_round_trips(cli_env: Path, tmp_path: Path) -> None:
    run(
        "new",
        "-m",
        "ozon",
        "-c",
        "listing",
        "--sku",
        "1100526203",
        "--no-interactive",
        "--text",
        '=HYPERLINK("http://evil") фото в карточке перепутаны местами совсем',
    )
    new_ticket(tmp_path)
    run("submit", "2", "--external-id", "@SUM(1)")
    csv_path = tmp_path / "j.csv"
    run("export", "-f", "csv", "-o", str(csv_path))
    text = csv_path.read_text(encoding="utf-8-sig")
    assert "'@SUM(1)" in text
    dump = tmp_path / "j.json"
    run("export", "-f", "json", "-o", str(dump))
    original = json.loads(dump.read_text(encoding="utf-8"))

    other_home = tmp_path / "other"
    other_home.mkdir()
    import os

    os.environ["MPDESK_HOME"] = str(other_home)
    from mpdesk.entrypoints.cli import state

    state.reset()
    first = run("import-journal", str(dump), "--json").json()
    assert (first["format"], first["added"], first["skipped"]) == ("json", 2, 0)
    second = run("import-journal", str(dump), "--json").json()
    assert (second["added"], second["skipped"]) == (0, 2)
    again = tmp_path / "again.json"
    run("export", "-f", "json", "-o", str(again))
    copy = json.loads(again.read_text(encoding="utf-8"))

    def strip(doc: dict) -> list:  # type: ignore[type-arg]
        drop = {"id", "shop_id", "version", "parent_id"}
        return [
            {k: v for k, v in t.items() if k not in drop}
            | {
                "messages": [{k: v for k, v in m.items() if k != "id"} for m in t["messages"]],
                "attachments": [
                    {k: v for k, v in a.items() if k != "id"} for a in t["attachments"]
                ],
            }
            for t in doc["tickets"]
        ]

    assert strip(copy) == strip(original)


def test_import_of_a_broken_file_names_line_and_column(cli_env: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "mpdesk-journal",\n "tickets": [,]}', encoding="utf-8")
    result = run("import-journal", str(bad))
    assert result.code == 2
    assert "строка 2" in result.stderr and "столбец" in result.stderr


def test_bundle_contains_attachments_text_and_manifest(cli_env: Path, tmp_path: Path) -> None:
    tid = new_ticket(tmp_path)["ticket"]["id"]
    out = tmp_path / "b.zip"
    data = run("bundle", str(tid), "-o", str(out), "--json").json()
    with zipfile.ZipFile(out) as zf:
        names = zf.namelist()
        manifest = json.loads(zf.read("manifest.json"))
        assert zf.read("attachments/photo.jpg") == (tmp_path / "photo.jpg").read_bytes()
    assert names == ["appeal.txt", "attachments/photo.jpg", "manifest.json"]
    assert manifest["files"][1]["sha256"] == data["files"][1]["sha256"]


def test_follow_up_and_status_commands(cli_env: Path, tmp_path: Path) -> None:
    tid = new_ticket(tmp_path)["ticket"]["id"]
    assert run("follow-up", str(tid)).code == 2
    run("submit", str(tid), "--external-id", "SD-9")
    fu = run("follow-up", str(tid), "--json").json()
    assert fu["ticket"]["parent_id"] == tid
    assert "SD-9" in fu["appeal"]["subject"]
    assert run("reject", str(tid), "--json").json()["status"] == "rejected"
    assert run("reopen", str(tid), "--json").json()["status"] == "reopened"
    resolved = run("resolve", str(tid), "--recovered", "1 500,50", "--json").json()
    assert resolved["amount_recovered"] == "1500.50"


def test_kb_check_and_show(cli_env: Path) -> None:
    assert run("kb", "check", "--json").json()["ok"] is True
    channels = run("kb", "show", "channels", "--json").json()
    emails = {c["address"] for c in channels if c["kind"] == "email"}
    assert {"sellersup@ozon.ru", "help@ozon.ru"} <= emails
    assert run("kb", "show", "nonsense").code == 2
    human = run("kb", "show", "checklists")
    assert "Какой номер поставки" in human.stdout


def test_broken_user_knowledge_is_reported_by_kb_check(cli_env: Path) -> None:
    (cli_env / "knowledge").mkdir()
    (cli_env / "knowledge" / "channels.yaml").write_text("channels: 5\n", encoding="utf-8")
    result = run("kb", "check")
    assert result.code == 2
    assert "channels.yaml" in result.stderr and "Traceback" not in result.stderr


def test_shops(cli_env: Path) -> None:
    assert run("shop", "add", "Мой WB", "-m", "wb", "--json").json()["is_default"] is True
    assert run("shop", "add", "Мой WB", "-m", "wb").code == 2
    assert [s["name"] for s in run("shop", "list", "--json").json()] == ["Мой WB"]
    r = run("new", "-m", "ozon", "-c", "other", "--shop", "Мой WB", "--no-interactive")
    assert r.code == 2 and "работает на wb" in r.stderr


def test_wizard_asks_only_for_what_is_missing(cli_env: Path, tmp_path: Path) -> None:
    photo = make_jpeg(tmp_path / "box.jpg")
    # marketplace and supply are given; the wizard asks category, description, date, evidence
    answers = "\n".join(
        [
            "1",  # category: first in the list (acceptance)
            "Отгрузили 100 штук, по акту приняли 95, коробки целые",
            "19.11.2026",
            str(photo),
            "",  # no more files
            "y",  # save
        ]
    )
    result = run("new", "-m", "wb", "--supply", "24567891", "--interactive", stdin=answers + "\n")
    assert result.code == 0, result.stderr
    assert "Маркетплейс:" not in result.stderr  # not asked: given by flag
    assert "Какой номер поставки" not in result.stderr  # not asked: given by flag
    shown = run("show", "1", "--json").json()
    assert shown["status"] == "ready"
    assert shown["event_date"] == "2026-11-19"
    assert shown["attachments"][0]["filename"] == "box.jpg"


def test_config_show_masks_secrets(cli_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MPDESK_SECRET_KEY", "top-secret")
    monkeypatch.setenv("MPDESK_DATABASE_URL", "postgresql://u:pw@127.0.0.1/db")
    data = run("config", "show", "--json").json()
    assert data["MPDESK_SECRET_KEY"] == "***"
    assert "pw" not in json.dumps(data)
    assert data["MPDESK_HOME"] == str(cli_env)


def test_wizard_asks_which_of_two_categories_when_triage_is_unsure(cli_env: Path) -> None:
    # lost on the way to the warehouse and not paid for: delivery or money
    text = "Товар потерялся при доставке на склад, компенсации нет"
    answers = "\n".join(["2", *[""] * 7, "y"])  # the second of two; skip the rest; save
    result = run("new", "-m", "wb", "--text", text, "--interactive", stdin=answers + "\n")
    assert result.code == 0, result.stderr
    assert "Это скорее " in result.stderr
    assert "О чём обращение?" not in result.stderr  # not the whole list: the two best
    first = result.stderr.split("Это скорее ", 1)[1]
    assert "1. " in first and "2. " in first
    shown = run("show", "1", "--json").json()
    assert shown["category"] in {"logistics", "finance"}
    second = first.split("2. ", 1)[1].split("(", 2)[1].split(")", 1)[0]
    assert shown["category"] == second


def test_show_prints_the_appeal_whole_whatever_the_terminal_width(
    cli_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The text a seller copies into the marketplace's form is never wrapped, cut or framed
    by the renderer, and brackets in it are kept as typed."""
    monkeypatch.setenv("COLUMNS", "60")
    long_sentence = (
        "Поставка 24567891 принята не полностью: по акту приёмки не хватает двадцати пяти штук "
        "товара [артикул 41058/прозрачный], просим пересчитать и принять недостающее."
    )
    made = run("new", "-m", "wb", "-c", "acceptance", "--text", long_sentence, "--json")
    assert made.code == 0, made.stderr
    ticket_id = str(made.json()["ticket"]["id"])
    shown = run("show", ticket_id)
    assert shown.code == 0
    assert f"«{long_sentence}»" in shown.stdout.splitlines()  # quoted whole on one line
    assert "│" not in shown.stdout.split("Текст обращения")[-1].split("Канал:")[0]


def test_russian_marketplace_and_category_names_and_a_future_event_date(cli_env: Path) -> None:
    made = run(
        "new", "-m", "ВБ", "-c", "приёмка", "--date", "вчера", "--json",
        "--text", "Поставка 24567891 принята не полностью: не хватает 5 штук по акту приёмки.",
    )  # fmt: skip
    assert made.code == 0, made.stderr
    ticket = made.json()["ticket"]
    assert (ticket["marketplace"], ticket["category"]) == ("wb", "acceptance")
    assert ticket["event_date"] == "2026-11-19"  # the frozen clock's yesterday
    listed = run("list", "-m", "вб", "-c", "Приёмка", "--json").json()
    assert [t["id"] for t in listed] == [ticket["id"]]
    future = run(
        "new", "-m", "wb", "-c", "acceptance", "--date", "25.12.2026", "--json",
        "--text", "Поставка 24567891 принята не полностью: не хватает 5 штук по акту приёмки.",
    )  # fmt: skip
    assert future.code == 2
    assert future.json()["code"] == "event_date_future"
    human = run(
        "new", "-m", "wb", "-c", "acceptance", "--date", "25.12.2026",
        "--text", "Поставка 24567891 принята не полностью: не хватает 5 штук.",
    )  # fmt: skip
    assert "ещё не наступила" in human.stderr and "25.12.2026" in human.stderr
    assert len(run("list", "--json").json()) == 1  # nothing saved
    unknown = run("list", "-m", "алиэкспресс")
    assert unknown.code == 2 and "алиэкспресс" in unknown.stderr


def test_submit_needs_the_number_only_where_the_channel_gives_one(cli_env: Path) -> None:
    text = "Поставка 24567891 принята не полностью: не хватает 5 штук по акту приёмки."
    made = run("new", "-m", "wb", "-c", "acceptance", "--text", text, "--json").json()
    tid = str(made["ticket"]["id"])
    refused = run("submit", tid)  # Service Desk numbers every appeal
    assert refused.code == 2 and "Service Desk" in refused.stderr
    assert run("show", tid, "--json").json()["status"] != "submitted"
    by_mail = run("submit", tid, "--channel", "ozon_sellersup_email")
    assert by_mail.code == 2  # a channel of the other marketplace is still refused
    fine = "Удержали штраф 4300 рублей за отправление 48293017-0012-1, просим вернуть."
    other = run("new", "-m", "ozon", "-c", "finance", "--json", "--text", fine)
    oid = str(other.json()["ticket"]["id"])
    sent = run("submit", oid, "--channel", "ozon_sellersup_email", "--json")
    assert sent.code == 0, sent.stderr  # e-mail gives no number: submitted without one
    assert sent.json()["status"] == "submitted" and not sent.json()["external_id"]
