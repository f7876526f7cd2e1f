"""Use case: sync a shop — pull what audits and appeals need from the marketplace's seller API
into the evidence store, then audit what is new and save the findings into the shop.

``sync_shop`` is a plain function, safe to call from a background job on any machine: every
page is one transaction (its evidence files recorded, its stream's cursor moved past it), so
a sync stopped at any point — an exception, a killed process — goes on from the last committed
page, and a page fetched twice is recognised by its content hash and adds nothing. The files
are content-addressed in the evidence store like uploads, and the audit reads them under their
own names, so every finding cites the pulled file and row. A window that was pulled to its
end is not asked again: the next sync starts where it ended (``since`` asks again from then).

Each run is recorded per shop (start, end, outcome, error code, counts): ``last_sync``.
"""

from __future__ import annotations

import gc
import hashlib
import os
import shutil
import tempfile
from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from mpdesk.domain.accounts import Principal
from mpdesk.domain.api_errors import (
    ApiForbiddenError,
    ApiPaymentRequiredError,
    ApiRequestRejectedError,
)
from mpdesk.domain.connections import PulledFile, StreamState, SyncOutcome, SyncRun
from mpdesk.domain.credentials import WbCredentials
from mpdesk.domain.errors import MpdeskError, NotFoundError, UserInputError
from mpdesk.domain.shops import Shop
from mpdesk.services import access
from mpdesk.services.audit import audit_reports
from mpdesk.services.connections import marketplace_ports, shop_credentials
from mpdesk.services.context import ServiceContext
from mpdesk.services.ports.marketplaces import ApiPage, MarketplacePorts, SyncProgress
from mpdesk.services.sync_streams import STREAMS, PageFile, Stream

#: a page (with its files) this large is followed by a full garbage collection (see ``_pull``)
_COLLECT_AFTER_BYTES = 256 * 1024


@dataclass
class SyncResult:
    shop_id: int
    shop: str
    run: SyncRun
    streams: dict[str, int] = field(default_factory=dict)  # stream -> rows received
    #: streams left out, with the error code: the key lacks the category (403, 402) or the
    #: marketplace no longer has the method (404); the other streams still sync
    skipped: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.run.outcome is SyncOutcome.OK


def sync_shop(
    ctx: ServiceContext,
    shop_id: int,
    since: datetime | None = None,
    progress: SyncProgress | None = None,
) -> SyncResult:
    """Pull every stream of the shop's marketplace, then audit the new files. Raises the
    first error (after recording it in the run); what was committed before it stays."""
    ports = marketplace_ports(ctx)
    with ports.uow() as uow:
        shop = uow.shops.get(shop_id)
        if shop is None:
            raise NotFoundError("shop_not_found", name=str(shop_id))
        run = uow.sync.start_run(shop.id, ctx.clock.now())
        uow.commit()
    result = SyncResult(shop.id, shop.name, run)
    try:
        with ports.uow() as uow:  # a key that no longer decrypts is a failed run, shown
            credentials = shop_credentials(ctx, uow, shop)
        if isinstance(credentials, WbCredentials):
            api: Any = ports.apis.wb(credentials)
        else:
            api = ports.apis.ozon(credentials)
        with closing(api):
            for stream in STREAMS[shop.marketplace]:
                if progress is not None:
                    progress.stream(shop.name, stream.id)
                try:
                    _pull(ctx, shop, api, stream, since, result, progress)
                except (ApiForbiddenError, ApiPaymentRequiredError) as exc:
                    result.skipped[stream.id] = exc.code  # the key lacks this category
                except ApiRequestRejectedError as exc:
                    if exc.fields.get("status") != 404:
                        raise
                    result.skipped[stream.id] = exc.code  # the method is gone (WB incomes)
        _audit_new(ctx, shop, result)
    except Exception as exc:
        run.outcome = SyncOutcome.FAILED
        if isinstance(exc, MpdeskError):
            run.error_code, run.error_fields = exc.code, dict(exc.fields)
        else:
            run.error_code = "internal_error"
        _finish(ports, run, ctx.clock.now())
        raise
    run.outcome = SyncOutcome.OK
    _finish(ports, run, ctx.clock.now())
    return result


def _finish(ports: MarketplacePorts, run: SyncRun, now: datetime) -> None:
    run.finished_at = now
    with ports.uow() as uow:
        uow.sync.finish_run(run)
        uow.commit()


def _first_window_start(
    ctx: ServiceContext, state: StreamState, since: datetime | None
) -> datetime:
    """``since`` when given, else where the last window ended, else ``first_days`` back."""
    if since is not None:
        return since
    if state.done_to is not None:
        return state.done_to
    start = ctx.clock.local(ctx.clock.now() - timedelta(days=marketplace_ports(ctx).first_days))
    return start.replace(hour=0, minute=0, second=0, microsecond=0)  # the seller's midnight


