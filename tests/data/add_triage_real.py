"""Add new realistic triage cases to the corpus, split once and for all by id.

    python tests/data/add_triage_real.py NEW_CASES.jsonl

Each case goes to ``triage-real-holdout.jsonl`` when the SHA-256 of its id is divisible by 3
(about a third; scored only at the end, never used to tune or train), otherwise to
``triage-real-tune.jsonl``. Ids already present are refused, so a case never moves.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
TUNE, HOLDOUT = HERE / "triage-real-tune.jsonl", HERE / "triage-real-holdout.jsonl"
REQUIRED = ("id", "text", "received_at", "gold", "source")


def is_holdout(case_id: str) -> bool:
    return int(hashlib.sha256(case_id.encode()).hexdigest(), 16) % 3 == 0


def main(path: Path) -> None:
    known = set()
    for part in (TUNE, HOLDOUT):
        if part.is_file():
            known.update(json.loads(ln)["id"] for ln in part.read_text("utf-8").splitlines()
                         if ln.strip())  # fmt: skip
    added = {TUNE: 0, HOLDOUT: 0}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        case = json.loads(line)
        missing = [k for k in REQUIRED if k not in case]
        if missing or case["id"] in known:
            raise SystemExit(f"{case.get('id')}: missing {missing} or a known id")
        target = HOLDOUT if is_holdout(case["id"]) else TUNE
        with target.open("a", encoding="utf-8") as out:
            out.write(json.dumps(case, ensure_ascii=False) + "\n")
        known.add(case["id"])
        added[target] += 1
    sys.stderr.write(f"tune +{added[TUNE]}, holdout +{added[HOLDOUT]}\n")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
