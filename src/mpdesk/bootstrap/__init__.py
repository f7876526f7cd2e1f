"""The one place that names concrete adapters: builds the ``ServiceContext`` for every surface.

Nothing is created at import; ``bootstrap()`` is called by the CLI, the web app and the tests.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import os
import secrets
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, cast

from mpdesk.adapters.answer_kit import AnswerKit
from mpdesk.adapters.clock import FrozenClock, SystemClock
from mpdesk.adapters.file_store import LocalFileStore
from mpdesk.adapters.importers.isolated import IsolatedReportReader
from mpdesk.adapters.importers.journal_table import FileJournalTableReader
from mpdesk.adapters.knowledge_files import KnowledgeFiles
from mpdesk.adapters.pdf import WeasyPrintWriter
from mpdesk.adapters.table_files import FileTableWriter
from mpdesk.adapters.templates import JinjaTemplateRenderer
from mpdesk.adapters.triage_lexicon import TriageKit
from mpdesk.config import LINE_BREAK, Settings
from mpdesk.domain.credentials import OzonCredentials
from mpdesk.domain.errors import BackupError, SettingError, StorageError
from mpdesk.domain.mail import Mailbox, MailSecurity
from mpdesk.services.context import DeadlinePorts, JobPorts, ServiceContext
from mpdesk.services.ports.audit import AuditPorts
from mpdesk.services.ports.chats import ChatPorts
from mpdesk.services.ports.clock import Clock
from mpdesk.services.ports.files import EvidenceIndex, FileStore
from mpdesk.services.ports.mail import MailPorts
from mpdesk.services.ports.marketplaces import MarketplacePorts
from mpdesk.services.ports.spreadsheets import SpreadsheetPorts

if TYPE_CHECKING:  # the journal's adapters (SQLAlchemy, Alembic) load only when it is used:
    # commands without the journal (triage, kb) start faster
    from sqlalchemy import Engine

    from mpdesk.adapters.db.audits import SqlAuditUnitOfWork
    from mpdesk.adapters.db.uow import SqlUnitOfWork
    from mpdesk.domain.journal_table import JournalVocabulary
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
    cache = settings.home / "cache" / "knowledge"  # parsed knowledge, kept between processes
    files = KnowledgeFiles(settings.effective_kb_dir, cache_dir=cache)
    kb = files.load()
    renderer = JinjaTemplateRenderer(files.template_dirs())
    answers = AnswerKit(files)  # also the audit's working-day calendar, loaded once
    ctx = ServiceContext(
        kb=kb,
        renderer=renderer,
        clock=make_clock(settings),
        files=make_file_store(settings),
        uow=_no_journal,
        tables=FileTableWriter(),
        triage=TriageKit(files),
        answers=answers,
        audit=AuditPorts(
            IsolatedReportReader(settings.audit_memory_mb), _no_audit_journal, answers.calendar
        ),
        sheets=SpreadsheetPorts(
            FileJournalTableReader(), functools.cache(partial(_journal_vocabulary, files))
        ),
        pdf=WeasyPrintWriter(),  # WeasyPrint and its system libraries load on the first PDF
    )
    return files, ctx


def _journal_vocabulary(files: KnowledgeFiles) -> JournalVocabulary:
    from mpdesk.adapters.journal_columns import load_journal_vocabulary  # schemas load on use

    return load_journal_vocabulary(files)


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


def load_settings() -> Settings:
    """Settings from the environment and ``.env``; a bad value is refused by its variable's
    name (``SettingError``, exit 2) before anything starts."""
    from pydantic import ValidationError

    try:
        return Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        name = "MPDESK_" + str(first["loc"][0] if first["loc"] else "").upper()
        if LINE_BREAK in str(first.get("msg", "")):
            raise SettingError("setting_line_break", setting=name) from None
        raise SettingError("setting_invalid", setting=name, problem=first["type"]) from None


def bootstrap(settings: Settings | None = None, with_journal: bool = True) -> App:
    settings = settings or load_settings()
    knowledge, ctx = load_knowledge(settings)
    engine = None
    if with_journal:
        from mpdesk.adapters.db.audits import SqlAuditUnitOfWork
        from mpdesk.adapters.db.migrate import ensure_current, upgrade
        from mpdesk.adapters.db.uow import SqlUnitOfWork, make_engine

        settings.home.mkdir(parents=True, exist_ok=True)
        engine = make_engine(settings.effective_database_url, settings.db_pool_size)
        if settings.migrate_on_start:
            upgrade(engine)
        else:
            ensure_current(engine)
        ctx.uow = partial(SqlUnitOfWork, engine)
        ctx.read_uow = partial(SqlUnitOfWork, engine, read_only=True)
        assert ctx.audit is not None  # wired by load_knowledge: the reader and the calendar
        ctx.audit = AuditPorts(
            ctx.audit.reader, partial(SqlAuditUnitOfWork, engine), ctx.audit.calendar
        )
        ctx.deadlines = deadline_ports(settings, knowledge, engine)
        ctx.jobs = job_ports(settings, engine)
        ctx.mail = mail_ports(settings, ctx, engine)
        ctx.marketplaces = marketplace_ports(settings, engine)
        ctx.chats = chat_ports(ctx, engine)
    return App(settings, ctx, engine, knowledge)


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
        account_reads=partial(SqlAccountsUnitOfWork, engine, read_only=True),
        hasher=Argon2PasswordHasher(settings.password_time_cost, settings.password_memory_kib),
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
    previous = settings.previous_secret_keys.get_secret_value().split(",")
    keys = [web_secret(settings), *(k.strip().encode("utf-8") for k in previous if k.strip())]
    vault = FernetCredentialVault([derive_key(k) for k in keys], source=source)
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
    from mpdesk.adapters.credential_vault import FernetCredentialVault
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
        # derived from the app's secret, which `mpdesk backup` keeps: a restore can decrypt
        digest = hashlib.sha256(web_secret(settings) + b"/mailbox-vault").digest()
        key = base64.urlsafe_b64encode(digest).decode("ascii")
        return FernetCredentialVault([key], "MPDESK_SECRET_KEY")

    return MailPorts(
        uow=partial(SqlMailUnitOfWork, engine),
        sender=SmtpMailSender(),
        reader=ImapMailboxReader(),
        secrets=MailboxSecrets(os.environ, vault),
        parse=lambda raw: parse_mail(raw, answer_lexicon(ctx)),
        signing_key=lambda: web_secret(settings) + b"/mail-message-id",
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
