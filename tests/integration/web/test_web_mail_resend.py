"""After an interrupted send the web asks for confirmation and the API answers 409 with a
code, against aiosmtpd and Dovecot; the Sent folder is searched first."""

from __future__ import annotations

import pytest
from tests.integration.web.test_web_mail import email_ticket, servers  # noqa: F401
from tests.mail_servers import Dovecot, SmtpSink
from tests.web_support import World, csrf_of, sign_in

from mpdesk.bootstrap import App
from mpdesk.domain.mail import MailDirection, MailRecord
from mpdesk.services.mail_send import mail_ports


def interrupted(app: App, shop_id: int, tid: int, message_id: str) -> None:
    """What a send that died after the server's acceptance leaves: a pending ledger entry."""
    with mail_ports(app.ctx).uow() as uow:
        uow.mail.add(MailRecord(shop_id, MailDirection.PENDING, message_id, "Тема",
                                "shop@example.ru", app.ctx.clock.now(), "Текст", ticket_id=tid,
                                message_id=message_id))  # fmt: skip
        uow.commit()


@pytest.mark.usefixtures("servers")
def test_the_page_asks_before_sending_again_and_the_api_answers_409(
    app: App, world: World, smtp: SmtpSink, dovecot: Dovecot
) -> None:
    tid = email_ticket(app, world)
    interrupted(app, world.shop_b, tid, "<mpd.lost@example.ru>")
    web = world.client()
    sign_in(web, "max")
    page = web.get(f"/tickets/{tid}")
    asked = web.post(f"/tickets/{tid}/mail", data={"csrf_token": csrf_of(page.text)})
    assert asked.status_code == 303 and asked.headers["location"].endswith("?ask=resend#mail-form")
    confirm = web.get(asked.headers["location"].split("#")[0]).text
    assert 'id="mail-unconfirmed"' in confirm and "Всё равно отправить" in confirm
    assert 'name="resend" value="1"' in confirm and smtp.messages == []
    sent = web.post(f"/tickets/{tid}/mail", data={"csrf_token": csrf_of(confirm), "resend": "1"})
    assert sent.headers["location"] == f"/tickets/{tid}?done=mailed" and len(smtp.messages) == 1

    second = email_ticket(app, world)
    interrupted(app, world.shop_b, second, "<mpd.lost2@example.ru>")
    api = world.api_client(world.manager_token)
    refused = api.post(f"/api/v1/tickets/{second}/mail")
    assert refused.status_code == 409
    body = refused.json()
    assert body["code"] == "mail_send_unconfirmed" and body["fields"]["reason"] == "not_found"
    assert body["fields"]["message_id"] == "<mpd.lost2@example.ru>" and len(smtp.messages) == 1
    again = api.post(f"/api/v1/tickets/{second}/mail", params={"resend": "true"})
    assert again.status_code == 200 and again.json()["status"] == "submitted"
    assert len(smtp.messages) == 2
