"""The one cross-check of the knowledge base, run by ``mpdesk kb check`` and by a unit test.

Checks what schemas alone cannot: references between files, coverage of every contract
category on every marketplace, that every template renders with a sample context, and that
every error/warning code has a Russian message whose placeholders match.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from datetime import date

from mpdesk.domain.appeal import AppealDraft
from mpdesk.domain.audit.columns import normalize_header
from mpdesk.domain.audit.findings import FindingKind, FindingStatus
from mpdesk.domain.errors import KnowledgeBaseError
from mpdesk.domain.identifiers import Identifier, IdType
from mpdesk.domain.journal_table import FIELDS, match_header
from mpdesk.domain.knowledge import KnowledgeBase, Marketplace
from mpdesk.domain.legal import inn_problem, ogrn_problem
from mpdesk.domain.letter_text import plain_text, sentences
from mpdesk.domain.marketplaces import CategoryId
from mpdesk.domain.urgency import REASONS as URGENT_REASONS
from mpdesk.services.audit_views import FINDING_ACTIONS, FINDING_KEYS
from mpdesk.services.compose_appeal import template_context
from mpdesk.services.journal_sheets import APPEAL_COLUMNS
from mpdesk.services.ports.answers import AnswerResources
from mpdesk.services.ports.knowledge import TemplateRenderer
from mpdesk.services.ports.spreadsheets import SpreadsheetPorts
from mpdesk.services.ports.triage import TriageResources

#: templates that must exist besides the per-category ones
REQUIRED_TEMPLATES = ("generic", "follow_up", "pretrial_claim")


@dataclass(frozen=True)
class Problem:
    path: str
    key: str
    problem: str


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def required_labels() -> list[str]:
    """The catalogue codes that pages and commands build from a value (``audit_kind_`` and a
    finding kind, ``triage_entity_`` and an identifier type…): each must have its text."""
    return [
        *(f"audit_kind_{kind.value}" for kind in FindingKind),
        *(f"finding_status_{status.value}" for status in FindingStatus),
        *(f"finding_action_{status.value}" for status in FINDING_ACTIONS),
        *(f"audit_field_{key}" for key in FINDING_KEYS),
        *(f"triage_entity_{id_type.value}" for id_type in IdType),
        *(f"urgent_reason_{reason}" for reason in URGENT_REASONS),
        *(f"urgent_action_{reason}" for reason in URGENT_REASONS),
    ]


def check_knowledge(
    kb: KnowledgeBase,
    renderer: TemplateRenderer,
    required_messages: dict[str, frozenset[str]] | None = None,
) -> list[Problem]:
    """``required_messages``: code → placeholders the code may use (tests pass the codes
    found in the source tree)."""
    problems: list[Problem] = []
    origin = kb.origins.get

    for market in kb.marketplaces.values():
        if market.default_channel not in kb.channels:
            problems.append(
                Problem(
                    origin(f"marketplaces:{market.id}", ""),
                    f"{market.id}.default_channel",
                    f"unknown channel {market.default_channel}",
                )
            )
    for market in kb.marketplaces.values():
        problems.extend(_legal_entity_problems(origin(f"marketplaces:{market.id}", ""), market))
    for ch in kb.channels.values():
        if ch.marketplace not in kb.marketplaces and ch.marketplace != "*":
            problems.append(
                Problem(
                    origin(f"channels:{ch.id}", ""),
                    f"{ch.id}.marketplace",
                    f"unknown marketplace {ch.marketplace}",
                )
            )
        for cat in ch.categories:
            if cat not in kb.categories:
                problems.append(
                    Problem(
                        origin(f"channels:{ch.id}", ""),
                        f"{ch.id}.categories",
                        f"unknown category {cat}",
                    )
                )
        if ch.kind.value == "email" and ch.official and not ch.address and not ch.notes_ru:
            problems.append(
                Problem(
                    origin(f"channels:{ch.id}", ""),
                    f"{ch.id}.address",
                    "e-mail channel needs an address or a note",
                )
            )
    for cat_id in CategoryId:
        if cat_id.value not in kb.categories:
            problems.append(Problem("categories.yaml", cat_id.value, "contract category missing"))
    for (mp, cat), checklist in kb.checklists.items():
        if mp != "*" and mp not in kb.marketplaces:
            problems.append(Problem(origin(f"checklist:{mp}:{cat}", ""), mp, "unknown marketplace"))
        if cat not in kb.categories:
            problems.append(Problem(origin(f"checklist:{mp}:{cat}", ""), cat, "unknown category"))
        ids = [i.id for i in checklist.items]
        if len(ids) != len(set(ids)):
            problems.append(Problem(origin(f"checklist:{mp}:{cat}", ""), cat, "duplicate item id"))
    for rule in kb.deadlines:
        for cat in rule.categories:
            if cat not in kb.categories:
                problems.append(Problem("deadlines.yaml", rule.id, f"unknown category {cat}"))

    for mp in kb.marketplaces:
        for cat in kb.categories:
            if kb.checklist(mp, cat) is None:
                problems.append(Problem("checklists", f"{mp}.{cat}", "no checklist"))
            channel = kb.default_channel(mp, cat)
            if channel is None:
                problems.append(Problem("channels.yaml", f"{mp}.{cat}", "no official channel"))
                continue
            problems.extend(_render_sample(kb, renderer, mp, cat, channel.id))
    problems.extend(check_shorthand(kb))
    for tid in REQUIRED_TEMPLATES:
        if (tid, "ru") not in kb.templates:
            problems.append(Problem("templates/ru", tid, "required template missing"))

    for code in required_labels():
        if code not in kb.messages:
            problems.append(Problem("messages.ru.yaml", code, "label missing"))
    for code, wanted in sorted((required_messages or {}).items()):
        text = kb.messages.get(code)
        if text is None:
            problems.append(Problem("messages.ru.yaml", code, "message missing"))
        elif not _placeholders(text) <= wanted:
            extra = ", ".join(sorted(_placeholders(text) - wanted))
            problems.append(Problem("messages.ru.yaml", code, f"unknown placeholders: {extra}"))
    for code, text in kb.messages.items():
        try:
            _placeholders(text)
        except ValueError as exc:
            problems.append(Problem("messages.ru.yaml", code, f"bad placeholder syntax: {exc}"))
    return problems


def _legal_entity_problems(path: str, market: Marketplace) -> list[Problem]:
    """Every marketplace names the legal entity a pre-trial claim goes to, with valid
    registration numbers (check digits)."""
    entity = market.legal
    if entity is None:
        return [Problem(path, f"{market.id}.legal_entity", "legal entity missing")]
    problems = []
    if (inn := inn_problem(entity.inn)) is not None:
        problems.append(Problem(path, f"{market.id}.legal_entity.inn", f"invalid INN ({inn})"))
    if (ogrn := ogrn_problem(entity.ogrn)) is not None:
        problems.append(Problem(path, f"{market.id}.legal_entity.ogrn", f"invalid OGRN ({ogrn})"))
    return problems


def _sample_parties(kb: KnowledgeBase, mp: str) -> dict[str, object]:
    """The parties block of a claim (``services/shop_legal.py::claim_parties``) for a sample
    render: the marketplace's entity from the knowledge base, a sample seller."""
    entity = kb.marketplaces[mp].legal
    seller = {"name": kb.messages.get("kb_check_sample_shop", ""), "inn": "7712000003",
              "ogrn": "1027700000008", "ogrn_label": kb.messages.get("legal_label_ogrn", ""),
              "address": "", "contract_number": "1", "contract_date": "15.01.2026",
              "missing": [], "missing_text": ""}  # fmt: skip
    return {
        "seller": seller,
        "marketplace_entity": {
            "name": entity.name if entity else "",
            "inn": entity.inn if entity else "",
            "ogrn": entity.ogrn if entity else "",
            "address": entity.address if entity else "",
        },
    }


