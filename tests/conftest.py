"""Shared fixtures: settings in a temp home, journals on SQLite and PostgreSQL, the CLI."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from mpdesk.bootstrap import App, bootstrap
from mpdesk.config import Settings
from tests.journals import JournalPool

PG_ADMIN_URL = os.environ.get(
    "MPDESK_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
FROZEN_NOW = "2026-11-20T10:00:00+03:00"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that start servers, processes or a browser (``slow``, ``browser``) run first:
    ``pytest -n 2 --dist loadfile --no-loadscope-reorder`` (Makefile) hands their files out
    first, one at a time to whichever worker is free, instead of one of them being left to
    run alone at the end (the order of every other test is kept)."""
    items.sort(
        key=lambda item: (
            not any(item.iter_markers("slow")) and not any(item.iter_markers("browser"))
        )
    )


def _pg_reachable() -> str | None:
    try:
        engine = create_engine(PG_ADMIN_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
        return None
    except Exception as exc:
        return f"{type(exc).__name__}: {str(exc).splitlines()[0]}"


_PG_PROBLEM: list[str | None] = []


def pg_problem() -> str | None:
    if not _PG_PROBLEM:
        _PG_PROBLEM.append(_pg_reachable())
    return _PG_PROBLEM[0]


def require_pg() -> None:
    problem = pg_problem()
    if problem is None:
        return
    reason = f"PostgreSQL at {PG_ADMIN_URL} is not reachable ({problem})"
    if os.environ.get("MPDESK_REQUIRE_PG") == "1":
        pytest.fail(f"MPDESK_REQUIRE_PG=1 but {reason}")
    pytest.skip(reason)


@contextmanager
def fresh_pg_schema() -> Iterator[str]:
    """A fresh, empty PostgreSQL schema (its URL sets the search_path), dropped afterwards."""
    require_pg()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_ADMIN_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    yield schema_url(schema)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL schema for one test."""
    with fresh_pg_schema() as url:
        yield url


def schema_url(schema: str) -> str:
    sep = "&" if "?" in PG_ADMIN_URL else "?"
    return f"{PG_ADMIN_URL}{sep}options=-csearch_path%3D{schema}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_kind(request: pytest.FixtureRequest) -> str:
    """Run the test on SQLite and on PostgreSQL."""
    return str(request.param)


@pytest.fixture
def db_url(request: pytest.FixtureRequest, db_kind: str, tmp_path: Path) -> str:
    """An empty database of the ``db_kind``."""
    if db_kind == "sqlite":
        return f"sqlite:///{tmp_path / 'journal.db'}"
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture(scope="session")
def journal_pool(tmp_path_factory: pytest.TempPathFactory) -> Iterator[JournalPool]:
    """Migrated journals for this test process: the history runs once, not once per test."""
    pool = JournalPool(tmp_path_factory.mktemp("journal-template"), PG_ADMIN_URL)
    yield pool
    pool.close()


@pytest.fixture
def journal_url(db_kind: str, tmp_path: Path, journal_pool: JournalPool) -> Iterator[str]:
    """A journal of the ``db_kind`` already migrated to the head, with no rows: on SQLite a
    copy of a migrated file, on PostgreSQL a migrated schema of this process, emptied after
    the test (``tests/journals.py``)."""
    if db_kind == "sqlite":
        yield journal_pool.sqlite_copy(tmp_path / "journal.db")
        return
    require_pg()
    schema = journal_pool.take_schema()
    yield schema_url(schema)
    journal_pool.give_back(schema)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    path = tmp_path / "home"
    path.mkdir()
    return path


@pytest.fixture
def settings(home: Path, journal_url: str) -> Settings:
    return Settings(home=home, database_url=journal_url, now=FROZEN_NOW, kb_dir=home / "knowledge")


@pytest.fixture
def app(settings: Settings) -> Iterator[App]:
    application = bootstrap(settings)
    yield application
    if application.engine is not None:
        application.engine.dispose()


@pytest.fixture
def empty_cli_env(home: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Environment for CLI tests on a new machine: a temp MPDESK_HOME with no journal yet
    (the first command creates and migrates it) and a frozen clock."""
    monkeypatch.setenv("MPDESK_HOME", str(home))
    monkeypatch.setenv("MPDESK_NOW", FROZEN_NOW)
    monkeypatch.delenv("MPDESK_DATABASE_URL", raising=False)
    monkeypatch.delenv("MPDESK_KB_DIR", raising=False)
    from mpdesk.entrypoints.cli import state

    state.reset()
    yield home
    state.reset()


@pytest.fixture
def cli_env(empty_cli_env: Path, journal_pool: JournalPool) -> Path:
    """Environment for CLI tests: a temp MPDESK_HOME whose SQLite journal exists, empty and
    migrated (a copy of this process's migrated journal, as after the first command), and a
    frozen clock. ``empty_cli_env`` starts without a journal."""
    journal_pool.sqlite_copy(empty_cli_env / "mpdesk.db")
    return empty_cli_env


def make_jpeg(path: Path) -> Path:
    path.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + os.urandom(64))
    return path


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """URL of a real S3 API server (moto, own process) on loopback, one per test session;
    the tests skip with the reason unless ``MPDESK_REQUIRE_S3=1``."""
    from tests.s3_server import moto_server, require_s3

    require_s3()
    with moto_server() as url:
        yield url


def new_bucket(endpoint: str) -> str:
    """A new, empty bucket on the S3 server at ``endpoint``."""
    import boto3

    from tests.s3_server import ACCESS_KEY, SECRET_KEY

    name = f"mpdesk-{uuid.uuid4().hex[:12]}"
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        region_name="us-east-1",
    )
    client.create_bucket(Bucket=name)
    return name


@pytest.fixture
def s3_bucket(s3_endpoint: str) -> str:
    """A new, empty bucket for one test."""
    return new_bucket(s3_endpoint)


@pytest.fixture(scope="session")
def dovecot_service() -> Iterator[Any]:
    """A real Dovecot IMAP server on loopback for the test session (``tests/mail_servers.py``);
    the tests skip with the reason unless ``MPDESK_REQUIRE_IMAP=1``."""
    from tests.mail_servers import dovecot_service as service

    with service() as running:
        yield running


@pytest.fixture
def dovecot(dovecot_service: Any) -> Any:
    """A Dovecot user with an empty mailbox, for one test."""
    return dovecot_service.new_user()


@pytest.fixture(scope="session")
def smtp_service() -> Iterator[Any]:
    """aiosmtpd on a free loopback port, one per test process."""
    from tests.mail_servers import smtp_sink

    with smtp_sink() as sink:
        yield sink


@pytest.fixture
def smtp(smtp_service: Any) -> Iterator[Any]:
    """The SMTP server with nothing received yet; records every message it accepts."""
    smtp_service.messages.clear()
    smtp_service.refuse = ""
    yield smtp_service
    smtp_service.messages.clear()
    smtp_service.refuse = ""
