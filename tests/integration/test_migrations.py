"""One Alembic history: an empty database and a database left at any earlier revision both
upgrade to the one head, and end with the same schema, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, inspect, text

from mpdesk.adapters.db.migrate import MIGRATIONS, upgrade
from mpdesk.adapters.db.uow import make_engine


def _script() -> ScriptDirectory:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(cfg)


def _schema(engine: Engine) -> dict[str, tuple[list[str], list[str]]]:
    found = inspect(engine)
    return {
        table: (
            sorted(c["name"] for c in found.get_columns(table)),
            sorted(str(i["name"]) for i in found.get_indexes(table)),
        )
        for table in found.get_table_names()
    }


def _version(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return [row[0] for row in conn.execute(text("SELECT version_num FROM alembic_version"))]


def test_the_history_has_one_head() -> None:
    assert len(_script().get_heads()) == 1


def test_every_earlier_revision_upgrades_to_the_head(db_url: str, tmp_path: Path) -> None:
    script = _script()
    (head,) = script.get_heads()
    engines: list[Engine] = []

    def fresh(name: str) -> Engine:
        if db_url.startswith("sqlite"):
            engine = make_engine(f"sqlite:///{tmp_path / name}.db")
        else:  # one schema per database, inside the test's own schema's database
            schema = f"{db_url.rsplit('%3D', 1)[1]}_{len(engines)}"
            with create_engine(db_url).begin() as conn:
                conn.execute(text(f'CREATE SCHEMA "{schema}"'))
            engine = make_engine(db_url.rsplit("%3D", 1)[0] + "%3D" + schema)
        engines.append(engine)
        return engine

    try:
        reference = fresh("empty")
        upgrade(reference)
        assert _version(reference) == [head]
        expected = _schema(reference)
        for revision in script.walk_revisions():
            if revision.revision == head:
                continue
            engine = fresh(revision.revision)
            upgrade(engine, revision.revision)
            upgrade(engine)
            assert _version(engine) == [head], revision.revision
            assert _schema(engine) == expected, revision.revision
    finally:
        for engine in engines:
            if engine.dialect.name == "postgresql":
                schema = engine.url.query["options"].rsplit("=", 1)[1]
                engine.dispose()
                with create_engine(db_url).begin() as conn:
                    conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            engine.dispose()
