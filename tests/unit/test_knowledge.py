"""The knowledge base: shipped data passes the cross-check; user files override and extend;
errors name the file and key path; every message code used in the code has a Russian text."""

import re
from dataclasses import replace
from pathlib import Path

import pytest

from mpdesk.adapters.knowledge_files import SHIPPED_DIR, KnowledgeFiles
from mpdesk.adapters.templates import JinjaTemplateRenderer
from mpdesk.domain.errors import KnowledgeBaseError
from mpdesk.services.kb_check import check_knowledge

SRC = Path(__file__).resolve().parents[2] / "src" / "mpdesk"
CODE_PATTERNS = [
    # UnknownValueError/IdentifierFormatError take a field name first, not a code
    re.compile(r'(?<!UnknownValue)(?<!IdentifierFormat)Error\(\s*"([a-z][a-z0-9_]+)"'),
    re.compile(r'^\s+code = "([a-z][a-z0-9_]+)"', re.M),
    re.compile(r'Warning\(\s*"([a-z][a-z0-9_]+)"'),
    re.compile(r'message\(\s*"([a-z][a-z0-9_]+)"'),
]


def used_codes() -> set[str]:
    codes: set[str] = set()
    for path in SRC.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for pattern in CODE_PATTERNS:
            codes.update(pattern.findall(text))
    return codes


def test_shipped_knowledge_passes_the_cross_check(kb, renderer) -> None:  # type: ignore[no-untyped-def]
    assert check_knowledge(kb, renderer) == []


def test_every_code_used_in_the_source_has_a_russian_message(kb) -> None:  # type: ignore[no-untyped-def]
    missing = sorted(c for c in used_codes() if c not in kb.messages)
    assert missing == []


def test_a_label_the_pages_need_is_named_when_missing(kb, renderer) -> None:  # type: ignore[no-untyped-def]
    labels = {"finding_action_claimed", "audit_field_srid", "triage_entity_barcode"}
    messages = {k: v for k, v in kb.messages.items() if k not in labels}
    problems = check_knowledge(replace(kb, messages=messages), renderer)
    assert sorted((p.key, p.problem) for p in problems) == sorted(
        (code, "label missing") for code in labels
    )


def test_every_category_has_a_default_official_channel(kb) -> None:  # type: ignore[no-untyped-def]
    for mp in ("wb", "ozon"):
        for cat in kb.categories:
            channel = kb.default_channel(mp, cat)
            assert channel is not None and channel.official
    assert kb.default_channel("wb", "acceptance").id == "wb_service_desk"


def test_unknown_key_is_reported_with_file_and_key_path(tmp_path: Path) -> None:
    (tmp_path / "channels.yaml").write_text(
        "channels:\n  - id: x\n    marketplace: wb\n    name_ru: X\n    kind: email\n"
        "    official: true\n    colour: red\n",
        encoding="utf-8",
    )
    with pytest.raises(KnowledgeBaseError) as err:
        KnowledgeFiles(tmp_path).load()
    assert err.value.fields["path"].endswith("channels.yaml")
    assert err.value.fields["key"] == "channels.0.colour"


def test_yaml_syntax_error_names_line_and_column(tmp_path: Path) -> None:
    (tmp_path / "categories.yaml").write_text("categories: [\n  - id: x\n", encoding="utf-8")
    with pytest.raises(KnowledgeBaseError) as err:
        KnowledgeFiles(tmp_path).load()
    assert "line" in err.value.fields["key"]


