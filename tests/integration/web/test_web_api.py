"""The REST API on the ASGI app (SQLite and PostgreSQL): tickets through their lifecycle,
messages, attachments, triage, knowledge base, shops; scoping by shop and role."""

from __future__ import annotations

import io

from tests.conftest import make_jpeg
from tests.web_support import World


def test_ticket_lifecycle_through_the_api(world: World, tmp_path) -> None:  # type: ignore[no-untyped-def]
    api = world.api_client(world.admin_token)
    created = api.post(
        "/api/v1/tickets",
        json={
            "marketplace": "wb",
            "category": "finance",
            "description": "Удержали штраф за габариты, хотя замеры совпадают с карточкой.",
            "identifiers": [
                {"type": "sku", "value": "146395522"},
                {"type": "amount", "value": "4 300,50"},
            ],
            "shop_id": world.shop_a,
        },
    )
    assert created.status_code == 201, created.text
    ticket = created.json()
    tid = ticket["id"]
    assert ticket["shop_id"] == world.shop_a
    assert ticket["amount_claimed"] == "4300.50"
    assert {"type": "amount", "value": "4300.50"} in ticket["identifiers"]
    assert "submitted" in ticket["allowed_transitions"]

    photo = make_jpeg(tmp_path / "box.jpg").read_bytes()
    up = api.post(
        f"/api/v1/tickets/{tid}/attachments", files={"files": ("box.jpg", photo, "image/jpeg")}
    )
    assert up.status_code == 201, up.text
    att = up.json()["attachments"][0]
    assert att["media_type"] == "image/jpeg"

    down = api.get(f"/api/v1/tickets/{tid}/attachments/{att['id']}")
    assert down.status_code == 200
    assert down.content == photo
    assert down.headers["content-disposition"].startswith("attachment")
    assert down.headers["x-content-type-options"] == "nosniff"

    no_number = api.post(f"/api/v1/tickets/{tid}/transitions", json={"to": "submitted"})
    assert no_number.status_code == 422
    assert no_number.json()["code"] == "external_id_required"  # Service Desk numbers appeals

    sent = api.post(
        f"/api/v1/tickets/{tid}/transitions", json={"to": "submitted", "external_id": "SD-77"}
    )
    assert sent.status_code == 200, sent.text
    assert sent.json()["status"] == "submitted"
    assert sent.json()["reply_due_at"]

    answer = api.post(
        f"/api/v1/tickets/{tid}/messages",
        json={"direction": "in", "body": "Штраф отменён, деньги вернутся в следующем отчёте."},
    )
    assert answer.status_code == 201
    assert answer.json()["status"] == "answered"
    messages = api.get(f"/api/v1/tickets/{tid}/messages").json()
    assert [m["direction"] for m in messages] == ["out", "in"]

    stale = api.post(f"/api/v1/tickets/{tid}/transitions", json={"to": "resolved", "version": 1})
    assert stale.status_code == 409
    assert stale.json()["code"] == "concurrent_edit"

    done = api.post(
        f"/api/v1/tickets/{tid}/transitions",
        json={"to": "resolved", "amount_recovered": "4300.50"},
    )
    assert done.json()["status"] == "resolved"
    assert done.json()["amount_recovered"] == "4300.50"

    again = api.post(f"/api/v1/tickets/{tid}/transitions", json={"to": "answered"})
    assert again.status_code == 409
    assert again.json()["code"] == "invalid_transition"

    bundle = api.get(f"/api/v1/tickets/{tid}/bundle")
    assert bundle.status_code == 200
    assert bundle.content[:2] == b"PK"


def test_list_filters_search_and_pagination(world: World) -> None:
    api = world.api_client(world.admin_token)
    everything = api.get("/api/v1/tickets").json()
    assert everything["total"] == 2 and not everything["total_capped"]
    only_wb = api.get("/api/v1/tickets", params={"marketplace": "wb"}).json()
    assert [t["id"] for t in only_wb["items"]] == [world.ticket_a]
    found = api.get("/api/v1/tickets", params={"q": "приёмке"}).json()
    assert [t["id"] for t in found["items"]] == [world.ticket_a]
    by_number = api.get("/api/v1/tickets", params={"q": "48293017"}).json()
    assert [t["id"] for t in by_number["items"]] == [world.ticket_b]
    page = api.get("/api/v1/tickets", params={"limit": 1, "order_by": "id"}).json()
    assert page["has_next"] is True and page["items"][0]["id"] == world.ticket_a
    assert api.get("/api/v1/tickets", params={"marketplace": "amazon"}).status_code == 422


