"""Reading one answer: the contract's classes and tie-breaks, appeal numbers, amounts and
requested items (the shipped lexicon)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from mpdesk.domain.answers.lexicon import AnswerClass, AnswerLexicon, RequestKind
from mpdesk.domain.answers.reading import read_answer

C = AnswerClass


def cls(text: str, lex: AnswerLexicon, **kw: object) -> AnswerClass:
    return read_answer(text, lex, **kw).answer_class  # type: ignore[arg-type]


def test_a_quoted_credit_does_not_decide_a_refusal(lex: AnswerLexicon) -> None:
    text = (
        "Здравствуйте! Повторная проверка: оснований для компенсации нет.\n\n"
        "01.12.2025, 10:00, Поддержка <s@example.ru>:\n> Компенсация начислена, 500 руб."
    )
    reading = read_answer(text, lex)
    assert reading.answer_class is C.REFUSED
    assert reading.amount is None
    assert reading.has_quote


def test_a_refusal_that_asks_for_video_is_a_refusal(lex: AnswerLexicon) -> None:
    text = "В компенсации отказано. Если не согласны, приложите видео вскрытия."
    reading = read_answer(text, lex)
    assert reading.answer_class is C.REFUSED
    assert reading.requested == ()  # requested only for needs_data


def test_partial_compensation_is_resolved_with_the_credited_sum(lex: AnswerLexicon) -> None:
    text = (
        "Компенсация начислена за 2 единицы: 1 300,50 руб. из заявленных 4 000 руб. "
        "В остальной части отказано."
    )
    reading = read_answer(text, lex)
    assert reading.answer_class is C.RESOLVED
    assert reading.amount == Decimal("1300.50")


def test_a_bare_registration_with_a_number_is_an_auto_reply(lex: AnswerLexicon) -> None:
    reading = read_answer("Ваше обращение №20251234 зарегистрировано.", lex)
    assert reading.answer_class is C.AUTO_REPLY
    assert reading.appeal_number == "20251234"


def test_a_number_passed_to_specialists_is_no_decision(lex: AnswerLexicon) -> None:
    text = "Ваше обращение №20251234 зарегистрировано и передано специалистам."
    assert cls(text, lex) is C.NO_DECISION


def test_the_last_decision_counts(lex: AnswerLexicon) -> None:
    text = (
        "Сначала мы отказали в компенсации. После повторной проверки компенсация начислена "
        "в отчёте за неделю."
    )
    assert cls(text, lex) is C.RESOLVED
    reverse = "Компенсация начислена в отчёте. Однако затем в компенсации отказано."
    assert cls(reverse, lex) is C.REFUSED


@pytest.mark.parametrize(
    "text",
    [
        "Компенсация не будет начислена.",
        "Штраф начислен правомерно и отменён не будет.",
        "Претензия оставлена без удовлетворения.",
    ],
)
def test_a_negated_credit_is_a_refusal(text: str, lex: AnswerLexicon) -> None:
    assert cls(text, lex) is C.REFUSED


def test_a_credit_under_a_condition_is_not_a_decision(lex: AnswerLexicon) -> None:
    text = "Если факт утери подтвердится, компенсация будет начислена. Ожидайте."
    assert cls(text, lex) is not C.RESOLVED


def test_a_credit_from_the_past_is_not_the_decision(lex: AnswerLexicon) -> None:
    text = "Ранее компенсация уже была начислена. Повторное начисление не предусмотрено."
    assert cls(text, lex) is C.REFUSED


def test_requested_items_map_to_contract_kinds(lex: AnswerLexicon) -> None:
    text = "Приложите, пожалуйста, фото упаковки, УПД и укажите номер поставки и дату отгрузки."
    reading = read_answer(text, lex)
    assert reading.answer_class is C.NEEDS_DATA
    assert set(reading.requested) == {
        RequestKind.EVIDENCE,
        RequestKind.IDENTIFIER,
        RequestKind.DATE,
    }
    assert {"photo", "upd", "supply_number", "date"} <= set(reading.details)


def test_a_closing_offer_to_write_again_is_not_a_request(lex: AnswerLexicon) -> None:
    text = "Ваш вопрос передан специалистам. Если остались вопросы, сообщите нам."
    assert cls(text, lex) is C.NO_DECISION


def test_an_out_of_office_subject_or_header_makes_an_auto_reply(lex: AnswerLexicon) -> None:
    assert cls("Буду 15 декабря.", lex, subject="Автоответ: Re: поставка") is C.AUTO_REPLY
    assert cls("Буду 15 декабря.", lex, auto_submitted=True) is C.AUTO_REPLY
    assert cls("Буду 15 декабря.", lex) is C.NO_DECISION


def test_an_answer_with_no_signal_is_no_decision(lex: AnswerLexicon) -> None:
    assert cls("Здравствуйте! Хорошего дня.", lex) is C.NO_DECISION


def test_a_forwarded_answer_is_read_when_the_cover_note_decides_nothing(
    lex: AnswerLexicon,
) -> None:
    text = (
        "Пересылаю.\n\n-------- Пересылаемое сообщение --------\nОт: support@example.ru\n"
        "Тема: Обращение\n\nШтраф отменён, сумма вернётся в отчёте."
    )
    assert cls(text, lex) is C.RESOLVED


def test_appeal_number_comes_from_the_subject_first_and_needs_a_label(
    lex: AnswerLexicon,
) -> None:
    reading = read_answer("Заказ 987654321 доставлен.", lex, subject="Re: Обращение № 11223344")
    assert reading.appeal_number == "11223344"
    assert read_answer("Заказ 987654321 доставлен.", lex).appeal_number is None


def test_amount_and_reason_are_only_given_for_their_class(lex: AnswerLexicon) -> None:
    refused = read_answer("Отказано: 500 руб. удержаны правомерно.", lex)
    assert refused.amount is None
    assert refused.reason.startswith("Отказано")
    assert read_answer("Начислили компенсацию 700 ₽.", lex).reason == ""


def test_contract_line_has_the_contract_fields(lex: AnswerLexicon) -> None:
    line = read_answer("Компенсация 2 400 руб. начислена.", lex).contract()
    assert line["class"] == "resolved"
    assert line["amount"] == "2400.00"
    assert line["requested"] == []
    assert {"class", "appeal_number", "requested", "amount"} <= set(line)


def test_promised_terms_are_read(lex: AnswerLexicon) -> None:
    term = read_answer("Ответим в течение 3 рабочих дней.", lex).promised
    assert term is not None and term.days == 3 and term.business
    term = read_answer("Ответим в течение 48 часов.", lex).promised
    assert term is not None and term.days == 2 and not term.business
    term = read_answer("Деньги поступят до 15.12.2025.", lex).promised
    assert term is not None and (term.day, term.month, term.year) == (15, 12, 2025)


def test_missing_goods_found_and_accepted_is_resolved(lex: AnswerLexicon) -> None:
    found = "Здравствуйте! Недостающие 25 штук найдены и приняты на склад."
    assert cls(found, lex) is AnswerClass.RESOLVED
    not_yet = "Товар пока не найден и не принят на склад, передали специалистам."
    assert cls(not_yet, lex) is not AnswerClass.RESOLVED
