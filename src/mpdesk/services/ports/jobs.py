"""The history of background job runs, shared by every process and machine."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from mpdesk.domain.jobs import JobRun, Outcome


class JobLog(Protocol):
    def start(self, kind: str, shop_id: int | None, at: datetime, worker: str) -> int:
        """Record a run that starts now; returns its id."""
        ...

    def finish(
        self, run_id: int, at: datetime, outcome: Outcome, error_code: str, summary: str
    ) -> None: ...

    def recent(
        self,
        *,
        kinds: Sequence[str] = (),
        shop_ids: Sequence[int] | None = None,  # None: every shop and the global jobs
        failed_only: bool = False,
        limit: int = 100,
    ) -> list[JobRun]:
        """Newest first."""
        ...

    def last_started(self, kind: str) -> dict[int | None, datetime]:
        """When each shop's (or the global) job of this kind last started."""
        ...

    def last_ok(self, kind: str) -> dict[int | None, datetime]:
        """When each shop's job of this kind last finished well."""
        ...
