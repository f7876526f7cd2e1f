"""An e-mail appeal without a marketplace number escalates: the follow-up and the pre-trial
claim name the original by the date and Message-ID of the e-mail that carried it."""

from __future__ import annotations

import pytest
from tests.integration.mail.test_mail_channel import Desk, parsed, reply_to

from mpdesk.domain.accounts import LOCAL_OWNER as OWNER
from mpdesk.domain.errors import UserInputError
from mpdesk.services import deadline_views, deadlines, ticket_actions


def test_follow_up_and_claim_name_the_email_by_date_and_message_id(desk: Desk) -> None:
    with pytest.raises(UserInputError) as early:  # not sent yet: nothing to refer to
        ticket_actions.follow_up(desk.app.ctx, OWNER, desk.tid)
    assert early.value.code == "follow_up_needs_submission"
    message_id = str(parsed(desk.send())["Message-ID"])
    sent = desk.ticket()
    assert sent.external_id == "" and sent.submitted_at is not None
    day = desk.app.ctx.clock.local(sent.submitted_at).strftime("%d.%m.%Y")
    assert deadline_views.ticket_clocks(desk.app.ctx, OWNER, desk.tid).follow_up_from is not None

    follow = ticket_actions.follow_up(desk.app.ctx, OWNER, desk.tid).appeal
    topic = "Расхождение при приёмке поставки № 24567891"
    assert follow.subject == f"Напоминание о письме от {day}: {topic}"
    assert f"Письмом от {day} (Message-ID {message_id}) направлено обращение" in follow.body
    assert "обращение № " not in follow.body and "обращения № " not in follow.body

    claim = deadlines.draft_claim(desk.app.ctx, OWNER, desk.tid).appeal
    assert f"(письмо от {day}, Message-ID {message_id}); вопрос не решён" in claim.body
    history = claim.body.split("История обращений:")[1].split("Обстоятельства:")[0]
    assert f"{day} — письмо от {day}, Message-ID {message_id} «" in history
    assert "обращение № «" not in claim.body


def test_a_number_from_the_answer_takes_over_from_the_message_id(desk: Desk) -> None:
    raw = desk.send()
    answer = "Ваше обращение № 0987654321 передано специалистам, ожидайте ответа."
    desk.dovecot.append(reply_to(raw, answer, "<n-1@ozon.ru>"))
    assert desk.fetch().matched == [desk.tid]
    follow = ticket_actions.follow_up(desk.app.ctx, OWNER, desk.tid).appeal
    assert follow.subject.startswith("Напоминание по обращению № 0987654321 от ")
    assert "Message-ID" not in follow.body
