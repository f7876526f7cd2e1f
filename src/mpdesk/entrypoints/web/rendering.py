"""Templates of the web app: one Jinja2 environment (autoescaped), filters that show times in
Moscow, money in roubles and ids as Russian labels; ``render`` adds the common context."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from jinja2.bccache import Bucket, BytecodeCache
from jinja2.utils import htmlsafe_json_dumps
from jinja2_fragments.fastapi import Jinja2Blocks
from starlette.responses import Response

from mpdesk import __version__
from mpdesk.domain.accounts import LOCAL_OWNER, Role
from mpdesk.domain.tickets import Status
from mpdesk.entrypoints.web.security import csrf_token, current_visitor, remember_pre_seed
from mpdesk.services import formatting
from mpdesk.services.context import ServiceContext
from mpdesk.services.views import role_label, status_label

HERE = Path(__file__).resolve().parent


class _ProcessBytecodeCache(BytecodeCache):
    """Compiled page templates kept for the life of the process and shared by every app it
    builds (the tests build hundreds): parsing and compiling a page costs several times more
    than rendering it. Jinja checks each entry against its template's source checksum."""

    def __init__(self) -> None:
        self._compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        compiled = self._compiled.get(bucket.key)
        if compiled is not None:
            bucket.bytecode_from_string(compiled)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._compiled[bucket.key] = bucket.bytecode_to_string()


#: one cache for the environments built here, which all have the same options
_COMPILED_PAGES = _ProcessBytecodeCache()


def make_templates(ctx: ServiceContext) -> Jinja2Blocks:
    templates = Jinja2Blocks(directory=str(HERE / "templates"))
    env = templates.env
    env.bytecode_cache = _COMPILED_PAGES
    env.autoescape = True
    env.auto_reload = False  # templates are package data: no stat() per request
    env.trim_blocks = True
    env.lstrip_blocks = True

    def msk(moment: datetime | None, with_time: bool = True) -> str:
        if not moment:
            return ""
        local = ctx.clock.local(moment)
        return formatting.moment(local) if with_time else formatting.day(local.date())

    def ru_date(day: date | None) -> str:
        return formatting.day(day)

    def category_label(cid: str) -> str:
        cat = ctx.kb.categories.get(cid)
        return cat.label_ru if cat else cid

    def marketplace_label(mid: str) -> str:
        market = ctx.kb.marketplaces.get(mid)
        return market.name_ru if market else mid

    def channel_name(cid: str) -> str:
        channel = ctx.kb.channels.get(cid)
        return channel.name_ru if channel else cid

    status_labels = {s.value: status_label(ctx, s) for s in Status}
    role_labels = {r.value: role_label(ctx, r) for r in Role}
    env.filters.update(
        msk=msk,
        ru_date=ru_date,
        money=formatting.money,
        category_label=category_label,
        marketplace_label=marketplace_label,
        channel_name=channel_name,
        status_label=lambda s: status_labels.get(str(s), str(s)),
        role_label=lambda r: role_labels.get(str(r), str(r)),
        is_image=lambda media_type: (
            str(media_type) in ("image/png", "image/jpeg", "image/gif", "image/webp")
        ),
        filesize=lambda size: _filesize(ctx.message, size),
        safe_url=lambda url: url if str(url).startswith(("https://", "http://")) else "",
        text_head=text_head,
        actor_label=lambda login: (
            ctx.message("actor_local") if login == LOCAL_OWNER.login else str(login)
        ),
    )
    env.globals.update(
        version=__version__,
        kb=ctx.kb,
        STATUS_LABELS=status_labels,
        ROLE_LABELS=role_labels,
        msg=ctx.message,
        #: the browser's validation texts (static/app.js fills their {placeholders}), as the
        #: ``tojson`` filter writes them: encoded once, not on every page
        VALIDATION_JSON=htmlsafe_json_dumps(
            {
                code.removeprefix("validation_"): text
                for code, text in ctx.kb.messages.items()
                if code.startswith("validation_")
            },
            dumps=env.policies["json.dumps_function"],
            **env.policies["json.dumps_kwargs"],
        ),
        qs=lambda params, **changes: _query(params, changes),
    )
    return templates


#: a correspondence entry longer than this (characters or lines) is shown folded
FOLD_CHARS = 1500
FOLD_LINES = 25


def text_head(text: str | None) -> str:
    """The start of a long text to show folded («показать полностью»), cut at a word
    boundary; empty when the text is short enough to show whole."""
    value = text or ""
    lines = value.split("\n", FOLD_LINES + 1)
    if len(value) <= FOLD_CHARS and len(lines) <= FOLD_LINES:
        return ""
    head = "\n".join(lines[:6])[:480]
    cut = head.rstrip().rfind(" ")
    if cut > len(head) // 2:
        head = head[:cut]
    return head.rstrip() + "…"


def _filesize(message: Any, size: int) -> str:
    if size < 1024:
        return str(message("size_bytes", size=size))
    if size < 1024 * 1024:
        return str(message("size_kb", size=f"{size / 1024:.0f}"))
    return str(message("size_mb", size=f"{size / 1024 / 1024:.1f}".replace(".", ",")))


def _query(params: list[tuple[str, str]], changes: dict[str, Any]) -> str:
    """The current query string with some keys replaced (None removes a key)."""
    kept = [(k, v) for k, v in params if k not in changes]
    for key, value in changes.items():
        if value is not None and value != "":
            kept.append((key, str(value)))
    return urlencode(kept)


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def render(
    request: Request,
    name: str,
    context: dict[str, Any] | None = None,
    *,
    block: str | None = None,
    status_code: int = 200,
) -> Response:
    templates: Jinja2Blocks = request.app.state.templates
    visitor = current_visitor(request)
    full = {
        "visitor": visitor,
        "principal": visitor.principal if visitor else None,
        "csrf": csrf_token(request),
        "nav": request.app.state.nav,
        "path": request.url.path,
        **(context or {}),
    }
    kwargs: dict[str, Any] = {"status_code": status_code}
    if block:
        kwargs["block_name"] = block
    response: Response = templates.TemplateResponse(request, name, full, **kwargs)
    response.headers["cache-control"] = "no-store"
    remember_pre_seed(request, response)
    return response
