"""The audit's knowledge: every label, title, field and problem has Russian text with the
placeholders the code fills, the deadline rules exist, and every audit template renders."""

from __future__ import annotations

import string
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from mpdesk.adapters.importers.reader import FileReportReader
from mpdesk.domain.audit.findings import DEADLINE_RULE, FindingKind, FindingStatus
from mpdesk.domain.audit.report import ReportKind
from mpdesk.domain.audit.rows import (
    AcceptedRow,
    CompensationRow,
    LogisticsRow,
    OzonOperation,
    PenaltyRow,
    RowRef,
    ShippedRow,
    SupplyGoodsRow,
)
from mpdesk.domain.knowledge import KnowledgeBase
from mpdesk.services.audit_views import problem_text
from mpdesk.services.compose_appeal import template_context
from mpdesk.services.context import ServiceContext

BROKEN = Path(__file__).resolve().parents[1] / "importers" / "wb" / "fixtures" / "broken"
REF = RowRef("f", "0" * 64, 1)
D = date(2026, 11, 3)


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_labels_statuses_and_kinds_have_text(kb: KnowledgeBase) -> None:
    codes = [f"audit_kind_{k.value}" for k in FindingKind]
    codes += [f"report_kind_{k.value}" for k in ReportKind]
    codes += [f"finding_status_{s.value}" for s in FindingStatus]
    codes += [f"audit_title_{k.value}" for k in FindingKind] + ["audit_title_penalty_no_order"]
    assert [c for c in codes if c not in kb.messages] == []


def test_every_evidence_field_and_role_has_a_label(kb: KnowledgeBase) -> None:
    rows: list[Any] = [
        LogisticsRow(REF, "s", "Логистика", 1, 0, Decimal(1), "b", D, "1", "2", "3", "4", D),
        PenaltyRow(REF, "s", Decimal(1), "r", "Штраф", "1", "2", D, "3", "4", D),
        AcceptedRow(REF, "1", "2", 3, D, "Принято", "4"),
        SupplyGoodsRow(REF, "1", "2", 3, 2, True, D, "v"),
        ShippedRow(REF, "1", "2", 3, "v", Decimal(1)),
        OzonOperation(REF, "1", "t", Decimal(1), D, "n", "2", "3"),
        CompensationRow(REF, False, "1", Decimal(1), Decimal(1), Decimal(2), 1, "t", "a", "p", "7"),
    ]
    fields = {key for row in rows for key in row.evidence_values()}
    assert sorted(f for f in fields if f"audit_field_{f}" not in kb.messages) == []
    roles = (
        "charge",
        "storno",
        "backward",
        "storno_backward",
        "fine",
        "shipped",
        "accepted",
        "goods",
        "operation",
        "compensation",
        "decompensation",
    )
    assert [r for r in roles if f"audit_role_{r}" not in kb.messages] == []


def test_the_deadline_rules_of_the_kinds_exist(kb: KnowledgeBase) -> None:
    rules = {r.id: r for r in kb.deadlines}
    for kind, rule_id in DEADLINE_RULE.items():
        assert rules[rule_id].kind == "objection", kind


@pytest.mark.parametrize("name", sorted(p.name for p in BROKEN.iterdir()))
def test_each_file_problem_reads_as_a_full_russian_sentence(
    name: str, kb: KnowledgeBase, renderer: Any
) -> None:
    (file,) = FileReportReader().read([BROKEN / name]).files
    assert file.problem is not None
    ctx = ServiceContext(kb, renderer, None, None, None, None)  # type: ignore[arg-type]
    text = problem_text(ctx, file.problem)
    assert text is not None and name in text and "{" not in text
    assert text != file.problem.code and text.endswith(".")


