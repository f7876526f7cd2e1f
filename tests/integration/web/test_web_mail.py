"""The e-mail channel on the web pages and in the API, against aiosmtpd and Dovecot: the
«Отправить письмом» button, the unmatched inbox and its assign form, the API endpoints and
their error envelope."""

from __future__ import annotations

from email.message import EmailMessage

import pytest
from tests.mail_servers import Dovecot, SmtpSink, loopback_mailbox
from tests.web_support import World, csrf_of, sign_in

from mpdesk.bootstrap import App
from mpdesk.domain.accounts import LOCAL_OWNER as OWNER
from mpdesk.domain.appeal import AppealDraft
from mpdesk.domain.identifiers import Identifier, IdType
from mpdesk.services import journal
from mpdesk.services.mail_send import configure_mailbox


@pytest.fixture
def servers(
    app: App, world: World, monkeypatch: pytest.MonkeyPatch, smtp: SmtpSink, dovecot: Dovecot
) -> tuple[SmtpSink, Dovecot]:
    monkeypatch.setenv("MPDESK_TEST_WEB_MAIL_PASSWORD", dovecot.password)
    box = loopback_mailbox(smtp, dovecot, "MPDESK_TEST_WEB_MAIL_PASSWORD")
    configure_mailbox(app.ctx, OWNER, world.shop_b, box)
    return smtp, dovecot


def email_ticket(app: App, world: World) -> int:
    draft = AppealDraft(
        "ozon",
        "acceptance",
        "На складе приняли 95 коробов из 100, акт приёмки прилагаем.",
        [Identifier(IdType.SUPPLY_ID, "24567891")],
        channel_id="ozon_sellersup_email",
    )
    ticket = journal.open_ticket(app.ctx, OWNER, draft, shop_id=world.shop_b).ticket
    assert ticket.id is not None
    return ticket.id


def test_the_button_sends_the_appeal_and_the_inbox_page_assigns_a_stray_answer(
    app: App, world: World, servers: tuple[SmtpSink, Dovecot]
) -> None:
    sink, imap = servers
    tid = email_ticket(app, world)
    web = world.client()
    sign_in(web, "max")
    portal = web.get(f"/tickets/{world.ticket_b}")
    assert portal.status_code == 200 and "Отправить письмом" not in portal.text
    page = web.get(f"/tickets/{tid}")
    assert "Отправить письмом" in page.text and "sellersup@ozon.ru" in page.text

    sent = web.post(f"/tickets/{tid}/mail", data={"csrf_token": csrf_of(page.text)})
    assert sent.status_code == 303 and sent.headers["location"] == f"/tickets/{tid}?done=mailed"
    assert len(sink.messages) == 1
    assert "Письмо отправлено" in web.get(sent.headers["location"]).text

    stray = EmailMessage()
    stray["From"], stray["To"] = "manager@agency.ru", "shop@example.ru"
    stray["Subject"], stray["Message-ID"] = "Пересылаю ответ Ozon", "<fwd-1@agency.ru>"
    stray.set_content("Ozon просит прислать фото упаковки <script>alert(1)</script>.")
    imap.append(bytes(stray))
    inbox = web.get("/mail/inbox")
    fetched = web.post("/mail/fetch", data={"csrf_token": csrf_of(inbox.text)})
    assert fetched.status_code == 303
    inbox = web.get("/mail/inbox?done=fetched")
    assert "manager@agency.ru" in inbox.text and "<script>alert" not in inbox.text
    api = world.api_client(world.manager_token)
    (waiting,) = api.get("/api/v1/mail/inbox").json()
    assigned = web.post(
        f"/mail/{waiting['id']}/assign", data={"csrf_token": csrf_of(inbox.text), "ticket_id": tid}
    )
    assert assigned.status_code == 303 and assigned.headers["location"].startswith(
        f"/tickets/{tid}"
    )
    assert "Нераспознанных писем нет." in web.get("/mail/inbox").text
    bad = web.post(
        f"/mail/{waiting['id']}/assign",
        data={"csrf_token": csrf_of(inbox.text), "ticket_id": "abc"},
    )
    assert bad.status_code == 422 and "не номер обращения" in bad.text


def test_the_api_sends_fetches_and_assigns_with_one_error_envelope(
    app: App, world: World, servers: tuple[SmtpSink, Dovecot]
) -> None:
    sink, imap = servers
    tid = email_ticket(app, world)
    viewer = world.api_client(world.viewer_token)
    assert viewer.post(f"/api/v1/tickets/{tid}/mail").status_code == 404
    api = world.api_client(world.manager_token)

    sink.refuse = "552 5.3.4 Message too big"
    refused = api.post(f"/api/v1/tickets/{tid}/mail")
    assert refused.status_code == 502
    body = refused.json()
    assert body["ok"] is False and body["code"] == "mail_send_failed"
    assert "Обращение не изменилось" in body["message"]
    assert api.get(f"/api/v1/tickets/{tid}").json()["status"] in ("draft", "ready")

    sink.refuse = ""
    sent = api.post(f"/api/v1/tickets/{tid}/mail")
    assert sent.status_code == 200 and sent.json()["status"] == "submitted"
    stray = EmailMessage()
    stray["From"], stray["To"] = "someone@else.ru", "shop@example.ru"
    stray["Subject"], stray["Message-ID"] = "Вопрос", "<q-1@else.ru>"
    stray.set_content("Ваше обращение закрыто, компенсация начислена.")
    imap.append(bytes(stray))
    report = api.post("/api/v1/mail/fetch", params={"shop_id": world.shop_b})
    assert report.status_code == 200
    assert report.json() == [
        {"shop_id": world.shop_b, "fetched": 1, "matched": 0, "unmatched": 1, "duplicates": 0,
         "tickets": [], "notified": {}, "recovered": []}
    ]  # fmt: skip
    (waiting,) = api.get("/api/v1/mail/inbox").json()
    assert waiting["sender"] == "someone@else.ru" and waiting["ticket_id"] is None
    assert viewer.get("/api/v1/mail/inbox").json() == []
    other = api.post(f"/api/v1/mail/{waiting['id']}/assign", json={"ticket_id": world.ticket_a})
    assert other.status_code == 404
    assert api.get(f"/api/v1/tickets/{tid}/answer").json() is None
    done = api.post(f"/api/v1/mail/{waiting['id']}/assign", json={"ticket_id": tid})
    assert done.status_code == 200 and done.json()["status"] == "answered"
    reading = api.get(f"/api/v1/tickets/{tid}/answer").json()
    assert reading["answer_class"] == "resolved" and reading["next_step"]["kind"] == "close"
    assert reading["text"][0] == "Решение: решено"
    again = api.post(f"/api/v1/mail/{waiting['id']}/assign", json={"ticket_id": tid})
    assert again.status_code == 422 and again.json()["code"] == "mail_already_assigned"