def _pull(
    ctx: ServiceContext,
    shop: Shop,
    api: Any,
    stream: Stream,
    since: datetime | None,
    result: SyncResult,
    progress: SyncProgress | None,
) -> None:
    """Every window of one stream from its saved state up to now, a transaction a page."""
    ports = marketplace_ports(ctx)
    now = ctx.clock.now()
    with ports.uow() as uow:
        state = uow.sync.stream(shop.id, stream.id)
    result.streams.setdefault(stream.id, 0)
    start = _first_window_start(ctx, state, since)
    while True:
        if state.cursor is None:
            if start >= now:
                return
            end = now
            if stream.window_days is not None:
                end = min(now, start + timedelta(days=stream.window_days))
            state.window_from, state.window_to = start, end
        assert state.window_from is not None and state.window_to is not None
        window = (ctx.clock.local(state.window_from), ctx.clock.local(state.window_to))
        for page in stream.pull(api, *window, state.cursor):
            files = stream.files(api, page)
            large = len(page.body) + sum(len(f.body) for f in files) >= _COLLECT_AFTER_BYTES
            _keep(ctx, shop, stream, state, page, files, result)
            del page, files  # freed before the next page is fetched: one page in memory
            # a page's parsed rows can outlive it in reference cycles of the HTTP client's
            # retry state until a full collection: 20 pages of 5,000 rows peaked at +423 MB
            # without this, +79 MB with it, in the same time (benchmarks/sync_bench.py); a
            # small page is not worth a full collection of the process
            if large:
                gc.collect()
            if progress is not None:
                progress.page(shop.name, stream.id, result.streams[stream.id])
        start = state.window_to
        state.cursor = None
        if start >= now:
            return


def _keep(
    ctx: ServiceContext,
    shop: Shop,
    stream: Stream,
    state: StreamState,
    page: ApiPage,
    files: Sequence[PageFile],
    result: SyncResult,
) -> None:
    """One page: its files into the store, then in one transaction their records and the
    stream's cursor (a crash before the commit fetches the page again; after it, the next)."""
    ports = marketplace_ports(ctx)
    now = ctx.clock.now()
    pulled = []
    for file in files:
        sha = hashlib.sha256(file.body).hexdigest()
        name = f"{stream.id}-{sha[:16]}{file.suffix}"
        stored = ctx.files.put_bytes(file.body, name)
        pulled.append(
            PulledFile(
                shop.id, stream.id, stored.sha256, name, stored.size, file.rows, not file.audit
            )
        )
    state.cursor = page.cursor
    if page.cursor is None:
        state.done_to = state.window_to
    with ports.uow() as uow:
        new = sum(uow.sync.add_file(f, now) for f in pulled)
        uow.sync.save_stream(state, now)
        uow.commit()
    rows = sum(f.rows for f in files)
    result.run.pages += 1
    result.run.rows += rows
    result.run.new_files += new
    result.streams[stream.id] += rows


def _audit_new(ctx: ServiceContext, shop: Shop, result: SyncResult) -> None:
    """Audit the shop's pulled files the audit has not read yet (this run's and any left by an
    interrupted one) and save the findings; then mark them read."""
    ports = marketplace_ports(ctx)
    with ports.uow() as uow:
        waiting = uow.sync.unaudited(shop.id)
    if not waiting:
        return
    _sweep_dead_audit_folders(Path(tempfile.gettempdir()))
    with tempfile.TemporaryDirectory(prefix=f"{AUDIT_FOLDER}{os.getpid()}-") as tmp:
        paths = [_materialize(ctx, Path(tmp), f) for f in waiting]
        audited = audit_reports(ctx, paths, save=True, shop_name=shop.name)
    if audited.saved is not None:
        result.run.findings_added += audited.saved.added
        result.run.findings_updated += audited.saved.updated
    with ports.uow() as uow:
        uow.sync.mark_audited(shop.id, [f.sha256 for f in waiting], ctx.clock.now())
        uow.commit()


#: the temporary folder an audit's files are copied into: ``mpdesk-sync-<pid>-<random>``
AUDIT_FOLDER = "mpdesk-sync-"


def _sweep_dead_audit_folders(root: Path) -> None:
    """Remove the audit folders of syncs killed before they could (``kill -9``): they hold
    copies of the seller's reports. Only folders of processes that are gone are touched."""
    for folder in root.glob(f"{AUDIT_FOLDER}*"):
        pid = folder.name[len(AUDIT_FOLDER) :].split("-", 1)[0]
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except PermissionError:
            continue  # another user's process


def _materialize(ctx: ServiceContext, folder: Path, file: PulledFile) -> Path:
    path = folder / file.name
    stream = ctx.files.open(file.sha256)
    try:
        with path.open("wb") as out:
            while chunk := stream.read(1 << 20):
                out.write(chunk)
    finally:
        stream.close()
    return path


def last_sync(ctx: ServiceContext, shop_id: int) -> SyncRun | None:
    """The shop's latest sync run (running, finished or failed), or None."""
    with marketplace_ports(ctx).uow() as uow:
        return uow.sync.last_runs([shop_id]).get(shop_id)


def shops_to_sync(ctx: ServiceContext, principal: Principal, ref: str | None) -> list[Shop]:
    """The connected shops the principal may sync (manager): the one named by ``ref``
    (number or name), else all of them."""
    with marketplace_ports(ctx).uow() as uow:
        connected = {c.shop_id for c in uow.connections.list()}
        if ref is not None:
            shop = (
                uow.shops.get(int(ref))
                if ref.strip().isascii() and ref.strip().isdigit()
                else uow.shops.find(ref.strip())
            )
            if shop is None:
                raise NotFoundError("shop_not_found", name=ref)
            shop = access.editable_shop(uow, principal, shop.id)
            if shop.id not in connected:
                raise UserInputError("shop_not_connected", shop=shop.name)
            return [shop]
        shops = [s for s in access.editable_shops(uow, principal) if s.id in connected]
    if not shops:
        raise UserInputError("sync_no_shops")
    return shops


def since_midnight(ctx: ServiceContext, day: date) -> datetime:
    """The start of a typed day in the installation's time zone."""
    return datetime.combine(day, time(), tzinfo=ctx.clock.local(ctx.clock.now()).tzinfo)