def _render_sample(
    kb: KnowledgeBase, renderer: TemplateRenderer, mp: str, cat: str, channel_id: str
) -> list[Problem]:
    draft = AppealDraft(
        marketplace=mp,
        category=cat,
        description=kb.messages.get("kb_check_sample_description", ""),
        identifiers=[Identifier(t, "1234567890") for t in IdType if t is not IdType.AMOUNT]
        + [Identifier(IdType.AMOUNT, "100.00")],
        event_date=date(2026, 1, 15),
        channel_id=channel_id,
        shop_name=kb.messages.get("kb_check_sample_shop", ""),
    )
    channel = kb.channels[channel_id]
    problems = []
    for tid in (kb.template_id(mp, cat), *REQUIRED_TEMPLATES):
        context = template_context(kb, draft, channel)
        context.update(
            external_id="123",
            first_submitted="15.01.2026",
            parent_subject=kb.messages.get("kb_check_sample_subject", ""),
            message_id="",
            mailed_on="",
            parties=_sample_parties(kb, mp),
        )
        try:
            subject, body = renderer.render(tid, "ru", context)
        except KnowledgeBaseError as exc:
            problems.append(Problem(str(exc.fields.get("path")), tid, str(exc.fields["problem"])))
            continue
        if not subject or not body:
            problems.append(Problem(f"templates/ru/{tid}.md.j2", tid, "empty subject or body"))
        said = sentences(plain_text(body))
        repeated = sorted({x for x in said if said.count(x) > 1})
        if repeated:
            problems.append(
                Problem(f"templates/ru/{tid}.md.j2", tid, f"repeated sentence: {repeated[0]}")
            )
    return problems