def test_user_directory_adds_a_third_marketplace(tmp_path: Path) -> None:
    (tmp_path / "marketplaces.yaml").write_text(
        "marketplaces:\n  - id: ym\n    name_ru: Яндекс Маркет\n    default_channel: ym_cabinet\n",
        encoding="utf-8",
    )
    (tmp_path / "channels.yaml").write_text(
        "channels:\n  - id: ym_cabinet\n    marketplace: ym\n    name_ru: Кабинет Маркета\n"
        "    kind: portal_form\n    official: true\n    default: true\n",
        encoding="utf-8",
    )
    (tmp_path / "checklists").mkdir()
    files = KnowledgeFiles(tmp_path)
    kb = files.load()
    assert set(kb.marketplaces) == {"wb", "ozon", "ym"}
    assert kb.origins["marketplaces:ym"].startswith(str(tmp_path))
    problems = check_knowledge(kb, JinjaTemplateRenderer(files.template_dirs()))
    # the new marketplace has no checklists of its own yet: the check says so, per category,
    # and no legal entity for its pre-trial claims
    assert {p.key for p in problems} == {f"ym.{c}" for c in kb.categories} | {"ym.legal_entity"}


def test_marketplace_legal_entity_with_a_wrong_check_digit_is_reported(tmp_path: Path) -> None:
    shipped = (SHIPPED_DIR / "marketplaces.yaml").read_text(encoding="utf-8")
    (tmp_path / "marketplaces.yaml").write_text(
        shipped.replace('inn: "7704217370"', 'inn: "7704217371"'), encoding="utf-8"
    )
    files = KnowledgeFiles(tmp_path)
    kb = files.load()
    problems = check_knowledge(kb, JinjaTemplateRenderer(files.template_dirs()))
    assert [(p.key, p.problem) for p in problems] == [
        ("ozon.legal_entity.inn", "invalid INN (checksum)")
    ]


def test_every_shipped_marketplace_names_its_legal_entity_with_a_source() -> None:
    kb = KnowledgeFiles().load()
    for market in kb.marketplaces.values():
        assert market.legal is not None, market.id
        assert market.legal.name and market.legal.address
        assert market.legal.sources and all(s.title for s in market.legal.sources)


def test_legal_entity_without_a_source_is_refused_with_its_key_path(tmp_path: Path) -> None:
    (tmp_path / "marketplaces.yaml").write_text(
        "marketplaces:\n  - id: ym\n    name_ru: Яндекс Маркет\n    default_channel: ym_cabinet\n"
        '    legal_entity:\n      name_ru: ООО «Маркет»\n      inn: "7704217370"\n'
        '      ogrn: "1027739244741"\n      address_ru: Москва\n      sources: []\n',
        encoding="utf-8",
    )
    with pytest.raises(KnowledgeBaseError) as err:
        KnowledgeFiles(tmp_path).load()
    assert err.value.fields["path"].endswith("marketplaces.yaml")
    assert err.value.fields["key"] == "marketplaces.0.legal_entity.sources"


def test_user_template_overrides_the_shipped_one(tmp_path: Path) -> None:
    (tmp_path / "templates" / "ru").mkdir(parents=True)
    (tmp_path / "templates" / "ru" / "finance.md.j2").write_text(
        "{% block subject %}Деньги {{ marketplace.name }}{% endblock %}"
        "{% block body %}Верните {{ ids.amount | join(',') }}{% endblock %}",
        encoding="utf-8",
    )
    files = KnowledgeFiles(tmp_path)
    renderer = JinjaTemplateRenderer(files.template_dirs())
    subject, body = renderer.render(
        "finance", "ru", {"marketplace": {"name": "Ozon"}, "ids": {"amount": ["1.00"]}}
    )
    assert (subject, body) == ("Деньги Ozon", "Верните 1.00")


def test_template_with_undefined_variable_fails_the_check(tmp_path: Path, kb) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "templates" / "ru").mkdir(parents=True)
    (tmp_path / "templates" / "ru" / "other.md.j2").write_text(
        "{% block subject %}{{ nonexistent }}{% endblock %}{% block body %}x{% endblock %}",
        encoding="utf-8",
    )
    files = KnowledgeFiles(tmp_path)
    problems = check_knowledge(files.load(), JinjaTemplateRenderer(files.template_dirs()))
    assert any("nonexistent" in p.problem for p in problems)
