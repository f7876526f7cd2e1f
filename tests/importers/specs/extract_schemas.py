"""Copy the API schemas the audit reads from the pinned specifications into
``api_schemas.json`` (the specs live outside the repository, in shared/specs):

    .venv/bin/python tests/importers/specs/extract_schemas.py PATH/TO/shared/specs
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
WANTED = {
    "wb_v5_detail": ("wb-2025-12/13-finances.yaml", "DetailReportItem"),
    "wb_2026_detail": ("wb-2026-08/13-finances.yaml", "SalesReportsDetailedRes"),
    "wb_incomes": ("wb-2025-12/12-reports.yaml", "IncomesItem"),
    "wb_supply_goods": ("wb-2026-08/07-orders-fbw.yaml", "models.GoodInSupply"),
    "wb_supply_details": ("wb-2026-08/07-orders-fbw.yaml", "models.SupplyDetails"),
    "ozon_operation": ("ozon-2025-08/swagger.json", "FinanceTransactionListV3ResponseOperation"),
    "ozon_result": ("ozon-2025-08/swagger.json", "financev3FinanceTransactionListV3ResponseResult"),
    "ozon_posting": ("ozon-2025-08/swagger.json", "OperationPosting"),
    "ozon_item": ("ozon-2025-08/swagger.json", "OperationItem"),
}


def main(root: Path) -> None:
    out: dict[str, Any] = {}
    for name, (relative, schema) in WANTED.items():
        path = root / relative
        raw = path.read_bytes()
        doc = json.loads(raw) if path.suffix == ".json" else yaml.safe_load(raw)
        props = doc["components"]["schemas"][schema]["properties"]
        out[name] = {
            "source": f"{relative}#/components/schemas/{schema}",
            "sha256": hashlib.sha256(raw).hexdigest(),
            "properties": {k: v.get("type", "object") for k, v in props.items()},
        }
    (HERE / "api_schemas.json").write_text(
        json.dumps(out, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]))
