"""Two web servers, one PostgreSQL, one S3 bucket: 1,000 evidence files of 1 MB uploaded
through server A's API and downloaded through server B's (issue 16).

Run: ``.venv/bin/python benchmarks/scaleout_bench.py [--files N] [--size-mb M]`` →
``benchmarks/results/scaleout.json``: upload and download throughput, and per server the
resident memory after a warm-up, its peak during the run (sampled every 50 ms from
``/proc/PID/status`` by this harness) and the kernel's high-water mark. Streaming, not
buffering: each server's peak must grow less than 50 MB over the run.

Needs PostgreSQL at 127.0.0.1:5432 (``MPDESK_TEST_PG_URL``); the S3 server is moto in
server mode on loopback (its own process; it keeps objects in memory, so its speed bounds
the throughput — the servers' memory is what mpdesk controls).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import boto3
import httpx
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.s3_server import ACCESS_KEY, SECRET_KEY, moto_server  # noqa: E402
from tests.servers import mpdesk_serve  # noqa: E402

PG = os.environ.get("MPDESK_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
FILES_PER_TICKET = 50


def status_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


class RssSampler:
    """Peak resident memory of some processes, sampled while the run lasts."""

    def __init__(self, pids: dict[str, int]) -> None:
        self.pids = pids
        self.peak = dict.fromkeys(pids, 0)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            for name, pid in self.pids.items():
                self.peak[name] = max(self.peak[name], status_kb(pid, "VmRSS"))
            self._stop.wait(0.05)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def mpdesk(env: dict[str, str], *args: str, stdin: str = "") -> str:
    done = subprocess.run(
        [sys.executable, "-m", "mpdesk", *args],
        env={**os.environ, **env},
        input=stdin,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def jpeg(size: int) -> bytes:
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + os.urandom(size - 11)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--size-mb", type=float, default=1.0)
    args = parser.parse_args()
    size = int(args.size_mb * 1024 * 1024)
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin_engine = create_engine(PG)
    with admin_engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        with tempfile.TemporaryDirectory() as tmp, moto_server() as s3:
            result = run(args.files, size, f"{PG}?options=-csearch_path%3D{schema}", s3, Path(tmp))
    finally:
        with admin_engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin_engine.dispose()
    out = ROOT / "benchmarks" / "results" / "scaleout.json"
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2, ensure_ascii=False))


def run(files: int, size: int, db_url: str, s3: str, tmp: Path) -> dict[str, object]:
    bucket = "mpdesk-scaleout"
    boto3.client(
        "s3",
        endpoint_url=s3,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        region_name="us-east-1",
    ).create_bucket(Bucket=bucket)
    shared = {
        "MPDESK_DATABASE_URL": db_url,
        "MPDESK_EVIDENCE_STORE": "s3",
        "MPDESK_S3_ENDPOINT_URL": s3,
        "MPDESK_S3_BUCKET": bucket,
        "MPDESK_S3_ACCESS_KEY_ID": ACCESS_KEY,
        "MPDESK_S3_SECRET_ACCESS_KEY": SECRET_KEY,
        "MPDESK_SECRET_KEY": "benchmark-secret-shared-by-both-servers-0123",
        "MPDESK_MIGRATE_ON_START": "false",
        "MPDESK_REMIND_IN_SERVER": "false",
        "MPDESK_MAX_ATTACHMENT_MB": str(max(2, int(size / 1024 / 1024) + 1)),
    }
    admin = {**shared, "MPDESK_HOME": str(tmp / "admin")}
    mpdesk(admin, "migrate")
    mpdesk(admin, "user", "add", "bench", "--admin", "--password-stdin", stdin="bench-pass-42\n")
    token = json.loads(mpdesk(admin, "token", "create", "-u", "bench", "--json"))["token"]
    auth = {"Authorization": f"Bearer {token}"}
    one = {**shared, "MPDESK_HOME": str(tmp / "a")}
    two = {**shared, "MPDESK_HOME": str(tmp / "b")}
    with (
        mpdesk_serve(one, tmp / "logs") as a,
        mpdesk_serve(two, tmp / "logs") as b,
        httpx.Client(headers=auth, timeout=120) as client,
    ):
        pids = {"a": a.process.pid, "b": b.process.pid}

        def new_ticket() -> int:
            made = client.post(
                f"{a.url}/api/v1/tickets",
                json={
                    "marketplace": "wb",
                    "category": "acceptance",
                    "description": "Недостача по акту приёмки поставки, фото коробок.",
                },
            )
            made.raise_for_status()
            return int(made.json()["id"])

        def upload(ticket: int, data: bytes, name: str) -> None:
            answer = client.post(
                f"{a.url}/api/v1/tickets/{ticket}/attachments",
                files={"files": (name, data, "image/jpeg")},
            )
            answer.raise_for_status()

        def download_all(ticket: int) -> int:
            shown = client.get(f"{b.url}/api/v1/tickets/{ticket}").json()
            got = 0
            for item in shown["attachments"]:
                url = f"{b.url}/api/v1/tickets/{ticket}/attachments/{item['id']}"
                with client.stream("GET", url) as answer:
                    answer.raise_for_status()
                    for chunk in answer.iter_bytes(1 << 16):
                        got += len(chunk)
            return got

        warm = new_ticket()  # imports, pools, the first S3 calls of both servers
        for i in range(5):
            upload(warm, jpeg(size), f"warm-{i}.jpg")
        download_all(warm)
        before = {name: status_kb(pid, "VmRSS") for name, pid in pids.items()}

        with RssSampler(pids) as sampler:
            tickets: list[int] = []
            started = time.perf_counter()
            for i in range(files):
                if i % FILES_PER_TICKET == 0:
                    tickets.append(new_ticket())
                upload(tickets[-1], jpeg(size), f"фото-{i:04d}.jpg")
            upload_s = time.perf_counter() - started
            started = time.perf_counter()
            read = sum(download_all(t) for t in tickets)
            download_s = time.perf_counter() - started
        high_water = {name: status_kb(pid, "VmHWM") for name, pid in pids.items()}
    assert read == files * size, (read, files * size)
    total_mb = files * size / 1024 / 1024
    servers = {
        name: {
            "role": "upload" if name == "a" else "download",
            "rss_after_warmup_mb": round(before[name] / 1024, 1),
            "peak_rss_during_run_mb": round(sampler.peak[name] / 1024, 1),
            "growth_mb": round((sampler.peak[name] - before[name]) / 1024, 1),
            "kernel_high_water_mb": round(high_water[name] / 1024, 1),
        }
        for name in pids
    }
    return {
        "benchmark": "scaleout",
        "command": "python benchmarks/scaleout_bench.py --files "
        f"{files} --size-mb {size / 1024 / 1024:g}",
        "files": files,
        "file_mb": round(size / 1024 / 1024, 2),
        "total_mb": round(total_mb, 1),
        "upload_through_a_s": round(upload_s, 2),
        "upload_mb_per_s": round(total_mb / upload_s, 1),
        "upload_files_per_s": round(files / upload_s, 1),
        "download_through_b_s": round(download_s, 2),
        "download_mb_per_s": round(total_mb / download_s, 1),
        "download_files_per_s": round(files / download_s, 1),
        "servers": servers,
        "target_growth_mb": 50,
        "within_target": all(s["growth_mb"] < 50 for s in servers.values()),
        "database": "PostgreSQL (one schema, both servers)",
        "object_store": "moto S3 server (own process, loopback)",
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_avg_1m": round(os.getloadavg()[0], 2),
    }


if __name__ == "__main__":
    main()
