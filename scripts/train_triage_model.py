"""Train the triage category model (naive Bayes over lemmas) from labelled sets in the repo.

    .venv/bin/python scripts/train_triage_model.py [FILE.jsonl ...]

Default training data: tests/data/triage-own.jsonl and tests/data/triage-tune.jsonl (never the
public dev set, which stays a clean check). Writes src/mpdesk/knowledge/triage/model.json.
Deterministic: the same data gives the same file.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from mpdesk.adapters.knowledge_files import KnowledgeFiles  # noqa: E402
from mpdesk.adapters.morphology import shared_analyzer  # noqa: E402
from mpdesk.adapters.triage_lexicon import load_lexicon  # noqa: E402
from mpdesk.domain.marketplaces import CategoryId  # noqa: E402
from mpdesk.domain.triage.analysis import analyze  # noqa: E402
from mpdesk.domain.triage.engine import MAX_ANALYZED_CHARS  # noqa: E402
from mpdesk.domain.triage.model import model_features  # noqa: E402
from mpdesk.domain.triage.normalize import normalize_text  # noqa: E402

DEFAULT = [ROOT / "tests/data/triage-own.jsonl", ROOT / "tests/data/triage-tune.jsonl"]
OUT = ROOT / "src/mpdesk/knowledge/triage/model.json"
ALPHA = 0.5
MIN_COUNT = 2  # features seen fewer times are dropped (noise, and a smaller file)


def main(paths: list[Path]) -> None:
    lexicon = load_lexicon(KnowledgeFiles(None))
    analyzer = shared_analyzer()
    class_counts: Counter[str] = Counter()
    feature_counts: dict[str, Counter[str]] = {c.value: Counter() for c in CategoryId}
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            case = json.loads(line)
            category = case["gold"]["category"]
            text = case["text"][:MAX_ANALYZED_CHARS]
            clean = normalize_text(text, lexicon.entities.glue_prefixes)
            features = set(model_features(analyze(clean, lexicon, analyzer), lexicon))
            class_counts[category] += 1
            feature_counts[category].update(features)
    totals: Counter[str] = Counter()
    for counts in feature_counts.values():
        totals.update(counts)
    kept = {f for f, n in totals.items() if n >= MIN_COUNT}
    model = {
        "version": 1,
        "alpha": ALPHA,
        "trained_on": [str(p.relative_to(ROOT)) for p in paths],
        "class_counts": {c.value: class_counts[c.value] for c in CategoryId},
        "feature_counts": {
            c: {f: n for f, n in sorted(counts.items()) if f in kept}
            for c, counts in feature_counts.items()
        },
    }
    OUT.write_text(json.dumps(model, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
                   + "\n", encoding="utf-8")  # fmt: skip
    print(f"{sum(class_counts.values())} texts, {len(kept)} features -> {OUT} "
          f"({OUT.stat().st_size // 1024} KB)")  # fmt: skip


if __name__ == "__main__":
    main([Path(a) for a in sys.argv[1:]] or DEFAULT)
