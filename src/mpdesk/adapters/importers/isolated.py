"""``IsolatedReportReader``: the report files of an audit are read in a child process with a
memory limit, so a hostile or enormous file can never take the web server (or the CLI) down.

The child is forked from a ``multiprocessing`` fork server that has Polars and fastexcel
already imported, so starting one costs milliseconds. It streams the reading's progress and
then the ``ReportBatch`` back through a pipe. When the child dies (the memory limit makes the
spreadsheet engine abort) or runs out of memory, the file it was reading is marked
``report_out_of_memory`` and the audit is read again without that file: the other files still
count, and their cross-file rules (a charge repeated in the next week's report) still apply.
"""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
import os
import resource
import traceback
from collections.abc import Sequence
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from mpdesk.domain.audit.report import FileProblem, ReportBatch, ReportFile
from mpdesk.services.ports.audit import ReadProgress

log = logging.getLogger(__name__)

_PRELOAD = ["mpdesk.adapters.importers.reader"]


class _PipeProgress:
    """``ReadProgress`` of the child: every event goes to the parent."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def start(self, total_bytes: int) -> None:
        self.conn.send(("start", total_bytes))

    def file(self, name: str) -> None:
        self.conn.send(("file", name))

    def advance(self, done_bytes: int) -> None:
        self.conn.send(("advance", done_bytes))


def _child(conn: Connection, paths: list[Path], memory_bytes: int, supply_id: str | None) -> None:
    # what the spreadsheet engine prints when it aborts is not for the person at the terminal
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    from mpdesk.adapters.importers.reader import FileReportReader

    try:
        batch = FileReportReader().read(paths, _PipeProgress(conn), supply_id)
    except MemoryError:
        conn.send(("out_of_memory", None))
    except BaseException:
        conn.send(("error", traceback.format_exc()))
    else:
        conn.send(("done", batch))
    finally:
        conn.close()


class _ChildDied(Exception):
    def __init__(self, index: int | None) -> None:
        super().__init__(index)
        self.index = index  # the file being read when it died (None: before the first)


def _context() -> Any:
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    if "forkserver" in methods:
        ctx.set_forkserver_preload(_PRELOAD)
    return ctx


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
    except OSError:
        return ""
    return digest.hexdigest()


class IsolatedReportReader:
    """``ReportReader`` whose reading runs in a child process limited to ``memory_mb``."""

    def __init__(self, memory_mb: int) -> None:
        self.memory_bytes = memory_mb * 1024 * 1024

    def read(
        self,
        paths: Sequence[Path],
        progress: ReadProgress | None = None,
        supply_id: str | None = None,
    ) -> ReportBatch:
        active = list(paths)
        failed: dict[int, ReportFile] = {}  # position in ``paths`` → the file that was too big
        positions = list(range(len(active)))
        while True:
            try:
                batch = self._read_in_child(active, progress, supply_id)
                break
            except _ChildDied as died:
                if died.index is None:
                    raise RuntimeError("the audit's reading process could not start") from None
                position = positions.pop(died.index)
                path = active.pop(died.index)
                failed[position] = _too_big(path)
        for file in batch.files:  # the child numbered the files it was given
            file.source = positions[file.source]
        for position, file in failed.items():
            file.source = position
        files = sorted([*batch.files, *failed.values()], key=lambda f: f.source)
        return ReportBatch(files, batch.data)

    def _read_in_child(
        self, paths: list[Path], progress: ReadProgress | None, supply_id: str | None
    ) -> ReportBatch:
        ctx = _context()
        receiver, sender = ctx.Pipe(duplex=False)
        args = (sender, paths, self.memory_bytes, supply_id)
        child = ctx.Process(target=_child, args=args, daemon=True)
        child.start()
        sender.close()
        current: int | None = None
        try:
            while True:
                try:
                    kind, value = receiver.recv()
                except EOFError:
                    child.join()
                    log.warning("audit reader died (exit %s) on file %s", child.exitcode, current)
                    raise _ChildDied(current) from None
                if kind == "file":
                    current = 0 if current is None else current + 1
                    if progress is not None:
                        progress.file(value)
                elif kind == "start" and progress is not None:
                    progress.start(value)
                elif kind == "advance" and progress is not None:
                    progress.advance(value)
                elif kind == "out_of_memory":
                    raise _ChildDied(current)
                elif kind == "error":
                    raise RuntimeError(f"audit reader failed in its process:\n{value}")
                elif kind == "done":
                    batch: ReportBatch = value
                    return batch
        finally:
            receiver.close()
            child.join(timeout=5)
            if child.is_alive():
                child.kill()
                child.join()


def _too_big(path: Path) -> ReportFile:
    size = path.stat().st_size if path.is_file() else 0
    report = ReportFile(path=str(path), name=path.name, sha256=_sha256(path), size=size)
    report.problem = FileProblem("report_out_of_memory", {"file": path.name})
    return report
