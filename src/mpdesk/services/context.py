"""The bundle of ports every use case receives; built once by ``mpdesk.bootstrap``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from mpdesk.domain.knowledge import KnowledgeBase
from mpdesk.domain.sla import BusinessCalendar
from mpdesk.services.ports.analytics import AnalyticsRepository
from mpdesk.services.ports.answers import AnswerResources
from mpdesk.services.ports.audit import AuditPorts
from mpdesk.services.ports.chats import ChatPorts
from mpdesk.services.ports.clock import Clock
from mpdesk.services.ports.documents import PdfWriter
from mpdesk.services.ports.files import FileStore, TableWriter
from mpdesk.services.ports.jobs import JobLog
from mpdesk.services.ports.journal import UnitOfWork
from mpdesk.services.ports.knowledge import ReportRenderer, TemplateRenderer
from mpdesk.services.ports.mail import MailPorts
from mpdesk.services.ports.marketplaces import MarketplacePorts
from mpdesk.services.ports.metrics import Metrics, NoMetrics
from mpdesk.services.ports.reminders import Notifier, ReminderLog
from mpdesk.services.ports.search import Lemmatizer
from mpdesk.services.ports.spreadsheets import SpreadsheetPorts
from mpdesk.services.ports.triage import TriageResources


@dataclass
class DeadlinePorts:
    """Ports of deadlines, reminders and analytics (only with a journal)."""

    calendar: BusinessCalendar
    analytics: AnalyticsRepository
    reminders: ReminderLog
    lemmatizer: Lemmatizer
    reports: ReportRenderer
    notifiers: list[Notifier] = field(default_factory=list)
    remind_horizon_days: int = 7
    remind_interval_minutes: int = 60


@dataclass(frozen=True)
class JobKind:
    """One kind of background work (``services/jobs.py``)."""

    name: str
    run: Callable[[ServiceContext, int | None], str]  # returns a summary for people
    every_minutes: Callable[[ServiceContext], int]  # 0: not scheduled (on demand only)
    shops: Callable[[ServiceContext], list[int]] | None = None  # per-shop kinds: which shops


@dataclass
class JobPorts:
    """The job log and the schedule of background jobs (only with a journal)."""

    log: JobLog
    worker: str = ""  # host:pid of this process, recorded with each run
    remind_in_server: bool = True
    mail_fetch_minutes: int = 15
    sync_minutes: int = 360
    chats_minutes: int = 30
    #: kinds added by other modules (name -> kind), e.g. the marketplace sync
    extra: dict[str, JobKind] = field(default_factory=dict)


@dataclass
class ServiceContext:
    kb: KnowledgeBase
    renderer: TemplateRenderer
    clock: Clock
    files: FileStore
    uow: Callable[[], UnitOfWork]
    tables: TableWriter
    actor: str = "cli"
    triage: TriageResources | None = None
    audit: AuditPorts | None = None  # report reader and findings (audits)
    answers: AnswerResources | None = None  # the lexicon for reading support answers
    deadlines: DeadlinePorts | None = None  # deadlines, reminders, analytics
    mail: MailPorts | None = None  # shops' mailboxes: SMTP, IMAP, the mail ledger
    #: a unit of work for reads only (on PostgreSQL without a transaction); ``uow`` when None
    read_uow: Callable[[], UnitOfWork] | None = None
    jobs: JobPorts | None = None  # background jobs: the log and the schedule
    metrics: Metrics = field(default_factory=NoMetrics)  # Prometheus when MPDESK_METRICS is on
    #: seller APIs, sealed credentials and sync progress (only with a journal)
    marketplaces: MarketplacePorts | None = None
    chats: ChatPorts | None = None  # Ozon support chats (only with a journal)
    #: the journal table reader and its column names (the CSV/XLSX journal import)
    sheets: SpreadsheetPorts | None = None
    pdf: PdfWriter | None = None  # claims and reports as PDF (WeasyPrint)

    def reads(self) -> UnitOfWork:
        """A unit of work for use cases that only read (never ``commit``)."""
        return (self.read_uow or self.uow)()

    def message(self, code: str, **fields: Any) -> str:
        """The Russian text for a catalogue code, placeholders filled."""
        return render_message(self.kb.messages, code, fields)


def render_message(messages: dict[str, str], code: str, fields: dict[str, Any]) -> str:
    """Fill a catalogue message; an ``expected`` format key is replaced by its description."""
    template = messages.get(code)
    if template is None:
        return code
    values = dict(fields)
    expected = values.get("expected")
    if isinstance(expected, str) and f"format_{expected}" in messages:
        values["expected"] = messages[f"format_{expected}"]
    try:
        return template.format(**values)
    except (KeyError, IndexError):
        return template
