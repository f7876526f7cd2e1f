"""The one place that names concrete adapters: builds the ``ServiceContext`` for every surface.

Nothing is created at import; ``bootstrap()`` is called by the CLI, the web app and the tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from sqlalchemy import Engine

from mpdesk.adapters.clock import FrozenClock, SystemClock
from mpdesk.adapters.db.migrate import upgrade
from mpdesk.adapters.db.uow import SqlUnitOfWork, make_engine
from mpdesk.adapters.file_store import LocalFileStore
from mpdesk.adapters.knowledge_files import KnowledgeFiles
from mpdesk.adapters.table_files import FileTableWriter
from mpdesk.adapters.templates import JinjaTemplateRenderer
from mpdesk.config import Settings
from mpdesk.services.context import ServiceContext
from mpdesk.services.ports import Clock


@dataclass
class App:
    settings: Settings
    ctx: ServiceContext
    engine: Engine | None
    knowledge: KnowledgeFiles


def make_clock(settings: Settings) -> Clock:
    if settings.now is not None:
        return FrozenClock(settings.now, settings.timezone)
    return SystemClock(settings.timezone)


def load_knowledge(settings: Settings) -> tuple[KnowledgeFiles, ServiceContext]:
    """Knowledge base and renderer without the journal (for ``kb`` and ``triage``)."""
    files = KnowledgeFiles(settings.effective_kb_dir)
    kb = files.load()
    renderer = JinjaTemplateRenderer(files.template_dirs())
    ctx = ServiceContext(
        kb=kb,
        renderer=renderer,
        clock=make_clock(settings),
        files=LocalFileStore(settings.home / "files", settings.max_attachment_mb * 1024 * 1024),
        uow=_no_journal,
        tables=FileTableWriter(),
    )
    return files, ctx


def _no_journal() -> SqlUnitOfWork:
    raise RuntimeError("this command was bootstrapped without a journal")


def bootstrap(settings: Settings | None = None, with_journal: bool = True) -> App:
    settings = settings or Settings()
    knowledge, ctx = load_knowledge(settings)
    engine = None
    if with_journal:
        settings.home.mkdir(parents=True, exist_ok=True)
        engine = make_engine(settings.effective_database_url)
        upgrade(engine)
        ctx.uow = partial(SqlUnitOfWork, engine)
    return App(settings, ctx, engine, knowledge)


def shipped_messages() -> dict[str, str]:
    """The shipped message catalogue alone: used when the knowledge base cannot load."""
    return KnowledgeFiles(None)._messages({})
