"""Several servers, one database: ``mpdesk migrate`` once, servers refuse other schemas."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from tests.cli import run
from tests.conftest import FROZEN_NOW

from mpdesk.adapters.db.migrate import ensure_current, schema_state, upgrade
from mpdesk.bootstrap import bootstrap
from mpdesk.config import Settings
from mpdesk.domain.errors import SchemaVersionError


def _settings(home: Path, db_url: str, migrate_on_start: bool) -> Settings:
    return Settings(
        home=home, database_url=db_url, now=FROZEN_NOW, migrate_on_start=migrate_on_start
    )


def test_server_without_migrate_on_start_refuses_an_empty_database(home: Path, db_url: str):
    with pytest.raises(SchemaVersionError) as caught:
        bootstrap(_settings(home, db_url, migrate_on_start=False))
    assert caught.value.code == "schema_older"
    assert caught.value.fields["found"] == "—"


def test_server_refuses_an_older_schema_and_starts_after_migrate(home: Path, db_url: str):
    engine = create_engine(db_url)
    upgrade(engine, "0005_audit")
    with pytest.raises(SchemaVersionError) as caught:
        bootstrap(_settings(home, db_url, migrate_on_start=False))
    assert caught.value.fields["found"] == "0005_audit"
    upgrade(engine)
    app = bootstrap(_settings(home, db_url, migrate_on_start=False))
    assert app.engine is not None
    app.engine.dispose()
    assert ensure_current(engine).is_current
    engine.dispose()


def test_server_refuses_a_schema_of_a_newer_build(home: Path, db_url: str):
    engine = create_engine(db_url)
    upgrade(engine)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0099_from_the_future'"))
    for migrate_on_start in (False, True):  # a newer schema is never "upgraded" backwards
        with pytest.raises(SchemaVersionError) as caught:
            bootstrap(_settings(home, db_url, migrate_on_start=migrate_on_start))
        assert caught.value.code == "schema_newer"
        assert caught.value.fields["found"] == "0099_from_the_future"
    engine.dispose()


@pytest.mark.postgres
def test_two_concurrent_migrations_apply_the_history_once(pg_url: str):
    """Two machines run ``mpdesk migrate`` at the same time: the database lock lets one
    migrate; the other finds the schema current and changes nothing."""
    results: list[str | None] = []
    errors: list[BaseException] = []

    def migrate() -> None:
        engine = create_engine(pg_url)
        try:
            results.append(upgrade(engine).current)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            engine.dispose()

    threads = [threading.Thread(target=migrate) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    engine = create_engine(pg_url)
    state = schema_state(engine)
    engine.dispose()
    assert state.is_current
    assert sorted(results, key=str) == sorted([None, state.head], key=str)


def test_migrate_command_reports_before_and_after(
    empty_cli_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = run("migrate", "--json")
    assert first.code == 0, first.stderr
    assert first.json()["before"] is None and first.json()["changed"] is True
    head = first.json()["head"]
    second = run("migrate")
    assert second.code == 0
    assert head in second.stdout and "уже в актуальной схеме" in second.stdout


def test_cli_on_an_unmigrated_database_says_to_run_migrate(
    empty_cli_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MPDESK_MIGRATE_ON_START", "false")
    result = run("list")
    assert result.code == 2
    assert "mpdesk migrate" in result.stderr and "Traceback" not in result.stderr
    assert run("migrate").code == 0
    assert run("list").code == 0
