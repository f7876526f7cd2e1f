"""Hostile file names on upload and download: names long in *bytes* (127 «я», 80 emoji) are
stored cut to 200 bytes of UTF-8 with their extension instead of failing with 500, and bidi
overrides and control characters never reach the stored name or ``Content-Disposition``."""

from __future__ import annotations

import os
from urllib.parse import unquote

import pytest

from mpdesk.bootstrap import App
from tests.web_support import build_world

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + os.urandom(256)
BIDI_AND_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\x00\x1b\x7f"


def _disposition_name(header: str) -> str:
    assert header.startswith("attachment;")
    if "filename*=utf-8''" in header:
        return unquote(header.split("filename*=utf-8''", 1)[1])
    return header.split('filename="', 1)[1].rstrip('"')


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ("я" * 127 + ".jpg", "я" * 98 + ".jpg"),
        ("😀" * 80 + ".jpg", "😀" * 49 + ".jpg"),
        ("счёт\u202egpj.exe.jpg", "счётgpj.exe.jpg"),
        ("a\x1b[31mb\u2066\u200fc\x7f.jpg", "a[31mbc.jpg"),
    ],
    ids=["cyrillic-254-bytes", "emoji-320-bytes", "rtl-override", "controls"],
)
def test_hostile_names_are_stored_and_sent_clean(app: App, sent: str, stored: str) -> None:
    world = build_world(app)
    client = world.api_client(world.admin_token)
    answer = client.post(
        f"/api/v1/tickets/{world.ticket_a}/attachments",
        files={"files": (sent, JPEG, "image/jpeg")},
    )
    assert answer.status_code == 201, answer.text
    (attachment,) = answer.json()["attachments"]
    assert attachment["filename"] == stored
    assert len(stored.encode("utf-8")) <= 200
    download = client.get(f"/api/v1/tickets/{world.ticket_a}/attachments/{attachment['id']}")
    assert download.status_code == 200
    assert download.content == JPEG
    sent_name = _disposition_name(download.headers["content-disposition"])
    assert sent_name == stored
    assert not set(sent_name) & set(BIDI_AND_CONTROLS)
