"""Train the triage category model (logistic regression over hashed features, numpy).

    .venv/bin/python scripts/train_triage_model.py [--report]

Training data: tests/data/triage-own.jsonl, tests/data/triage-tune.jsonl and the training
parts of the realistic corpus, tests/data/triage-real-tune.jsonl and
tests/data/triage-real-extra.jsonl (weighted more: it is what sellers really write), plus seeded
augmentation: the backdrop of one labelled text followed by the
request sentences of another (labelled by the request, contract tie-break 1). Never the public
dev set and never tests/data/triage-real-holdout.jsonl.

The temperature that calibrates the probabilities is fitted on out-of-fold predictions
(5-fold cross-validation) of the realistic training texts; ``--report`` prints the out-of-fold
accuracy, the reliability table and, for several thresholds, how often the engine would ask
and how often it would be confidently wrong. Writes
src/mpdesk/knowledge/triage/category_model.json. Deterministic (fixed seeds).
"""

from __future__ import annotations

import base64
import json
import os
import random
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from mpdesk.adapters.knowledge_files import KnowledgeFiles  # noqa: E402
from mpdesk.adapters.morphology import shared_analyzer  # noqa: E402
from mpdesk.adapters.triage_lexicon import load_lexicon  # noqa: E402
from mpdesk.domain.marketplaces import CategoryId  # noqa: E402
from mpdesk.domain.triage.analysis import Analysis, analyze  # noqa: E402
from mpdesk.domain.triage.classify import score_categories  # noqa: E402
from mpdesk.domain.triage.engine import prepare_text  # noqa: E402
from mpdesk.domain.triage.features import (  # noqa: E402
    feature_bucket,
    request_feature_names,
    text_features,
    token_feature_names,
)
from mpdesk.domain.triage.lexicon import Lexicon  # noqa: E402

DATA = ROOT / "tests" / "data"
SETS = {  # file -> sample weight
    "triage-own.jsonl": 1.0,
    "triage-tune.jsonl": 1.0,
    "triage-real-tune.jsonl": float(os.environ.get("TRIAGE_REAL_WEIGHT", "8.0")),
    "triage-real-extra.jsonl": float(os.environ.get("TRIAGE_REAL_WEIGHT", "8.0")),
}
#: the realistic sets: the temperature is fitted on their out-of-fold predictions
REALISTIC = ("triage-real-tune.jsonl", "triage-real-extra.jsonl")
OUT = ROOT / "src/mpdesk/knowledge/triage/category_model.json"
CLASSES = [c.value for c in CategoryId]
BUCKETS = 1 << 15
L2 = float(os.environ.get("TRIAGE_L2", "1e-3"))
DENSE_L2 = 1e-5
STEPS = 400
LEARNING_RATE = 0.05
AUGMENTED = 900
AUGMENTED_WEIGHT = 0.5
SEED = 15


@dataclass
class Example:
    buckets: np.ndarray  # feature buckets (with repeats for collisions)
    dense: np.ndarray
    label: int
    weight: float
    source: str
    parents: tuple[int, ...] = ()  # augmented: the labelled texts it was glued from


def _buckets(tokens: frozenset[tuple[str, str]], requests: frozenset[str]) -> list[int]:
    found = []
    for surface, lemma in tokens:
        found.extend(feature_bucket(n, BUCKETS) for n in token_feature_names(surface, lemma))
    for lemma in requests:
        found.extend(feature_bucket(n, BUCKETS) for n in request_feature_names(lemma))
    return found


def _example(analysis: Analysis, lexicon: Lexicon, label: str, weight: float, source: str
             ) -> Example:  # fmt: skip
    scores = score_categories(analysis, lexicon).values
    features = text_features(analysis, lexicon, scores, CLASSES)
    return Example(np.array(_buckets(features.tokens, features.request_lemmas), dtype=np.int64),
                   np.array(features.dense, dtype=np.float64), CLASSES.index(label), weight,
                   source)  # fmt: skip


def _request_category(analysis: Analysis, lexicon: Lexicon) -> str | None:
    """The category the request sentences alone point to (rule score ≥ min_score)."""
    scores: dict[str, float] = {}
    for m in analysis.matches:
        kind, _, cat = m.group.partition(":")
        if kind in ("topic", "ask", "against") and analysis.sentences[m.sentence].is_request:
            scores[cat] = scores.get(cat, 0.0) + m.weight
    if not scores:
        return None
    cat, value = max(scores.items(), key=lambda kv: kv[1])
    return cat if value >= lexicon.cat_min_score else None


