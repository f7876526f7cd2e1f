import pytest

from mpdesk.adapters.answer_kit import AnswerKit
from mpdesk.adapters.knowledge_files import KnowledgeFiles
from mpdesk.domain.answers.lexicon import AnswerLexicon


@pytest.fixture(scope="session")
def lex() -> AnswerLexicon:
    return AnswerKit(KnowledgeFiles(None)).lexicon()
