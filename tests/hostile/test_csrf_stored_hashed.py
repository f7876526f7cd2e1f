"""The database never holds a usable CSRF token: a session row keeps the SHA-256 of the
token the pages carry, and the stored value, sent as a token, is refused."""

from __future__ import annotations

import hashlib

from sqlalchemy import text

from mpdesk.bootstrap import App
from tests.web_support import build_world, csrf_of, sign_in


def test_session_rows_keep_only_a_hash_of_the_csrf_token(app: App) -> None:
    world = build_world(app)
    client = world.client()
    sign_in(client, "boss")
    page_token = csrf_of(client.get(f"/tickets/{world.ticket_a}").text)
    assert app.engine is not None
    with app.engine.connect() as conn:
        (stored,) = conn.execute(text("SELECT csrf FROM web_sessions")).scalars().all()
    assert stored != page_token
    assert stored == hashlib.sha256(page_token.encode()).hexdigest()

    note = f"/tickets/{world.ticket_a}/note"
    forged = client.post(note, data={"text": "из базы", "csrf_token": stored})
    assert forged.status_code == 403
    honest = client.post(note, data={"text": "со страницы", "csrf_token": page_token})
    assert honest.status_code in (200, 303)