def load_examples(lexicon: Lexicon) -> list[Example]:
    analyzer = shared_analyzer()
    examples: list[Example] = []
    #: (backdrop, requests, request label, index of the example)
    parts: list[tuple[list[str], list[str], str, int]] = []
    for name, weight in SETS.items():
        path = DATA / name
        if not path.is_file():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            case = json.loads(line)
            clean = prepare_text(case["text"], lexicon)
            analysis = analyze(clean, lexicon, analyzer)
            label = case["gold"]["category"]
            examples.append(_example(analysis, lexicon, label, weight, name))
            sentences = [clean[s.start : s.stop].strip() for s in analysis.sentences]
            backdrop = [t for t, s in zip(sentences, analysis.sentences, strict=True)
                        if not s.is_request and t]  # fmt: skip
            requests = [t for t, s in zip(sentences, analysis.sentences, strict=True)
                        if s.is_request and t]  # fmt: skip
            parts.append((backdrop, requests, _request_category(analysis, lexicon) or "",
                          len(examples) - 1))  # fmt: skip
    rng = random.Random(SEED)
    with_backdrop = [p for p in parts if p[0]]
    with_request = [p for p in parts if p[1] and p[2]]
    made = 0
    while made < AUGMENTED and with_backdrop and with_request:
        story, ask = rng.choice(with_backdrop), rng.choice(with_request)
        text = " ".join(story[0]) + ("\n\n" if rng.random() < 0.5 else " ") + " ".join(ask[1])
        if rng.random() < 0.3:
            text = text.lower()
        clean = prepare_text(text, lexicon)
        analysis = analyze(clean, lexicon, analyzer)
        glued = _example(analysis, lexicon, ask[2], AUGMENTED_WEIGHT, "augmented")
        glued.parents = (story[3], ask[3])
        examples.append(glued)
        made += 1
    return examples


def _matrices(examples: list[Example]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray,
                                                np.ndarray]:  # fmt: skip
    docs = np.concatenate([np.full(len(e.buckets), i) for i, e in enumerate(examples)])
    buckets = np.concatenate([e.buckets for e in examples])
    dense = np.stack([e.dense for e in examples])
    labels = np.array([e.label for e in examples])
    weights = np.array([e.weight for e in examples])
    return docs, buckets, dense, labels, weights


def _logits(params: dict[str, np.ndarray], docs: np.ndarray, buckets: np.ndarray,
            dense: np.ndarray) -> np.ndarray:  # fmt: skip
    out = dense @ params["V"] + params["b"]
    if len(docs):  # the rows of one text are contiguous: sum each run (faster than add.at)
        starts = np.flatnonzero(np.r_[True, docs[1:] != docs[:-1]])
        out[docs[starts]] += np.add.reduceat(params["W"][buckets], starts, axis=0)
    return out


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def train(examples: list[Example]) -> dict[str, np.ndarray]:
    docs, buckets, dense, labels, weights = _matrices(examples)
    n, k = len(examples), len(CLASSES)
    onehot = np.eye(k)[labels]
    w = weights / weights.sum()
    params = {"W": np.zeros((BUCKETS, k)), "V": np.zeros((dense.shape[1], k)), "b": np.zeros(k)}
    moments = {key: (np.zeros_like(v), np.zeros_like(v)) for key, v in params.items()}
    for step in range(1, STEPS + 1):
        residual = (_softmax(_logits(params, docs, buckets, dense)) - onehot) * w[:, None]
        grads = {
            "W": np.stack(
                [
                    np.bincount(buckets, weights=residual[docs, c], minlength=BUCKETS)
                    for c in range(k)
                ],
                axis=1,
            )
            + L2 * params["W"],
            "V": dense.T @ residual + DENSE_L2 * params["V"],
            "b": residual.sum(axis=0),
        }
        for key, grad in grads.items():  # Adam
            m, v = moments[key]
            m[:] = 0.9 * m + 0.1 * grad
            v[:] = 0.999 * v + 0.001 * grad * grad
            m_hat, v_hat = m / (1 - 0.9**step), v / (1 - 0.999**step)
            params[key] -= LEARNING_RATE * m_hat / (np.sqrt(v_hat) + 1e-8)
    del n
    return params


def predict(params: dict[str, np.ndarray], examples: list[Example]) -> np.ndarray:
    docs, buckets, dense, _, _ = _matrices(examples)
    return _logits(params, docs, buckets, dense)


