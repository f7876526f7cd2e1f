"""``mpdesk jobs`` and ``mpdesk worker`` on the single seller's SQLite journal."""

from __future__ import annotations

from pathlib import Path

from tests.cli import run


def test_worker_needs_postgres(cli_env: Path) -> None:
    result = run("worker")
    assert result.code == 2
    assert "PostgreSQL" in result.stderr and "Traceback" not in result.stderr


def test_run_a_job_now_and_see_it_in_the_list(cli_env: Path) -> None:
    assert run("jobs", "list").stdout.strip() == "Фоновые задачи ещё не выполнялись."
    done = run("jobs", "run", "remind", "--json")
    assert done.code == 0, done.stderr
    assert done.json()["outcome"] == "ok" and done.json()["kind_label"] == "Напоминания о сроках"
    listed = run("jobs", "list", "--json").json()
    assert [(r["kind"], r["outcome"]) for r in listed] == [("remind", "ok")]
    human = run("jobs", "list").stdout
    assert "Напоминания" in human and "выполнено" in human  # cells wrap, never cut


def test_bad_job_requests_are_refused_in_russian(cli_env: Path) -> None:
    unknown = run("jobs", "run", "defrag")
    assert unknown.code == 2 and "defrag" in unknown.stderr
    no_shop = run("jobs", "run", "mail_fetch")
    assert no_shop.code == 2 and "--shop" in no_shop.stderr
    assert run("jobs", "list", "--kind", "defrag").code == 2
