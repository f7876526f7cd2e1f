"""«База знаний»: channels, checklists, templates, categories and deadlines as the user's
knowledge base has them (shipped files merged with MPDESK_KB_DIR overrides)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request
from starlette.responses import Response

from mpdesk.entrypoints.web.rendering import render
from mpdesk.entrypoints.web.security import require_visitor, wctx_of
from mpdesk.services.knowledge_view import knowledge_public

router = APIRouter()
Section = Literal["channels", "checklists", "templates", "categories", "deadlines"]
TITLES = {
    "channels": "Каналы поддержки",
    "checklists": "Чек-листы",
    "templates": "Шаблоны",
    "categories": "Категории",
    "deadlines": "Сроки",
}


@router.get("/kb")
def kb_page(request: Request, section: Section = "channels") -> Response:
    require_visitor(request)
    kb = wctx_of(request).ctx.kb
    return render(
        request,
        "kb.html",
        {"section": section, "titles": TITLES, "items": knowledge_public(kb, section)},
    )
