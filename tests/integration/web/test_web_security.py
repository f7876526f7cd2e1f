"""Security of the pages: escaping of untrusted text, CSRF, shop scoping (404), login
throttling, cookie flags, headers, one-time links, open redirects."""

from __future__ import annotations

from tests.web_support import PASSWORD, World, csrf_of, sign_in

from mpdesk.domain.accounts import LOCAL_OWNER as OWNER
from mpdesk.domain.appeal import AppealDraft
from mpdesk.services import accounts, journal, ticket_actions

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_xss_payload_in_a_ticket_is_rendered_escaped(world: World) -> None:
    ctx = world.wctx.ctx
    opened = journal.open_ticket(
        ctx, OWNER, AppealDraft("wb", "other", f"Описание {XSS} конец"), shop_name="Магазин А"
    )
    assert opened.ticket.id is not None
    ticket_actions.add_note(ctx, OWNER, opened.ticket.id, XSS)
    client = world.client()
    sign_in(client, "boss")
    for path in (f"/tickets/{opened.ticket.id}", "/journal", f"/journal?q={XSS}"):
        html = client.get(path).text
        assert "<script>alert" not in html
        assert "<img src=x" not in html
    assert "&lt;script&gt;alert" in client.get(f"/tickets/{opened.ticket.id}").text


def test_form_without_csrf_token_is_refused(world: World) -> None:
    client = world.client()
    sign_in(client, "boss")
    path = f"/tickets/{world.ticket_a}/note"
    refused = client.post(path, data={"text": "без токена"})
    assert refused.status_code == 403
    assert "Форма устарела" in refused.text
    wrong = client.post(path, data={"text": "чужой токен", "csrf_token": "x" * 43})
    assert wrong.status_code == 403
    token = csrf_of(client.get(f"/tickets/{world.ticket_a}").text)
    assert client.post(path, data={"text": "с токеном", "csrf_token": token}).status_code == 303
    assert (
        client.post(path, data={"text": "заголовок"}, headers={"X-CSRF-Token": token}).status_code
        == 303
    )


def test_login_form_needs_its_csrf_token(world: World) -> None:
    response = world.client().post("/login", data={"login": "boss", "password": PASSWORD})
    assert response.status_code == 403


def test_another_shops_ticket_is_not_found_in_pages(world: World) -> None:
    client = world.client()
    sign_in(client, "vera")  # viewer of shop A
    assert client.get(f"/tickets/{world.ticket_a}").status_code == 200
    for path in (
        f"/tickets/{world.ticket_b}",
        f"/tickets/{world.ticket_b}/bundle.zip",
        f"/tickets/{world.ticket_b}/attachments/1",
        f"/journal?shop={world.shop_b}",
        f"/journal/export.csv?shop={world.shop_b}",
    ):
        assert client.get(path).status_code == 404, path
    exported = client.get("/journal/export.csv").content.decode("utf-8-sig")
    assert "24567891" in exported and "48293017" not in exported
    journal_page = client.get("/journal").text
    assert f'href="/tickets/{world.ticket_a}"' in journal_page
    assert f'href="/tickets/{world.ticket_b}"' not in journal_page


def test_viewer_cannot_change_a_ticket(world: World) -> None:
    client = world.client()
    sign_in(client, "vera")
    page = client.get(f"/tickets/{world.ticket_a}")
    assert "Отметить отправленным" not in page.text
    response = client.post(
        f"/tickets/{world.ticket_a}/note", data={"text": "x", "csrf_token": csrf_of(page.text)}
    )
    assert response.status_code == 403


def test_login_brute_force_is_throttled(world: World) -> None:
    client = world.client()
    limit = world.wctx.policy.login_max_attempts
    for _ in range(limit):
        assert sign_in(client, "boss", "wrong-password").status_code == 401
    blocked = sign_in(client, "boss", PASSWORD)
    assert blocked.status_code == 429
    assert int(blocked.headers["retry-after"]) > 0
    assert "Слишком много попыток входа" in blocked.text
    assert "mpdesk_session" not in blocked.cookies
    # another login from the same address still works until the per-address cap
    assert sign_in(client, "vera").status_code == 303


def test_session_cookie_flags_and_security_headers(world: World) -> None:
    client = world.client()
    response = sign_in(client, "boss")
    cookie = response.headers["set-cookie"]
    assert "mpdesk_session=" in cookie
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "Secure" not in cookie
    page = client.get("/")
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["x-frame-options"] == "DENY"


def test_cookie_is_secure_over_https(world: World) -> None:
    from tests.asgi_client import AsgiClient

    client = AsgiClient(world.api, base_url="https://testserver")
    assert "Secure" in sign_in(client, "boss").headers["set-cookie"]


def test_login_redirect_never_leaves_the_site(world: World) -> None:
    client = world.client()
    page = client.get("/login")
    response = client.post(
        "/login",
        data={
            "login": "boss",
            "password": PASSWORD,
            "next": "//evil.example/x",
            "csrf_token": csrf_of(page.text),
        },
    )
    assert response.headers["location"] == "/"


def test_pages_need_a_session(world: World) -> None:
    client = world.client()
    response = client.get("/journal?q=x")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=/journal")
    htmx = client.get("/journal", headers={"HX-Request": "true"})
    assert htmx.headers["hx-redirect"].startswith("/login")


def test_one_time_login_link_works_once(world: World) -> None:
    token = accounts.create_login_link(world.wctx, "boss")
    client = world.client()
    page = client.get(f"/login/link/{token}")
    first = client.post(f"/login/link/{token}", data={"csrf_token": csrf_of(page.text)})
    assert first.status_code == 303 and "mpdesk_session" in first.cookies
    other = world.client()
    page = other.get(f"/login/link/{token}")
    second = other.post(f"/login/link/{token}", data={"csrf_token": csrf_of(page.text)})
    assert second.status_code == 401


def test_logout_ends_the_session(world: World) -> None:
    client = world.client()
    sign_in(client, "boss")
    token = csrf_of(client.get("/").text)
    assert client.post("/logout", data={"csrf_token": token}).status_code == 303
    assert client.get("/").status_code == 303


def test_attachment_download_is_never_inline(world: World, tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "page.txt").write_text("<html><script>alert(1)</script></html>")
    api = world.api_client(world.admin_token)
    with (tmp_path / "page.txt").open("rb") as fh:
        att = api.post(
            f"/api/v1/tickets/{world.ticket_a}/attachments",
            files={"files": ("<b>page</b>.txt", fh, "text/html")},
        ).json()["attachments"][0]
    client = world.client()
    sign_in(client, "boss")
    html = client.get(f"/tickets/{world.ticket_a}").text
    assert "<b>page</b>" not in html
    response = client.get(f"/tickets/{world.ticket_a}/attachments/{att['id']}")
    assert response.headers["content-disposition"].startswith("attachment")
    assert response.headers["content-type"].startswith("text/plain")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "sandbox" in response.headers["content-security-policy"]
