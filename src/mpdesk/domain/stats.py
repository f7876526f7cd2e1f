"""Pure analytics helpers: duration histograms and their percentiles, rates, text similarity.

Durations are kept as histograms over fixed bucket edges (minutes) so that databases without
percentile functions (SQLite) and pre-aggregated daily rollups can serve medians and p90 of
1,000,000 tickets; a percentile is read by linear interpolation inside its bucket.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

#: lower edges of the duration buckets, in minutes (the last bucket is open-ended)
BUCKET_EDGES: tuple[int, ...] = (
    0, 5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 240, 300, 360, 480, 600, 720, 960, 1200,
    1440, 1800, 2160, 2880, 3600, 4320, 5760, 7200, 10080, 14400, 20160, 30240, 43200,
)  # fmt: skip
#: width given to the open-ended last bucket when interpolating
LAST_BUCKET_WIDTH = 43200


def bucket_index(minutes: float) -> int:
    """Index of the bucket that holds ``minutes`` (negative durations go to the first)."""
    return max(bisect_right(BUCKET_EDGES, minutes) - 1, 0)


def percentile(histogram: Sequence[int], share: float) -> float | None:
    """The ``share`` quantile (0 < share ≤ 1) in minutes, interpolated within its bucket;
    ``None`` for an empty histogram."""
    total = sum(histogram)
    if total == 0:
        return None
    rank = share * total
    seen = 0
    for i, count in enumerate(histogram):
        if count and seen + count >= rank:
            low = BUCKET_EDGES[i]
            high = BUCKET_EDGES[i + 1] if i + 1 < len(BUCKET_EDGES) else low + LAST_BUCKET_WIDTH
            return low + (high - low) * (rank - seen) / count
        seen += count
    return float(BUCKET_EDGES[-1])  # pragma: no cover - unreachable: ranks end in a bucket


def merge_histograms(histograms: Iterable[Sequence[int]]) -> list[int]:
    merged = [0] * len(BUCKET_EDGES)
    for hist in histograms:
        for i, count in enumerate(hist):
            merged[i] += count
    return merged


def rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


# --- similar texts ----------------------------------------------------------------------------


@dataclass(frozen=True)
class TextCluster:
    ticket_ids: tuple[int, ...]
    marketplace: str
    category: str
    top_lemmas: tuple[str, ...]


def _signature(lemmas: Iterable[str], stop: frozenset[str]) -> frozenset[str]:
    return frozenset(w for w in lemmas if len(w) > 2 and not w.isdigit() and w not in stop)


def similar_text_clusters(
    docs: Sequence[tuple[int, str, str, str]],
    threshold: float = 0.5,
    min_size: int = 2,
    stop: frozenset[str] = frozenset(),
    max_df: float = 0.3,
) -> list[TextCluster]:
    """Group tickets whose lemma sets overlap (Jaccard ≥ ``threshold``) within one marketplace
    and category. ``docs``: ``(ticket_id, marketplace, category, lemmatised text)``.

    Candidate pairs share a lemma that is not too common (document frequency ≤ ``max_df``),
    so the work stays near-linear; groups are the connected components of similar pairs.
    """
    sigs = {tid: _signature(text.split(), stop) for tid, _mp, _cat, text in docs}
    scope = {tid: (mp, cat) for tid, mp, cat, _text in docs}
    df: Counter[str] = Counter(w for s in sigs.values() for w in s)
    limit = max(100, int(max_df * len(docs)))  # small journals: every lemma counts
    index: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    for tid, sig in sigs.items():
        for w in sig:
            if df[w] <= limit:
                index[(*scope[tid], w)].append(tid)
    parent = {tid: tid for tid in sigs}

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    checked: set[tuple[int, int]] = set()
    for members in index.values():
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                pair = (a, b) if a < b else (b, a)
                if pair in checked:
                    continue
                checked.add(pair)
                sa, sb = sigs[a], sigs[b]
                if len(sa & sb) / len(sa | sb) >= threshold:
                    parent[root(a)] = root(b)
    groups: dict[int, list[int]] = defaultdict(list)
    for tid in sigs:
        groups[root(tid)].append(tid)
    clusters = []
    for members in groups.values():
        if len(members) < min_size:
            continue
        counts: Counter[str] = Counter(w for m in members for w in sigs[m])
        top = tuple(w for w, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:5])
        mp, cat = scope[members[0]]
        clusters.append(TextCluster(tuple(sorted(members)), mp, cat, top))
    clusters.sort(key=lambda c: (-len(c.ticket_ids), c.ticket_ids))
    return clusters


@dataclass(frozen=True)
class JournalSummary:
    open: int
    overdue: int
    awaiting: int
    due_soon: int
    by_category: dict[str, int]
    by_marketplace: dict[str, int]
    claimed_open: str  # money at stake in open tickets, decimal string
    recovered: str  # money recovered over all tickets, decimal string


@dataclass(frozen=True)
class GroupCounts:
    keys: tuple[str, ...]
    total: int
    open: int
    submitted: int
    answered: int
    resolved: int
    rejected: int
    late_answers: int  # first answer later than the channel's reply time
    overdue: int  # awaiting a reply that is overdue now
    claimed_kopecks: int
    recovered_kopecks: int
