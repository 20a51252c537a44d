"""A burst of two-sided card uploads at a real ``hoso serve`` on loopback: how long each counter waits.

    python -m tools.bench_uploads [--burst 10] [--processes N ...] [--runner direct|flow] [--spread S]

For each ``--processes`` value (``HOSO_UPLOAD_PROCESSES``; ``0`` = in the API process, one upload at a time, as
before the upload workers) a fresh service is started on a temporary SQLite database (one API worker), warmed
up (its upload processes, then one upload per process, not counted), and sent ``--burst`` uploads at once (or
spread evenly over ``--spread`` seconds), each the front and the back of an ID card (``POST /v1/dossiers``,
``ket-hon``). Every upload's files are distinct bytes (the bundled card photos re-encoded), so every one is read:
none is answered from an earlier reading. Printed per setting: each answer's seconds (client side), p50, p90 and
max, the burst's wall time, the CPU time the service's processes spent, and how long a quality check of one photo
(``POST /v1/quality``, sent every 0.5 s during the burst) took meanwhile. Bounded: loopback only, at most 50
uploads and 600 s per setting.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import cv2
import httpx
import numpy as np

from records.db import open_database
from service.keys import create_key

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples" / "dossiers"
MAX_BURST = 50
TIMEOUT_S = 600.0
PROBE_EVERY_S = 0.5
WARM_LINE = re.compile(r"upload worker process\(es\) warm|branch-upload flow warmed up")


def card_pairs(folder: Path) -> list[tuple[Path, Path]]:
    """Every ``*_front.*`` with its ``*_back.*`` in ``folder``."""
    pairs = []
    for front in sorted(folder.glob("*_front.*")):
        if front.suffix.lower() not in (".jpg", ".jpeg", ".png"):
            continue
        back = front.with_name(front.name.replace("_front.", "_back."))
        if back.exists():
            pairs.append((front, back))
    return pairs


def distinct_uploads(pairs: list[tuple[Path, Path]], count: int) -> list[list[tuple[str, bytes]]]:
    """``count`` uploads of two files each, no two with the same bytes: the pairs in turn, each re-encoded (JPEG
    quality 88-95, the image shifted by a pixel) so that none is answered from an earlier reading."""
    uploads = []
    for index in range(count):
        front, back = pairs[index % len(pairs)]
        files = []
        for path in (front, back):
            image = cv2.imread(str(path), cv2.IMREAD_COLOR)
            if image is None:
                raise SystemExit(f"cannot read {path}")
            image = np.roll(image, index // len(pairs), axis=1)
            ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 88 + (index % 8)])
            assert ok
            files.append((f"{index:02d}-{path.name}", data.tobytes()))
        uploads.append(files)
    return uploads


def start(data_dir: Path, port: int, processes: int, runner: str) -> subprocess.Popen[bytes]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("HOSO_")}
    env.update({"HOSO_DATA_DIR": str(data_dir), "HOSO_UPLOAD_RUNNER": runner, "HOSO_UPLOAD_PROCESSES": str(processes),
                "HOSO_KEY_CACHE_SECONDS": "60", "OMP_THREAD_LIMIT": "1"})
    log = data_dir / "server.log"
    process = subprocess.Popen([sys.executable, "-m", "hoso.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
                                "--workers", "1"], cwd=REPO, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"hoso serve exited:\n{log.read_text()}")
        try:
            healthy = httpx.get(f"http://127.0.0.1:{port}/v1/health", timeout=1).status_code == 200
            if healthy and (processes == 0 and runner == "direct" or WARM_LINE.search(log.read_text())):
                return process
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    process.kill()
    raise SystemExit("hoso serve did not become ready")


def cpu_seconds(root: int) -> float:
    """CPU time (user + system) of a process and its children alive now, from /proc (Linux)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in [root, *_descendants(root)]:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks
        except (OSError, IndexError, ValueError):
            continue
    return total