def test_patch_recomposes_a_draft_and_refuses_a_sent_ticket(world: World) -> None:
    api = world.api_client(world.admin_token)
    tid = world.ticket_a
    changed = api.patch(
        f"/api/v1/tickets/{tid}",
        json={"event_date": "2026-11-10", "identifiers": [{"type": "supply_id", "value": "555"}]},
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["event_date"] == "2026-11-10"
    assert "555" in changed.json()["subject"] + changed.json()["body"]
    api.post(f"/api/v1/tickets/{tid}/transitions", json={"to": "submitted", "external_id": "1"})
    refused = api.patch(f"/api/v1/tickets/{tid}", json={"category": "finance"})
    assert refused.status_code == 422
    assert refused.json()["code"] == "ticket_not_editable"


def test_viewer_sees_only_their_shop_and_cannot_write(world: World) -> None:
    api = world.api_client(world.viewer_token)
    listed = api.get("/api/v1/tickets").json()
    assert [t["id"] for t in listed["items"]] == [world.ticket_a]
    assert api.get(f"/api/v1/tickets/{world.ticket_b}").status_code == 404
    other = api.get("/api/v1/tickets", params={"shop_id": world.shop_b}).json()
    assert other["items"] == []
    assert [s["id"] for s in api.get("/api/v1/shops").json()] == [world.shop_a]
    write = api.post(
        f"/api/v1/tickets/{world.ticket_a}/messages", json={"direction": "note", "body": "x"}
    )
    assert write.status_code == 403
    assert write.json()["code"] == "forbidden"


def test_another_shops_attachment_is_not_found(world: World, tmp_path) -> None:  # type: ignore[no-untyped-def]
    admin = world.api_client(world.admin_token)
    photo = make_jpeg(tmp_path / "p.jpg").read_bytes()
    att = admin.post(
        f"/api/v1/tickets/{world.ticket_b}/attachments",
        files={"files": ("p.jpg", io.BytesIO(photo), "image/jpeg")},
    ).json()["attachments"][0]
    viewer = world.api_client(world.viewer_token)
    path = f"/api/v1/tickets/{world.ticket_b}/attachments/{att['id']}"
    assert viewer.get(path).status_code == 404
    # the attachment id under a ticket the viewer may see does not leak it either
    assert (
        viewer.get(f"/api/v1/tickets/{world.ticket_a}/attachments/{att['id']}").status_code == 404
    )


def test_manager_creates_in_own_shop_only(world: World) -> None:
    api = world.api_client(world.manager_token)
    body = {"marketplace": "ozon", "category": "listing", "description": "Карточка скрыта."}
    mine = api.post("/api/v1/tickets", json={**body, "shop_id": world.shop_b})
    assert mine.status_code == 201
    theirs = api.post(
        "/api/v1/tickets", json={**body, "marketplace": "wb", "shop_id": world.shop_a}
    )
    assert theirs.status_code == 404
    default = api.post("/api/v1/tickets", json=body)
    assert default.json()["shop_id"] == world.shop_b


def test_triage_and_knowledge_base(world: World) -> None:
    api = world.api_client(world.viewer_token)
    result = api.post(
        "/api/v1/triage",
        json={"text": "Wildberries: поставка 24567891 принята не полностью, не хватает 25 штук"},
    )
    assert result.status_code == 200
    data = result.json()
    assert (data["available"], data["marketplace"], data["category"]) == (
        True,
        "wb",
        "acceptance",
    )
    assert data["appeal"]["subject"]
    channels = api.get("/api/v1/kb/channels").json()
    assert any(c["id"] == "wb_service_desk" for c in channels)
    assert api.get("/api/v1/kb/nonsense").status_code == 422


def test_shops_are_created_by_administrators_only(world: World) -> None:
    assert (
        world.api_client(world.manager_token)
        .post("/api/v1/shops", json={"name": "Новый", "marketplace": "wb"})
        .status_code
        == 403
    )
    made = world.api_client(world.admin_token).post(
        "/api/v1/shops", json={"name": "Новый", "marketplace": "wb"}
    )
    assert made.status_code == 201 and made.json()["role"] == "owner"


def test_openapi_describes_the_api_only(world: World) -> None:
    spec = world.client().get("/api/openapi.json").json()
    assert all(path.startswith("/api/v1/") for path in spec["paths"])
    assert "/api/v1/tickets/{ticket_id}/transitions" in spec["paths"]
    assert "ErrorPublic" in spec["components"]["schemas"]
