"""Settings of mpdesk (environment variables with the ``MPDESK_`` prefix, or ``.env``).

Built once in ``mpdesk.bootstrap`` and passed down; nothing reads the environment elsewhere.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Literal

import platformdirs
from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

#: the validation message of a setting with a line break (``bootstrap.load_settings``)
LINE_BREAK = "contains a line break"


def _default_home() -> Path:
    return Path(platformdirs.user_data_dir("mpdesk", appauthor=False))


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MPDESK_", env_file=".env", extra="ignore")

    home: Path = Field(
        default_factory=_default_home,
        description="Data directory: the SQLite journal, the file store, user knowledge files.",
    )
    database_url: str = Field(
        default="",
        description="SQLAlchemy URL of the journal; empty means SQLite in MPDESK_HOME/mpdesk.db.",
    )
    db_pool_size: int = Field(
        default=15,
        ge=1,
        le=500,
        description="Database connections each process keeps open and reuses; a request "
        "waits for a free one instead of opening another. PostgreSQL: processes × this "
        "must stay below the server's max_connections.",
    )
    kb_dir: Path | None = Field(
        default=None,
        description="Directory whose knowledge files override or extend the shipped ones "
        "(default MPDESK_HOME/knowledge).",
    )
    now: datetime | None = Field(
        default=None,
        description="Freeze the clock at this ISO 8601 instant (tests and demonstrations).",
    )
    timezone: str = Field(default="Europe/Moscow", description="Time zone used for display.")
    max_attachment_mb: int = Field(default=20, description="Largest accepted attachment, MB.")
    audit_memory_mb: int = Field(
        default=4096,
        ge=256,
        description="Memory limit of the process that reads an audit's report files, MB "
        "(a file that needs more is refused; the server itself is never at risk).",
    )
    secret_key: SecretStr = Field(
        default=SecretStr(""),
        description="Secret for sessions and tokens of the web app (generated when empty).",
    )

    previous_secret_keys: SecretStr = Field(
        default=SecretStr(""),
        description="Earlier values of MPDESK_SECRET_KEY, comma-separated: the shops' stored "
        "API credentials stay readable until mpdesk shop rekey re-encrypts them under the "
        "current key.",
    )

    # --- web app (mpdesk serve) ---
    host: str = Field(default="127.0.0.1", description="Address the web app listens on.")
    port: int = Field(default=8000, description="Port the web app listens on.")
    base_url: str = Field(
        default="",
        description="Public URL of the web app, used in printed links (empty: http://HOST:PORT).",
    )
    https_only: bool = Field(
        default=False,
        description="Always mark cookies Secure and send HSTS (set it when served over HTTPS; "
        "requests that arrive over HTTPS get Secure cookies anyway).",
    )
    forwarded_allow_ips: str = Field(
        default="127.0.0.1",
        description="Proxies whose X-Forwarded-Proto/For headers are trusted (comma-separated).",
    )
    web_workers: int = Field(default=1, description="Worker processes of mpdesk serve.")
    session_hours: int = Field(default=336, description="Lifetime of a web session, hours.")
    login_max_attempts: int = Field(
        default=5,
        description="Sign-in attempts per login name and address before every further one "
        "waits (1 s, doubling up to the window).",
    )
    login_window_minutes: int = Field(
        default=15,
        description="Longest wait of the sign-in throttle, and the quiet time after which "
        "attempts are forgotten, minutes.",
    )
    login_link_minutes: int = Field(
        default=30, description="Lifetime of a one-time login link, minutes."
    )
    password_time_cost: int = Field(
        default=3,
        ge=1,
        description="Passes of argon2id over the memory when a password is hashed or checked "
        "(3, argon2's RFC 9106 low-memory profile). Lower it, with password_memory_kib, only "
        "where a sign-in takes too long on a small machine; hashes are re-made at the next "
        "sign-in.",
    )
    password_memory_kib: int = Field(
        default=65536,
        ge=32,
        description="Memory argon2id uses per password hash, KiB (65536 = 64 MiB, argon2's "
        "RFC 9106 low-memory profile).",
    )

    # --- reminders: mpdesk remind and the server's background job (issue 6) ---
    smtp_host: str = Field(
        default="", description="SMTP server for reminder e-mails (empty: no e-mail reminders)."
    )
    smtp_port: int = Field(default=587, description="SMTP port (587 with STARTTLS, 25 plain).")
    smtp_user: str = Field(default="", description="SMTP login (empty: no authentication).")
    smtp_password: SecretStr = Field(default=SecretStr(""), description="SMTP password.")
    smtp_from: str = Field(default="", description="From address of reminder e-mails.")
    smtp_starttls: bool = Field(default=True, description="Upgrade the SMTP link with STARTTLS.")
    remind_email_to: str = Field(
        default="", description="Where reminder digests are e-mailed (comma-separated)."
    )
    telegram_bot_token: SecretStr = Field(
        default=SecretStr(""),
        description="Token of the seller's own Telegram bot for reminders (from @BotFather).",
    )
    telegram_chat_id: str = Field(
        default="", description="Chat that receives reminder digests (the seller's chat id)."
    )
    telegram_api_url: str = Field(
        default="https://api.telegram.org",
        description="Bot API base URL (tests point it at a local fake server).",
    )
    remind_horizon_days: int = Field(
        default=7, description="Deadlines within this many days are included in reminders."
    )
    remind_interval_minutes: int = Field(
        default=60,
        description="How often the web server's background job sends reminders (0: never).",
    )
    remind_in_server: bool = Field(
        default=True,
        description="Run the reminder job in the background of mpdesk serve (false, or "
        "mpdesk serve --no-remind: run mpdesk remind from cron instead).",
    )

    # --- evidence store (issue 16): the local directory, or an S3-compatible bucket ---
    evidence_store: Literal["local", "s3"] = Field(
        default="local",
        description="Where evidence files are kept: local (MPDESK_HOME/files) or s3 (an "
        "S3-compatible bucket: MinIO, Yandex Object Storage, Ceph, AWS).",
    )
    s3_endpoint_url: str = Field(
        default="",
        description="S3 API address, e.g. https://storage.yandexcloud.net "
        "(empty: AWS S3 of MPDESK_S3_REGION).",
    )
    s3_bucket: str = Field(default="", description="Bucket of the evidence files (must exist).")
    s3_region: str = Field(
        default="us-east-1", description="Region of the bucket (Yandex: ru-central1)."
    )
    s3_access_key_id: str = Field(default="", description="Access key id of the bucket.")
    s3_secret_access_key: SecretStr = Field(
        default=SecretStr(""), description="Secret access key of the bucket."
    )
    s3_prefix: str = Field(
        default="evidence/", description="Key prefix of the evidence files in the bucket."
    )
    evidence_grace_hours: float = Field(
        default=24,
        gt=0,
        description="mpdesk evidence sweep leaves files stored within this many hours "
        "(longer than any request), referenced or not.",
    )

    # --- operations (issue 16): schema upgrades, logs, metrics ---
    migrate_on_start: bool = Field(
        default=True,
        description="Upgrade the database schema when a command or server starts (one "
        "machine). Several servers on one database: false, and run mpdesk migrate once per "
        "upgrade; a server then refuses a schema older or newer than its own.",
    )
    log_format: Literal["text", "json"] = Field(
        default="text",
        description="Server logs: text, or json (one line per request and per background job, "
        "with request id and shop id; no secrets).",
    )
    metrics: bool = Field(
        default=False,
        description="Serve Prometheus metrics at /metrics (needs MPDESK_METRICS_TOKEN or "
        "MPDESK_METRICS_PORT).",
    )
    metrics_token: SecretStr = Field(
        default=SecretStr(""),
        description="Bearer token that /metrics requires (Authorization: Bearer …).",
    )
    metrics_port: int = Field(
        default=0,
        ge=0,
        le=65535,
        description="Serve the metrics on this port of 127.0.0.1 only, apart from the web app "
        "(0: not on a separate port).",
    )

    # --- e-mail channel (issue 13): shops' mailboxes are set with mpdesk mail setup ---
    vault_keys: SecretStr = Field(
        default=SecretStr(""),
        description="Fernet keys that encrypt stored mailbox passwords, comma-separated, the "
        "newest first (empty: a key derived from the app's secret key, kept by backups).",
    )
    mail_fetch_limit: int = Field(
        default=200,
        ge=1,
        description="Most messages mpdesk mail fetch reads from a mailbox in one run.",
    )

    # --- background jobs (issue 14) ---
    jobs_engine: Literal["server", "worker"] = Field(
        default="server",
        description="Who runs background jobs (reminders, mail fetch, sync): server — a thread "
        "of mpdesk serve (one machine, SQLite or PostgreSQL); worker — mpdesk worker "
        "processes on the job engine (PostgreSQL; several machines), the servers run none.",
    )
    worker_stalled_seconds: float = Field(
        default=30.0,
        gt=0,
        description="A worker silent (no heartbeat) this long is taken for dead and its job is "
        "run again by another worker.",
    )
    mail_fetch_minutes: int = Field(
        default=15, ge=0, description="How often each shop's mailbox is read (0: never)."
    )
    sync_minutes: int = Field(
        default=360,
        ge=0,
        description="How often each connected shop is synced with the marketplace (0: never).",
    )
    chats_minutes: int = Field(
        default=30,
        ge=0,
        description="How often the support chats of each connected Ozon shop are read (0: never).",
    )

    # --- marketplace APIs (issue 14): shop connect, mpdesk sync ---
    marketplace_api_url: str = Field(
        default="",
        description="Send every seller API request of WB and Ozon to this URL instead of the "
        "marketplaces' own hosts (a proxy or a test server; empty: the marketplaces).",
    )
    wb_realization_api: Literal["finance", "statistics_v5"] = Field(
        default="finance",
        description="Which WB method mpdesk sync pulls the realization report from: finance "
        "(the 2026 finance API) or statistics_v5 (reportDetailByPeriod).",
    )
    api_rate_headroom: float = Field(
        default=0.02,
        ge=0,
        le=1,
        description="Pace seller API requests this fraction slower than the documented limits "
        "(0.02: a 1-per-minute method every 61.2 s), so that network and clock jitter never "
        "makes a marketplace count two requests too close together.",
    )
    sync_first_days: int = Field(
        default=30,
        ge=1,
        le=366,
        description="How many days back the first mpdesk sync of a shop reaches (later syncs "
        "go on from where the previous one ended; --since overrides).",
    )

    @field_validator("*", mode="after")
    @classmethod
    def _one_line(cls, value: object) -> object:
        """No setting spans lines: a CR or LF in an address or a header value would let it
        write headers of its own (``Bcc:`` in ``MPDESK_SMTP_FROM``)."""
        text = value.get_secret_value() if isinstance(value, SecretStr) else value
        if isinstance(text, str) and ("\r" in text or "\n" in text):
            raise ValueError(LINE_BREAK)
        return value

    @field_validator("kb_dir", "now", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if value == "" else value

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.home / 'mpdesk.db'}"

    @property
    def effective_kb_dir(self) -> Path:
        return self.kb_dir or self.home / "knowledge"
