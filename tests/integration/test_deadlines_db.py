"""Deadlines, claims, reminders and analytics on real SQLite and PostgreSQL journals."""

from __future__ import annotations

import email
import email.policy
import json
import threading
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr
from tests.cli import run
from tests.servers import free_port

from mpdesk.bootstrap import App, bootstrap
from mpdesk.config import Settings
from mpdesk.domain.accounts import LOCAL_OWNER as OWNER
from mpdesk.domain.errors import NotificationError, UserInputError
from mpdesk.domain.identifiers import Identifier, IdType
from mpdesk.domain.tickets import Status, Ticket
from mpdesk.services import analytics, deadlines, jobs, monthly_report, reminders, ticket_actions
from mpdesk.services.ports.analytics import StatsFilter

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)  # a Monday


def add(app: App, shop_id: int, **kw: Any) -> Ticket:
    base: dict[str, Any] = {
        "shop_id": shop_id,
        "marketplace": "wb",
        "category": "finance",
        "subject": "Недоплата по отчёту",
        "body": "b",
        "description": "Удержали штраф в еженедельном отчёте",
        "created_at": T0,
        "updated_at": T0,
        "channel_id": "wb_service_desk",
    }
    base.update(kw)
    ticket = Ticket(**base)
    with app.ctx.uow() as uow:
        uow.tickets.add(ticket)
        uow.commit()
    return ticket


def shops(app: App) -> tuple[int, int]:
    with app.ctx.uow() as uow:
        wb = uow.shops.add("ВБ", "wb", True, T0)
        oz = uow.shops.add("Озон", "ozon", True, T0)
        uow.commit()
    return wb.id, oz.id


def journal_with_known_answers(app: App) -> None:
    wb, oz = shops(app)
    sku = [Identifier(IdType.SKU, "12345678")]
    sent = T0 + timedelta(hours=1)
    for i, minutes in enumerate((60, 61, 62, 63)):  # four answers in the [60, 90) bucket
        status = (Status.RESOLVED, Status.RESOLVED, Status.REJECTED, Status.ANSWERED)[i]
        closed = sent + timedelta(hours=10) if status is not Status.ANSWERED else None
        add(app, wb, status=status, submitted_at=sent,
            first_answer_at=sent + timedelta(minutes=minutes), closed_at=closed,
            amount_claimed="100.00" if i < 2 else None,
            amount_recovered="50.00" if i == 0 else None,
            identifiers=sku if i < 3 else [])  # fmt: skip
    add(
        app,
        wb,
        status=Status.ANSWERED,
        submitted_at=sent,
        first_answer_at=sent + timedelta(hours=50),
    )  # late: the channel answers in 48 h
    add(
        app,
        oz,
        marketplace="ozon",
        category="logistics",
        channel_id="ozon_seller_support",
        status=Status.SUBMITTED,
        submitted_at=sent,
        reply_due_at=sent + timedelta(hours=48),
        created_at=T0 + timedelta(days=7),
        updated_at=T0 + timedelta(days=7),
    )  # overdue now
    add(app, oz, marketplace="ozon", category="logistics", channel_id="ozon_seller_support",
        status=Status.DRAFT, created_at=T0 + timedelta(days=8),
        updated_at=T0 + timedelta(days=8))  # fmt: skip


