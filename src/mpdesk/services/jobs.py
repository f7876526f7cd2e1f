"""Background jobs: which work is due, one run recorded, counted and logged.

Every kind of background work (reminders, mail fetch, marketplace sync) is a plain use case
wrapped here as a *job kind*. ``run_job`` runs one kind for one shop (or for the whole
installation), records the run in the job log (shared by every process and machine), counts it
in the metrics and writes one log line. Two engines call it the same way:

- ``JobLoop`` — a thread of ``mpdesk serve`` (the single seller; SQLite or PostgreSQL): each
  tick runs what ``due_jobs`` says is due;
- procrastinate workers (``mpdesk worker``, PostgreSQL; ``adapters/job_engine.py``): a
  periodic planner defers what is due, one job per kind and shop at a time, retried on failure.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from datetime import datetime, timedelta

from mpdesk.domain.accounts import LOCAL_OWNER, Principal
from mpdesk.domain.errors import (
    ForbiddenError,
    MpdeskError,
    NotificationError,
    UnknownValueError,
    UserInputError,
)
from mpdesk.domain.jobs import JobRun, Outcome
from mpdesk.services import access
from mpdesk.services.context import JobKind, JobPorts, ServiceContext

log = logging.getLogger(__name__)


class JobFailed(Exception):
    """A job run failed (already recorded); job engines retry on it."""

    def __init__(self, run: JobRun) -> None:
        super().__init__(f"{run.kind} failed: {run.error_code}")
        self.run = run


def job_ports(ctx: ServiceContext) -> JobPorts:
    if ctx.jobs is None:
        raise RuntimeError("background jobs need the journal (bootstrap with_journal=True)")
    return ctx.jobs


# --- the kinds -------------------------------------------------------------------------------


def _remind(ctx: ServiceContext, shop_id: int | None) -> str:
    from mpdesk.services.reminders import send_reminders

    result = send_reminders(ctx)
    if result.locked:
        return ctx.message("job_remind_locked")
    sent = ", ".join(f"{channel}: {n}" for channel, n in sorted(result.sent.items()))
    if result.errors:
        channel, problem = sorted(result.errors.items())[0]
        raise NotificationError(channel, problem)
    if not result.sent:
        return ctx.message("job_remind_no_channels", events=result.events)
    return ctx.message("job_remind_done", events=result.events, sent=sent)


def _remind_every(ctx: ServiceContext) -> int:
    from mpdesk.services.deadlines import deadline_ports

    ports = deadline_ports(ctx)
    if not job_ports(ctx).remind_in_server or not ports.notifiers:
        return 0
    return ports.remind_interval_minutes


def _mail_fetch(ctx: ServiceContext, shop_id: int | None) -> str:
    from mpdesk.services.mail_fetch import fetch_mail

    assert shop_id is not None
    report = fetch_mail(ctx, LOCAL_OWNER, shop_id)
    return ctx.message(
        "job_mail_done",
        fetched=report.fetched,
        matched=len(report.matched),
        unmatched=report.unmatched,
    )


def _mailbox_shops(ctx: ServiceContext) -> list[int]:
    from mpdesk.services.mail_send import mail_ports

    if ctx.mail is None:
        return []
    with mail_ports(ctx).uow() as uow:
        return [
            shop.id
            for shop in uow.shops.list()
            if (box := uow.mail.mailbox(shop.id)) is not None and box.imap_host
        ]


def _sync(ctx: ServiceContext, shop_id: int | None) -> str:
    from mpdesk.services.sync import sync_shop

    assert shop_id is not None
    result = sync_shop(ctx, shop_id)
    rows = sum(result.streams.values())
    return ctx.message("job_sync_done", rows=rows, streams=len(result.streams))


def _connected_shops(ctx: ServiceContext) -> list[int]:
    from mpdesk.services.connections import marketplace_ports

    if ctx.marketplaces is None:
        return []
    with marketplace_ports(ctx).uow() as uow:
        return sorted(c.shop_id for c in uow.connections.list())


def _chats(ctx: ServiceContext, shop_id: int | None) -> str:
    from mpdesk.services.support_chats import fetch_chats

    assert shop_id is not None
    report = fetch_chats(ctx, LOCAL_OWNER, shop_id)
    done = ctx.message(
        "job_chats_done",
        chats=report.chats,
        unread=report.unread,
        new=report.new_messages,
        filed=len(report.filed),
    )
    return f"{done} {report.notice}" if report.notice else done


def _ozon_shops(ctx: ServiceContext) -> list[int]:
    from mpdesk.services.connections import marketplace_ports

    if ctx.marketplaces is None or ctx.chats is None:
        return []
    with marketplace_ports(ctx).uow() as uow:
        return sorted(c.shop_id for c in uow.connections.list() if c.marketplace == "ozon")


def job_kinds(ctx: ServiceContext) -> dict[str, JobKind]:
    ports = job_ports(ctx)
    kinds = {
        "remind": JobKind("remind", _remind, _remind_every),
        "mail_fetch": JobKind(
            "mail_fetch",
            _mail_fetch,
            lambda c: job_ports(c).mail_fetch_minutes,
            _mailbox_shops,
        ),
        "sync": JobKind("sync", _sync, lambda c: job_ports(c).sync_minutes, _connected_shops),
        "chats": JobKind("chats", _chats, lambda c: job_ports(c).chats_minutes, _ozon_shops),
    }
    kinds.update(ports.extra)
    return kinds


# --- running -----------------------------------------------------------------------------------


def run_job(ctx: ServiceContext, kind: str, shop_id: int | None = None) -> JobRun:
    """Run one job now and record it; a failure is recorded (code and Russian summary), never
    raised — ``JobRun.outcome`` says how it went."""
    kinds = job_kinds(ctx)
    if kind not in kinds:
        raise UnknownValueError("kind", kind, sorted(kinds))
    spec, ports = kinds[kind], job_ports(ctx)
    started_at = ctx.clock.now()
    run_id = ports.log.start(kind, shop_id, started_at, ports.worker)
    began = time.monotonic()
    outcome, code = Outcome.OK, ""
    try:
        summary = spec.run(ctx, shop_id)
    except MpdeskError as exc:
        outcome, code = Outcome.FAILED, exc.code
        summary = ctx.message(exc.code, **exc.fields)
    except Exception:
        log.exception("job %s failed", kind)
        outcome, code = Outcome.FAILED, "internal_error"
        summary = ctx.message("internal_error")
    seconds = time.monotonic() - began
    finished_at = ctx.clock.now()
    ports.log.finish(run_id, finished_at, outcome, code, summary)
    ctx.metrics.job_finished(kind, seconds, outcome is Outcome.FAILED)
    log.info(
        "job %s %s",
        kind,
        outcome.value,
        extra={
            "job": kind,
            "outcome": outcome.value,
            "shop_id": shop_id,
            "duration_ms": round(seconds * 1000, 1),
        },
    )
    return JobRun(
        run_id, kind, shop_id, started_at, finished_at, outcome, code, summary, ports.worker
    )


def due_jobs(ctx: ServiceContext, now: datetime | None = None) -> list[tuple[str, int | None]]:
    """What should run now: each scheduled kind, for each of its shops, whose last run started
    longer ago than its interval (or never)."""
    now = now or ctx.clock.now()
    ports = job_ports(ctx)
    due: list[tuple[str, int | None]] = []
    for spec in job_kinds(ctx).values():
        every = spec.every_minutes(ctx)
        if every <= 0:
            continue
        targets: Sequence[int | None] = spec.shops(ctx) if spec.shops else [None]
        last = ports.log.last_started(spec.name)
        for target in targets:
            previous = last.get(target)
            if previous is None or now - previous >= timedelta(minutes=every):
                due.append((spec.name, target))
    return due


def job_ages(ctx: ServiceContext) -> list[tuple[str, int | None, float]]:
    """Seconds since each kind last finished well, per shop (the metrics' sync lag)."""
    now, log = ctx.clock.now(), job_ports(ctx).log
    return [
        (kind, shop_id, max(0.0, (now - at).total_seconds()))
        for kind in sorted(job_kinds(ctx))
        for shop_id, at in sorted(log.last_ok(kind).items(), key=lambda item: item[0] or 0)
    ]


def list_jobs(
    ctx: ServiceContext,
    principal: Principal,
    *,
    kinds: Sequence[str] = (),
    failed_only: bool = False,
    limit: int = 100,
) -> list[JobRun]:
    """Recent runs the principal may see: an administrator all of them; anyone else the runs
    of their shops (the installation's own jobs are for administrators)."""
    known = job_kinds(ctx)
    for kind in kinds:
        if kind not in known:
            raise UnknownValueError("kind", kind, sorted(known))
    shop_ids = principal.shop_ids
    if shop_ids is not None:
        with ctx.reads() as uow:
            shop_ids = [s.id for s in access.visible_shops(uow, principal)]
    return job_ports(ctx).log.recent(
        kinds=kinds, shop_ids=shop_ids, failed_only=failed_only, limit=max(1, min(limit, 1000))
    )


class JobLoop:
    """Background thread of ``mpdesk serve``: each tick runs the jobs that are due.

    Several server processes may each run one: reminders keep their own lock and ledger, mail
    fetch files each message once, so a job two processes start together does no harm."""

    def __init__(self, ctx: ServiceContext, tick_seconds: float = 60.0) -> None:
        self.ctx = ctx
        self.tick_seconds = tick_seconds
        self.last_runs: list[JobRun] = []
        self.ticks = 0  # ticks completed, failed ones included
        self._ticked = threading.Condition()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="mpdesk-jobs", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def tick(self) -> list[JobRun]:
        runs = [run_job(self.ctx, kind, shop) for kind, shop in due_jobs(self.ctx)]
        if runs:
            self.last_runs = runs
        return runs

    def wait_ticks(self, count: int, timeout: float) -> bool:
        """Wait until the loop has completed ``count`` ticks in all (False on timeout): how a
        caller knows that the jobs had their chance to run, without guessing a delay."""
        with self._ticked:
            return self._ticked.wait_for(lambda: self.ticks >= count, timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.tick()
            except Exception:  # keep the server alive; the next tick retries
                log.exception("job loop tick failed")
            with self._ticked:
                self.ticks += 1
                self._ticked.notify_all()
            self._stop.wait(self.tick_seconds)


def kind_label(ctx: ServiceContext, kind: str) -> str:
    key = f"job_kind_{kind}"
    return ctx.message(key) if key in ctx.kb.messages else kind


def job_public(ctx: ServiceContext, run: JobRun) -> dict[str, object]:
    """A run as the CLI's ``--json``, the API and the page show it."""
    return {
        "id": run.id,
        "kind": run.kind,
        "kind_label": kind_label(ctx, run.kind),
        "shop_id": run.shop_id,
        "started_at": run.started_at.isoformat(),
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "outcome": run.outcome.value,
        "outcome_label": ctx.message(f"job_outcome_{run.outcome.value}"),
        "error_code": run.error_code or None,
        "summary": run.summary,
    }


def run_now(ctx: ServiceContext, principal: Principal, kind: str, shop_ref: int | None) -> JobRun:
    """Run a job in this process now (see ``check_request``)."""
    check_request(ctx, principal, kind, shop_ref)
    return run_job(ctx, kind, shop_ref)


def check_request(
    ctx: ServiceContext, principal: Principal, kind: str, shop_ref: int | None
) -> None:
    """A person may start a job: an administrator any; a manager of the shop that shop's."""
    kinds = job_kinds(ctx)
    if kind not in kinds:
        raise UnknownValueError("kind", kind, sorted(kinds))
    if kinds[kind].shops is not None and shop_ref is None:
        raise UserInputError("job_needs_shop", kind=kind)
    if shop_ref is None:
        if not principal.is_admin:
            raise ForbiddenError("forbidden")
    else:
        with ctx.reads() as uow:
            access.editable_shop(uow, principal, shop_ref)