def check_shorthand(kb: KnowledgeBase) -> list[Problem]:
    """Each shorthand word belongs to one entry, and no replacement is another entry's word
    (the clean-up is applied once and must not leave shorthand behind; «FBO» for «fbo» only
    fixes the case)."""
    problems = []
    owner: dict[str, str] = {}
    for entry in kb.shorthand:
        where = kb.origins.get(f"shorthand:{entry.id}", "shorthand.yaml")
        for word in entry.words:
            if word in owner and owner[word] != entry.id:
                problems.append(
                    Problem(where, f"{entry.id}.words", f"{word!r} also in {owner[word]}")
                )
            owner.setdefault(word, entry.id)
    for entry in kb.shorthand:
        if owner.get(entry.replacement.lower(), entry.id) != entry.id:
            where = kb.origins.get(f"shorthand:{entry.id}", "shorthand.yaml")
            problems.append(Problem(where, f"{entry.id}.replacement", "is a shorthand word"))
    return problems


def check_triage_lexicon(triage: TriageResources | None) -> list[Problem]:
    """The triage lexicon and model (``triage/lexicon.yaml``, ``triage/model.json``) load under
    their strict schemas."""
    if triage is None:
        return []
    try:
        triage.lexicon()
        triage.model()
    except KnowledgeBaseError as exc:
        fields = exc.fields
        return [Problem(str(fields["path"]), str(fields["key"]), str(fields["problem"]))]
    return []


def check_answer_lexicon(answers: AnswerResources | None) -> list[Problem]:
    """The answer lexicon (``answers/lexicon.yaml``) loads under its strict schema, and every
    marketplace has an appeal-number format."""
    if answers is None:
        return []
    try:
        lexicon = answers.lexicon()
    except KnowledgeBaseError as exc:
        fields = exc.fields
        return [Problem(str(fields["path"]), str(fields["key"]), str(fields["problem"]))]
    return [
        Problem("answers/lexicon.yaml", "appeal_numbers.formats", f"no format for {market}")
        for market in ("wb", "ozon")
        if not any(f.marketplace == market for f in lexicon.number_formats)
    ]


def check_journal_columns(kb: KnowledgeBase, sheets: SpreadsheetPorts | None) -> list[Problem]:
    """The header names of a journal table (``journal_columns.yaml``) load under their strict
    schema; no name serves two fields and no word two statuses; every header of the appeals
    export reads back as its own field (the export → import round trip)."""
    if sheets is None:
        return []
    path = "journal_columns.yaml"
    try:
        vocabulary = sheets.vocabulary()
    except KnowledgeBaseError as exc:
        fields = exc.fields
        return [Problem(str(fields["path"]), str(fields["key"]), str(fields["problem"]))]
    problems: list[Problem] = []
    for section, table in (("columns", vocabulary.columns), ("statuses", vocabulary.statuses)):
        owner: dict[str, str] = {}
        for key, names in table.items():
            for name in names:
                seen = owner.setdefault(normalize_header(name), key)
                if seen != key:
                    problems.append(Problem(path, f"{section}.{key}", f"{name!r} is also {seen}"))
    for key, _, _ in APPEAL_COLUMNS:
        header = kb.messages.get(f"export_col_{key}", "")
        if key in FIELDS and match_header(vocabulary, {0: header}) != {0: key}:
            problems.append(Problem(path, f"columns.{key}", f"export header {header!r} not read"))
    return problems
