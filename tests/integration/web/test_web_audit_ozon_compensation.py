"""Ozon's compensation and decompensation reports through ``/api/v1/audits`` and the «Аудит»
page: recognised, findings saved with their kinds, labels shown (SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.importers.ozon.compensation_files import compensation_bytes, decompensation_bytes
from tests.web_support import World, csrf_of, sign_in


def reports(tmp: Path) -> list[tuple[str, Any]]:
    return [
        ("files", ("compensation.xlsx", compensation_bytes(tmp), "application/octet-stream")),
        ("files", ("any name.xlsx", decompensation_bytes(tmp), "application/octet-stream")),
    ]


def test_api_audits_the_compensation_reports(world: World, tmp_path: Path) -> None:
    api = world.api_client(world.manager_token)
    response = api.post(
        "/api/v1/audits", files=reports(tmp_path), data={"shop_id": str(world.shop_b)}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert [(f["kind"], f["rows"]) for f in body["files"]] == [
        ("ozon_compensation", 3), ("ozon_decompensation", 1)]  # fmt: skip
    kinds = body["summary"]["by_kind"]
    assert kinds["ozon_compensation_reduced"]["amount"] == "955.50"
    assert kinds["ozon_decompensation"]["amount"] == "1450.00"
    listed = api.get("/api/v1/findings", params={"kind": "ozon_decompensation"}).json()
    (taken,) = listed["items"]
    assert taken["keys"]["sku"] == "1100526204" and taken["kind_label"] == "Декомпенсации Ozon"
    assert [(e["file"], e["row"]) for e in taken["evidence"]] == [("any name.xlsx", 3)]


def test_page_shows_the_reports_and_their_findings(world: World, tmp_path: Path) -> None:
    client = world.client()
    sign_in(client, "boss")
    csrf = csrf_of(client.get("/audit").text)
    shown = client.post(
        "/audit", data={"csrf_token": csrf, "shop_id": str(world.shop_b)}, files=reports(tmp_path)
    )
    assert shown.status_code == 200, shown.text
    html = shown.text
    assert "отчёт Ozon о компенсациях" in html and "отчёт Ozon о декомпенсациях" in html
    assert "Компенсации Ozon ниже стоимости товара" in html and "Декомпенсации Ozon" in html
