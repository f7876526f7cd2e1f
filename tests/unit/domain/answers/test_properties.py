"""Properties of answer reading: it never raises, is deterministic, and reads back any sum
written the Russian way."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from mpdesk.domain.answers.lexicon import AnswerLexicon
from mpdesk.domain.answers.reading import read_answer
from mpdesk.domain.answers.text import sentences

WORDS = st.sampled_from(
    "компенсация начислена отказано приложите фото не будет если ранее передано "
    "специалистам обращение № 12345678 руб. 1 500,00 ₽ > написал(а): \n . , ! ? ; — «»".split()
)


@settings(max_examples=150, deadline=None)
@given(words=st.lists(WORDS | st.text(max_size=6), max_size=40), subject=st.text(max_size=20))
def test_reading_never_raises_and_is_deterministic(
    words: list[str], subject: str, lex: AnswerLexicon
) -> None:
    text = " ".join(words)
    first = read_answer(text, lex, subject)
    assert read_answer(text, lex, subject) == first
    assert first.contract()["class"] in {
        "resolved",
        "refused",
        "needs_data",
        "no_decision",
        "auto_reply",
    }


@settings(max_examples=100, deadline=None)
@given(
    rubles=st.integers(min_value=1, max_value=9_999_999),
    kopecks=st.integers(min_value=0, max_value=99),
)
def test_a_credited_sum_reads_back(rubles: int, kopecks: int, lex: AnswerLexicon) -> None:
    written = f"{rubles:,}".replace(",", " ") + f",{kopecks:02d}"
    reading = read_answer(f"Компенсация {written} руб. начислена.", lex)
    assert reading.amount == Decimal(f"{rubles}.{kopecks:02d}")


@given(st.text(max_size=300))
def test_sentences_keep_every_word(text: str) -> None:
    words = "".join(ch for s in sentences(text) for ch in s.raw if ch.isalnum())
    assert words == "".join(ch for ch in text if ch.isalnum())
