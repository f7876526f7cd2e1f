"""Plain-dict views of the knowledge base for ``kb show``, the web page and the API."""

from __future__ import annotations

from typing import Any

from mpdesk.domain.knowledge import KnowledgeBase
from mpdesk.domain.legal import LegalEntity

SECTIONS = ("marketplaces", "categories", "channels", "checklists", "templates", "deadlines")


def _legal_entity(entity: LegalEntity | None) -> dict[str, Any] | None:
    """The marketplace's legal entity (the addressee of a claim) with where its facts come
    from."""
    if entity is None:
        return None
    return {
        "name": entity.name,
        "inn": entity.inn,
        "ogrn": entity.ogrn,
        "address": entity.address,
        "sources": [
            {"title": s.title, "url": s.url, "checked_on": s.checked_on.isoformat()}
            for s in entity.sources
        ],
    }


def knowledge_public(kb: KnowledgeBase, section: str) -> list[dict[str, Any]]:
    o = kb.origins
    if section == "marketplaces":
        return [
            {
                "id": m.id,
                "name": m.name_ru,
                "synonyms": list(m.synonyms),
                "default_channel": m.default_channel,
                "legal_entity": _legal_entity(m.legal),
                "source": o.get(f"marketplaces:{m.id}"),
            }
            for m in kb.marketplaces.values()
        ]
    if section == "categories":
        return [
            {
                "id": c.id,
                "label": c.label_ru,
                "description": c.description_ru,
                "tie_break": c.tie_break_ru,
                "wording": c.wording,
                "urgent": c.urgent,
                "source": o.get(f"categories:{c.id}"),
            }
            for c in kb.categories.values()
        ]
    if section == "channels":
        return [
            {
                "id": c.id,
                "marketplace": c.marketplace,
                "name": c.name_ru,
                "kind": c.kind.value,
                "official": c.official,
                "categories": list(c.categories),
                "reply_hours": c.reply_hours,
                "menu_path": c.menu_path_ru,
                "url": c.url,
                "address": c.address,
                "notes": c.notes_ru,
                "default": c.default,
                "source": o.get(f"channels:{c.id}"),
            }
            for c in kb.channels.values()
        ]
    if section == "checklists":
        return [
            {
                "marketplace": mp,
                "category": cat,
                "items": [
                    {
                        "id": i.id,
                        "label": i.label_ru,
                        "question": i.question_ru,
                        "id_types": [t.value for t in i.id_types],
                        "evidence": list(i.evidence_kinds_ru),
                    }
                    for i in cl.items
                ],
                "source": o.get(f"checklist:{mp}:{cat}"),
            }
            for (mp, cat), cl in sorted(kb.checklists.items())
        ]
    if section == "templates":
        return [
            {"id": tid, "locale": loc, "source": o.get(f"template:{loc}:{tid}")}
            for tid, loc in sorted(kb.templates)
        ]
    if section == "deadlines":
        return [
            {
                "id": d.id,
                "kind": d.kind,
                "days": d.days,
                "business_days": d.business_days,
                "marketplace": d.marketplace or None,
                "categories": list(d.categories),
                "label": d.label_ru,
                "source": d.source,
            }
            for d in kb.deadlines
        ]
    raise ValueError(section)
