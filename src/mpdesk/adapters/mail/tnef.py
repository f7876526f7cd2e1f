"""A small reader of TNEF (``winmail.dat``, [MS-OXTNEF]): the attachments and the plain body.

Only what mpdesk needs is read: attachment titles, data and long file names (MAPI property
``PR_ATTACH_LONG_FILENAME``), and ``attBody``. Anything malformed raises ``TnefError``; the
caller keeps the raw file.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

SIGNATURE = 0x223E9F78
ATT_BODY = 0x0002800C
ATT_ATTACH_REND_DATA = 0x00069002
ATT_ATTACH_TITLE = 0x00018010
ATT_ATTACH_DATA = 0x0006800F
ATT_ATTACHMENT = 0x00069005
ATT_OEM_CODEPAGE = 0x00069007
PR_ATTACH_LONG_FILENAME = 0x3707
PR_ATTACH_FILENAME = 0x3704
PT_STRING8, PT_UNICODE, PT_BINARY, PT_OBJECT = 0x001E, 0x001F, 0x0102, 0x000D
_FIXED = {0x0002: 4, 0x0003: 4, 0x0004: 4, 0x000A: 4, 0x000B: 4, 0x0005: 8, 0x0006: 8,
          0x0007: 8, 0x0014: 8, 0x0040: 8, 0x0048: 16}  # fmt: skip
MULTI = 0x1000


class TnefError(ValueError):
    pass


@dataclass
class TnefAttachment:
    name: str = ""
    data: bytes = b""


@dataclass
class TnefContent:
    attachments: list[TnefAttachment] = field(default_factory=list)
    body: str = ""


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data, self.pos = data, 0

    def take(self, size: int) -> bytes:
        if size < 0 or self.pos + size > len(self.data):
            raise TnefError("truncated TNEF stream")
        chunk = self.data[self.pos : self.pos + size]
        self.pos += size
        return chunk

    def u16(self) -> int:
        return int(struct.unpack("<H", self.take(2))[0])

    def u32(self) -> int:
        return int(struct.unpack("<I", self.take(4))[0])

    def padded(self, size: int) -> bytes:
        chunk = self.take(size)
        self.take(-size % 4)
        return chunk

    def done(self) -> bool:
        return self.pos >= len(self.data)


def _text(raw: bytes, codepage: str) -> str:
    return raw.split(b"\x00", 1)[0].decode(codepage, errors="replace")


def _props(raw: bytes, codepage: str) -> dict[int, str]:
    """String-valued MAPI properties of an ``attAttachment`` block (others are skipped)."""
    r, found = _Reader(raw), {}
    for _ in range(r.u32()):
        kind, prop = r.u16(), r.u16()
        if prop >= 0x8000:  # a named property: GUID, then an id or a name
            r.take(16)
            if r.u32() == 0:
                r.u32()
            else:
                r.padded(r.u32())
        base, multi = kind & ~MULTI, bool(kind & MULTI)
        if base in _FIXED:
            count = r.u32() if multi else 1
            r.take(count * ((_FIXED[base] + 3) // 4 * 4))
            continue
        if base not in (PT_STRING8, PT_UNICODE, PT_BINARY, PT_OBJECT):
            break  # an unknown type: the rest cannot be walked
        for _ in range(r.u32()):
            value = r.padded(r.u32())
            if base == PT_UNICODE:
                found[prop] = value.decode("utf-16-le", errors="replace").split("\x00", 1)[0]
            elif base == PT_STRING8:
                found[prop] = _text(value, codepage)
    return found


def read_tnef(data: bytes) -> TnefContent:
    r = _Reader(data)
    if r.u32() != SIGNATURE:
        raise TnefError("not a TNEF stream")
    r.u16()  # legacy key
    content, current, codepage = TnefContent(), None, "cp1252"
    while not r.done():
        r.take(1)  # level: message or attachment
        attr, size = r.u32(), r.u32()
        value = r.take(size)
        r.u16()  # checksum
        if attr == ATT_OEM_CODEPAGE and size >= 4:
            codepage = f"cp{struct.unpack('<I', value[:4])[0]}"
            try:
                "".encode(codepage)
            except LookupError:
                codepage = "cp1252"
        elif attr == ATT_BODY:
            content.body = _text(value, codepage)
        elif attr == ATT_ATTACH_REND_DATA:
            current = TnefAttachment()
            content.attachments.append(current)
        elif current is not None and attr == ATT_ATTACH_TITLE:
            current.name = current.name or _text(value, codepage)
        elif current is not None and attr == ATT_ATTACH_DATA:
            current.data = value
        elif current is not None and attr == ATT_ATTACHMENT:
            props = _props(value, codepage)
            current.name = props.get(PR_ATTACH_LONG_FILENAME) or current.name
    return content
