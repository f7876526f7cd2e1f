"""The one place that names concrete adapters: builds the ``ServiceContext`` for every surface.

Nothing is created at import; ``bootstrap()`` is called by the CLI, the web app and the tests.
"""

from __future__ import annotations

import os
import secrets
import socket
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, cast

from mpdesk.adapters.answer_lexicon import AnswerKit
from mpdesk.adapters.clock import FrozenClock, SystemClock
from mpdesk.adapters.file_store import LocalFileStore
from mpdesk.adapters.importers.isolated import IsolatedReportReader
from mpdesk.adapters.knowledge_files import KnowledgeFiles
from mpdesk.adapters.table_files import FileTableWriter
from mpdesk.adapters.templates import JinjaTemplateRenderer
from mpdesk.adapters.triage_lexicon import TriageKit
from mpdesk.config import Settings
from mpdesk.domain.credentials import OzonCredentials
from mpdesk.domain.errors import BackupError, StorageError
from mpdesk.domain.jobs import Outcome
from mpdesk.domain.mail import Mailbox, MailSecurity
from mpdesk.services.context import DeadlinePorts, JobPorts, ServiceContext
from mpdesk.services.ports.audit import AuditPorts
from mpdesk.services.ports.chats import ChatPorts
from mpdesk.services.ports.clock import Clock
from mpdesk.services.ports.files import EvidenceIndex, FileStore
from mpdesk.services.ports.health import Probe
from mpdesk.services.ports.mail import MailPorts
from mpdesk.services.ports.marketplaces import MarketplacePorts
from mpdesk.services.ports.metrics import Metrics

if TYPE_CHECKING:  # the journal's adapters (SQLAlchemy, Alembic) load only when it is used:
    # commands without the journal (triage, kb) start faster
    from sqlalchemy import Engine

    from mpdesk.adapters.db.audits import SqlAuditUnitOfWork
    from mpdesk.adapters.db.uow import SqlUnitOfWork
    from mpdesk.adapters.job_engine import JobEngine
    from mpdesk.services.accounts import WebContext


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
        files=make_file_store(settings),
        uow=_no_journal,
        tables=FileTableWriter(),
        triage=TriageKit(files),
        answers=AnswerKit(files),
        audit=AuditPorts(IsolatedReportReader(settings.audit_memory_mb), _no_audit_journal),
    )
    return files, ctx


def make_file_store(settings: Settings) -> FileStore:
    """The evidence store: ``MPDESK_HOME/files`` by default, or an S3-compatible bucket."""
    max_bytes = settings.max_attachment_mb * 1024 * 1024
    if settings.evidence_store == "s3":
        from mpdesk.adapters.s3_store import S3FileStore  # boto3 loads only when used

        if not settings.s3_bucket:
            raise StorageError("evidence_store_no_bucket")
        return S3FileStore(
            settings.s3_endpoint_url,
            settings.s3_bucket,
            settings.s3_access_key_id,
            settings.s3_secret_access_key.get_secret_value(),
            settings.s3_region,
            settings.s3_prefix,
            max_bytes,
        )
    return LocalFileStore(settings.home / "files", max_bytes)


def evidence_index(app: App) -> EvidenceIndex:
    """The journal's view of which blobs are referenced (for the sweep)."""
    from mpdesk.adapters.db.evidence import SqlEvidenceIndex

    assert app.engine is not None, "the sweep needs the journal"
    return SqlEvidenceIndex(app.engine)


def _no_journal() -> SqlUnitOfWork:
    raise RuntimeError("this command was bootstrapped without a journal")


def _no_audit_journal() -> SqlAuditUnitOfWork:
    raise RuntimeError("this command was bootstrapped without a journal")


def bootstrap(settings: Settings | None = None, with_journal: bool = True) -> App:
    settings = settings or Settings()
    knowledge, ctx = load_knowledge(settings)
    engine = None
    if with_journal:
        from mpdesk.adapters.db.audits import SqlAuditUnitOfWork
        from mpdesk.adapters.db.migrate import ensure_current, upgrade
        from mpdesk.adapters.db.uow import SqlUnitOfWork, make_engine

        settings.home.mkdir(parents=True, exist_ok=True)
        engine = make_engine(settings.effective_database_url)
        if settings.migrate_on_start:
            upgrade(engine)
        else:
            ensure_current(engine)
        ctx.uow = partial(SqlUnitOfWork, engine)
        ctx.read_uow = partial(SqlUnitOfWork, engine, read_only=True)
        ctx.audit = AuditPorts(
            IsolatedReportReader(settings.audit_memory_mb), partial(SqlAuditUnitOfWork, engine)
        )
        ctx.deadlines = deadline_ports(settings, knowledge, engine)
        ctx.jobs = job_ports(settings, engine)
        ctx.mail = mail_ports(settings, ctx, engine)
        ctx.marketplaces = marketplace_ports(settings, engine)
        ctx.chats = chat_ports(ctx, engine)
    return App(settings, ctx, engine, knowledge)


