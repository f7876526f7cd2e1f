"""Histogram percentiles and text clusters of the analytics."""

from __future__ import annotations

from mpdesk.domain.stats import (
    BUCKET_EDGES,
    bucket_index,
    merge_histograms,
    percentile,
    rate,
    similar_text_clusters,
)


def hist(*minutes: float) -> list[int]:
    counts = [0] * len(BUCKET_EDGES)
    for m in minutes:
        counts[bucket_index(m)] += 1
    return counts


def test_bucket_edges() -> None:
    assert bucket_index(-5) == 0 and bucket_index(0) == 0 and bucket_index(4.9) == 0
    assert bucket_index(60) == BUCKET_EDGES.index(60)
    assert bucket_index(10**7) == len(BUCKET_EDGES) - 1


def test_percentile_interpolates_inside_the_bucket() -> None:
    assert percentile([0] * len(BUCKET_EDGES), 0.5) is None
    ten_in_one_bucket = hist(*[60 + i for i in range(10)])  # all in [60, 90)
    assert percentile(ten_in_one_bucket, 0.5) == 75.0
    assert percentile(ten_in_one_bucket, 0.9) == 87.0
    spread = hist(10, 10, 10, 2880, 2880)  # [10, 15) ×3, [2880, 3600) ×2
    assert percentile(spread, 0.5) == 10 + 5 * 2.5 / 3
    assert percentile(spread, 0.9) == 2880 + 720 * 1.5 / 2
    assert percentile(hist(10**6), 1.0) == BUCKET_EDGES[-1] + 43200


def test_merge_and_rate() -> None:
    assert merge_histograms([hist(1), hist(1, 100)])[0] == 2
    assert rate(1, 3) == 0.3333 and rate(1, 0) is None


def test_similar_texts_group_by_shared_lemmas_within_scope() -> None:
    docs = [
        (1, "wb", "acceptance", "приемка поставка короб недостача склад"),
        (2, "wb", "acceptance", "приемка поставка короб недостача"),
        (3, "wb", "acceptance", "штраф габарит карточка"),
        (4, "ozon", "acceptance", "приемка поставка короб недостача склад"),
        (5, "wb", "finance", "удержание отчет неделя"),
        (6, "wb", "finance", "удержание отчет неделя штраф"),
    ]
    clusters = similar_text_clusters(docs, threshold=0.5, max_df=1.0)
    assert similar_text_clusters(docs * 1, max_df=0.0) == clusters  # small journals: no cap
    assert [c.ticket_ids for c in clusters] == [(1, 2), (5, 6)]
    assert clusters[0].top_lemmas[:2] == ("короб", "недостача")
    assert similar_text_clusters(docs, stop=frozenset({"удержание", "отчет", "неделя"}),
                                 max_df=1.0)[-1].ticket_ids == (1, 2)  # fmt: skip
