"""Notes are appended, not edits: 30 notes posted at once to one ticket (clients that send no
version) are all accepted with 201 — none refused with 409 ``concurrent_edit`` — and all 30
are on the ticket afterwards (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading

from mpdesk.bootstrap import App
from tests.web_support import build_world

NOTES = 30


def test_parallel_notes_are_all_kept(app: App) -> None:
    world = build_world(app)
    start = threading.Barrier(NOTES)
    statuses: list[int] = []

    def post_note(n: int) -> None:
        with world.api_client(world.admin_token) as client:
            start.wait(timeout=30)
            response = client.post(
                f"/api/v1/tickets/{world.ticket_a}/messages",
                json={"direction": "note", "body": f"заметка {n}"},
            )
            statuses.append(response.status_code)

    threads = [threading.Thread(target=post_note, args=(n,)) for n in range(NOTES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [201] * NOTES
    client = world.api_client(world.admin_token)
    messages = client.get(f"/api/v1/tickets/{world.ticket_a}/messages").json()
    bodies = {m["body"] for m in messages if m["direction"] == "note"}
    assert bodies == {f"заметка {n}" for n in range(NOTES)}
