"""The pixel size an image file declares, read from its header without decoding it, and the
preview limit: a 1 KB PNG may declare 100,000 × 100,000 pixels (40 GB once decoded by the
browser that shows it). Images past the limit stay plain attachments, never ``<img>``
previews. The limit is Pillow's own decompression-bomb threshold:
``Image.MAX_IMAGE_PIXELS = int(1024 * 1024 * 1024 // 4 // 3)`` (python-pillow/Pillow:
src/PIL/Image.py), about 89 megapixels."""

from __future__ import annotations

import struct

MAX_PREVIEW_PIXELS = 1024 * 1024 * 1024 // 4 // 3
#: JPEG headers (EXIF, thumbnails) may push the frame header this far into the file
HEADER_BYTES = 512 * 1024

_JPEG_FRAMES = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


def _png(head: bytes) -> tuple[int, int] | None:
    if head[12:16] != b"IHDR" or len(head) < 24:
        return None
    width, height = struct.unpack(">II", head[16:24])
    return int(width), int(height)


def _gif(head: bytes) -> tuple[int, int] | None:
    width, height = struct.unpack("<HH", head[6:10])
    return int(width), int(height)


def _webp(head: bytes) -> tuple[int, int] | None:
    chunk = head[12:16]
    if chunk == b"VP8X" and len(head) >= 30:
        width = int.from_bytes(head[24:27], "little") + 1
        height = int.from_bytes(head[27:30], "little") + 1
        return width, height
    if chunk == b"VP8L" and len(head) >= 25:
        bits = int.from_bytes(head[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8 " and len(head) >= 30:
        width, height = struct.unpack("<HH", head[26:30])
        return int(width) & 0x3FFF, int(height) & 0x3FFF
    return None


def _jpeg(head: bytes) -> tuple[int, int] | None:
    pos = 2
    while pos + 9 <= len(head):
        if head[pos] != 0xFF:
            return None
        marker = head[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in (0x01, *range(0xD0, 0xD8)):  # markers without a length
            pos += 2
            continue
        length = int.from_bytes(head[pos + 2 : pos + 4], "big")
        if marker in _JPEG_FRAMES:
            height, width = struct.unpack(">HH", head[pos + 5 : pos + 9])
            return int(width), int(height)
        if length < 2:
            return None
        pos += 2 + length
    return None


def pixel_size(head: bytes) -> tuple[int, int] | None:
    """(width, height) declared by a PNG, GIF, WebP or JPEG header; None when unknown."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return _png(head)
    if head[:6] in (b"GIF87a", b"GIF89a") and len(head) >= 10:
        return _gif(head)
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return _webp(head)
    if head[:3] == b"\xff\xd8\xff":
        return _jpeg(head)
    return None


def is_too_large_to_preview(size: tuple[int, int] | None) -> bool:
    return size is not None and size[0] * size[1] > MAX_PREVIEW_PIXELS