def migrate_database(settings: Settings) -> tuple[str | None, str]:
    """``mpdesk migrate``: upgrade the schema once, under the database lock; returns the
    revision found before and the head."""
    from mpdesk.adapters.db.migrate import upgrade
    from mpdesk.adapters.db.uow import make_engine

    settings.home.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.effective_database_url)
    try:
        before = upgrade(engine)
    finally:
        engine.dispose()
    return before.current, before.head


def enable_metrics(app: App) -> Metrics:
    """Prometheus metrics for a server process when ``MPDESK_METRICS`` is on; refused when
    nothing guards them (neither a token nor a loopback port)."""
    from mpdesk.domain.errors import UserInputError

    settings = app.settings
    if not settings.metrics:
        return app.ctx.metrics
    if not settings.metrics_token.get_secret_value() and not settings.metrics_port:
        raise UserInputError("metrics_unguarded")
    from mpdesk.adapters.metrics import PrometheusMetrics
    from mpdesk.services import jobs

    if not isinstance(app.ctx.metrics, PrometheusMetrics):
        ages = (lambda: jobs.job_ages(app.ctx)) if app.ctx.jobs is not None else None
        app.ctx.metrics = PrometheusMetrics(ages)
    return app.ctx.metrics


@contextmanager
def serve_metrics(app: App, workers: int) -> Iterator[None]:
    """``mpdesk serve`` with metrics on: checked before binding; several workers share a
    directory of values (prometheus-client's multiprocess mode, the variable is read by the
    workers at start); the loopback port, when set, is served by this process."""
    settings = app.settings
    if not settings.metrics:
        yield
        return
    metrics = enable_metrics(app)
    from mpdesk.adapters.metrics import MULTIPROC_ENV, PrometheusMetrics, serve_on_loopback

    with tempfile.TemporaryDirectory(prefix="mpdesk-metrics-") as shared:
        if workers > 1:
            os.environ[MULTIPROC_ENV] = shared
        if settings.metrics_port and isinstance(metrics, PrometheusMetrics):
            serve_on_loopback(settings.metrics_port, metrics, own=workers == 1)
        yield


def configure_server_logs(settings: Settings) -> None:
    """``MPDESK_LOG_FORMAT=json``: mpdesk's records (a line per request and per job) as JSON."""
    if settings.log_format == "json":
        from mpdesk.adapters.log_format import use_json_logs

        use_json_logs()


def readiness_probes(app: App) -> list[Probe]:
    """What ``/readyz`` checks: the journal's database and the evidence store."""
    from mpdesk.adapters.db.probe import DatabaseProbe
    from mpdesk.services.health import StoreProbe

    assert app.engine is not None, "the web app needs the journal"
    return [DatabaseProbe(app.engine), StoreProbe(app.ctx.files)]


def web_context(app: App) -> WebContext:
    """Accounts, dashboard counts and per-request file stores for the web app and the API."""
    from mpdesk.adapters.db.accounts import SqlAccountsUnitOfWork
    from mpdesk.adapters.db.journal_stats import SqlJournalStats
    from mpdesk.adapters.passwords import Argon2PasswordHasher
    from mpdesk.services.accounts import AccountPolicy, WebContext

    assert app.engine is not None, "the web app needs the journal"
    settings, engine, files = app.settings, app.engine, app.ctx.files
    return WebContext(
        ctx=app.ctx,
        accounts=partial(SqlAccountsUnitOfWork, engine),
        hasher=Argon2PasswordHasher(),
        stats=SqlJournalStats(engine),
        new_file_store=lambda: files,  # stores keep no per-request state: one is shared
        policy=AccountPolicy(
            session_hours=settings.session_hours,
            login_max_attempts=settings.login_max_attempts,
            login_window=timedelta(minutes=settings.login_window_minutes),
            login_link_minutes=settings.login_link_minutes,
        ),
        secret=web_secret(settings),
    )


