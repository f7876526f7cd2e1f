"""The one error shape of the API, pinned (like datasette's test_error_shape): every error,
from the domain, validation, routing or auth, is {ok: false, code, message, fields}."""

from __future__ import annotations

import pytest
from tests.web_support import World

ENVELOPE_KEYS = ["code", "fields", "message", "ok"]


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "status", "code"),
    [
        ("get", "/api/v1/tickets/999999", {}, 404, "ticket_not_found"),
        ("get", "/api/v1/nowhere", {}, 404, "page_not_found"),
        ("delete", "/api/v1/tickets", {}, 405, "method_not_allowed"),
        ("get", "/api/v1/tickets?limit=0", {}, 422, "validation_error"),
        ("post", "/api/v1/tickets", {"json": {"marketplace": "wb"}}, 422, "validation_error"),
        (
            "post",
            "/api/v1/tickets",
            {"json": {"marketplace": "wb", "category": "finance", "description": "a\u0000b"}},
            422,
            "validation_error",
        ),
        (
            "post",
            "/api/v1/tickets",
            {
                "json": {
                    "marketplace": "wb",
                    "category": "finance",
                    "identifiers": [{"type": "barcode", "value": "12"}],
                }
            },
            422,
            "identifier_format",
        ),
    ],
)
def test_api_errors_share_one_envelope(
    world: World, method: str, path: str, kwargs: dict, status: int, code: str
) -> None:
    response = getattr(world.api_client(world.admin_token), method)(path, **kwargs)
    assert response.status_code == status
    body = response.json()
    assert sorted(body) == ENVELOPE_KEYS
    assert body["ok"] is False
    assert body["code"] == code
    assert isinstance(body["fields"], dict)
    assert body["message"] and body["message"] != code
    assert any("а" <= ch <= "я" for ch in body["message"].lower()), "message is Russian"


def test_missing_or_unknown_token_is_401_with_the_envelope(world: World) -> None:
    for headers in ({}, {"Authorization": "Bearer mpd_nope"}, {"Authorization": "Basic x"}):
        response = world.client().get("/api/v1/tickets", headers=headers)
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == "Bearer"
        assert response.json()["code"] == "auth_required"


def test_session_cookie_does_not_authenticate_the_api(world: World) -> None:
    from tests.web_support import sign_in

    client = world.client()
    sign_in(client, "boss")
    assert client.get("/api/v1/tickets").status_code == 401


def test_error_message_comes_from_the_catalogue(world: World) -> None:
    body = world.api_client(world.admin_token).get("/api/v1/tickets/424242").json()
    assert body["message"] == world.wctx.ctx.message("ticket_not_found", ticket_id=424242)
    assert body["fields"] == {"ticket_id": 424242}
