"""«Новое обращение» (live triage, checklist, preview, attachments) and «Обращение» (timeline,
correspondence, attachments, transitions, bundle)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from starlette.datastructures import FormData, UploadFile
from starlette.responses import RedirectResponse, Response

from mpdesk.domain.accounts import Principal, Role
from mpdesk.domain.appeal import AppealDraft
from mpdesk.domain.errors import MpdeskError, UserInputError
from mpdesk.domain.tickets import TRANSITIONS, Status
from mpdesk.entrypoints.web.downloads import attachment_response, bundle_response
from mpdesk.entrypoints.web.errors import message_for, status_for
from mpdesk.entrypoints.web.forms import (
    ID_FIELDS,
    identifiers_from_form,
    identifiers_to_form,
    saved_uploads,
)
from mpdesk.entrypoints.web.rendering import is_htmx, render
from mpdesk.entrypoints.web.security import FormDep, require_visitor, verify_csrf, wctx_of
from mpdesk.services import (
    cases,
    journal,
    live_triage,
    mail_send,
    support_chats,
    ticket_actions,
    urgency,
    user_input,
)
from mpdesk.services.answer_reading import read_ticket_answer
from mpdesk.services.context import ServiceContext
from mpdesk.services.posting_prefill import posting_items_context
from mpdesk.services.supply_prefill import supply_goods_context

router = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)
TicketId = Annotated[int, Path(ge=1, le=2**31 - 1)]
FIELDS = ("text", "marketplace", "category", "shop_id", "event_date", "channel",
          "attachment_names", "external_id", "split_done", "follow_up_of",
          *ID_FIELDS.values())  # fmt: skip


def _values(form: FormData | None) -> dict[str, str]:
    values = dict.fromkeys(FIELDS, "")
    if form is not None:
        for name in FIELDS:
            raw = form.get(name, "")
            values[name] = raw[:20_000] if isinstance(raw, str) else ""
    return values


def _attachment_names(values: dict[str, str]) -> list[str]:
    return [n.strip() for n in values["attachment_names"].split("\n") if n.strip()][:50]


def _draft(ctx: ServiceContext, values: dict[str, str]) -> AppealDraft | None:
    """The draft the form describes, or None while marketplace or category is not chosen."""
    mp, cat = values["marketplace"], values["category"]
    if mp not in ctx.kb.marketplaces or cat not in ctx.kb.categories:
        return None
    channel = values["channel"]
    if channel and channel not in {c.id for c in ctx.kb.channels_for(mp, cat)}:
        channel = ""
    return AppealDraft(
        marketplace=mp,
        category=cat,
        description=values["text"],
        identifiers=identifiers_from_form(values, mp),
        event_date=user_input.parse_event_date(ctx, values["event_date"]),
        channel_id=channel,
    )


def _new_context(
    request: Request, principal: Principal, values: dict[str, str], triaged: Any = None
) -> dict[str, Any]:
    ctx = wctx_of(request).ctx
    appeal, problem, duplicates = None, None, []
    mp, cat = values["marketplace"], values["category"]
    editable = journal.list_shops(ctx, principal, editable=True)
    shops = [s for s in editable if not mp or s.marketplace == mp]
    try:
        draft = _draft(ctx, values)
        if draft is not None:  # signed by the chosen shop, as the saved appeal will be
            chosen = [s for s in shops if str(s.id) == values["shop_id"]]
            chosen = chosen or [s for s in shops if s.is_default] or shops[:1]
            draft.shop_name = chosen[0].name if chosen else ""
            shop_id = user_input.parse_shop_id(values["shop_id"])
            duplicates = cases.find_duplicates(
                ctx, principal, draft.marketplace, draft.identifiers, shop_id
            )
            appeal = journal.preview_appeal(ctx, draft, attachment_names=_attachment_names(values))
    except MpdeskError as exc:
        problem = message_for(request, exc.code, exc.fields)
    return {
        "values": values,
        "split_done": _split_done(values),
        "appeal": appeal,
        "problem": problem,
        "triaged": triaged,
        "shops": shops,
        "channels": ctx.kb.channels_for(mp, cat) if appeal else [],
        "id_fields": ID_FIELDS,
        "attachment_names": _attachment_names(values),
        "duplicates": duplicates,
    }


def _split_done(values: dict[str, str]) -> dict[str, int]:
    """Problems of this text already saved as separate drafts: category -> ticket id (kept in a
    hidden field as ``category:id`` pairs, so the form remembers them between requests)."""
    done = {}
    for pair in values["split_done"].split(",")[:7]:
        category, _, ticket_id = pair.partition(":")
        if category and ticket_id.isdigit():
            done[category] = int(ticket_id)
    return done


@router.get("/tickets/new")
def new_page(request: Request) -> Response:
    visitor = require_visitor(request)
    return render(
        request, "ticket_new.html", _new_context(request, visitor.principal, _values(None))
    )


@router.post("/tickets/new/analyze")
def analyze(request: Request, form: FormDep) -> Response:
    """The text changed: run triage and fill the fields it found."""
    visitor = require_visitor(request)
    values = _values(form)
    ctx = wctx_of(request).ctx
    hint = values["marketplace"] or None
    found = live_triage.suggest(ctx, values["text"], hint, _attachment_names(values))
    if found.marketplace:
        values["marketplace"] = found.marketplace
    if found.category and not found.needs_confirmation:  # unsure: the person chooses
        values["category"] = found.category
    if found.event_date:
        values["event_date"] = found.event_date.isoformat()
    if found.identifiers:
        values.update(identifiers_to_form(found.identifiers))
    context = _new_context(request, visitor.principal, values, triaged=found)
    return render(
        request, "ticket_new.html", context, block="analysis" if is_htmx(request) else None
    )


@router.post("/tickets/new/preview")
def preview(request: Request, form: FormDep) -> Response:
    """A field changed: re-check the checklist and re-render the preview."""
    visitor = require_visitor(request)
    values = _values(form)
    context = _new_context(request, visitor.principal, values)
    return render(
        request, "ticket_new.html", context, block="analysis" if is_htmx(request) else None
    )


@router.post("/tickets")
def create(request: Request, form: FormDep) -> Response:
    visitor = require_visitor(request)
    values = _values(form)
    action = form.get("action", "draft")
    wctx = wctx_of(request)
    ctx = wctx.acting(visitor.principal)
    uploads = [u for u in form.getlist("attachments") if isinstance(u, UploadFile)]
    try:
        draft = _draft(ctx, values)
        if draft is None:
            raise UserInputError("choose_marketplace_category")
        shop_id = user_input.parse_shop_id(values["shop_id"])
        submission = None
        if action == "submit":
            submission = journal.Submission(values["external_id"][:64])
        goods = supply_goods_context(ctx, visitor.principal, draft, None, shop_id)
        items = posting_items_context(ctx, visitor.principal, draft, None, shop_id)
        extra = {**(goods.context() if goods else {}), **(items.context() if items else {})}
        with saved_uploads(uploads) as paths:
            opened = journal.open_ticket(
                ctx,
                visitor.principal,
                draft,
                paths,
                shop_id=shop_id,
                submission=submission,
                extra_context=extra or None,
                follow_up_of=int(values["follow_up_of"])
                if values["follow_up_of"].isdigit()
                else None,
            )
        ticket_id = opened.ticket.id
    except MpdeskError as exc:
        context = _new_context(request, visitor.principal, values)
        context["error"] = message_for(request, exc.code, exc.fields)
        return render(request, "ticket_new.html", context, status_code=status_for(exc))
    return RedirectResponse(f"/tickets/{ticket_id}?done=created", status_code=303)


@router.post("/tickets/new/split")
def split(request: Request, form: FormDep) -> Response:
    """Save one more problem of the text (not its main one) as a separate draft appeal, built
    from the sentence that raises it; the form keeps the text for the main appeal."""
    visitor = require_visitor(request)
    values = _values(form)
    wctx = wctx_of(request)
    ctx = wctx.acting(visitor.principal)
    category = str(form.get("split_category", ""))
    hint = values["marketplace"] or None
    context: dict[str, Any]
    try:
        found = live_triage.split_problem(ctx, values["text"], category, hint)
        if found is None:
            raise UserInputError("split_problem_not_found")
        problem, part = found
        draft_values = dict.fromkeys(FIELDS, "")
        draft_values.update(text=problem.sentence, marketplace=part.marketplace or "",
                            category=category, shop_id=values["shop_id"])  # fmt: skip
        if part.event_date:
            draft_values["event_date"] = part.event_date.isoformat()
        draft_values.update(identifiers_to_form(part.identifiers))
        draft = _draft(ctx, draft_values)
        if draft is None:
            raise UserInputError("choose_marketplace_category")
        shop_id = int(values["shop_id"]) if values["shop_id"].isdigit() else None
        opened = journal.open_ticket(ctx, visitor.principal, draft, shop_id=shop_id)
        done = _split_done(values) | {category: opened.ticket.id}
        values["split_done"] = ",".join(f"{c}:{i}" for c, i in done.items())
    except MpdeskError as exc:
        context = _new_context(request, visitor.principal, values)
        context["error"] = message_for(request, exc.code, exc.fields)
        return render(request, "ticket_new.html", context, status_code=status_for(exc))
    triaged = live_triage.suggest(ctx, values["text"], hint, _attachment_names(values))
    context = _new_context(request, visitor.principal, values, triaged=triaged)
    context["split_created"] = opened.ticket.id
    return render(request, "ticket_new.html", context)


# --- the ticket page ---------------------------------------------------------------------


@router.get("/tickets/{ticket_id}")
def ticket_page(request: Request, ticket_id: TicketId, done: str = "", ask: str = "") -> Response:
    visitor = require_visitor(request)
    ctx = wctx_of(request).ctx
    ticket = journal.get_ticket(ctx, visitor.principal, ticket_id)
    shop = journal.get_shop(ctx, visitor.principal, ticket.shop_id)
    now = ctx.clock.now()
    return render(
        request,
        "ticket.html",
        {
            "ticket": ticket,
            "case": cases.get_case(ctx, visitor.principal, ticket_id)
            if cases.is_linked(ticket)
            else None,
            "shop": shop,
            "channel": ctx.kb.channels.get(ticket.channel_id),
            "mail_channel": mail_send.email_channel(ctx, ticket),
            "answer": read_ticket_answer(ctx, ticket),
            "chats": support_chats.ticket_chats(ctx, visitor.principal, ticket_id)
            if ticket.marketplace == "ozon"
            else [],
            "channels": ctx.kb.channels_for(ticket.marketplace, ticket.category),
            "can_edit": visitor.principal.can(ticket.shop_id, Role.MANAGER),
            "allowed": sorted(TRANSITIONS[ticket.status], key=list(Status).index),
            "overdue": ticket.is_overdue(now),
            "urgent": urgency.notes_for(ctx, [ticket]).get(ticket_id),
            "now": now,
            "done": done if done.isidentifier() else "",
            "ask_resend": ask == "resend",
        },
    )


def _back(ticket_id: int, done: str) -> Response:
    return RedirectResponse(f"/tickets/{ticket_id}?done={done}", status_code=303)


@router.post("/tickets/{ticket_id}/status")
def change_status(request: Request, ticket_id: TicketId, form: FormDep) -> Response:
    visitor = require_visitor(request)
    target = str(form.get("to", ""))
    if target not in Status._value2member_map_:
        raise UserInputError("invalid_input")
    version = str(form.get("version", ""))
    amount = str(form.get("amount_recovered", "") or "").strip()
    ticket_actions.change_status(
        wctx_of(request).acting(visitor.principal),
        visitor.principal,
        ticket_id,
        Status(target),
        comment=str(form.get("comment", ""))[:5000].strip(),
        external_id=str(form.get("external_id", ""))[:64],
        channel_id=str(form.get("channel", ""))[:64],
        amount_recovered=(user_input.parse_amount(amount, "amount_recovered") if amount else None),
        expected_version=int(version) if version.isdigit() and len(version) < 10 else None,
    )
    return _back(ticket_id, "status")


@router.post("/tickets/{ticket_id}/reply")
def reply(request: Request, ticket_id: TicketId, form: FormDep) -> Response:
    visitor = require_visitor(request)
    uploads = [u for u in form.getlist("files") if isinstance(u, UploadFile)]
    ctx = wctx_of(request).acting(visitor.principal)
    with saved_uploads(uploads) as paths:
        ticket_actions.record_reply(
            ctx, visitor.principal, ticket_id, str(form.get("text", ""))[:50_000], paths
        )
    return _back(ticket_id, "reply")


@router.post("/tickets/{ticket_id}/note")
def note(request: Request, ticket_id: TicketId, form: FormDep) -> Response:
    visitor = require_visitor(request)
    ctx = wctx_of(request).acting(visitor.principal)
    ticket_actions.add_note(ctx, visitor.principal, ticket_id, str(form.get("text", ""))[:50_000])
    return _back(ticket_id, "note")


@router.post("/tickets/{ticket_id}/attachments")
def add_attachments(request: Request, ticket_id: TicketId, form: FormDep) -> Response:
    visitor = require_visitor(request)
    uploads = [u for u in form.getlist("files") if isinstance(u, UploadFile)]
    ctx = wctx_of(request).acting(visitor.principal)
    with saved_uploads(uploads) as paths:
        ticket_actions.attach(ctx, visitor.principal, ticket_id, paths)
    return _back(ticket_id, "attached")


@router.post("/tickets/{ticket_id}/follow-up")
def follow_up(request: Request, ticket_id: TicketId) -> Response:
    visitor = require_visitor(request)
    ctx = wctx_of(request).acting(visitor.principal)
    opened = ticket_actions.follow_up(ctx, visitor.principal, ticket_id)
    return RedirectResponse(f"/tickets/{opened.ticket.id}?done=follow_up", status_code=303)


@router.get("/tickets/{ticket_id}/attachments/{attachment_id}")
def download(
    request: Request, ticket_id: TicketId, attachment_id: Annotated[int, Path(ge=1, le=2**31 - 1)]
) -> Response:
    visitor = require_visitor(request)
    ctx = wctx_of(request).ctx
    return attachment_response(
        *journal.get_attachment(ctx, visitor.principal, ticket_id, attachment_id)
    )


@router.get("/tickets/{ticket_id}/bundle.zip")
def bundle(request: Request, ticket_id: TicketId) -> Response:
    visitor = require_visitor(request)
    ctx = wctx_of(request).acting(visitor.principal)
    return bundle_response(ctx, visitor.principal, ticket_id)
