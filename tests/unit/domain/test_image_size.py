"""``pixel_size`` reads the size an image declares from its header, never decoding it."""

from __future__ import annotations

import struct

from mpdesk.domain.image_size import MAX_PREVIEW_PIXELS, is_too_large_to_preview, pixel_size


def test_pillow_threshold() -> None:
    assert MAX_PREVIEW_PIXELS == 89_478_485


def test_png_and_gif() -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\x0dIHDR" + struct.pack(">II", 70000, 3)
    assert pixel_size(png) == (70000, 3)
    assert pixel_size(b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\x0dIDAT") is None
    assert pixel_size(b"GIF89a" + struct.pack("<HH", 640, 480)) == (640, 480)


def test_webp_in_its_three_forms() -> None:
    riff = b"RIFF\x00\x00\x00\x00WEBP"
    vp8x = riff + b"VP8X" + b"\x00" * 8 + (999).to_bytes(3, "little") + (499).to_bytes(3, "little")
    assert pixel_size(vp8x) == (1000, 500)
    bits = (1023) | (767 << 14)
    vp8l = riff + b"VP8L" + b"\x00" * 4 + b"\x2f" + bits.to_bytes(4, "little")
    assert pixel_size(vp8l) == (1024, 768)
    vp8 = riff + b"VP8 " + b"\x00" * 10 + struct.pack("<HH", 320, 240)
    assert pixel_size(vp8) == (320, 240)
    assert pixel_size(riff + b"ALPH" + b"\x00" * 20) is None


def test_jpeg_frame_after_other_segments() -> None:
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00" + b"\x00" * 9
    sof = b"\xff\xc2" + struct.pack(">HBHH", 17, 8, 3000, 4000) + b"\x00" * 10
    jpeg = b"\xff\xd8" + app0 + b"\xff\xff\xd0" + sof
    assert pixel_size(jpeg) == (4000, 3000)
    assert pixel_size(b"\xff\xd8\xff\xe0\x00\x01" + b"\x00" * 10) is None  # broken length
    assert pixel_size(b"\xff\xd8\xff\xe0\x00\x04ab" + b"\x00" * 12) is None  # no marker next
    assert pixel_size(b"%PDF-1.7") is None


def test_limit() -> None:
    assert is_too_large_to_preview((100_000, 100_000))
    assert not is_too_large_to_preview((9_459, 9_459))
    assert not is_too_large_to_preview(None)