def _descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int(entry.joinpath("stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, queue = [], [root]
    while queue:
        for child in children.get(queue.pop(), []):
            found.append(child)
            queue.append(child)
    return found


async def send(client: httpx.AsyncClient, files: list[tuple[str, bytes]], delay: float) -> tuple[float, dict]:
    await asyncio.sleep(delay)
    started = time.perf_counter()
    answer = await client.post("/v1/dossiers", data={"branch": "Chi nhánh đo tải", "procedure_code": "ket-hon"},
                               files=[("files", (name, data, "image/jpeg")) for name, data in files])
    seconds = time.perf_counter() - started
    if answer.status_code != 201:
        raise SystemExit(f"upload answered {answer.status_code}: {answer.text[:300]}")
    return seconds, answer.json()


async def burst(url: str, token: str, uploads: list[list[tuple[str, bytes]]], spread: float,
                probe: tuple[str, bytes] | None = None) -> tuple[list[tuple[float, dict]], list[float]]:
    """Send the uploads (and, while they run, a quality check of ``probe`` every ``PROBE_EVERY_S``): each upload's
    seconds and answer, and each quality check's seconds."""
    headers = {"Authorization": f"Bearer {token}", "X-Purpose": "benchmark"}
    limits = httpx.Limits(max_connections=len(uploads) + 2)
    checks: list[float] = []
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=TIMEOUT_S, limits=limits) as client:
        step = spread / len(uploads) if uploads else 0.0
        sent = asyncio.gather(*(send(client, files, index * step) for index, files in enumerate(uploads)))
        while probe is not None and not sent.done():
            started = time.perf_counter()
            answer = await client.post("/v1/quality", files=[("files", (probe[0], probe[1], "image/jpeg"))])
            if answer.status_code != 200:
                raise SystemExit(f"quality check answered {answer.status_code}: {answer.text[:300]}")
            checks.append(time.perf_counter() - started)
            await asyncio.sleep(PROBE_EVERY_S)
        return await sent, checks


def measure(processes: int, runner: str, uploads: list[list[tuple[str, bytes]]], warm: list[list[tuple[str, bytes]]],
            spread: float) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="hoso-bench-uploads-") as temp:
        data_dir = Path(temp)
        db = open_database(f"sqlite:///{data_dir / 'hoso.db'}")
        token = create_key(db, "bench", ["upload"])
        db.close()
        port = free_port()
        process = start(data_dir, port, processes, runner)
        url = f"http://127.0.0.1:{port}"
        try:
            asyncio.run(burst(url, token, warm, 0.0))  # one per process: every process has read a card once
            cpu_before, started = cpu_seconds(process.pid), time.perf_counter()
            answers, checks = asyncio.run(burst(url, token, uploads, spread, probe=warm[0][0]))
            wall = time.perf_counter() - started
            cpu = cpu_seconds(process.pid) - cpu_before
        finally:
            process.terminate()
            process.wait(timeout=60)
    seconds = sorted(s for s, _ in answers)
    retakes = sum(1 for _, body in answers for q in body["quality"] if not q["ok"])
    read = sum(len(body["read"]) for _, body in answers)
    return {"processes": processes, "runner": runner, "uploads": len(answers), "seconds": [round(s, 2) for s in seconds],
            "p50": round(statistics.median(seconds), 2), "p90": round(seconds[int(0.9 * (len(seconds) - 1))], 2),
            "max": round(seconds[-1], 2), "wall": round(wall, 2), "cpu": round(cpu, 1),
            "cpu_per_upload": round(cpu / len(answers), 2), "documents_read": read, "files_to_retake": retakes,
            "quality_checks": len(checks), "quality_p50": round(statistics.median(checks), 2) if checks else None,
            "quality_max": round(max(checks), 2) if checks else None}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.bench_uploads", description=__doc__.split("\n\n")[0])
    parser.add_argument("--burst", type=int, default=10, help="uploads sent at once")
    parser.add_argument("--processes", type=int, nargs="+", default=[0, os.cpu_count() or 1],
                        help="HOSO_UPLOAD_PROCESSES values to compare (0: in the API process, one at a time)")
    parser.add_argument("--runner", choices=["direct", "flow"], default="direct", help="HOSO_UPLOAD_RUNNER")
    parser.add_argument("--spread", type=float, default=0.0, help="send the burst over this many seconds")
    parser.add_argument("--cards", type=Path, default=SAMPLES, help="a folder of *_front/*_back card images")
    parser.add_argument("--budget", type=float, default=2.0, help="p50 seconds the last setting must meet")
    args = parser.parse_args(argv)
    if not 0 < args.burst <= MAX_BURST or args.spread < 0 or args.spread > TIMEOUT_S:
        parser.error(f"--burst must be 1..{MAX_BURST} and --spread 0..{TIMEOUT_S:.0f}")
    pairs = card_pairs(args.cards)
    if not pairs:
        parser.error(f"no *_front / *_back card images in {args.cards}")
    results = []
    for processes in args.processes:
        everything = distinct_uploads(pairs, args.burst + max(1, processes))
        warm, uploads = everything[:max(1, processes)], everything[max(1, processes):]
        result = measure(processes, args.runner, uploads, warm, args.spread)
        results.append(result)
        print(f"HOSO_UPLOAD_PROCESSES={processes} ({args.runner} runner, {os.cpu_count()} cores): {result['uploads']} "
              f"two-sided card uploads {'at once' if not args.spread else f'over {args.spread:.0f} s'}: "
              f"p50 {result['p50']} s, p90 {result['p90']} s, max {result['max']} s; burst {result['wall']} s, "
              f"service CPU {result['cpu']} s ({result['cpu_per_upload']} s an upload); each: {result['seconds']}; "
              f"meanwhile {result['quality_checks']} quality checks (POST /v1/quality, one photo): p50 "
              f"{result['quality_p50']} s, max {result['quality_max']} s")
    return 0 if results and float(results[-1]["p50"]) <= args.budget else 1  # type: ignore[arg-type]


if __name__ == "__main__":
    sys.exit(main())