SAMPLE_ROW = {
    "barcode": "2039876543210",
    "vendor_code": "A",
    "shipped": 10,
    "accepted": 8,
    "diff": "−2",
    "amount": "10,00 ₽",
    "srid": "s",
    "charges": 2,
    "reason": "r",
    "nm_id": "1",
    "date": "",
    "operation_id": "1",
    "operation": "утеря",
    "sku": "1",
    "posting_number": "1-1-1",
    "product": "Чайник",
    "type": "Потеря по вине Ozon на складе",
    "quantity": 1,
    "value_total": "20,00 ₽",
    "paid": "10,00 ₽",
}


@pytest.mark.parametrize(
    ("template_id", "category"),
    [
        ("audit_acceptance", "acceptance"),
        ("audit_duplicate_logistics", "finance"),
        ("audit_penalty", "finance"),
        ("audit_ozon_writeoff", "finance"),
        ("audit_ozon_compensation_reduced", "finance"),
        ("audit_ozon_decompensation", "finance"),
    ],
)
def test_audit_templates_render(
    template_id: str, category: str, kb: KnowledgeBase, renderer: Any
) -> None:
    from mpdesk.domain.appeal import AppealDraft

    draft = AppealDraft("wb", category, "Описание", event_date=D)
    context = template_context(kb, draft, kb.channels["wb_service_desk"])
    context["audit"] = {
        "kind": template_id,
        "count": 1,
        "total": "10,00 ₽",
        "attachment": "a.xlsx",
        "files": [{"name": "f.xlsx", "sha256": "0" * 64}],
        "deadline": "",
        "report_number": "",
        "report_file": "f.xlsx",
        "rows": [SAMPLE_ROW],
        "supply_id": "1",
        "missing": 2,
        "extra": 0,
        "more_orders": 0,
    }
    subject, body = renderer.render(template_id, "ru", context)
    assert subject and "a.xlsx" in body and "f.xlsx" in body


#: messages and the fields the code fills them with
FILLED = {
    "report_missing_columns": {"file", "kind", "kind_label", "columns"},
    "report_rule_skipped": {"file", "columns"},
    "report_bad_value": {"file", "row", "column", "value"},
    "report_bad_encoding": {"file", "encoding"},
    "report_duplicate_file": {"file", "other"},
    "report_unreadable": {"file", "error"},
    "report_bad_json": {"file", "row", "column"},
    "report_copy_of": {"file", "other"},
    "report_goods_need_supply": {"file"},
    "json_syntax": {"file", "line", "column"},
    "json_encoding": {"file", "line", "column"},
    "json_too_deep": {"file", "line", "column", "limit"},
    "json_long_number": {"file", "line", "column", "digits"},
    "json_not_finite": {"file", "line", "column", "value"},
    "json_bad_char": {"file", "line", "column"},
    "audit_saved": {"added", "updated", "unchanged", "new_files"},
    "audit_title_acceptance_shortfall": {
        "supply_id",
        "barcode",
        "shipped",
        "accepted",
        "missing",
        "amount",
        "vendor_code",
        "unit_price",
    },
    "audit_title_acceptance_surplus": {
        "supply_id",
        "barcode",
        "shipped",
        "accepted",
        "extra",
        "amount",
        "vendor_code",
    },
    "audit_title_duplicate_logistics": {"srid", "charges", "amount"},
    "audit_title_penalty": {"srid", "reason", "amount"},
    "audit_title_ozon_writeoff": {"operation", "sku", "operation_id", "amount"},
    "audit_title_ozon_compensation_reduced": {"sku", "compensation_type", "paid", "amount"},
    "audit_title_ozon_decompensation": {"sku", "compensation_type", "paid", "amount"},
    "finding_drafted": {"ticket_id", "subject", "count", "attachment"},
    "finding_invalid_transition": {"finding_id", "current", "target", "allowed"},
}


def test_messages_use_only_the_fields_the_code_fills(kb: KnowledgeBase, renderer: Any) -> None:
    from mpdesk.services.kb_check import check_knowledge

    required = {code: frozenset(fields) for code, fields in FILLED.items()}
    assert check_knowledge(kb, renderer, required) == []
