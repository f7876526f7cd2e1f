"""«Настройки»: own password and API tokens, the seller's legal details of one's shops; for
administrators, users, roles and shops."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from mpdesk.domain.accounts import Role
from mpdesk.domain.credentials import Credentials, OzonCredentials, WbCredentials
from mpdesk.domain.errors import MpdeskError, UserInputError
from mpdesk.domain.legal import SELLER_FIELDS
from mpdesk.entrypoints.web.downloads import final_export_response
from mpdesk.entrypoints.web.errors import message_for, status_for
from mpdesk.entrypoints.web.rendering import render
from mpdesk.entrypoints.web.security import (
    FormDep,
    Visitor,
    require_admin,
    require_visitor,
    verify_csrf,
    wctx_of,
)
from mpdesk.services import accounts, journal, shop_legal
from mpdesk.services.connection_views import status_view
from mpdesk.services.connections import connect_shop, disconnect_shop, shop_statuses
from mpdesk.services.shops import add_shop, list_shops
from mpdesk.services.user_input import parse_shop_id

router = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)


def _page(
    request: Request,
    visitor: Visitor,
    *,
    new_token: str = "",
    error: str = "",
    done: str = "",
    status_code: int = 200,
    legal_form: dict[str, object] | None = None,
) -> Response:
    wctx = wctx_of(request)
    principal = visitor.principal
    context = {
        "tokens": accounts.list_tokens(wctx, principal),
        "new_token": new_token,
        "error": error,
        "done": done,
        "my_shops": journal.list_shops(wctx.ctx, principal),
        "shop_api": [status_view(wctx.ctx, s) for s in shop_statuses(wctx.ctx, principal)],
        "can_manage": {s.id for s in journal.list_shops(wctx.ctx, principal, editable=True)},
        "users": accounts.list_users(wctx) if principal.is_admin else [],
        "all_shops": list_shops(wctx.ctx) if principal.is_admin else [],
        "roles": list(Role),
        "legal": {
            s.id: shop_legal.get_shop_legal(wctx.ctx, principal, s.id)
            for s in journal.list_shops(wctx.ctx, principal)
        },
        "legal_fields": SELLER_FIELDS,
        "legal_form": legal_form or {},
    }
    return render(request, "account.html", context, status_code=status_code)


def _credentials(token: str, client_id: str, api_key: str) -> Credentials:
    """The key typed into the shop's form: a WB token, or an Ozon Client-Id and Api-Key."""
    if client_id.strip() or api_key.strip():
        if not client_id.strip() or not api_key.strip():
            raise UserInputError("connect_secret_empty")
        return OzonCredentials(client_id.strip(), api_key.strip())
    if not token.strip():
        raise UserInputError("connect_secret_empty")
    return WbCredentials(token.strip())


@router.get("/account")
def account_page(request: Request, done: str = "") -> Response:
    return _page(request, require_visitor(request), done=done if done.isidentifier() else "")


