"""Answer-reading speed: answers per second in one process (the labelled sets, several
rounds), p50/p99 per answer, and the cold start of ``mpdesk answer --jsonl`` on the tuning set
(subprocess, median of several runs).

Run: ``.venv/bin/python benchmarks/answers_bench.py`` → ``benchmarks/results/answers.json``.
Target (issue 13): thousands of answers per second. CPU time is reported too: on a busy
machine (see ``load_average_1min``) wall-clock numbers mostly measure the other processes.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "answers.json"
DATA = ROOT / "tests" / "data"
SETS = [DATA / "answers-tune.jsonl", DATA / "answers-holdout.jsonl"]


def load_cases() -> list[dict[str, object]]:
    cases = []
    for path in SETS:
        cases += [json.loads(line) for line in path.read_text("utf-8").splitlines() if line]
    return cases


def in_process(cases: list[dict[str, object]], rounds: int = 40) -> dict[str, float]:
    sys.path.insert(0, str(ROOT / "src"))
    from mpdesk.adapters.answer_kit import AnswerKit
    from mpdesk.adapters.knowledge_files import KnowledgeFiles
    from mpdesk.domain.answers.reading import read_answer

    t0 = time.perf_counter()
    lex = AnswerKit(KnowledgeFiles(None)).lexicon()
    load_ms = (time.perf_counter() - t0) * 1000
    inputs = [(str(c["text"]), str(c.get("subject") or "")) for c in cases]
    per_answer: list[float] = []
    start, cpu_start = time.perf_counter(), time.process_time()
    for _ in range(rounds):
        for text, subject in inputs:
            t = time.perf_counter()
            read_answer(text, lex, subject)
            per_answer.append(time.perf_counter() - t)
    total, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    per_answer.sort()
    return {
        "lexicon_load_ms": round(load_ms, 1),
        "answers": len(per_answer),
        "answers_per_second": round(len(per_answer) / total, 1),
        "answers_per_cpu_second": round(len(per_answer) / cpu, 1),
        "p50_ms": round(per_answer[len(per_answer) // 2] * 1000, 3),
        "p99_ms": round(per_answer[int(len(per_answer) * 0.99)] * 1000, 3),
        "max_ms": round(per_answer[-1] * 1000, 3),
    }


def cold_start(runs: int = 5) -> dict[str, float]:
    data = SETS[0].read_bytes()
    env = dict(os.environ)
    times = []
    with tempfile.TemporaryDirectory() as home:
        env["MPDESK_HOME"] = home
        for _ in range(runs):
            t0 = time.perf_counter()
            subprocess.run([str(ROOT / ".venv" / "bin" / "mpdesk"), "answer", "--jsonl"],
                           input=data, capture_output=True, check=True, env=env)  # fmt: skip
            times.append(time.perf_counter() - t0)
    return {"runs": runs, "median_s": round(statistics.median(times), 3),
            "min_s": round(min(times), 3)}  # fmt: skip


def main() -> None:
    cases = load_cases()
    result = {
        "benchmark": "answers",
        "load_average_1min": round(os.getloadavg()[0], 2),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "corpus_answers": len(cases),
        "in_process": in_process(cases),
        "cold_start_jsonl_tuning_set": cold_start(),
        "targets": {"answers_per_second": 1000},
    }
    RESULTS.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
