"""The journal in and out of spreadsheets: a seller's Excel journal of N rows checked
(``--dry-run``), imported into an empty SQLite journal, imported again (every row skipped),
exported as the accountants' XLSX, and that export checked against the journal it came from.

Run: ``.venv/bin/python benchmarks/journal_sheets_bench.py [ROWS]`` (default 5,000) →
``benchmarks/results/journal_sheets.json``. Target: a seller's journal of a few thousand rows
is checked in seconds; the import itself costs what creating each appeal costs (one insert per
appeal, its identifiers, events and search index).
"""

from __future__ import annotations

import json
import os
import platform
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "journal_sheets.json"
HEADERS = ["Дата", "Площадка", "Тип проблемы", "Тема обращения", "Номер заявки", "Статус",
           "Сумма", "Номер поставки"]  # fmt: skip


def seller_journal(path: Path, rows: int) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, HEADERS)
    day = book.add_format({"num_format": "dd.mm.yyyy"})
    for i in range(rows):
        sheet.write_datetime(i + 1, 0, date(2026, 1, 1) + timedelta(days=i % 300), day)
        sheet.write_row(i + 1, 1, ["ВБ" if i % 2 else "Ozon", "Финансы",
                                   f"Недоплата по отчёту {i}"])  # fmt: skip
        if i % 3:
            sheet.write_number(i + 1, 4, 5_000_000 + i)
        sheet.write_string(i + 1, 5, "в работе" if i % 2 else "Решено")
        sheet.write_number(i + 1, 6, 100 + i + 0.5)
    book.close()


def main() -> None:
    sys.path.insert(0, str(ROOT / "src"))
    from mpdesk.bootstrap import bootstrap
    from mpdesk.config import Settings
    from mpdesk.domain.accounts import Principal
    from mpdesk.services import export, journal_import
    from mpdesk.services.ports.journal import TicketFilter

    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    owner = Principal(0, "bench", "bench", True)
    timings: dict[str, dict[str, float | int]] = {}
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        source = tmp / "journal.xlsx"
        seller_journal(source, rows)
        app = bootstrap(Settings(home=tmp / "home", database_url=f"sqlite:///{tmp / 'j.db'}"))
        steps = (("dry_run", source, True), ("import", source, False),
                 ("re_import", source, False))  # fmt: skip
        for name, path, dry in steps:
            t0 = time.perf_counter()
            result = journal_import.import_file(app.ctx, owner, path, dry_run=dry)
            seconds = time.perf_counter() - t0
            timings[name] = {"seconds": round(seconds, 2), "added": result.added,
                             "skipped": result.skipped,
                             "rows_per_second": round(rows / seconds, 1)}  # fmt: skip
        out = tmp / "export.xlsx"
        t0 = time.perf_counter()
        export.export_journal(app.ctx, "xlsx", out, TicketFilter())
        timings["xlsx_export"] = {"seconds": round(time.perf_counter() - t0, 2),
                                  "bytes": out.stat().st_size}  # fmt: skip
        t0 = time.perf_counter()
        result = journal_import.import_file(app.ctx, owner, out, dry_run=True)
        seconds = round(time.perf_counter() - t0, 2)
        timings["own_export_dry_run"] = {
            "seconds": seconds, "added": result.added, "skipped": result.skipped
        }  # fmt: skip
        if app.engine is not None:
            app.engine.dispose()
    report = {
        "benchmark": "journal_sheets",
        "rows": rows,
        "load_average_1min": round(os.getloadavg()[0], 2),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "timings": timings,
    }
    RESULTS.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
