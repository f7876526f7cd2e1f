"""Golden labelled sets: the aggregate triage scores stay above the targets of issue 3.

Every ``tests/data/triage-*.jsonl`` with a ``gold`` field is scored with the same code as
``mpdesk eval triage``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mpdesk.bootstrap import load_knowledge
from mpdesk.config import Settings
from mpdesk.services.triage_eval import TARGETS, evaluate_triage, parse_case

DATA = Path(__file__).resolve().parent.parent / "data"
SETS = sorted(DATA.glob("triage-*.jsonl"))


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    home = tmp_path_factory.mktemp("home")
    _, ctx = load_knowledge(Settings(home=home, kb_dir=home / "knowledge"))
    found = {}
    for path in SETS:
        lines = path.read_text(encoding="utf-8").splitlines()
        cases = [parse_case(json.loads(ln), n) for n, ln in enumerate(lines, 1) if ln.strip()]
        found[path.name] = evaluate_triage(ctx, cases)
    return found


@pytest.mark.parametrize("name", [p.name for p in SETS])
@pytest.mark.parametrize("metric", sorted(TARGETS))
def test_score_stays_above_target(
    reports: dict[str, dict[str, Any]], name: str, metric: str
) -> None:
    summary = reports[name]["summary"]
    assert summary[metric] >= TARGETS[metric], (
        f"{name}: {metric} = {summary[metric]} < {TARGETS[metric]}; "
        f"misses: {reports[name]['misses'][:10]}"
    )
