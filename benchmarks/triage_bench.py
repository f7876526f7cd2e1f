"""Triage speed: texts per second in one process after warm-up (typical 1–3-sentence texts),
p50/p99 per text, long texts (about 5,000 characters, several paragraphs) per text, and the
cold start of ``mpdesk triage --jsonl`` on 10 lines (subprocess, median of several runs).

Run: ``.venv/bin/python benchmarks/triage_bench.py`` → ``benchmarks/results/triage.json``.
Targets (issue 15): ≥ 2,000 texts/s on one core, cold start < 1 s, a 5,000-character text
< 20 ms. CPU-time figures are reported too: on a busy machine (see the load averages before and
after) wall-clock numbers mostly measure the other processes.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "triage.json"
DATA = [
    ROOT / "tests" / "data" / "triage-own.jsonl",
    ROOT.parent / "shared" / "eval" / "triage-dev.jsonl",
]
LONG_SOURCE = ROOT / "tests" / "data" / "triage-real-tune.jsonl"
LONG_CHARS = 5000
FALLBACK = [
    {"text": "вб принял 95 из 100 по поставке 24567891 позавчера", "received_at": "2026-06-10"},
    {"text": "Озон: штраф 5 000 ₽ по отправлению 48291037-0011-1", "received_at": "2026-07-13"},
]


def load_cases() -> list[dict[str, object]]:
    for path in DATA:
        if path.is_file():
            lines = path.read_text(encoding="utf-8").splitlines()
            return [json.loads(line) for line in lines if line.strip()]
    return FALLBACK


def in_process(cases: list[dict[str, object]], rounds: int = 5) -> dict[str, float]:
    sys.path.insert(0, str(ROOT / "src"))
    from mpdesk.bootstrap import load_knowledge
    from mpdesk.config import Settings
    from mpdesk.services.triage_case import triage_case

    with tempfile.TemporaryDirectory() as home:
        _, ctx = load_knowledge(Settings(home=Path(home)))
        inputs = [
            (str(c["text"]), date.fromisoformat(str(c.get("received_at") or "2026-07-01")),
             list(c.get("attachments") or []))  # type: ignore[call-overload]
            for c in cases
        ]  # fmt: skip
        triage_case(ctx, "прогрев словарей", date(2026, 7, 1), [])
        t0 = time.perf_counter()
        for text, received, att in inputs:  # first pass: nothing cached yet (unseen texts)
            triage_case(ctx, text, received, att)
        first_pass = len(inputs) / (time.perf_counter() - t0)
        per_text: list[float] = []
        start, cpu_start = time.perf_counter(), time.process_time()
        for _ in range(rounds):
            for text, received, att in inputs:
                t0 = time.perf_counter()
                triage_case(ctx, text, received, att)
                per_text.append(time.perf_counter() - t0)
        total, cpu_total = time.perf_counter() - start, time.process_time() - cpu_start
    per_text.sort()
    return {
        "first_pass_texts_per_second": round(first_pass, 1),
        "texts": len(per_text),
        "texts_per_second": round(len(per_text) / total, 1),
        "texts_per_cpu_second": round(len(per_text) / cpu_total, 1),
        "p50_ms": round(per_text[len(per_text) // 2] * 1000, 3),
        "p99_ms": round(per_text[int(len(per_text) * 0.99)] * 1000, 3),
        "max_ms": round(per_text[-1] * 1000, 3),
    }


def long_texts(count: int = 40) -> list[str]:
    """Texts of about ``LONG_CHARS`` characters: realistic tuning texts glued into stories."""
    source = [str(json.loads(ln)["text"]) for ln in
              LONG_SOURCE.read_text(encoding="utf-8").splitlines() if ln.strip()]  # fmt: skip
    if not source:
        source = [str(c["text"]) for c in FALLBACK]
    texts, k = [], 0
    for _ in range(count):
        parts: list[str] = []
        while sum(len(p) + 2 for p in parts) < LONG_CHARS:
            parts.append(source[k % len(source)])
            k += 1
        texts.append("\n\n".join(parts)[:LONG_CHARS])
    return texts


def long_in_process(texts: list[str], rounds: int = 3) -> dict[str, float]:
    from mpdesk.bootstrap import load_knowledge
    from mpdesk.config import Settings
    from mpdesk.services.triage_case import triage_case

    with tempfile.TemporaryDirectory() as home:
        _, ctx = load_knowledge(Settings(home=Path(home)))
        triage_case(ctx, texts[0], date(2026, 7, 1), [])
        per_text: list[float] = []
        cpu_start = time.process_time()
        for _ in range(rounds):
            for text in texts:
                t0 = time.perf_counter()
                triage_case(ctx, text, date(2026, 7, 1), [])
                per_text.append(time.perf_counter() - t0)
        cpu = time.process_time() - cpu_start
    per_text.sort()
    return {
        "texts": len(per_text),
        "chars": LONG_CHARS,
        "p50_ms": round(per_text[len(per_text) // 2] * 1000, 2),
        "p99_ms": round(per_text[int(len(per_text) * 0.99)] * 1000, 2),
        "max_ms": round(per_text[-1] * 1000, 2),
        "cpu_ms_per_text": round(cpu / len(per_text) * 1000, 2),
    }


def cold_start(
    cases: list[dict[str, object]], runs: int = 7, bytecode: bool = True
) -> dict[str, float]:
    """``bytecode``: the package's modules are byte-compiled first, as ``pip install`` does
    (an editable checkout under ``PYTHONDONTWRITEBYTECODE=1`` recompiles every module on every
    start, about 0.2 s of CPU that an installed ``mpdesk`` never pays)."""
    if bytecode:
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "src" / "mpdesk")],
                       check=True, capture_output=True)  # fmt: skip
    lines = ""
    for i, case in enumerate(cases[:10]):
        line = {"id": str(i), **{k: case[k] for k in ("text", "received_at") if k in case}}
        lines += json.dumps(line, ensure_ascii=False) + "\n"
    exe = Path(sys.executable).with_name("mpdesk")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "mpdesk"]
    times, cpu = [], []
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "MPDESK_HOME": home}
        for _ in range(runs):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            t0 = time.perf_counter()
            done = subprocess.run([*cmd, "triage", "--jsonl"], input=lines.encode(), env=env,
                                  capture_output=True, check=True)  # fmt: skip
            times.append(time.perf_counter() - t0)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
            assert len(done.stdout.decode().splitlines()) == 10
    return {"runs": runs, "bytecode_compiled": bytecode,
            "median_s": round(statistics.median(times), 3),
            "min_s": round(min(times), 3), "max_s": round(max(times), 3),
            "median_cpu_s": round(statistics.median(cpu), 3)}  # fmt: skip


def main() -> None:
    cases = load_cases()
    load_before = round(os.getloadavg()[0], 2)
    typical = in_process(cases)
    long = long_in_process(long_texts())
    cold = cold_start(cases)
    result = {
        "benchmark": "triage",
        "load_average_1min": load_before,
        "load_average_1min_after": round(os.getloadavg()[0], 2),
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
        },
        "corpus_texts": len(cases),
        "in_process": typical,
        "long_texts": long,
        "cold_start_jsonl_10_lines": cold,
        "targets": {"texts_per_second": 2000, "cold_start_s": 1.0, "long_text_ms": 20},
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
