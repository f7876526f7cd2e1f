"""A dependency a server needs in order to serve (readiness, ``/readyz``)."""

from __future__ import annotations

from typing import Protocol


class Probe(Protocol):
    name: str

    def check(self) -> None:
        """Return when the dependency is usable; raise (an ``MpdeskError`` with a code, or
        any exception) when it is not."""
        ...
