"""Sign-in pages: password login (throttled), one-time login links, sign-out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import RedirectResponse, Response

from mpdesk.domain.errors import AuthRequiredError, TooManyAttemptsError
from mpdesk.entrypoints.web.errors import message_for
from mpdesk.entrypoints.web.rendering import render
from mpdesk.entrypoints.web.security import (
    SESSION_COOKIE,
    clear_session_cookie,
    client_address,
    current_visitor,
    set_session_cookie,
    verify_csrf,
    wctx_of,
)
from mpdesk.services import accounts

router = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)


def safe_next(target: str | None) -> str:
    """Only local paths: never another site (open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


@router.get("/login")
def login_page(request: Request, next: str = "/") -> Response:
    if current_visitor(request) is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return render(request, "login.html", {"next": safe_next(next), "login": ""})


@router.post("/login")
def login(
    request: Request,
    login: Annotated[str, Form(max_length=100)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    try:
        start = accounts.sign_in(wctx_of(request), login, password, client_address(request))
    except (AuthRequiredError, TooManyAttemptsError) as exc:
        status = 429 if isinstance(exc, TooManyAttemptsError) else 401
        response = render(
            request,
            "login.html",
            {
                "next": safe_next(next),
                "login": login,
                "error": message_for(request, exc.code, exc.fields),
            },
            status_code=status,
        )
        if status == 429:
            response.headers["retry-after"] = str(exc.fields.get("retry_after", 60))
        return response
    response = RedirectResponse(safe_next(next), status_code=303)
    set_session_cookie(request, response, start.token)
    return response


@router.post("/logout")
def logout(request: Request) -> Response:
    token = request.cookies.get(SESSION_COOKIE, "")
    if token:
        accounts.sign_out(wctx_of(request), token)
    response = RedirectResponse("/login", status_code=303)
    clear_session_cookie(request, response)
    return response


@router.get("/login/link/{token}")
def login_link_page(request: Request, token: str) -> Response:
    return render(request, "login_link.html", {"token": token})


@router.post("/login/link/{token}")
def login_link(request: Request, token: str) -> Response:
    start = accounts.use_login_link(wctx_of(request), token)
    response = RedirectResponse("/", status_code=303)
    set_session_cookie(request, response, start.token)
    return response
