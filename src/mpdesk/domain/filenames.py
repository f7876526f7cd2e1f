"""File names that are safe to store, show and send back: the base name only, without control,
bidirectional-override or other invisible format characters (``a\u202egpj.exe`` would show as
``aexe.jpg``), and no longer than ``MAX_NAME_BYTES`` bytes of UTF-8 — file systems count
bytes (255 on ext4), so 127 «я» or 80 emoji already fail where 150 characters look short."""

from __future__ import annotations

import unicodedata

#: the stored name's limit in UTF-8 bytes (leaves room under NAME_MAX = 255 for a prefix)
MAX_NAME_BYTES = 200
#: an extension longer than this is kept as part of the name
MAX_EXTENSION_BYTES = 16
#: control (Cc), format (Cf: bidi overrides, zero-width marks), surrogates, line separators
_DROPPED = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
FALLBACK = "file"


def _cut(text: str, max_bytes: int) -> str:
    """The longest prefix of ``text`` within ``max_bytes`` of UTF-8 (never half a character)."""
    return text.encode("utf-8")[:max_bytes].decode("utf-8", "ignore")


def clean_filename(name: str | None, max_bytes: int = MAX_NAME_BYTES) -> str:
    base = unicodedata.normalize("NFC", (name or "").replace("\\", "/").rsplit("/", 1)[-1])
    base = "".join(ch for ch in base if unicodedata.category(ch) not in _DROPPED)
    base = " ".join(base.split()).lstrip(". ")
    if not base:
        return FALLBACK
    if len(base.encode("utf-8")) <= max_bytes:
        return base
    stem, dot, ext = base.rpartition(".")
    if not dot or not stem or len(ext.encode("utf-8")) > MAX_EXTENSION_BYTES:
        return _cut(base, max_bytes).rstrip() or FALLBACK
    room = max_bytes - len(ext.encode("utf-8")) - 1
    return f"{_cut(stem, room).rstrip()}.{ext}"
