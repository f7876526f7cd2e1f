"""The .eml corpus (tests/fixtures/mail, written by make_corpus.py): each message parses to
the result its manifest expects, and no message — nor a damaged copy of one — raises."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from mpdesk.adapters.answer_kit import AnswerKit
from mpdesk.adapters.knowledge_files import KnowledgeFiles
from mpdesk.adapters.mail.parse import parse_mail
from mpdesk.bootstrap import load_knowledge
from mpdesk.config import Settings
from mpdesk.domain.answers.lexicon import AnswerLexicon
from mpdesk.services.answer_reading import read_mail_answer
from mpdesk.services.context import ServiceContext

CORPUS = Path(__file__).resolve().parents[2] / "fixtures" / "mail"
MANIFEST: list[dict[str, Any]] = json.loads((CORPUS / "manifest.json").read_text("utf-8"))


@pytest.fixture(scope="module")
def ctx(tmp_path_factory: pytest.TempPathFactory) -> ServiceContext:
    home = tmp_path_factory.mktemp("home")
    return load_knowledge(Settings(home=home, kb_dir=None))[1]


@pytest.fixture(scope="module")
def lex() -> AnswerLexicon:
    return AnswerKit(KnowledgeFiles(None)).lexicon()


def test_the_corpus_has_at_least_25_messages() -> None:
    assert len(MANIFEST) >= 25
    assert all((CORPUS / e["file"]).is_file() for e in MANIFEST)


@pytest.mark.parametrize("expect", MANIFEST, ids=[e["file"] for e in MANIFEST])
def test_message_parses_as_its_manifest_says(
    expect: dict[str, Any], lex: AnswerLexicon, ctx: ServiceContext
) -> None:
    mail = parse_mail((CORPUS / expect["file"]).read_bytes(), lex)
    for fragment in expect.get("text_contains", []):
        assert fragment in mail.text
    for fragment in expect.get("text_excludes", []):
        assert fragment not in mail.text
    for fragment in expect.get("quoted_contains", []):
        assert fragment in mail.quoted
    if "subject" in expect:
        assert mail.subject == expect["subject"]
    if "message_id" in expect:
        assert mail.message_id == expect["message_id"]
    if "in_reply_to" in expect:
        assert mail.in_reply_to == expect["in_reply_to"]
    if "references" in expect:
        assert list(mail.references) == expect["references"]
    if "attachments" in expect:
        assert [a.name for a in mail.attachments] == expect["attachments"]
    assert mail.ticket_number == expect.get("ticket")
    assert mail.auto_reply is expect.get("auto_reply", False)
    assert mail.from_html is expect.get("from_html", False)
    for code in expect.get("problems", []):
        assert code in mail.problems
    bounce = expect.get("bounce")
    if bounce is None:
        assert mail.bounce is None
    else:
        assert mail.bounce is not None
        assert mail.bounce.original_message_id == bounce["original_message_id"]
        assert mail.bounce.status == bounce["status"]
        assert mail.bounce.is_failure is bounce["failure"]
    if "answer_class" in expect or "appeal_number" in expect:
        reading = read_mail_answer(ctx, mail)
        if "answer_class" in expect:
            assert reading.answer_class.value == expect["answer_class"]
        if "appeal_number" in expect:
            assert reading.appeal_number == expect["appeal_number"]


def test_well_formed_messages_report_no_problems(lex: AnswerLexicon) -> None:
    clean = [e for e in MANIFEST if not e.get("problems") and e["file"][:2] < "21"]
    for expect in clean:
        assert parse_mail((CORPUS / expect["file"]).read_bytes(), lex).problems == ()


def test_damaged_copies_of_the_corpus_never_raise(lex: AnswerLexicon) -> None:
    rng = random.Random(13)
    for expect in MANIFEST:
        raw = bytearray((CORPUS / expect["file"]).read_bytes())
        for _ in range(8):
            copy = bytearray(raw)
            for _ in range(rng.randint(1, 12)):
                copy[rng.randrange(len(copy))] = rng.randrange(256)
            cut = bytes(copy[: rng.randint(1, len(copy))])
            mail = parse_mail(cut, lex)
            assert isinstance(mail.text, str)
