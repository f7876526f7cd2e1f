"""Plain-dict form of a shop's API connection and last sync, for ``--json``, pages and the API.

Never carries a credential: only the fingerprint-free facts a seller may see (expiry, category
bits, which API categories answered the check) and the last sync's outcome with its error in
Russian.
"""

from __future__ import annotations

from typing import Any

from mpdesk.domain.connections import SyncOutcome, SyncRun
from mpdesk.services.connections import ShopStatus
from mpdesk.services.context import ServiceContext

#: a WB token this close to its expiry is flagged
EXPIRY_WARNING_DAYS = 14


def sync_run_view(ctx: ServiceContext, run: SyncRun | None) -> dict[str, Any] | None:
    if run is None:
        return None
    error = ctx.message(run.error_code, **run.error_fields) if run.error_code else ""
    if run.outcome is SyncOutcome.FAILED and not run.error_code:
        error = ctx.message("internal_error")
    return {
        "started_at": run.started_at,
        "finished_at": run.finished_at,
        "outcome": run.outcome.value,
        "outcome_label": ctx.message(f"sync_outcome_{run.outcome.value}"),
        "error_code": run.error_code,
        "error": error,
        "pages": run.pages,
        "rows": run.rows,
        "new_files": run.new_files,
        "findings_added": run.findings_added,
        "findings_updated": run.findings_updated,
    }


def status_view(ctx: ServiceContext, status: ShopStatus) -> dict[str, Any]:
    now = ctx.clock.now()
    shop, connection = status.shop, status.connection
    view: dict[str, Any] = {
        "shop_id": shop.id,
        "shop": shop.name,
        "marketplace": shop.marketplace,
        "connected": connection is not None,
        "connected_at": None,
        "expires_at": None,
        "days_left": None,
        "expired": False,
        "expires_soon": False,
        "category_bits": [],
        "access": {},
        "last_sync": sync_run_view(ctx, status.last_sync),
    }
    if connection is None:
        return view
    days_left = connection.days_left(now)
    view.update(
        connected_at=connection.connected_at,
        expires_at=connection.expires_at,
        days_left=days_left,
        expired=connection.is_expired(now),
        expires_soon=days_left is not None and days_left <= EXPIRY_WARNING_DAYS,
        category_bits=sorted(connection.category_bits),
        access={
            category: {
                "value": answer.value,
                "label": ctx.message(f"api_category_{category}"),
                "answer": ctx.message(f"api_access_{answer.value}"),
            }
            for category, answer in connection.access.items()
        },
    )
    return view