def warm_up_search() -> None:
    """Load the search's Russian dictionaries now: a web worker does it before it serves, so
    the first search is not slow and the dictionaries join the startup heap."""
    from mpdesk.adapters.lemmatizer import lemmatizer

    lemmatizer().forms("проверка")


def web_secret(settings: Settings) -> bytes:
    """``MPDESK_SECRET_KEY``, or a random key kept in ``MPDESK_HOME/secret_key`` (0600)."""
    configured = settings.secret_key.get_secret_value()
    if configured:
        return configured.encode("utf-8")
    path = settings.home / "secret_key"
    if not path.exists():
        settings.home.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
    return path.read_text().strip().encode("utf-8")


def job_ports(settings: Settings, engine: Engine) -> JobPorts:
    """The job log on the journal's database and the schedule from the settings."""
    from mpdesk.adapters.db.jobs import SqlJobLog

    return JobPorts(
        log=SqlJobLog(engine),
        worker=f"{socket.gethostname()}:{os.getpid()}",
        remind_in_server=settings.remind_in_server,
        mail_fetch_minutes=settings.mail_fetch_minutes,
        sync_minutes=settings.sync_minutes,
        chats_minutes=settings.chats_minutes,
    )


def job_engine(app: App) -> JobEngine:
    """procrastinate on the journal's PostgreSQL, running this application's job kinds; a
    failed run raises so that the engine retries it."""
    from mpdesk.adapters.job_engine import JobEngine
    from mpdesk.services import jobs

    def run(kind: str, shop_id: int | None) -> None:
        done = jobs.run_job(app.ctx, kind, shop_id)
        if done.outcome is Outcome.FAILED:
            raise jobs.JobFailed(done)

    return JobEngine(
        app.settings.effective_database_url,
        run,
        lambda: jobs.due_jobs(app.ctx),
        stalled_after_seconds=app.settings.worker_stalled_seconds,
    )


def marketplace_ports(settings: Settings, engine: Engine) -> MarketplacePorts:
    """Seller API clients (rate limits shared through PostgreSQL, in process on SQLite), the
    credential vault under a key derived from the installation secret, and sync progress."""
    from mpdesk.adapters.credential_vault import FernetCredentialVault, derive_key
    from mpdesk.adapters.db.sync_store import SqlSyncUnitOfWork
    from mpdesk.adapters.marketplaces.apis import HttpMarketplaceApis
    from mpdesk.adapters.marketplaces.ratelimit import (
        InProcessTokenBucket,
        PostgresTokenBucket,
        RateLimiter,
    )

    limiter: RateLimiter = (
        PostgresTokenBucket(engine)
        if engine.dialect.name == "postgresql"
        else InProcessTokenBucket()
    )
    apis = HttpMarketplaceApis(
        limiter,
        base_url=settings.marketplace_api_url,
        realization_api=settings.wb_realization_api,
        headroom=settings.api_rate_headroom,
    )
    source = "MPDESK_SECRET_KEY" if settings.secret_key.get_secret_value() else "secret_key"
    vault = FernetCredentialVault([derive_key(web_secret(settings))], source=source)
    return MarketplacePorts(
        apis, vault, partial(SqlSyncUnitOfWork, engine), settings.sync_first_days
    )


def chat_ports(ctx: ServiceContext, engine: Engine) -> ChatPorts:
    """Ozon's chat API through the context's seller API clients (looked up at each call, so
    the chats share the sync's clients and rate limits); chats in the journal."""
    from mpdesk.adapters.db.chat_store import SqlChatUnitOfWork
    from mpdesk.services.ports.chats import SupportChatApi

    def api(credentials: OzonCredentials) -> SupportChatApi:
        assert ctx.marketplaces is not None
        return cast("SupportChatApi", ctx.marketplaces.apis.ozon(credentials))

    return ChatPorts(api, partial(SqlChatUnitOfWork, engine))


