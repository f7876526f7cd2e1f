"""Background jobs: one run of a kind of work, for one shop or for the whole installation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Outcome(StrEnum):
    RUNNING = "running"
    OK = "ok"
    FAILED = "failed"


@dataclass(frozen=True)
class JobRun:
    id: int
    kind: str  # remind, mail_fetch, sync, …
    shop_id: int | None  # None: a job of the whole installation
    started_at: datetime
    finished_at: datetime | None
    outcome: Outcome
    error_code: str  # the error's catalogue code when failed ("" otherwise)
    summary: str  # what the run did, for people (Russian)
    worker: str  # which process ran it (host:pid)
