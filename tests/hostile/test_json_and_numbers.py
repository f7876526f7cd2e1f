"""Hostile JSON and numbers (issue 12): nesting deeper than the parser's recursion, integers of
thousands of digits, NaN, Infinity, 1e400 and lone surrogates, in an audit, a journal import and
the API — and NaN or 1e400 in a table, and a CSV saved as UTF-16. Each file gets a Russian
reason naming it, the other files of the audit are still read, nothing crashes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mpdesk.adapters.importers.isolated import IsolatedReportReader
from mpdesk.adapters.importers.reader import FileReportReader
from mpdesk.bootstrap import App
from mpdesk.domain.audit.report import ReportKind
from mpdesk.domain.audit.run import run_audit
from mpdesk.domain.json_text import MAX_DEPTH, JsonInputError, parse_json
from tests.cli import run
from tests.web_support import build_world

FIXTURES = Path(__file__).resolve().parents[1] / "importers"
GOOD_CSV = FIXTURES / "wb" / "fixtures" / "detail_2023.csv"
OZON = FIXTURES / "ozon" / "fixtures" / "transactions.json"

#: (file text, the problem code, the fields besides the file name)
HOSTILE_JSON = {
    "deep.json": ("[" * 5000 + "]" * 5000, "json_too_deep", {"line": 1, "column": 65}),
    "deep_below_recursion.json": (
        '{"a": ' + "[" * 200 + "]" * 200 + "}",
        "json_too_deep",
        {"line": 1, "column": 70},
    ),
    "digits.json": (
        '[{"rrd_id": ' + "9" * 5000 + ', "srid": "x"}]',
        "json_long_number",
        {"line": 1, "column": 13, "digits": 5000},
    ),
    "nan.json": (
        '{"result": {"operations": [\n {"amount": NaN}]}}',
        "json_not_finite",
        {"line": 2, "column": 13, "value": "NaN"},
    ),
    "infinity.json": (
        '[{"penalty": -Infinity}]',
        "json_not_finite",
        {"line": 1, "column": 14, "value": "-Infinity"},
    ),
    "overflow.json": (
        '[{"penalty": 1e400}]',
        "json_not_finite",
        {"line": 1, "column": 14, "value": "1e400"},
    ),
    "surrogate.json": ('[{"srid": "a\\ud800"}]', "json_bad_char", {"line": 1, "column": 13}),
}


def limit_fields(code: str) -> dict[str, object]:
    return {"limit": MAX_DEPTH} if code == "json_too_deep" else {}


@pytest.mark.parametrize("name", sorted(HOSTILE_JSON))
def test_hostile_json_is_refused_by_name_and_the_other_files_are_audited(
    tmp_path: Path, name: str
) -> None:
    text, code, fields = HOSTILE_JSON[name]
    hostile = tmp_path / name
    hostile.write_text(text, encoding="utf-8")
    batch = FileReportReader().read([hostile, GOOD_CSV])
    bad, good = batch.files
    assert bad.problem is not None and not bad.usable
    assert (bad.problem.code, bad.problem.fields) == (
        code,
        {"file": name, **fields, **limit_fields(code)},
    )
    assert good.usable and good.problem is None
    assert len(run_audit(batch.data)) == 2  # the good file's duplicate charge and fine


def test_the_reading_process_survives_deep_json_and_reads_the_others(tmp_path: Path) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    batch = IsolatedReportReader(1024).read([deep, OZON])
    assert [(f.name, f.problem.code if f.problem else None) for f in batch.files] == [
        ("deep.json", "json_too_deep"),
        ("transactions.json", None),
    ]


@pytest.mark.parametrize(
    ("value", "shown"),
    [("NaN", "NaN"), ("1e400", "1e400"), ("inf", "inf"), ("1e300", "1e300")],
)
def test_a_number_no_report_holds_is_a_bad_value_in_a_table(
    tmp_path: Path, value: str, shown: str
) -> None:
    lines = GOOD_CSV.read_text(encoding="cp1251").splitlines()  # title, header, 3 rows
    fine = lines[1].split(";").index("Общая сумма штрафов")
    cells = lines[3].split(";")
    cells[fine] = value
    lines[3] = ";".join(cells)
    broken = tmp_path / "week.csv"
    broken.write_text("\n".join(lines) + "\n", "utf-8")
    (report,) = FileReportReader().read([broken]).files
    assert report.problem is not None
    assert (report.problem.code, report.problem.fields) == (
        "report_bad_value",
        {"file": "week.csv", "row": 4, "column": "Общая сумма штрафов", "value": shown},
    )


def test_an_api_answer_with_an_absurd_amount_is_refused(tmp_path: Path) -> None:
    ops = json.loads(OZON.read_text(encoding="utf-8"))
    ops[0]["result"]["operations"][1]["amount"] = 1e300
    page = tmp_path / "ops.json"
    page.write_text(json.dumps(ops), encoding="utf-8")
    (report,) = FileReportReader().read([page]).files
    assert report.problem is not None
    assert (report.problem.code, report.problem.fields["row"]) == ("report_bad_value", 2)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le"])
def test_a_csv_saved_as_utf16_is_read(tmp_path: Path, encoding: str) -> None:
    text = GOOD_CSV.read_text(encoding="cp1251").replace(";", "\t")
    unicode_text = tmp_path / "Unicode.txt"
    unicode_text.write_bytes(text.encode(encoding))
    batch = FileReportReader().read([unicode_text])
    (report,) = batch.files
    assert (report.kind, report.format, report.rows, report.problem) == (
        ReportKind.WB_REALIZATION_DETAIL,
        "csv",
        3,
        None,
    )
    assert len(run_audit(batch.data)) == 2


def test_cli_audit_explains_in_russian_and_exits_2(cli_env: Path, tmp_path: Path) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 5000 + "]" * 5000, encoding="utf-8")
    result = run("audit", str(deep), "--json")
    assert result.code == 2
    (file,) = result.json()["files"]
    assert file["problem"].startswith("Файл deep.json не принят: данные в нём вложены глубже")
    assert file["problem_code"] == "json_too_deep"
    assert "Traceback" not in result.stderr and "Непредвиденная" not in result.stderr
    mixed = run("audit", str(deep), str(OZON), "--json")
    assert mixed.code == 0 and mixed.json()["summary"]["by_kind"]["ozon_writeoff"]["count"] == 2


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[" * 5000 + "]" * 5000, "вложены глубже 64 уровней (строка 1, столбец 65)"),
        ('{"format": "mpdesk-journal", "n": ' + "1" * 5000 + "}", "число из 5000 цифр"),
        ('{"format": "mpdesk-journal",\n "n": NaN}', "строке 2, столбце 7 значение «NaN»"),
        ('{"format": "mpdesk-journal", "n": 1e400}', "значение «1e400»"),
        ('{"format": "mpdesk-journal",, }', "некорректный JSON (строка 1, столбец 29)"),
    ],
)
def test_import_journal_refuses_hostile_json_in_russian(
    cli_env: Path, tmp_path: Path, text: str, expected: str
) -> None:
    source = tmp_path / "journal.json"
    source.write_text(text, encoding="utf-8")
    result = run("import-journal", str(source), "--json")
    assert result.code == 2
    assert expected in result.stderr
    assert "Traceback" not in result.stderr and "Error" not in result.stderr
    assert run("list", "--json").json() == []


def test_parse_json_numbers_lines_from_the_given_first_line() -> None:
    with pytest.raises(JsonInputError) as caught:
        parse_json(b'{"text": NaN}', "cases.jsonl", first_line=17)
    assert caught.value.fields == {"file": "cases.jsonl", "line": 17, "column": 10, "value": "NaN"}


def test_parse_json_keeps_ordinary_values() -> None:
    data = '{"a": [1, -2.5, "\\ud83d\\ude00", "a\\\\ud800"], "b": 12345678901234567890}'
    assert parse_json(data.encode(), "x.json") == {
        "a": [1, -2.5, "😀", "a\\ud800"],
        "b": 12345678901234567890,
    }


def test_api_audit_answers_a_per_file_reason_not_500(app: App) -> None:
    world = build_world(app)
    api = world.api_client(world.admin_token)
    files = [
        ("files", ("deep.json", b"[" * 5000 + b"]" * 5000, "application/json")),
        ("files", ("ops.json", OZON.read_bytes(), "application/json")),
    ]
    answer = api.post("/api/v1/audits", files=files, data={"shop_id": str(world.shop_b)})
    assert answer.status_code == 200, answer.text
    deep, ops = answer.json()["files"]
    assert (deep["problem_code"], ops["problem_code"]) == ("json_too_deep", None)
    assert deep["problem"].startswith("Файл deep.json не принят")
