"""Recognise a file's type from its first bytes (never from its name).

Pure function over bytes; the caller reads the header and, for zip files, the member names.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

ALLOWED_FAMILIES = frozenset({"image", "pdf", "office", "text", "zip"})

#: every media type ``sniff`` names (an attachment is served as the type it was stored with)
MEDIA_TYPES = (
    "application/pdf",
    "application/zip",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.oasis.opendocument",
    "application/x-ole-storage",
    "application/octet-stream",
    "image/bmp",
    "image/gif",
    "image/heic",
    "image/jpeg",
    "image/png",
    "image/tiff",
    "image/webp",
    "text/plain",
)

_EXTENSION_FAMILY = {
    **dict.fromkeys(
        ("jpg", "jpeg", "png", "gif", "webp", "heic", "heif", "bmp", "tif", "tiff"), "image"
    ),
    "pdf": "pdf",
    **dict.fromkeys(("docx", "xlsx", "pptx", "doc", "xls", "ppt", "odt", "ods"), "office"),
    **dict.fromkeys(("txt", "csv", "tsv", "log", "json", "md", "eml"), "text"),
    "zip": "zip",
}


@dataclass(frozen=True)
class Sniffed:
    media_type: str
    family: str  # image | pdf | office | text | zip | other


def _zip_kind(members: list[str]) -> Sniffed:
    names = set(members)
    if "[Content_Types].xml" in names:
        if any(m.startswith("xl/") for m in names):
            return Sniffed(
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "office"
            )
        if any(m.startswith("word/") for m in names):
            return Sniffed(
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "office"
            )
        if any(m.startswith("ppt/") for m in names):
            return Sniffed(
                "application/vnd.openxmlformats-officedocument.presentationml.presentation",
                "office",
            )
    if "mimetype" in names and "content.xml" in names:
        return Sniffed("application/vnd.oasis.opendocument", "office")
    return Sniffed("application/zip", "zip")


def _is_text(head: bytes, sample_size: int = 4096) -> bool:
    if not head:
        return True  # an empty file counts as text
    if b"\x00" in head:
        return False
    # a multi-byte character may be cut at the end of a full sample
    sample = head[:-4] if len(head) >= sample_size else head
    try:
        # incremental: a UTF-8 sequence cut at the end is not an error (stripping 4 bytes does
        # not make the sample end on a character boundary)
        codecs.getincrementaldecoder("utf-8")().decode(head, final=len(head) < sample_size)
    except UnicodeDecodeError:
        try:
            sample.decode("cp1251")
        except UnicodeDecodeError:
            return False
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return controls <= len(sample) // 100


def sniff(head: bytes, zip_members: list[str] | None = None) -> Sniffed:
    """``head``: the first 4 KiB or more; ``zip_members``: names inside when it is a zip."""
    if head.startswith(b"\xff\xd8\xff"):
        return Sniffed("image/jpeg", "image")
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return Sniffed("image/png", "image")
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return Sniffed("image/gif", "image")
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return Sniffed("image/webp", "image")
    if head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"mif1", b"msf1", b"heif"):
        return Sniffed("image/heic", "image")
    if head[:2] == b"BM" and len(head) > 14:
        return Sniffed("image/bmp", "image")
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return Sniffed("image/tiff", "image")
    if head.startswith(b"%PDF-"):
        return Sniffed("application/pdf", "pdf")
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return Sniffed("application/x-ole-storage", "office")
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _zip_kind(zip_members or [])
    if _is_text(head):
        return Sniffed("text/plain", "text")
    return Sniffed("application/octet-stream", "other")


def extension_family(filename: str) -> str | None:
    """The family a file name claims, or None when the extension says nothing we know."""
    if "." not in filename:
        return None
    return _EXTENSION_FAMILY.get(filename.rsplit(".", 1)[1].lower())


def is_confirmed(filename: str, sniffed: Sniffed) -> bool:
    """True when the content is allowed and does not contradict the name's extension."""
    if sniffed.family not in ALLOWED_FAMILIES:
        return False
    claimed = extension_family(filename)
    if claimed is None or claimed == sniffed.family:
        return True
    # a zip may legitimately be an office document; csv/txt named .xls is not confirmed
    return claimed == "zip" and sniffed.family == "office"
