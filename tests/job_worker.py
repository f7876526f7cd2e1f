"""A real ``mpdesk worker`` with one extra job kind for the engine tests: ``probe`` records
which process started it and, on its first start only, hangs (so the test can kill the
worker in the middle of a job)."""

from __future__ import annotations

import os
import time
from pathlib import Path

from mpdesk.bootstrap import bootstrap
from mpdesk.bootstrap.operations import job_engine
from mpdesk.services.context import JobKind, ServiceContext

PROBE_DIR = Path(os.environ["MPDESK_TEST_PROBE_DIR"])


def probe(ctx: ServiceContext, shop_id: int | None) -> str:
    (PROBE_DIR / f"started-by-{os.getpid()}").touch()
    first = PROBE_DIR / "first-start"
    if not first.exists():
        first.touch()
        time.sleep(300)  # killed before this ends
    return "probe done"


def probe_kind() -> JobKind:
    return JobKind("probe", probe, lambda ctx: 0)


if __name__ == "__main__":
    application = bootstrap()
    assert application.ctx.jobs is not None
    application.ctx.jobs.extra["probe"] = probe_kind()
    job_engine(application).run_worker()
