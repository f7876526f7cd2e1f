"""Use case: sweep the evidence store — delete blobs that no committed attachment references
and that nobody stored within the grace period.

Why a sweep and not a delete on failure: two requests storing the same new content share one
blob; the one that fails cannot know whether the other will commit. A put refreshes the blob's
time, so a blob stored by a transaction still in flight is never older than the grace period
(far longer than any request), and the store re-checks that time at the moment it deletes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from mpdesk.services.ports.files import EvidenceIndex, FileStore

DEFAULT_GRACE = timedelta(hours=24)


@dataclass(frozen=True)
class SweepResult:
    checked: int  # blobs older than the grace period
    referenced: int  # of those, still referenced by the journal
    removed: list[str]  # sha256 of the deleted blobs


def sweep_evidence(
    files: FileStore, index: EvidenceIndex, grace: timedelta = DEFAULT_GRACE
) -> SweepResult:
    stale = list(files.stale_blobs(grace))
    referenced = index.referenced(stale)
    removed = [sha for sha in stale if sha not in referenced and files.remove_if_stale(sha, grace)]
    return SweepResult(len(stale), len(referenced), removed)
