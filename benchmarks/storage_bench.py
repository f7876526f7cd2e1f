"""Evidence storage through the S3 store: store N files of 1 MB, then read each back (streamed,
hash-checked), against a real S3 API server on loopback (moto in server mode, its own process,
so this process's memory is the client's alone).

Run: ``.venv/bin/python benchmarks/storage_bench.py [--files N] [--size-mb M]`` →
``benchmarks/results/storage.json``: upload and download throughput (MB/s, files/s) and the
growth of this process's peak RSS over the run (streaming, not buffering: it must stay far
below N × M; issue 16 asks for under 50 MB over 1,000 files).

moto keeps objects in its own memory, so the server's speed bounds the numbers; a real MinIO or
object store behaves differently. The client side — what mpdesk controls — is what is measured.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path

import boto3

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from tests.s3_server import ACCESS_KEY, SECRET_KEY, moto_server  # noqa: E402

from mpdesk.adapters.s3_store import S3FileStore  # noqa: E402


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> float:
    """Resident memory now (the peak alone could hide growth below an earlier peak)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1024 / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--size-mb", type=float, default=1.0)
    args = parser.parse_args()
    size = int(args.size_mb * 1024 * 1024)
    with tempfile.TemporaryDirectory() as tmp, moto_server() as url:
        bucket = "mpdesk-bench"
        boto3.client(
            "s3",
            endpoint_url=url,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            region_name="us-east-1",
        ).create_bucket(Bucket=bucket)
        store = S3FileStore(url, bucket, ACCESS_KEY, SECRET_KEY, max_bytes=size + 1024)
        source = Path(tmp) / "photo.jpg"
        warm = Path(tmp) / "warm.jpg"
        warm.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + os.urandom(1024))
        store.open(store.put(warm).sha256).close()  # imports, connection pool, first request
        baseline, rss_before = peak_rss_mb(), rss_mb()

        shas, started = [], time.perf_counter()
        for _ in range(args.files):
            source.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + os.urandom(size - 11))
            shas.append(store.put(source).sha256)
        upload_s = time.perf_counter() - started
        after_upload = peak_rss_mb()

        started, read = time.perf_counter(), 0
        for sha in shas:
            stream = store.open(sha)
            try:
                for chunk in iter(lambda: stream.read(1 << 16), b""):  # noqa: B023
                    read += len(chunk)
            finally:
                stream.close()
        download_s = time.perf_counter() - started
        after_download, rss_after = peak_rss_mb(), rss_mb()

    total_mb = args.files * size / 1024 / 1024
    assert read == args.files * size
    result = {
        "files": args.files,
        "file_mb": args.size_mb,
        "total_mb": round(total_mb, 1),
        "upload_s": round(upload_s, 2),
        "upload_mb_per_s": round(total_mb / upload_s, 1),
        "upload_files_per_s": round(args.files / upload_s, 1),
        "download_s": round(download_s, 2),
        "download_mb_per_s": round(total_mb / download_s, 1),
        "download_files_per_s": round(args.files / download_s, 1),
        "peak_rss_baseline_mb": round(baseline, 1),
        "peak_rss_growth_upload_mb": round(after_upload - baseline, 1),
        "peak_rss_growth_total_mb": round(after_download - baseline, 1),
        "rss_before_mb": round(rss_before, 1),
        "rss_after_mb": round(rss_after, 1),
        "server": "moto (server mode, own process, loopback)",
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_avg_1m": round(os.getloadavg()[0], 2),
    }
    out = ROOT / "benchmarks" / "results" / "storage.json"
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
