import pytest

from mpdesk.adapters.knowledge_files import KnowledgeFiles
from mpdesk.adapters.templates import JinjaTemplateRenderer
from mpdesk.domain.knowledge import KnowledgeBase


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return KnowledgeFiles(None).load()


@pytest.fixture(scope="session")
def renderer() -> JinjaTemplateRenderer:
    return JinjaTemplateRenderer(KnowledgeFiles(None).template_dirs())
