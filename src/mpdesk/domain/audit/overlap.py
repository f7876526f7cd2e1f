"""Rows seen in more than one file: two exports of the same report must not count twice.

Inside one file identical rows are real (a double charge is exactly that), so rows are never
merged one by one on their content. Two rules instead:

- rows that carry a report row id (``rrd_id``) are the same row when the id is equal;
- a file whose rows (as a multiset of signatures) are all contained in another file's rows is
  a second export of that report (XLSX and CSV of one week, or a JSON page saved twice) and is
  left out as a whole.

What was left out is told, never dropped silently: ``copies`` (when given) receives the sha256
of each file with rows left out → the sha256 of the file that already has them.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable
from typing import Protocol, TypeVar

from mpdesk.domain.audit.rows import RowRef


class _Row(Protocol):
    @property
    def ref(self) -> RowRef: ...

    @property
    def rrd_id(self) -> str: ...


R = TypeVar("R", bound=_Row)


def merge_overlapping(
    rows: Iterable[R],
    signature: Callable[[R], Hashable],
    copies: dict[str, str] | None = None,
) -> list[R]:
    seen_ids: dict[str, str] = {}  # rrd_id → sha256 of the file it was first seen in
    per_file: dict[str, list[R]] = defaultdict(list)
    left_out = {} if copies is None else copies
    for row in rows:
        if row.rrd_id:
            first = seen_ids.get(row.rrd_id)
            if first is not None:
                if first != row.ref.sha256:
                    left_out.setdefault(row.ref.sha256, first)
                continue
            seen_ids[row.rrd_id] = row.ref.sha256
        per_file[row.ref.sha256].append(row)
    if len(per_file) < 2:
        return [row for file_rows in per_file.values() for row in file_rows]
    counts = {sha: Counter(signature(r) for r in rs) for sha, rs in per_file.items()}
    kept_files: list[str] = []
    for sha in sorted(per_file, key=lambda s: -len(per_file[s])):  # stable: first file first
        holder = next((k for k in kept_files if _contains(counts[k], counts[sha])), None)
        if holder is not None:
            left_out.setdefault(sha, holder)
            continue
        kept_files.append(sha)
    keep = set(kept_files)
    return [row for sha, file_rows in per_file.items() if sha in keep for row in file_rows]


def _contains(big: Counter[Hashable], small: Counter[Hashable]) -> bool:
    return all(big[key] >= n for key, n in small.items())