def test_stats_on_a_journal_with_known_answers(app: App) -> None:
    journal_with_known_answers(app)
    stats = analytics.compute_stats(app.ctx, StatsFilter(), ["marketplace"], recurring=True)
    total = stats.total
    assert (total.total, total.resolved, total.rejected, total.open) == (7, 2, 1, 4)
    assert total.resolution_rate == 0.6667
    assert (total.late_answers, total.overdue, total.breaches) == (1, 1, 2)
    assert (total.claimed, total.recovered, total.recovery_rate) == ("200.00", "50.00", 0.25)
    wb, ozon = stats.rows[1], stats.rows[0]
    assert (wb.keys, ozon.keys) == ({"marketplace": "wb"}, {"marketplace": "ozon"})
    assert wb.first_answer_median_h == 1.31  # rank 2.5 of 4 in [60, 90): 60 + 30 × 2.5/4 min
    assert ozon.first_answer_median_h is None and ozon.total == 2
    assert wb.resolution_median_h == 11.0  # two resolutions in [600, 720): 600 + 120 × 1/2
    (repeated,) = stats.repeated_identifiers
    assert (repeated.id_type, repeated.value, repeated.tickets) == ("sku", "12345678", 3)
    assert [c.ticket_ids for c in stats.similar_texts] == [(1, 2, 3, 4, 5), (6, 7)]

    weeks = analytics.compute_stats(app.ctx, StatsFilter(), ["week"])
    assert [(r.keys["week"], r.total) for r in weeks.rows] == [("2026-11-02", 5), ("2026-11-09", 2)]
    one_week = StatsFilter(day_from=date(2026, 11, 9), day_to=date(2026, 11, 16))
    assert analytics.compute_stats(app.ctx, one_week).total.total == 2

    # a change is picked up by the incremental refresh
    ticket_actions.change_status(app.ctx, OWNER, 4, Status.RESOLVED, amount_recovered="30.00")
    after = analytics.compute_stats(app.ctx, StatsFilter()).total
    assert (after.resolved, after.recovered) == (3, "80.00")
    assert analytics.refresh(app.ctx) == 0  # nothing changed since
    assert analytics.refresh(app.ctx, full=True) == 3  # three local days hold tickets


def test_dashboard_and_monthly_report_are_self_contained(app: App, tmp_path: Path) -> None:
    journal_with_known_answers(app)
    board = analytics.dashboard(app.ctx, weeks=4)
    assert board.total.total == 7 and len(board.weeks) == 4
    assert all(svg.startswith("<svg") and "http://www.w3.org/2000/svg" in svg
               for svg in board.charts.values())  # fmt: skip
    html = monthly_report.monthly_report(app.ctx, "2026-11")
    assert "<svg" in html and "12345678" in html and "cdn" not in html.lower()
    assert "<script" not in html
    with pytest.raises(UserInputError):
        monthly_report.monthly_report(app.ctx, "2026-13")


def test_claim_records_a_linked_ticket_and_the_court_date(app: App) -> None:
    wb, _ = shops(app)
    now = app.ctx.clock.now()
    root = add(app, wb, amount_claimed="12500.00", created_at=now, updated_at=now)
    with pytest.raises(UserInputError) as not_sent:
        deadlines.draft_claim(app.ctx, OWNER, root.id or 0)
    assert not_sent.value.code == "claim_needs_submission"
    ticket_actions.submit_ticket(app.ctx, OWNER, root.id or 0, "SD-1")
    ticket_actions.record_reply(app.ctx, OWNER, root.id or 0, "Отказано: недостаточно данных")
    follow = ticket_actions.follow_up(app.ctx, OWNER, root.id or 0)
    assert "SD-1" in follow.appeal.body and "20.11.2026" in follow.appeal.body
    opened = deadlines.draft_claim(app.ctx, OWNER, follow.ticket.id or 0)
    claim = opened.ticket
    assert claim.parent_id == root.id and claim.amount_claimed == "12500.00"
    assert "История обращений" in claim.body and "Отказано" in claim.body
    assert "12 500,00 ₽" in opened.appeal.subject
    with pytest.raises(UserInputError):
        deadlines.draft_claim(app.ctx, OWNER, root.id or 0)
    ticket_actions.submit_ticket(app.ctx, OWNER, claim.id or 0, "CLAIM-1")
    clocks = deadlines.case_clocks(app.ctx, OWNER, root.id or 0)
    assert [t.id for t in clocks.case.follow_ups] == [follow.ticket.id]
    assert clocks.ladder.step.value == "claim_wait"
    court = clocks.ladder.court_possible_at
    assert court is not None and court.date() == date(2026, 12, 22)


