"""Ozon compensation and decompensation reports built from the published layout (Ozon's help
page «Отчёт о компенсациях» and the public builder cited in
``adapters/importers/ozon/compensation.py``); no seller's data."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "benchmarks"))
from gen_reports import write_xlsx

HEADER = ["№", "Название товара", "Артикул", "SKU", "Штрих-код", "Кол-во", "Тип компенсации",
          "Действительная стоимость товара", "Действительная стоимость - всего",
          "Уменьшено на сумму", "Итого к начислению"]  # fmt: skip
#: the decompensation report writes «всего» with a dash
DECOMPENSATION_HEADER = [h.replace(" - ", " — ") for h in HEADER]

#: (name, article, sku, quantity, type, unit value, total value, reduced by, accrued)
COMPENSATIONS = [
    ("Чайник", "A-2", 1100526204, 1, "Потеря по вине Ozon на складе", 1450.0, 1450.0, 0, 1450.0),
    ("Лампа", "A-3", 6605735423, 2, "Брак по вине Ozon на складе", 640.0, 1280.0, 640.0, 640.0),
    ("Кружка", "A-1", 1100526203, 1, "Потеря по вине Ozon на складе", 900.0, 900.0, 315.5, 584.5),
]  # fmt: skip
DECOMPENSATIONS = [
    ("Чайник", "A-2", 1100526204, 1, "Товар найден на складе", 1450.0, 1450.0, 0, 1450.0),
]


def rows(items: list[tuple[object, ...]]) -> list[list[object]]:
    return [[i + 1, n, a, s, 4601234567890 + i, q, t, u, v, r, p]
            for i, (n, a, s, q, t, u, v, r, p) in enumerate(items)]  # fmt: skip


def compensation_bytes(
    tmp: Path, items: list[tuple[object, ...]] = COMPENSATIONS, number: str = "77",
    day: str = "05.11.2026",
) -> bytes:  # fmt: skip
    path = tmp / f"comp-{number}.xlsx"
    write_xlsx(path, HEADER, rows(items), title=f"Отчет о компенсациях № {number} от {day}")
    return path.read_bytes()


def decompensation_bytes(
    tmp: Path, items: list[tuple[object, ...]] = DECOMPENSATIONS, number: str = "78",
    day: str = "05.11.2026",
) -> bytes:  # fmt: skip
    path = tmp / f"decomp-{number}.xlsx"
    write_xlsx(path, DECOMPENSATION_HEADER, rows(items),
               title=f"Отчет о декомпенсациях № {number} от {day}")  # fmt: skip
    return path.read_bytes()
