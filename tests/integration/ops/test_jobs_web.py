"""«Фоновые задачи» and ``GET /api/v1/jobs``: runs scoped to the visitor's shops."""

from __future__ import annotations

from tests.web_support import build_world, csrf_of, sign_in

from mpdesk.bootstrap import App
from mpdesk.domain.accounts import LOCAL_OWNER
from mpdesk.services import jobs
from mpdesk.services.context import JobKind


def test_jobs_page_and_api_show_runs_scoped_to_the_visitors_shops(app: App) -> None:
    world = build_world(app)
    assert app.ctx.jobs is not None
    app.ctx.jobs.extra["sync"] = JobKind(
        "sync",
        lambda ctx, shop: "загружено 3 страницы" if shop == world.shop_a else 1 / 0,  # type: ignore[return-value]
        lambda ctx: 0,
        lambda ctx: [world.shop_a, world.shop_b],
    )
    jobs.run_job(app.ctx, "sync", world.shop_a)
    jobs.run_job(app.ctx, "sync", world.shop_b)
    jobs.run_job(app.ctx, "remind")

    admin = world.api_client(world.admin_token).get("/api/v1/jobs").json()
    assert sorted((r["kind"], r["shop_id"], r["outcome"]) for r in admin) == sorted(
        [("sync", world.shop_a, "ok"), ("sync", world.shop_b, "failed"), ("remind", None, "ok")]
    )
    failed = next(r for r in admin if r["outcome"] == "failed")
    assert failed["error_code"] == "internal_error" and "ZeroDivision" not in failed["summary"]
    viewer = world.api_client(world.viewer_token).get("/api/v1/jobs").json()
    assert [(r["kind"], r["shop_id"]) for r in viewer] == [("sync", world.shop_a)]
    only_failed = world.api_client(world.admin_token).get("/api/v1/jobs?failed=true").json()
    assert [r["shop_id"] for r in only_failed] == [world.shop_b]

    client = world.client()
    assert sign_in(client, "boss").status_code == 303
    page = client.get("/jobs")
    assert page.status_code == 200
    assert "Синхронизация с маркетплейсом" in page.text and "загружено 3 страницы" in page.text
    assert "Магазин Б" in page.text and "ошибка" in page.text
    ran = client.post("/jobs/run", data={"kind": "remind", "csrf_token": csrf_of(page.text)})
    assert ran.status_code == 303
    assert len(jobs.list_jobs(app.ctx, LOCAL_OWNER, kinds=["remind"])) == 2


def test_a_viewer_cannot_start_the_installations_jobs(app: App) -> None:
    world = build_world(app)
    client = world.client()
    assert sign_in(client, "vera").status_code == 303
    page = client.get("/jobs")
    assert "Запустить сейчас" not in page.text
    refused = client.post("/jobs/run", data={"kind": "remind", "csrf_token": csrf_of(page.text)})
    assert refused.status_code == 403
    assert jobs.list_jobs(app.ctx, LOCAL_OWNER) == []