class FakeNotifier:
    def __init__(self, channel: str, fail: bool = False) -> None:
        self.channel, self.fail, self.sent = channel, fail, []  # type: ignore[var-annotated]

    def send(self, subject: str, text: str) -> None:
        if self.fail:
            raise NotificationError(self.channel, "down")
        self.sent.append((subject, text))


def test_reminders_are_sent_once_per_event(app: App) -> None:
    wb, _ = shops(app)
    now = app.ctx.clock.now()
    t = add(app, wb, status=Status.SUBMITTED, submitted_at=now - timedelta(hours=49),
            reply_due_at=now - timedelta(hours=1), external_id="SD-9")  # fmt: skip
    ports = deadlines.deadline_ports(app.ctx)
    good, broken = FakeNotifier("email"), FakeNotifier("telegram", fail=True)
    ports.notifiers = [good, broken]
    first = reminders.send_reminders(app.ctx)
    assert first.sent == {"email": 2} and first.errors == {"telegram": "down"}
    assert "SD-9" in good.sent[0][1] and "просрочено" in good.sent[0][1]
    second = reminders.send_reminders(app.ctx)
    assert second.sent == {"email": 0} and len(good.sent) == 1  # never twice
    broken.fail = False
    third = reminders.send_reminders(app.ctx)
    assert third.sent == {"email": 0, "telegram": 2}  # failed delivery is retried
    assert ports.reminders.sent_count() == 4
    assert t.id is not None


# --- fake Bot API and SMTP sink, through the CLI ------------------------------------------------


