"""Hostile concurrency (issue 12): 16 parallel API uploads of the same new content to one
ticket. Each answers 201 or 409 ``concurrent_edit``; every attachment acknowledged with 201
downloads byte for byte afterwards and the bundle builds (SQLite and PostgreSQL)."""

from __future__ import annotations

import hashlib
import io
import os
import threading
import zipfile

from mpdesk.bootstrap import App
from tests.web_support import build_world


def test_parallel_identical_uploads_keep_every_acknowledged_attachment(app: App) -> None:
    world = build_world(app)
    content = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + os.urandom(64 * 1024)
    start = threading.Barrier(16)
    answers: list[tuple[int, dict]] = []  # type: ignore[type-arg]

    def upload(n: int) -> None:
        with world.api_client(world.admin_token) as client:
            start.wait(timeout=30)
            response = client.post(
                f"/api/v1/tickets/{world.ticket_a}/attachments",
                files={"files": (f"photo-{n}.jpg", content, "image/jpeg")},
            )
            answers.append((response.status_code, response.json()))

    threads = [threading.Thread(target=upload, args=(n,)) for n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(answers) == 16
    assert {status for status, _ in answers} <= {201, 409}, answers
    assert all(body["code"] == "concurrent_edit" for status, body in answers if status == 409)
    acknowledged = {
        att["filename"]: att["id"]
        for status, body in answers
        if status == 201
        for att in body["attachments"]
    }
    assert acknowledged
    api = world.api_client(world.admin_token)
    for attachment_id in acknowledged.values():
        down = api.get(f"/api/v1/tickets/{world.ticket_a}/attachments/{attachment_id}")
        assert (down.status_code, hashlib.sha256(down.content).digest()) == (
            200,
            hashlib.sha256(content).digest(),
        )
    bundle = api.get(f"/api/v1/tickets/{world.ticket_a}/bundle")
    assert bundle.status_code == 200
    with zipfile.ZipFile(io.BytesIO(bundle.content)) as zf:
        photos = [n for n in zf.namelist() if n.startswith("attachments/")]
    assert len(photos) == len(acknowledged)
