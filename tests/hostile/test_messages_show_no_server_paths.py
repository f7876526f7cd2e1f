"""A refused upload is named by its own file name: the server's temporary folders
(``/tmp/mpdesk-upload-…/0/…``) never appear in what the person reads."""

from __future__ import annotations

import pytest

from mpdesk.bootstrap import App
from tests.web_support import build_world, csrf_of, sign_in


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("akt.zip", b"PK\x03\x04 this is no zip archive at all"),
        ("photo.jpg", b"MZ\x90\x00 a program, not a photo" * 10),
    ],
    ids=["broken-zip", "type-refused"],
)
def test_refused_upload_names_the_file_not_the_server_path(
    app: App, name: str, content: bytes
) -> None:
    world = build_world(app)
    api = world.api_client(world.admin_token)
    answer = api.post(
        f"/api/v1/tickets/{world.ticket_a}/attachments", files={"files": (name, content)}
    )
    assert answer.status_code == 422
    message = answer.json()["message"]
    assert message.startswith(f"Файл {name} ")

    page = world.client()
    sign_in(page, "boss")
    token = csrf_of(page.get(f"/tickets/{world.ticket_a}").text)
    answer = page.post(
        f"/tickets/{world.ticket_a}/attachments",
        data={"csrf_token": token},
        files={"files": (name, content)},
    )
    assert f"Файл {name} " in answer.text
    assert "mpdesk-upload" not in answer.text and "/tmp/" not in answer.text
