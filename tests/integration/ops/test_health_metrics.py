"""``/healthz``, ``/readyz`` and ``/metrics`` of the web app, and the request id."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import text
from tests.conftest import FROZEN_NOW
from tests.web_support import World, build_world

from mpdesk.bootstrap import App, bootstrap
from mpdesk.config import Settings
from mpdesk.domain.errors import UserInputError

TOKEN = "metrics-secret-7f3a"


def _world(settings: Settings, **changes: object) -> Iterator[tuple[App, World]]:
    application = bootstrap(settings.model_copy(update=changes))
    yield application, build_world(application)
    assert application.engine is not None
    application.engine.dispose()


@pytest.fixture
def plain(settings: Settings) -> Iterator[tuple[App, World]]:
    yield from _world(settings)


@pytest.fixture
def metered(settings: Settings) -> Iterator[tuple[App, World]]:
    yield from _world(settings, metrics=True, metrics_token=SecretStr(TOKEN))


def test_healthz_and_readyz_answer_without_a_session(plain: tuple[App, World]) -> None:
    client = plain[1].client()
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready", "checks": {"database": "ok", "storage": "ok"}}


def test_readyz_is_503_with_the_reason_when_the_schema_is_from_a_newer_build(
    plain: tuple[App, World],
) -> None:
    application, world = plain
    assert application.engine is not None
    with application.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0099_newer'"))
    ready = world.client().get("/readyz")
    assert ready.status_code == 503
    assert ready.json()["checks"] == {"database": "schema_newer", "storage": "ok"}
    assert "0099" not in ready.text  # codes only, nothing of the database's internals


def test_readyz_is_503_when_the_evidence_store_cannot_be_written(
    settings: Settings, tmp_path: Path
) -> None:
    blocked = tmp_path / "not-a-dir"
    blocked.write_text("a file where the store's directory should be")
    application = bootstrap(settings)
    from mpdesk.adapters.file_store import LocalFileStore

    application.ctx.files = LocalFileStore(blocked / "files")
    world = build_world(application)
    ready = world.client().get("/readyz")
    assert ready.status_code == 503
    assert ready.json()["checks"]["storage"] == "evidence_store_unavailable"
    assert str(tmp_path) not in ready.text
    assert application.engine is not None
    application.engine.dispose()


def test_readyz_is_503_when_the_bucket_is_missing(
    home: Path, s3_endpoint: str, tmp_path: Path
) -> None:
    from tests.s3_server import ACCESS_KEY, SECRET_KEY

    application = bootstrap(
        Settings(
            home=home,
            database_url=f"sqlite:///{tmp_path / 'j.db'}",
            now=FROZEN_NOW,
            evidence_store="s3",
            s3_endpoint_url=s3_endpoint,
            s3_bucket="no-such-bucket-anywhere",
            s3_access_key_id=ACCESS_KEY,
            s3_secret_access_key=SECRET_KEY,
        )
    )
    world = build_world(application)
    ready = world.client().get("/readyz")
    assert ready.status_code == 503
    assert ready.json()["checks"] == {
        "database": "ok",
        "storage": "evidence_store_unavailable",
    }
    assert application.engine is not None
    application.engine.dispose()


def test_metrics_are_off_by_default(plain: tuple[App, World]) -> None:
    assert plain[1].client().get("/metrics").status_code == 404


def test_metrics_need_the_bearer_token(metered: tuple[App, World]) -> None:
    client = metered[1].client()
    assert client.get("/metrics").status_code == 401
    wrong = client.get("/metrics", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    assert wrong.headers["www-authenticate"] == "Bearer"
    good = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert good.status_code == 200
    assert good.headers["content-type"].startswith("text/plain")


def _samples(body: str, name: str) -> dict[str, float]:
    found = {}
    for line in body.splitlines():
        if line.startswith(name + "{"):
            labels, value = line[len(name) :].rsplit(" ", 1)
            found[labels] = float(value)
    return found


def test_request_latency_is_counted_per_route_template(metered: tuple[App, World]) -> None:
    _, world = metered
    client = world.api_client(world.admin_token)
    for _ in range(3):
        assert client.get(f"/api/v1/tickets/{world.ticket_a}").status_code == 200
    assert client.get(f"/api/v1/tickets/{world.ticket_b}").status_code == 200
    assert client.get("/no/such/page").status_code == 404
    body = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).text
    counts = _samples(body, "mpdesk_http_request_duration_seconds_count")
    per_ticket = [v for k, v in counts.items() if 'route="/api/v1/tickets/{ticket_id}"' in k]
    assert per_ticket == [4.0]  # one label set for both tickets: the template, not the path
    assert any('route="unmatched"' in k and 'status="404"' in k for k in counts)
    assert not any(f'/tickets/{world.ticket_a}"' in k for k in counts)


def test_every_response_carries_a_request_id(plain: tuple[App, World]) -> None:
    client = plain[1].client()
    mine = client.get("/healthz", headers={"X-Request-ID": "lb-abc-123"})
    assert mine.headers["x-request-id"] == "lb-abc-123"
    hostile = client.get("/healthz", headers={"X-Request-ID": "bad id\twith spaces"})
    assert hostile.headers["x-request-id"] not in ("", "bad id\twith spaces")
    first, second = client.get("/healthz"), client.get("/healthz")
    assert first.headers["x-request-id"] != second.headers["x-request-id"]


def test_metrics_without_a_guard_are_refused(settings: Settings) -> None:
    application = bootstrap(settings.model_copy(update={"metrics": True}))
    with pytest.raises(UserInputError) as caught:
        build_world(application)
    assert caught.value.code == "metrics_unguarded"
    assert application.engine is not None
    application.engine.dispose()


def test_job_runs_and_their_age_per_shop_are_in_the_metrics(metered: tuple[App, World]) -> None:
    from mpdesk.services import jobs
    from mpdesk.services.context import JobKind

    application, world = metered
    assert application.ctx.jobs is not None
    application.ctx.jobs.extra["sync"] = JobKind(
        "sync", lambda ctx, shop: "ok", lambda ctx: 0, lambda ctx: [world.shop_a]
    )
    jobs.run_job(application.ctx, "sync", world.shop_a)
    jobs.run_job(application.ctx, "remind")
    body = world.client().get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).text
    runs = _samples(body, "mpdesk_jobs_total")
    assert runs == {
        '{kind="sync",outcome="ok"}': 1.0,
        '{kind="remind",outcome="ok"}': 1.0,
    }
    ages = _samples(body, "mpdesk_job_last_success_age_seconds")
    assert ages == {  # the clock is frozen: the runs ended "now"
        f'{{kind="sync",shop_id="{world.shop_a}"}}': 0.0,
        '{kind="remind",shop_id=""}': 0.0,
    }