@pytest.fixture
def bot_api() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    received: list[dict[str, Any]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            received.append({"path": self.path, **body})
            data = json.dumps({"ok": True, "result": {"message_id": len(received)}}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", received
    server.shutdown()
    server.server_close()


@pytest.fixture
def smtp_sink() -> Iterator[tuple[int, list[bytes]]]:
    from aiosmtpd.controller import Controller

    messages: list[bytes] = []

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            messages.append(envelope.content)
            return "250 OK"

    port = free_port()
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    yield port, messages
    controller.stop()


def test_remind_command_delivers_digests_to_telegram_and_email(
    cli_env: Path,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    bot_api: tuple[str, list[dict[str, Any]]],
    smtp_sink: tuple[int, list[bytes]],
) -> None:
    from mpdesk.entrypoints.cli import state

    url, updates = bot_api
    port, mails = smtp_sink
    for key, value in {
        "TELEGRAM_BOT_TOKEN": "123:secret",
        "TELEGRAM_CHAT_ID": "42",
        "TELEGRAM_API_URL": url,
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(port),
        "SMTP_STARTTLS": "false",
        "REMIND_EMAIL_TO": "seller@example.org",
    }.items():
        monkeypatch.setenv(f"MPDESK_{key}", value)
    state.reset()
    created = run(
        *("new", "-m", "wb", "-c", "acceptance", "-t", "Приняли меньше коробов"),
        *("--supply", "24567891", "--date", "2026-11-18", "--no-interactive", "--json"),
    )
    tid = str(created.json()["ticket"]["id"])
    assert run("submit", tid, "--external-id", "SD-77").code == 0
    monkeypatch.setenv("MPDESK_NOW", "2026-11-22T13:30:00+03:00")
    state.reset()
    due = run("due", "--json").json()
    assert due["overdue"][0]["overdue_seconds"] == 3 * 3600 + 30 * 60
    assert {"type": "supply_id", "value": "24567891"} in due["overdue"][0]["ticket"]["identifiers"]
    first = run("remind", "--json")
    assert first.code == 0, first.stderr
    assert first.json()["sent"] == {"email": 2, "telegram": 2}
    assert len(updates) == 1 and updates[0]["chat_id"] == "42"
    assert updates[0]["path"] == "/bot123:secret/sendMessage" and "SD-77" in updates[0]["text"]
    (mail,) = [email.message_from_bytes(m, policy=email.policy.default) for m in mails]
    assert "SD-77" in mail.get_body().get_content()  # type: ignore[union-attr]
    assert str(mail["Subject"]).startswith("mpdesk: просрочено")
    again = run("remind")
    assert again.code == 0 and "Новых событий" in again.stdout
    assert len(updates) == 1 and len(mails) == 1
    preview = run("remind", "--dry-run", "--json").json()["preview"]
    assert "SD-77" in preview["text"]
    assert "123:secret" not in run("config", "show").stdout


def test_remind_without_channels_explains_the_settings(cli_env: Path) -> None:
    result = run("remind")
    assert result.code == 2 and "MPDESK_SMTP_HOST" in result.stderr


def test_stats_and_report_commands(cli_env: Path, tmp_path: Path) -> None:
    run("new", "-m", "wb", "-c", "finance", "-t", "Удержали штраф", "--sku", "12345678",
        "--amount", "500", "--no-interactive")  # fmt: skip
    stats = run("stats", "--group-by", "category", "--json", "--xlsx", str(tmp_path / "s.xlsx"))
    assert stats.code == 0 and stats.json()["total"]["total"] == 1
    assert (tmp_path / "s.xlsx").stat().st_size > 0
    rebuilt = run("stats", "--refresh-full", "--json")
    assert rebuilt.code == 0 and rebuilt.json()["rollup_rebuilt"]["days"] == 1
    assert rebuilt.json()["total"]["total"] == 1
    assert "пересчитан заново: 1 дн." in run("stats", "--refresh-full").stdout
    bad = run("stats", "--group-by", "colour")
    assert bad.code == 2
    out = tmp_path / "report.html"
    report = run("report", "monthly", "--month", "2026-11", "-o", str(out))
    assert report.code == 0 and "<svg" in out.read_text(encoding="utf-8")
    assert run("escalation", "1", "--json").json()["reason"] == "not_submitted"


def test_findings_money_is_added_when_the_audit_table_exists(app: App) -> None:
    from sqlalchemy import MetaData, Table, inspect

    assert app.engine is not None
    if not inspect(app.engine).has_table("findings"):
        pytest.skip("the audit part (findings table) is not installed")
    wb, _ = shops(app)
    findings = Table("findings", MetaData(), autoload_with=app.engine)
    base = {"kind": "penalty", "marketplace": "wb", "category": "finance", "shop_id": wb,
            "status": "new", "finding_keys": [], "details": {}, "evidence": [],
            "group_key": "", "comment": "", "created_at": T0.replace(tzinfo=None),
            "updated_at": T0.replace(tzinfo=None)}  # fmt: skip
    with app.engine.begin() as conn:
        conn.execute(findings.insert(), [
            {**base, "id": "f1", "amount": 120050, "amount_recovered": 20000},
            {**base, "id": "f2", "amount": 10000, "amount_recovered": None},
        ])  # fmt: skip
    stats = analytics.compute_stats(app.ctx, StatsFilter())
    assert stats.findings == {
        "count": 2,
        "at_stake": "1300.50",
        "recovered": "200.00",
        "recovery_rate": 0.1538,
    }


# --- the reminder loop of mpdesk serve --------------------------------------------------------


def _notifying_app(settings: Settings, bot_url: str) -> App:
    """A server process's bootstrap with the seller's bot pointed at the fake Bot API."""
    return bootstrap(
        settings.model_copy(
            update={
                "telegram_bot_token": SecretStr("123:secret"),
                "telegram_chat_id": "42",
                "telegram_api_url": bot_url,
            }
        )
    )


def _overdue_ticket(app: App) -> None:
    wb, _ = shops(app)
    now = app.ctx.clock.now()
    add(app, wb, status=Status.SUBMITTED, submitted_at=now - timedelta(hours=49),
        reply_due_at=now - timedelta(hours=1), external_id="SD-31")  # fmt: skip


def _wait_for(condition: Any, seconds: float = 15.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_the_servers_loop_sends_a_due_reminder_once(
    settings: Settings, bot_api: tuple[str, list[dict[str, Any]]]
) -> None:
    """uvicorn on 127.0.0.1 runs the app's lifespan, which starts the job loop; its reminder
    job sends the digest to the fake Bot API once, and not again on the next ticks."""
    import uvicorn
    from tests.web_support import fast_web_context

    from mpdesk.entrypoints.web.app import create_app

    url, updates = bot_api
    application = _notifying_app(settings, url)
    _overdue_ticket(application)
    api = create_app(application, fast_web_context(application))
    api.state.job_tick_seconds = 0.05
    server = uvicorn.Server(
        uvicorn.Config(api, host="127.0.0.1", port=free_port(), log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        _wait_for(lambda: bool(updates))
        loop = api.state.job_loop
        _wait_for(lambda: bool(loop.last_runs))
        # six more ticks ran: the reminder job is not due again within the hour
        assert loop.wait_ticks(loop.ticks + 6, timeout=30)
        (run,) = loop.last_runs
        assert (run.kind, run.outcome.value) == ("remind", "ok")
        assert "telegram: 2" in run.summary  # the reply and the follow-up clock
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        if application.engine is not None:
            application.engine.dispose()
    assert not thread.is_alive() and loop._thread is None  # stopped with the server
    assert len(updates) == 1
    assert updates[0]["path"] == "/bot123:secret/sendMessage" and "SD-31" in updates[0]["text"]


def test_two_server_processes_send_a_reminder_once(
    settings: Settings, bot_api: tuple[str, list[dict[str, Any]]]
) -> None:
    """Two processes on one journal start their loops together: the job lock (advisory lock on
    PostgreSQL, file lock on SQLite), job_runs and the ledger leave exactly one message."""
    url, updates = bot_api
    first, second = _notifying_app(settings, url), _notifying_app(settings, url)
    _overdue_ticket(first)
    loops = [jobs.JobLoop(a.ctx, tick_seconds=0.02) for a in (first, second)]
    try:
        for loop in loops:
            loop.start()
        _wait_for(lambda: bool(updates))
        # both loops ticked six more times after the message: neither sent a second one
        marks = [loop.ticks for loop in loops]
        assert all(loop.wait_ticks(m + 6, timeout=30) for loop, m in zip(loops, marks, strict=True))
    finally:
        for loop in loops:
            loop.stop()
        for a in (first, second):
            if a.engine is not None:
                a.engine.dispose()
    assert len(updates) == 1


def test_the_reminder_job_is_due_only_with_a_channel_and_when_turned_on(app: App) -> None:
    assert jobs.due_jobs(app.ctx) == []  # no channel configured
    deadlines.deadline_ports(app.ctx).notifiers = [FakeNotifier("email")]
    assert jobs.due_jobs(app.ctx) == [("remind", None)]
    jobs.job_ports(app.ctx).remind_in_server = False  # mpdesk serve --no-remind
    assert jobs.due_jobs(app.ctx) == []


def test_rollup_sees_a_change_stamped_at_its_watermark(app: App) -> None:
    """A save with the same ``updated_at`` as the watermark (a frozen clock, a late commit)
    is found by the version of the ticket at the watermark's edge."""
    wb, _ = shops(app)
    ticket = add(app, wb, status=Status.SUBMITTED, submitted_at=T0)
    assert analytics.compute_stats(app.ctx, StatsFilter()).total.open == 1
    with app.ctx.uow() as uow:
        stored = uow.tickets.get(ticket.id or 0)
        assert stored is not None
        stored.status, stored.closed_at = Status.RESOLVED, T0  # updated_at stays T0
        uow.tickets.save(stored)
        uow.commit()
    total = analytics.compute_stats(app.ctx, StatsFilter()).total
    assert (total.open, total.resolved) == (0, 1)
    assert analytics.refresh(app.ctx) == 0  # nothing new: no day recomputed
