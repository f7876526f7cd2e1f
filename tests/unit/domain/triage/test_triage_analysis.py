"""Matches of a text by kind, and sentence ends (periods, abbreviations)."""

from collections.abc import Callable

from mpdesk.domain.triage.analysis import Analysis

AnalysisOf = Callable[[str], Analysis]

TEXT = "ВБ оштрафовал на 5000 руб по поставке 24567891. Просим отменить штраф."


def test_matches_of_kinds_are_those_of_the_text_in_text_order(analysis_of: AnalysisOf) -> None:
    analysis = analysis_of(TEXT)
    kinds = ("topic", "ask", "against")
    expected = [m for m in analysis.matches if m.group.partition(":")[0] in kinds]
    assert expected and analysis.of_kinds(*kinds) == expected
    assert analysis.of_kinds(*kinds) == expected  # asked again: the same answer
    assert analysis.of_kinds("mp") == [m for m in analysis.matches if m.group.startswith("mp:")]
    assert analysis.of_kinds("no_such_kind") == []
    assert analysis.of_kinds("no_such_kind", "mp") == analysis.of_kinds("mp")
    firsts = [m.first for m in analysis.of_kinds(*kinds)]
    assert firsts == sorted(firsts)


def test_lowercase_chat_text_splits_at_periods_but_not_after_abbreviations(
    analysis_of: AnalysisOf,
) -> None:
    analysis = analysis_of("не приняли 5 шт. товара. просим проверить приемку")
    chunks = [analysis.text[s.start : s.stop].strip() for s in analysis.sentences]
    assert chunks == ["не приняли 5 шт. товара.", "просим проверить приемку"]
    assert analysis.sentences[1].is_request


def test_tokens_keep_their_places_in_the_text(analysis_of: AnalysisOf) -> None:
    analysis = analysis_of("арт.  HD-GRY-L ,  12.10.2026   и   ещё")
    assert [analysis.text[t.start : t.stop] for t in analysis.tokens] == [
        t.text for t in analysis.tokens
    ]
    assert "12.10.2026" in [t.text for t in analysis.tokens]
