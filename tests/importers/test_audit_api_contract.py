"""The JSON shapes the audit accepts, pinned against the published API schemas (WB 2025-12 and
2026-08, Ozon 2025-08; copied into specs/api_schemas.json by specs/extract_schemas.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mpdesk.adapters.importers.wb import incomes, realization

HERE = Path(__file__).resolve().parent
SCHEMAS: dict[str, Any] = json.loads((HERE / "specs" / "api_schemas.json").read_text("utf-8"))
WB = HERE / "wb" / "fixtures"
OZON = HERE / "ozon" / "fixtures"
JSON_TYPES = {
    "string": str,
    "integer": int,
    "number": (int, float),
    "boolean": bool,
    "array": list,
    "object": dict,
}


def props(name: str) -> dict[str, str]:
    return SCHEMAS[name]["properties"]  # type: ignore[no-any-return]


def conforms(record: dict[str, Any], schema: str) -> None:
    known = props(schema)
    assert set(record) <= set(known), set(record) - set(known)
    for key, value in record.items():
        if value is not None:
            assert isinstance(value, JSON_TYPES[known[key]]), (schema, key, value)


@pytest.mark.parametrize("schema", ["wb_v5_detail", "wb_2026_detail"])
def test_every_realization_key_we_read_is_in_the_spec(schema: str) -> None:
    for column in realization.COLUMNS:
        keys = [k for k in column.keys if k in props(schema)]
        assert keys, f"{column.name} has no {schema} key"


def test_2026_money_fields_are_strings_and_v5_numbers() -> None:
    for key in ("deliveryService", "penalty", "retailAmount", "forPay"):
        assert props("wb_2026_detail")[key] == "string"
    for key in ("delivery_rub", "penalty", "retail_amount", "ppvz_for_pay"):
        assert props("wb_v5_detail")[key] == "number"


def test_incomes_keys_and_markers_are_in_the_spec() -> None:
    keys = {k for c in incomes.COLUMNS for k in c.keys}
    assert keys <= set(props("wb_incomes"))
    assert incomes.is_json_rows(set(props("wb_incomes")))
    assert realization.is_json_rows(set(props("wb_v5_detail")))
    assert realization.is_json_rows(set(props("wb_2026_detail")))


@pytest.mark.parametrize(
    ("fixture", "schema"),
    [
        ("detail_v5.json", "wb_v5_detail"),
        ("detail_finance_2026.json", "wb_2026_detail"),
        ("incomes.json", "wb_incomes"),
    ],
)
def test_wb_fixtures_follow_the_spec(fixture: str, schema: str) -> None:
    for record in json.loads((WB / fixture).read_text("utf-8")):
        conforms(record, schema)


def test_supply_goods_fixture_follows_the_spec() -> None:
    for wrapper in json.loads((WB / "supply_goods.json").read_text("utf-8")):
        assert set(wrapper) - {"supplyID", "goods"} <= set(props("wb_supply_details"))
        for good in wrapper["goods"]:
            conforms(good, "wb_supply_goods")


def test_ozon_fixture_follows_the_spec() -> None:
    for page in json.loads((OZON / "transactions.json").read_text("utf-8")):
        assert set(page["result"]) <= set(props("ozon_result"))
        for op in page["result"]["operations"]:
            conforms(op, "ozon_operation")
            conforms(op["posting"], "ozon_posting")
            for item in op["items"]:
                conforms(item, "ozon_item")