def out_of_fold(examples: list[Example], folds: int = 5) -> np.ndarray:
    """Logits of every example from a model that never saw it: the labelled texts are split
    into folds, and a glued (augmented) text is left out of the training of every fold that
    holds one of its parents (their sentences would leak into the estimate) and predicted in
    the fold of its first parent."""
    rng = random.Random(SEED)
    order = [i for i, e in enumerate(examples) if not e.parents]
    rng.shuffle(order)
    fold_of = {i: k % folds for k, i in enumerate(order)}
    logits = np.zeros((len(examples), len(CLASSES)))
    for f in range(folds):

        def held(e: Example, i: int, f: int = f) -> bool:
            return any(fold_of[p] == f for p in e.parents) if e.parents else fold_of[i] == f

        train_part = [e for i, e in enumerate(examples) if not held(e, i)]
        params = train(train_part)
        idx = [i for i, e in enumerate(examples)
               if (fold_of[e.parents[0]] if e.parents else fold_of[i]) == f]  # fmt: skip
        logits[idx] = predict(params, [examples[i] for i in idx])
    return logits


def fit_temperature(logits: np.ndarray, labels: np.ndarray) -> float:
    best, best_nll = 1.0, float("inf")
    for t in np.arange(0.3, 4.01, 0.05):
        p = _softmax(logits / t)
        nll = -np.log(p[np.arange(len(labels)), labels] + 1e-12).mean()
        if nll < best_nll:
            best, best_nll = float(t), nll
    return round(best, 2)


def report(probs: np.ndarray, labels: np.ndarray, title: str) -> None:
    top = probs.argmax(axis=1)
    conf = probs.max(axis=1)
    ok = top == labels
    second = np.argsort(-probs, axis=1)[:, 1]
    print(f"\n{title}: n={len(labels)} accuracy={ok.mean():.3f}")
    print("  reliability (confidence bin: n, mean confidence, accuracy)")
    for lo in np.arange(0.0, 1.0, 0.1):
        sel = (conf >= lo) & (conf < lo + 0.1 + (1e-9 if lo >= 0.9 else 0))
        if sel.any():
            print(f"   {lo:.1f}-{lo + 0.1:.1f}: {sel.sum():4d} {conf[sel].mean():.3f} "
                  f"{ok[sel].mean():.3f}")  # fmt: skip
    print("  threshold: confirmation_rate confident_wrong_rate flagged_top2_acc")
    for threshold in (0.4, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8):
        flagged = conf < threshold
        wrong = (~flagged & ~ok).mean()
        top2 = ((top == labels) | (second == labels))[flagged].mean() if flagged.any() else 1.0
        print(f"   {threshold:.2f}: {flagged.mean():.3f} {wrong:.3f} {top2:.3f}")


def main() -> None:
    lexicon = load_lexicon(KnowledgeFiles(None))
    examples = load_examples(lexicon)
    labels = np.array([e.label for e in examples])
    real = np.array([e.source in REALISTIC for e in examples])
    oof = out_of_fold(examples)
    temperature = fit_temperature(oof[real], labels[real]) if real.any() else 1.0
    if "--report" in sys.argv:
        for name in (*SETS, "augmented"):
            sel = np.array([e.source == name for e in examples])
            if sel.any():
                report(_softmax(oof[sel] / temperature), labels[sel], f"out-of-fold {name}")
        report(_softmax(oof[real] / temperature), labels[real], "out-of-fold realistic, all")
        print(f"\ntemperature {temperature}")
    params = train(examples)
    weights = params["W"].astype("<f4")
    model = {
        "version": 2,
        "classes": CLASSES,
        "buckets": BUCKETS,
        "temperature": temperature,
        "bias": [round(float(x), 5) for x in params["b"]],
        "dense_weights": [round(float(x), 5) for x in params["V"].reshape(-1)],
        "trained_on": [f"tests/data/{name}" for name in SETS] + [f"augmented:{AUGMENTED}"],
        "notes": {"l2": L2, "steps": STEPS, "seed": SEED},
        "weights_f32_base64": base64.b64encode(weights.tobytes()).decode("ascii"),
    }
    OUT.write_text(json.dumps(model, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{len(examples)} examples -> {OUT} ({OUT.stat().st_size // 1024} KB), "
          f"temperature {temperature}")  # fmt: skip


if __name__ == "__main__":
    main()