def deadline_ports(settings: Settings, knowledge: KnowledgeFiles, engine: Engine) -> DeadlinePorts:
    """Deadlines, reminders and analytics (issue 6): calendar, ledger, rollup, notifiers."""
    from mpdesk.adapters.calendar_files import load_calendar
    from mpdesk.adapters.db.analytics import SqlAnalyticsRepository
    from mpdesk.adapters.db.reminders import SqlReminderLog
    from mpdesk.adapters.lemmatizer import lemmatizer
    from mpdesk.adapters.notify import SmtpNotifier, TelegramNotifier
    from mpdesk.adapters.reports import JinjaReportRenderer
    from mpdesk.services.ports.reminders import Notifier

    notifiers: list[Notifier] = []
    recipients = [a.strip() for a in settings.remind_email_to.split(",") if a.strip()]
    if settings.smtp_host and recipients:
        notifiers.append(
            SmtpNotifier(
                settings.smtp_host,
                settings.smtp_port,
                settings.smtp_from or recipients[0],
                recipients,
                settings.smtp_user,
                settings.smtp_password.get_secret_value(),
                settings.smtp_starttls,
            )
        )
    token = settings.telegram_bot_token.get_secret_value()
    if token and settings.telegram_chat_id:
        notifiers.append(
            TelegramNotifier(token, settings.telegram_chat_id, settings.telegram_api_url)
        )
    return DeadlinePorts(
        calendar=load_calendar(knowledge),
        analytics=SqlAnalyticsRepository(engine),
        reminders=SqlReminderLog(engine),
        lemmatizer=lemmatizer(),
        reports=JinjaReportRenderer(list(reversed(knowledge.dirs))),
        notifiers=notifiers,
        remind_horizon_days=settings.remind_horizon_days,
        remind_interval_minutes=settings.remind_interval_minutes,
    )


def mail_ports(settings: Settings, ctx: ServiceContext, engine: Engine) -> MailPorts:
    """Shops' mailboxes (issue 13): SMTP, IMAP, the mail ledger and the password vault."""
    from mpdesk.adapters.credential_vault import FernetCredentialVault, load_or_create_key_file
    from mpdesk.adapters.db.mail import SqlMailUnitOfWork
    from mpdesk.adapters.mail.imap import ImapMailboxReader
    from mpdesk.adapters.mail.parse import parse_mail
    from mpdesk.adapters.mail.secrets import MailboxSecrets
    from mpdesk.adapters.mail.smtp import SmtpMailSender
    from mpdesk.services.answer_reading import answer_lexicon

    def vault() -> FernetCredentialVault:
        configured = settings.vault_keys.get_secret_value()
        if configured:
            return FernetCredentialVault(configured.split(","), "MPDESK_VAULT_KEYS")
        settings.home.mkdir(parents=True, exist_ok=True)
        path = settings.home / "vault_key"
        return FernetCredentialVault([load_or_create_key_file(path)], str(path.name))

    return MailPorts(
        uow=partial(SqlMailUnitOfWork, engine),
        sender=SmtpMailSender(),
        reader=ImapMailboxReader(),
        secrets=MailboxSecrets(os.environ, vault),
        parse=lambda raw: parse_mail(raw, answer_lexicon(ctx)),
        signing_key=web_secret(settings) + b"/mail-message-id",
        fetch_limit=settings.mail_fetch_limit,
        max_attachment_bytes=settings.max_attachment_mb * 1024 * 1024,
        fallback=_global_smtp(settings),
        fallback_password=settings.smtp_password.get_secret_value(),
    )


def _global_smtp(settings: Settings) -> Mailbox | None:
    """The reminders' SMTP server as the sender of shops without a mailbox of their own."""
    sender = settings.smtp_from or settings.smtp_user
    if not settings.smtp_host or "@" not in sender:
        return None
    security = MailSecurity.STARTTLS if settings.smtp_starttls else MailSecurity.PLAIN
    if settings.smtp_port == 465:
        security = MailSecurity.TLS
    return Mailbox(
        shop_id=0,
        address=sender,
        login=settings.smtp_user,
        smtp_host=settings.smtp_host,
        smtp_port=settings.smtp_port,
        smtp_security=security,
    )


def shipped_messages() -> dict[str, str]:
    """The shipped message catalogue alone: used when the knowledge base cannot load."""
    return KnowledgeFiles(None)._messages({})


def journal_paths(settings: Settings) -> tuple[Path, Path]:
    """The SQLite journal's file and the secret key file (backups and restores); a
    PostgreSQL journal is backed up with its own tools (``backup_needs_sqlite``)."""
    from sqlalchemy.engine import make_url

    url = make_url(settings.effective_database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        raise BackupError("backup_needs_sqlite")
    return Path(url.database), settings.home / "secret_key"


def journal_snapshot(settings: Settings) -> Callable[[Path], int]:
    """SQLite's online backup of the journal into a given file (consistent while it runs)."""
    from mpdesk.adapters.db.sqlite_backup import snapshot_sqlite

    return partial(snapshot_sqlite, journal_paths(settings)[0])
