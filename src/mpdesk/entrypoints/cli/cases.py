"""Case commands: ``mpdesk case show N`` — the appeals about one problem, its money once, how it
ended; and the duplicate warning printed by ``mpdesk new``."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

import typer
from rich.console import Console
from rich.prompt import Confirm

from mpdesk.domain.cases import CaseState, Duplicate
from mpdesk.entrypoints.cli.output import JsonOpt, emit
from mpdesk.entrypoints.cli.state import ctx as current_ctx
from mpdesk.entrypoints.cli.state import principal as current_principal
from mpdesk.entrypoints.cli.ticket_view import fmt_time, print_appeal
from mpdesk.services import cases, formatting, ticket_actions
from mpdesk.services.context import ServiceContext
from mpdesk.services.user_input import MAX_ID
from mpdesk.services.views import appeal_public, status_label, ticket_public

app = typer.Typer(help="Дела: обращения об одной проблеме вместе.", no_args_is_help=True)
TicketId = Annotated[int, typer.Argument(min=1, max=MAX_ID, help="Номер обращения в журнале.")]
CaseId = Annotated[
    int, typer.Argument(min=1, max=MAX_ID, help="Номер дела (или любого его обращения).")
]


def _money(value: Decimal | None) -> str:
    return formatting.money(value, empty="—")


@app.command("show")
def cmd_show(case_id: CaseId, as_json: JsonOpt = False) -> None:
    """Дело: первое обращение, повторные, претензия, находки; сумма один раз."""
    ctx = current_ctx()
    view = cases.get_case(ctx, current_principal(), case_id)

    def human(console: Console) -> None:
        state = ctx.message(f"case_state_{view.state.value}")
        console.print(f"[bold]{ctx.message('case_title', id=view.id)}[/] — {state}")
        if view.reason:
            console.print(view.reason, markup=False)
        console.print(
            ctx.message("case_money", claimed=_money(view.claimed),
                        recovered=_money(view.recovered)), markup=False,
        )  # fmt: skip
        console.print(f"[bold]{ctx.message('case_appeals')}[/]")
        for m in view.members:
            t = m.ticket
            parts = [f"№{t.id}", ctx.message(f"case_role_{m.role.value}"),
                     status_label(ctx, t.status), t.subject]  # fmt: skip
            if t.submitted_at:
                parts.append(fmt_time(ctx, t.submitted_at))
            if m.closed_reason:
                parts.append(m.closed_reason)
            console.print("  " + " · ".join(parts), markup=False)
        if view.findings:
            console.print(f"[bold]{ctx.message('case_findings')}[/]")
        for f in view.findings:
            amount = formatting.money(f.finding.amount, "—", f.finding.currency)
            console.print(f"  {f.id} · №{f.ticket_id} · {amount}", markup=False)

    emit(cases.case_public(view), as_json, human)


def print_duplicates(console: Console, ctx: ServiceContext, found: list[Duplicate]) -> None:
    """The warning of ``mpdesk new`` (on stderr in human output: stdout keeps the appeal)."""
    for d in found:
        matched = ", ".join(
            f"{ctx.message(f'wizard_id_{i.type.value}')} {i.value}" for i in d.matched
        )
        tickets = ", ".join(f"№{i}" for i in d.ticket_ids)
        state = ctx.message(f"case_state_{d.state.value}")
        console.print(
            ctx.message("case_duplicate_warning", matched=matched, case_id=d.case_id,
                        state=state, tickets=tickets), markup=False,
        )  # fmt: skip


def ask_follow_up(
    ctx: ServiceContext, found: list[Duplicate], interactive: bool, as_json: bool
) -> int | None:
    """Warn about the duplicates of a new appeal; the wizard offers to add it to the newest
    case as a follow-up (the appeal it continues is returned), otherwise a hint is printed."""
    if not found or as_json:
        return None
    console = Console(stderr=True)
    print_duplicates(console, ctx, found)
    first = found[0]
    if not interactive:
        console.print(ctx.message("case_duplicate_hint", follow_up_of=first.latest_id))
        return None
    offer = ctx.message("case_duplicate_offer", case_id=first.case_id,
                        follow_up_of=first.latest_id)  # fmt: skip
    is_open = first.state is CaseState.OPEN  # a decided case: «no» unless the person says so
    return first.latest_id if Confirm.ask(offer, console=console, default=is_open) else None


def cmd_follow_up(ticket_id: TicketId, as_json: JsonOpt = False) -> None:
    """Повторное обращение со ссылкой на номер у маркетплейса и дату первой отправки."""
    ctx = current_ctx()
    opened = ticket_actions.follow_up(ctx, current_principal(), ticket_id)

    def human(console: Console) -> None:
        print_appeal(console, ctx, opened.appeal)
        console.print(
            ctx.message(
                "ticket_saved", id=opened.ticket.id, status=status_label(ctx, opened.ticket.status)
            )
        )

    emit(
        {
            "ticket": ticket_public(opened.ticket),
            "appeal": appeal_public(opened.appeal, ctx.message),
        },
        as_json,
        human,
    )


def register(cli: typer.Typer) -> None:
    cli.command("follow-up")(cmd_follow_up)
    cli.add_typer(app, name="case")
