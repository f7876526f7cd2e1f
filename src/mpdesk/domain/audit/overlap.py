"""Rows seen in more than one file: two exports of the same report must not count twice.

Inside one file identical rows are real (a double charge is exactly that), so rows are never
merged one by one on their content. Two rules instead:

- rows that carry a report row id (``rrd_id``) are the same row when the id is equal;
- a file whose rows (as a multiset of signatures) are all contained in another file's rows is
  a second export of that report (XLSX and CSV of one week, or a JSON page saved twice) and is
  left out as a whole.
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


def merge_overlapping(rows: Iterable[R], signature: Callable[[R], Hashable]) -> list[R]:
    seen_ids: set[str] = set()
    per_file: dict[str, list[R]] = defaultdict(list)
    for row in rows:
        if row.rrd_id:
            if row.rrd_id in seen_ids:
                continue
            seen_ids.add(row.rrd_id)
        per_file[row.ref.sha256].append(row)
    if len(per_file) < 2:
        return [row for file_rows in per_file.values() for row in file_rows]
    counts = {sha: Counter(signature(r) for r in rs) for sha, rs in per_file.items()}
    kept_files: list[str] = []
    for sha in sorted(per_file, key=lambda s: -len(per_file[s])):  # stable: first file first
        if any(_contains(counts[k], counts[sha]) for k in kept_files):
            continue
        kept_files.append(sha)
    keep = set(kept_files)
    return [row for sha, file_rows in per_file.items() if sha in keep for row in file_rows]


def _contains(big: Counter[Hashable], small: Counter[Hashable]) -> bool:
    return all(big[key] >= n for key, n in small.items())
