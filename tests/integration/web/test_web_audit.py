"""«Аудит» in the API and the pages (SQLite and PostgreSQL), on the small report fixtures of
tests/importers: exact counts and money, files that cannot be used reported one by one, drafting
appeals, statuses, shop scoping (another shop's finding is 404), roles and CSRF."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.web_support import World, csrf_of, sign_in

IMPORTERS = Path(__file__).resolve().parents[2] / "importers"
WB = IMPORTERS / "wb" / "fixtures"
OZON = IMPORTERS / "ozon" / "fixtures" / "transactions.json"
WB_FILES = [WB / "detail_2025.xlsx", WB / "incomes.json", WB / "shipment_list.xlsx"]
WB_SUMMARY = {
    "acceptance_shortfall": {"count": 2, "amount": "2050.00", "by_currency": {"RUB": "2050.00"}},
    "acceptance_surplus": {"count": 1, "amount": "0.00", "by_currency": {"RUB": "0.00"}},
    "duplicate_logistics": {"count": 3, "amount": "285.00", "by_currency": {"RUB": "285.00"}},
    "penalty": {"count": 2, "amount": "800.00", "by_currency": {"RUB": "800.00"}},
}


def multipart(paths: list[Path], names: list[str] | None = None) -> list[tuple[str, Any]]:
    names = names or [p.name for p in paths]
    return [
        ("files", (name, path.read_bytes(), "application/octet-stream"))
        for name, path in zip(names, paths, strict=True)
    ]


def audit(world: World, token: str, paths: list[Path], shop_id: int, **data: str) -> Any:
    return world.api_client(token).post(
        "/api/v1/audits", files=multipart(paths), data={"shop_id": str(shop_id), **data}
    )


def test_api_audit_counts_money_and_saves_once(world: World) -> None:
    names = ["report.csv", "incomes.json", "shipment_list.xlsx"]  # names never decide the kind
    api = world.api_client(world.admin_token)
    first = api.post(
        "/api/v1/audits",
        files=multipart(WB_FILES, names),
        data={"shop_id": str(world.shop_a)},
    )
    assert first.status_code == 200, first.text
    body = first.json()
    assert [
        (f["path"], f["kind"], f["format"], f["rows"], f["problem"]) for f in body["files"]
    ] == [
        ("report.csv", "wb_realization_detail", "xlsx", 23, None),
        ("incomes.json", "wb_incomes", "json", 4, None),
        ("shipment_list.xlsx", "shipment_list", "xlsx", 4, None),
    ]
    assert body["summary"] == {
        "by_kind": WB_SUMMARY,
        "total_amount": "3135.00",
        "by_currency": {"RUB": "3135.00"},
    }
    assert body["saved"] == {"added": 8, "updated": 0, "unchanged": 0, "new_files": 3}
    assert body["usable"] is True
    short = next(f for f in body["findings"] if f["keys"].get("barcode") == "2039876543210")
    assert (short["kind"], short["amount"], short["deadline"]) == (
        "acceptance_shortfall",
        "1250.00",
        "2026-11-20",
    )
    assert {(e["file"], e["row"], e["role"]) for e in short["evidence"]} == {
        ("shipment_list.xlsx", 3, "shipped"),
        ("incomes.json", 1, "accepted"),
        ("incomes.json", 2, "accepted"),
    }

    ozon = audit(world, world.admin_token, [OZON], world.shop_b)
    assert ozon.json()["summary"]["by_kind"] == {
        "ozon_writeoff": {"count": 2, "amount": "1770.50", "by_currency": {"RUB": "1770.50"}}
    }
    again = api.post(
        "/api/v1/audits",
        files=multipart(list(reversed(WB_FILES)), list(reversed(names))),
        data={"shop_id": str(world.shop_a)},
    )
    assert again.json()["saved"] == {"added": 0, "updated": 0, "unchanged": 8, "new_files": 0}

    listed = api.get("/api/v1/findings").json()
    assert (listed["total"], listed["amount"], listed["recovered"]) == (10, "4905.50", "0.00")
    assert listed["by_kind"]["ozon_writeoff"] == {
        "count": 2,
        "amount": "1770.50",
        "recovered": "0.00",
    }
    assert {i["status"] for i in listed["items"]} == {"new"}
    fines = api.get("/api/v1/findings", params={"kind": "penalty"}).json()
    assert [i["amount"] for i in fines["items"]] == ["500.00", "300.00"]
    assert fines["items"][0]["kind_label"] == "Штрафы"
    page = api.get("/api/v1/findings", params={"limit": 3, "offset": 3}).json()
    assert len(page["items"]) == 3 and page["has_next"] and page["total"] == 10
    dry = audit(world, world.admin_token, [OZON], world.shop_b, save="false")
    assert dry.json()["saved"] is None


def test_api_drafts_appeals_and_tracks_money(world: World) -> None:
    api = world.api_client(world.admin_token)
    found = audit(world, world.admin_token, WB_FILES, world.shop_a).json()["findings"]
    acceptance = [f["id"] for f in found if f["kind"].startswith("acceptance")]
    drafted = api.post("/api/v1/findings/draft", json={"ids": acceptance})
    assert drafted.status_code == 201, drafted.text
    (appeal,) = drafted.json()["appeals"]
    assert appeal["amount_claimed"] == "2050.00" and appeal["status"] == "ready"
    assert appeal["attachment"] == "audit-acceptance-24567891.xlsx"
    assert sorted(appeal["finding_ids"]) == sorted(acceptance)
    assert appeal["deadline"] == "2026-11-20"
    ticket = api.get(f"/api/v1/tickets/{appeal['ticket_id']}").json()
    assert ticket["shop_id"] == world.shop_a
    assert [a["filename"] for a in ticket["attachments"]] == [appeal["attachment"]]

    twice = api.post("/api/v1/findings/draft", json={"ids": acceptance[:1]})
    assert (twice.status_code, twice.json()["code"]) == (422, "finding_not_draftable")
    drafted_now = api.get("/api/v1/findings", params={"status": "drafted"}).json()["items"]
    assert {i["ticket_id"] for i in drafted_now} == {appeal["ticket_id"]}

    fine = next(f["id"] for f in found if f["kind"] == "penalty")
    url = f"/api/v1/findings/{fine}/status"
    no_amount = api.post(url, json={"to": "claimed"})
    assert no_amount.json()["status"] == "claimed"
    missing = api.post(url, json={"to": "recovered"})
    assert (missing.status_code, missing.json()["code"]) == (422, "finding_amount_required")
    paid = api.post(url, json={"to": "recovered", "amount": "250,50", "comment": "вернули"})
    assert paid.status_code == 200, paid.text
    assert (paid.json()["status"], paid.json()["amount_recovered"]) == ("recovered", "250.50")
    final = api.post(url, json={"to": "new"})
    assert (final.status_code, final.json()["code"]) == (422, "finding_invalid_transition")
    totals = api.get("/api/v1/findings").json()
    assert totals["recovered"] == "250.50"
    unknown = api.post("/api/v1/findings/draft", json={"ids": ["0123456789abcdef"]})
    assert (unknown.status_code, unknown.json()["code"]) == (404, "finding_not_found")


def test_api_scopes_findings_by_shop_and_role(world: World) -> None:
    wb = audit(world, world.admin_token, WB_FILES[:1], world.shop_a).json()["findings"]
    oz = audit(world, world.admin_token, [OZON], world.shop_b).json()["findings"]
    wb_id, oz_id = wb[0]["id"], oz[0]["id"]
    viewer = world.api_client(world.viewer_token)  # viewer of shop A
    manager = world.api_client(world.manager_token)  # manager of shop B

    seen = viewer.get("/api/v1/findings").json()
    assert {i["id"] for i in seen["items"]} == {f["id"] for f in wb} and seen["total"] == 5
    assert viewer.get("/api/v1/findings", params={"shop_id": world.shop_b}).json()["total"] == 0
    other = viewer.post(f"/api/v1/findings/{oz_id}/status", json={"to": "dismissed"})
    assert (other.status_code, other.json()["code"]) == (404, "finding_not_found")
    assert viewer.post("/api/v1/findings/draft", json={"ids": [oz_id]}).status_code == 404
    refused = viewer.post(f"/api/v1/findings/{wb_id}/status", json={"to": "dismissed"})
    assert (refused.status_code, refused.json()["code"]) == (403, "forbidden")
    assert viewer.post("/api/v1/findings/draft", json={"ids": [wb_id]}).status_code == 403
    assert audit(world, world.viewer_token, [OZON], world.shop_a).status_code == 403

    assert {i["id"] for i in manager.get("/api/v1/findings").json()["items"]} == {
        f["id"] for f in oz
    }
    assert manager.post(f"/api/v1/findings/{wb_id}/status", json={"to": "claimed"}).status_code == (
        404
    )
    into_a = audit(world, world.manager_token, [OZON], world.shop_a)
    assert (into_a.status_code, into_a.json()["code"]) == (404, "shop_not_found")
    ok = manager.post(f"/api/v1/findings/{oz_id}/status", json={"to": "dismissed"})
    assert ok.json()["status"] == "dismissed"


def test_api_reports_a_broken_file_and_audits_the_others(world: World) -> None:
    broken = [WB / "broken" / "bad.json", WB / "broken" / "truncated.xlsx"]
    response = audit(world, world.manager_token, [*broken, OZON], world.shop_b)
    assert response.status_code == 200, response.text
    files = response.json()["files"]
    assert [(f["path"], f["usable"], f["problem_code"]) for f in files] == [
        ("bad.json", False, "report_bad_json"),
        ("truncated.xlsx", False, "attachment_broken_zip"),
        ("transactions.json", True, None),
    ]
    assert files[0]["problem"].startswith("Файл bad.json — некорректный JSON (строка 2")
    assert response.json()["summary"]["total_amount"] == "1770.50"

    nothing = audit(world, world.manager_token, broken, world.shop_b)
    body = nothing.json()
    assert (nothing.status_code, body["code"]) == (422, "audit_no_usable_files")
    assert [f["problem_code"] for f in body["fields"]["files"]] == [
        "report_bad_json",
        "attachment_broken_zip",
    ]
    listed = world.api_client(world.manager_token).get("/api/v1/findings").json()
    assert listed["total"] == 2  # the failed audit saved nothing


def test_api_upload_limits(world: World) -> None:
    api = world.api_client(world.manager_token)
    many = [("files", (f"{i}.csv", b"a;b\n1;2\n", "text/csv")) for i in range(21)]
    too_many = api.post("/api/v1/audits", files=many, data={"shop_id": str(world.shop_b)})
    assert (too_many.status_code, too_many.json()["code"]) == (422, "audit_too_many_files")
    assert too_many.json()["fields"] == {"count": 21, "limit": 20}

    world.api.state.app.settings.max_attachment_mb = 1  # reports up to 10 MB
    big = ("files", ("big.csv", b"0" * (10 * 1024 * 1024 + 1), "text/csv"))
    response = api.post(
        "/api/v1/audits",
        files=[big, *multipart([OZON])],
        data={"shop_id": str(world.shop_b)},
    )
    assert response.status_code == 200, response.text
    first = response.json()["files"][0]
    assert (first["path"], first["problem_code"], first["usable"]) == (
        "big.csv",
        "audit_file_too_large",
        False,
    )
    assert "больше 10 МБ" in first["problem"]
    assert response.json()["summary"]["total_amount"] == "1770.50"


# --- pages --------------------------------------------------------------------------------


def page_upload(client: Any, csrf: str, paths: list[Path], shop_id: int) -> Any:
    return client.post(
        "/audit",
        data={"csrf_token": csrf, "shop_id": str(shop_id)},
        files=multipart(paths),
    )


def test_page_audits_uploads_and_drafts_appeals(world: World) -> None:
    client = world.client()
    sign_in(client, "boss")
    page = client.get("/audit")
    assert page.status_code == 200
    assert '<a href="/audit" aria-current="page">Аудит</a>' in page.text
    assert 'enctype="multipart/form-data"' in page.text and "data-dropzone" in page.text
    csrf = csrf_of(page.text)

    run = page_upload(client, csrf, [WB / "broken" / "koi8.csv", *WB_FILES[1:]], world.shop_a)
    assert run.status_code == 200, run.text
    html = run.text
    assert "сохранён в кодировке KOI8-R" in html  # the broken file, in Russian
    assert "поставки WB (принятый товар)" in html and "список отгрузки продавца" in html
    assert "Недостача при приёмке" in html and "2\u00a0050,00\u00a0₽" in html
    assert "shipment_list.xlsx: стр. 3" in html and "20.11.2026" in html
    assert "новых находок 3" in html
    assert html.count('name="ids"') == 3

    listed = client.get("/audit")
    ids = [
        line.split('value="')[1].split('"')[0]
        for line in listed.text.splitlines()
        if 'name="ids"' in line
    ]
    assert len(ids) == 3
    drafted = client.post(
        "/audit/findings/draft",
        data={"csrf_token": csrf, "ids": ids, "back": "status=new&evil=1"},
    )
    assert drafted.status_code == 303
    location = drafted.headers["location"]
    assert location.startswith("/audit?status=new&drafted=") and "evil" not in location
    shown = client.get(location).text
    ticket_id = location.rsplit("=", 1)[1]
    assert f'href="/tickets/{ticket_id}"' in shown and "Расхождение при приёмке" in shown
    assert client.get(f"/tickets/{ticket_id}").status_code == 200

    claimed = client.post(
        f"/audit/findings/{ids[0]}/status", data={"csrf_token": csrf, "to": "claimed"}
    )
    assert claimed.status_code == 303
    paid = client.post(
        f"/audit/findings/{ids[0]}/status",
        data={"csrf_token": csrf, "to": "recovered", "amount": "1 000,00", "back": "kind=x"},
    )
    assert paid.headers["location"] == f"/audit?kind=x&done=status#finding-{ids[0]}"
    final = client.post(
        f"/audit/findings/{ids[0]}/status", data={"csrf_token": csrf, "to": "dismissed"}
    )
    assert final.status_code == 422 and 'id="audit-error"' in final.text
    assert "нельзя перевести" in final.text and 'id="findings-table"' in final.text
    none = client.post("/audit/findings/draft", data={"csrf_token": csrf})
    assert none.status_code == 422 and "Отметьте находки" in none.text
    after = client.get("/audit?status=recovered").text
    assert "возвращено 1\u00a0000,00\u00a0₽" in after and "Статус находки изменён" not in after
    fragment = client.get(
        "/audit?status=recovered", headers={"HX-Request": "true", "HX-Target": "findings"}
    )
    assert fragment.text.lstrip().startswith('<div id="findings"')
    assert "<html" not in fragment.text


def test_page_forms_need_the_csrf_token(world: World) -> None:
    audit(world, world.admin_token, [OZON], world.shop_b)
    client = world.client()
    sign_in(client, "max")
    page = client.get("/audit")
    finding = page.text.split('id="finding-')[1].split('"')[0]
    for url, data in (
        ("/audit", {"shop_id": str(world.shop_b)}),
        ("/audit/findings/draft", {"ids": finding}),
        (f"/audit/findings/{finding}/status", {"to": "dismissed"}),
    ):
        for token in (None, "forged"):
            sent = {**data, **({"csrf_token": token} if token else {})}
            response = client.post(
                url, data=sent, files=multipart([OZON]) if url == "/audit" else None
            )
            assert response.status_code == 403, (url, token)
            assert "csrf" in response.text.lower() or "Нет доступа" in response.text
    status = client.get("/audit?status=new").text
    assert f'id="finding-{finding}"' in status  # nothing changed


def test_page_viewer_sees_but_cannot_act_and_other_shops_are_404(world: World) -> None:
    found = audit(world, world.admin_token, WB_FILES[:1], world.shop_a).json()["findings"]
    oz = audit(world, world.admin_token, [OZON], world.shop_b).json()["findings"]
    viewer = world.client()
    sign_in(viewer, "vera")
    page = viewer.get("/audit")
    assert page.status_code == 200
    assert 'id="viewer-note"' in page.text and 'id="audit-form"' not in page.text
    assert all(f'id="finding-{f["id"]}"' in page.text for f in found)
    assert f'id="finding-{oz[0]["id"]}"' not in page.text
    assert 'name="ids"' not in page.text and "Изменить статус" not in page.text
    csrf = csrf_of(page.text)
    assert page_upload(viewer, csrf, [OZON], world.shop_a).status_code == 403
    fid = found[0]["id"]
    acted = viewer.post(
        f"/audit/findings/{fid}/status", data={"csrf_token": csrf, "to": "dismissed"}
    )
    assert acted.status_code == 403
    drafted = viewer.post("/audit/findings/draft", data={"csrf_token": csrf, "ids": fid})
    assert drafted.status_code == 403
    other = viewer.post(
        f"/audit/findings/{oz[0]['id']}/status", data={"csrf_token": csrf, "to": "dismissed"}
    )
    assert other.status_code == 404 and "не найдена" in other.text
    assert viewer.get(f"/audit?shop={world.shop_b}").status_code == 404
    assert page_upload(viewer, csrf, [OZON], world.shop_b).status_code == 404


def test_api_audit_routes_are_in_the_spec_and_answer_the_one_envelope(world: World) -> None:
    api = world.api_client(world.manager_token)
    spec = api.get("/api/openapi.json").json()
    for path, method, schema in (
        ("/api/v1/audits", "post", "AuditPublic"),
        ("/api/v1/findings", "get", "FindingListPublic"),
        ("/api/v1/findings/draft", "post", "DraftListPublic"),
        ("/api/v1/findings/{finding_id}/status", "post", "FindingPublic"),
    ):
        ok = next(v for k, v in spec["paths"][path][method]["responses"].items() if k < "300")
        assert ok["content"]["application/json"]["schema"]["$ref"].endswith(schema)
        assert "404" in spec["paths"][path][method]["responses"]
    for response, status, code in (
        (api.get("/api/v1/findings", params={"kind": "nope"}), 422, "validation_error"),
        (api.post("/api/v1/findings/draft", json={"ids": []}), 422, "validation_error"),
        (
            api.post("/api/v1/findings/0123456789abcdef/status", json={"to": "claimed"}),
            404,
            "finding_not_found",
        ),
        (api.post("/api/v1/findings/XYZ/status", json={"to": "claimed"}), 422, "validation_error"),
        (api.post("/api/v1/audits", data={"shop_id": "1"}), 422, "validation_error"),
    ):
        body = response.json()
        assert (response.status_code, body["code"]) == (status, code)
        assert sorted(body) == ["code", "fields", "message", "ok"] and body["ok"] is False
        assert body["message"] and body["message"] != code


def test_page_escapes_file_names_and_keeps_no_upload(world: World) -> None:
    client = world.client()
    sign_in(client, "max")
    csrf = csrf_of(client.get("/audit").text)
    evil = '<img src=x onerror="alert(1)">.json'
    run = client.post(
        "/audit",
        data={"csrf_token": csrf, "shop_id": str(world.shop_b)},
        files=[("files", (evil, OZON.read_bytes(), "application/json"))],
    )
    assert run.status_code == 200
    assert "<img src=x" not in run.text and "&lt;img src=x onerror=" in run.text
    assert "Списания Ozon на складе" in run.text
    leftovers = [p for p in Path(world.wctx.ctx.files.root).rglob("*") if p.is_file()]  # type: ignore[attr-defined]
    assert leftovers == []  # reports are read from a temp dir, not kept in the file store