def _handle(request: Request, form: FormData, visitor: Visitor, action: str) -> Response:
    wctx = wctx_of(request)

    def field(name: str, limit: int = 200) -> str:
        value = form.get(name, "")
        return value[:limit] if isinstance(value, str) else ""

    try:
        if action == "password":
            accounts.change_own_password(
                wctx,
                visitor.principal,
                field("current", 1000),
                field("new", 1000),
                session_id=visitor.session.id,
            )
        elif action == "token":
            secret, _ = accounts.create_token(wctx, visitor.principal.login, field("name", 100))
            return _page(request, visitor, new_token=secret)
        elif action == "revoke":
            token_id = field("token_id", 12)
            if not token_id.isdigit():
                raise UserInputError("invalid_input")
            accounts.revoke_token(wctx, visitor.principal, int(token_id))
        elif action == "user":
            shop_id = parse_shop_id(field("shop_id", 12))
            roles = {shop_id: Role(field("role", 16))} if shop_id is not None else {}
            accounts.add_user(
                wctx,
                field("login", 100),
                field("password", 1000) or None,
                name=field("name"),
                is_admin=field("is_admin") == "1",
                roles=roles,
            )
        elif action == "role":
            shop_id, role = parse_shop_id(field("shop_id", 12)), field("role", 16)
            if shop_id is None:
                raise UserInputError("invalid_input")
            accounts.grant_role(wctx, field("login", 100), shop_id, Role(role) if role else None)
        elif action == "shop":
            add_shop(wctx.ctx, field("name"), field("marketplace", 32))
        elif action == "legal":
            shop_id = parse_shop_id(field("shop_id", 12))
            if shop_id is None:
                raise UserInputError("invalid_input")
            changes = {name: field(name, 600) for name in SELLER_FIELDS}
            shop_legal.update_shop_legal(wctx.ctx, visitor.principal, shop_id, changes)
        elif action in ("connect", "disconnect"):
            raw_shop = field("shop_id", 12)
            if not raw_shop.isdigit():
                raise UserInputError("invalid_input")
            if action == "disconnect":
                disconnect_shop(wctx.ctx, visitor.principal, int(raw_shop))
            else:
                credentials = _credentials(field("token", 4000), field("client_id", 40),
                                           field("api_key", 200))  # fmt: skip
                connect_shop(wctx.ctx, visitor.principal, raw_shop, credentials)
    except MpdeskError as exc:
        return _page(
            request,
            visitor,
            error=message_for(request, exc.code, exc.fields),
            status_code=status_for(exc),
            legal_form=_typed_legal(form) if action == "legal" else None,
        )
    except ValueError:
        return _page(
            request, visitor, error=message_for(request, "invalid_input", {}), status_code=422
        )
    return RedirectResponse(f"/account?done={action}", status_code=303)


@router.post("/account/password")
def change_password(request: Request, form: FormDep) -> Response:
    return _handle(request, form, require_visitor(request), "password")


@router.post("/account/tokens")
def create_token(request: Request, form: FormDep) -> Response:
    return _handle(request, form, require_visitor(request), "token")


@router.post("/account/tokens/revoke")
def revoke_token(request: Request, form: FormDep) -> Response:
    return _handle(request, form, require_visitor(request), "revoke")


@router.post("/account/users")
def add_user(request: Request, form: FormDep) -> Response:
    return _handle(request, form, require_admin(request), "user")


@router.post("/account/roles")
def set_role(request: Request, form: FormDep) -> Response:
    return _handle(request, form, require_admin(request), "role")


@router.post("/account/shops")
def create_shop(request: Request, form: FormDep) -> Response:
    return _handle(request, form, require_admin(request), "shop")


@router.post("/account/shops/legal")
def set_legal(request: Request, form: FormDep) -> Response:
    """The seller's legal details of a shop, for the parties of a pre-trial claim."""
    return _handle(request, form, require_visitor(request), "legal")


def _typed_legal(form: FormData) -> dict[str, object]:
    """What the person typed, to show it again with the error (the shop and each field)."""
    typed = {name: form.get(name, "") for name in ("shop_id", *SELLER_FIELDS)}
    return {k: v[:600] for k, v in typed.items() if isinstance(v, str)}


@router.post("/account/shops/connect")
def connect(request: Request, form: FormDep) -> Response:
    return _handle(request, form, require_visitor(request), "connect")


@router.post("/account/shops/disconnect")
def disconnect(request: Request, form: FormDep) -> Response:
    return _handle(request, form, require_visitor(request), "disconnect")


@router.post("/account/shops/delete")
def delete_shop(request: Request, form: FormDep) -> Response:
    """Delete a shop: the answer is the final export, as a file to save."""
    visitor = require_admin(request)
    raw_id, confirm = form.get("shop_id", ""), form.get("confirm", "")
    try:
        if not isinstance(raw_id, str) or not raw_id.isdigit() or len(raw_id) > 9:
            raise UserInputError("invalid_input")
        return final_export_response(
            wctx_of(request).ctx,
            visitor.principal,
            int(raw_id),
            confirm[:200] if isinstance(confirm, str) else "",
        )
    except MpdeskError as exc:
        return _page(
            request,
            visitor,
            error=message_for(request, exc.code, exc.fields),
            status_code=status_for(exc),
        )
