"""Readiness of a server: every dependency it needs answers (``/readyz``)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from mpdesk.domain.errors import MpdeskError
from mpdesk.services.ports.files import FileStore
from mpdesk.services.ports.health import Probe

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ProbeResult:
    name: str
    ok: bool
    code: str | None = None  # why not (an error code, never a message with internals)


class StoreProbe:
    """The evidence store can be reached and written."""

    name = "storage"

    def __init__(self, files: FileStore) -> None:
        self.files = files

    def check(self) -> None:
        self.files.check()


def readiness(probes: Sequence[Probe]) -> list[ProbeResult]:
    results = []
    for probe in probes:
        try:
            probe.check()
        except MpdeskError as exc:
            log.warning("not ready: %s: %s", probe.name, exc)
            results.append(ProbeResult(probe.name, False, exc.code))
        except Exception as exc:  # any failure of a dependency means "not ready"
            log.warning("not ready: %s: %s", probe.name, type(exc).__name__)
            results.append(ProbeResult(probe.name, False, "unavailable"))
        else:
            results.append(ProbeResult(probe.name, True))
    return results
