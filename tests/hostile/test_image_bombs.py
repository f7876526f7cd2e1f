"""A 1 KB PNG that declares 100,000 × 100,000 pixels (40 GB once a browser decodes it) is kept
as a plain attachment: no ``<img>`` preview on the ticket page, a Russian note with its size
instead, and the file still downloads. An ordinary image keeps its preview."""

from __future__ import annotations

import re
import struct
import zlib

import pytest

from mpdesk.bootstrap import App
from tests.web_support import build_world, csrf_of, sign_in


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(width: int, height: int) -> bytes:
    """A real PNG header and one compressed row; a decoder would allocate width × height."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00" + b"\x00" * min(width, 1024), 9)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", pixels)
        + _chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    ("width", "height", "previewed"),
    [(100_000, 100_000, False), (9_460, 9_460, False), (9_459, 9_459, True), (640, 480, True)],
    ids=["bomb", "just-over-89-megapixels", "just-under", "ordinary"],
)
def test_images_past_the_decompression_bomb_limit_get_no_preview(
    app: App, width: int, height: int, previewed: bool
) -> None:
    world = build_world(app)
    client = world.client()
    sign_in(client, "boss")
    page = client.get(f"/tickets/{world.ticket_a}")
    content = png(width, height)
    uploaded = client.post(
        f"/tickets/{world.ticket_a}/attachments",
        data={"csrf_token": csrf_of(page.text)},
        files={"files": ("photo.png", content, "image/png")},
    )
    assert uploaded.status_code in (200, 303), uploaded.text[:300]
    html = client.get(f"/tickets/{world.ticket_a}").text
    (attachment_id,) = re.findall(rf"/tickets/{world.ticket_a}/attachments/(\d+)\" download", html)
    has_img = f'<img src="/tickets/{world.ticket_a}/attachments/{attachment_id}"' in html
    assert has_img is previewed
    note = f"Изображение {width}×{height} точек слишком большое для предпросмотра"
    assert (note in html) is not previewed
    download = client.get(f"/tickets/{world.ticket_a}/attachments/{attachment_id}")
    assert download.status_code == 200 and download.content == content
