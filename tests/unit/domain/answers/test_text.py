"""Splitting a reply into its new part and the quoted history; sentences; normalisation."""

from __future__ import annotations

from mpdesk.domain.answers.lexicon import AnswerLexicon
from mpdesk.domain.answers.text import normalise, sentences, split_reply


def test_top_posted_reply_keeps_the_quote_apart(lex: AnswerLexicon) -> None:
    split = split_reply("Новый текст.\n\nseller@example.com написал(а):\n> старое", lex.quotes)
    assert split.new == "Новый текст."
    assert "старое" in split.quoted and not split.forwarded


def test_bottom_posted_reply_keeps_its_own_lines(lex: AnswerLexicon) -> None:
    split = split_reply("> вопрос продавца\n> ещё строка\nОтвет поддержки.", lex.quotes)
    assert split.new == "Ответ поддержки."


def test_outlook_header_block_needs_a_date_line(lex: AnswerLexicon) -> None:
    quoted = split_reply("Ответ.\nОт: Иван\nОтправлено: вчера\nТема: x\nстарое", lex.quotes)
    assert quoted.new == "Ответ."
    alone = split_reply("Ответ.\nОт: склада пришёл акт.", lex.quotes)
    assert alone.quoted == ""


def test_sentences_do_not_break_inside_sums_and_dates() -> None:
    found = sentences("Сумма 1 234,50 руб. будет начислена. Срок 15.12.2025 г. Ждите!")
    assert [s.raw for s in found] == [
        "Сумма 1 234,50 руб. будет начислена.",
        "Срок 15.12.2025 г.",
        "Ждите!",
    ]


def test_normalise_folds_case_yo_and_numbers() -> None:
    assert normalise("Отменён ШТРАФ на 1 500,00 ₽!") == "отменен штраф на 0"
