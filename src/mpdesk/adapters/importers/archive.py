"""ZIP archives of reports (the WB cabinet delivers the weekly detail as «Еженедельный
детализированный отчет №….zip»): the members are unpacked to a private temporary folder and
each is audited as its own file.

Limits, checked before anything is written and again while unpacking (a member's header may
lie about its size): at most ``MAX_MEMBERS`` files, ``MAX_UNPACKED`` bytes in all, each member
compressed at most ``MAX_RATIO`` times, no path that leaves the archive (absolute, ``..``, a
drive letter), no encrypted member. Folders are walked; macOS metadata (``__MACOSX/``, ``._*``)
and hidden files are skipped. Member names written without the UTF-8 flag by Russian Windows
are decoded as CP866.
"""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from mpdesk.adapters.importers.extract import ReportProblem

MAX_MEMBERS = 100
MAX_UNPACKED = 4 * 1024**3
MAX_RATIO = 200
_UTF8_FLAG = 0x800
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Member:
    path: Path  # the unpacked file
    name: str  # its path inside the archive, ``/``-separated


def member_name(info: zipfile.ZipInfo) -> str:
    name = info.filename
    if not info.flag_bits & _UTF8_FLAG and not name.isascii():
        try:
            name = name.encode("cp437").decode("cp866")
        except UnicodeError:
            pass
    return name.replace("\\", "/")


def _is_skipped(name: str) -> bool:
    parts = PurePosixPath(name).parts
    return not parts or parts[0] == "__MACOSX" or any(p.startswith(".") for p in parts)


def _is_unsafe(name: str) -> bool:
    path = PurePosixPath(name)
    return (
        name.startswith("/") or ".." in path.parts or (len(name) > 1 and name[1] == ":")  # C:\…
    )


def _chosen(zf: zipfile.ZipFile) -> list[tuple[zipfile.ZipInfo, str]]:
    chosen = []
    total = 0
    for info in zf.infolist():
        name = member_name(info)
        if _is_unsafe(name):
            raise ReportProblem("report_archive_unsafe_path", member=name)
        if info.is_dir() or _is_skipped(name):
            continue
        if info.flag_bits & 0x1:
            raise ReportProblem("report_archive_encrypted", member=name)
        total += info.file_size
        if info.file_size > MAX_RATIO * max(info.compress_size, 1) or total > MAX_UNPACKED:
            raise ReportProblem("report_archive_too_big", member=name)
        chosen.append((info, name))
    if len(chosen) > MAX_MEMBERS:
        raise ReportProblem("report_archive_too_many", count=len(chosen), limit=MAX_MEMBERS)
    if not chosen:
        raise ReportProblem("report_archive_empty")
    return chosen


def _unpack(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, target: Path) -> None:
    """Copy one member, counting what really comes out against what the header promised."""
    written = 0
    with zf.open(info) as src, target.open("wb") as out:
        for chunk in iter(lambda: src.read(_CHUNK), b""):
            written += len(chunk)
            if written > info.file_size:
                raise ReportProblem("report_archive_too_big", member=name)
            out.write(chunk)


@contextmanager
def unpacked(path: Path) -> Iterator[list[Member]]:
    """The members of the archive at ``path``, unpacked; removed again afterwards.
    ``ReportProblem`` when the archive breaks a limit or cannot be read."""
    folder = Path(tempfile.mkdtemp(prefix="mpdesk-archive-"))
    try:
        try:
            with zipfile.ZipFile(path) as zf:
                members = []
                for number, (info, name) in enumerate(_chosen(zf)):
                    target = folder / f"{number:03d}"
                    _unpack(zf, info, name, target)
                    members.append(Member(target, name))
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError) as exc:
            raise ReportProblem("report_archive_broken") from exc
        yield members
    finally:
        shutil.rmtree(folder, ignore_errors=True)
