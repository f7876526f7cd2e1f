"""«База знаний»: channels, checklists, templates, categories, deadlines and marketplaces (with
the legal entity a claim is addressed to and its sources) as the user's knowledge base has
them (shipped files merged with MPDESK_KB_DIR overrides)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request
from starlette.responses import Response

from mpdesk.entrypoints.web.rendering import render
from mpdesk.entrypoints.web.security import require_visitor, wctx_of
from mpdesk.services.knowledge_view import knowledge_public

router = APIRouter(include_in_schema=False)  # pages, not the API
Section = Literal["channels", "checklists", "templates", "categories", "deadlines", "marketplaces"]
#: sections of the page (their titles are ``kb_section_<id>`` in the message catalogue)
TITLES = ("channels", "checklists", "templates", "categories", "deadlines", "marketplaces")


@router.get("/kb")
def kb_page(request: Request, section: Section = "channels") -> Response:
    require_visitor(request)
    ctx = wctx_of(request).ctx
    kb = ctx.kb
    return render(
        request,
        "kb.html",
        {
            "section": section,
            "titles": {t: ctx.message(f"kb_section_{t}") for t in TITLES},
            "items": knowledge_public(kb, section),
        },
    )
