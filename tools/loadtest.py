"""A bounded load test of the record-lookup path, on loopback only.

    python -m tools.loadtest --backend sqlite --rate 200 --duration 20 --workers 2
    python -m tools.loadtest --backend postgresql --rate 200 --duration 20 --workers 2

Sets up a throw-away data dir (and, for PostgreSQL, a throw-away schema in 127.0.0.1:5432/test),
seeds ``--citizens`` citizens (an id card each, a marriage certificate for every pair), creates a
``records:read`` key, starts ``hoso serve`` with ``--workers``, then sends
``GET /v1/citizens/{id}/documents`` at a FIXED ARRIVAL RATE (open loop: a slow answer does not slow
the sender, and latency counts from the scheduled send time, so queueing shows up in the figures).
Prints latency percentiles, the achieved rate, errors and the audit rows written.

Bounds: at most 600 requests/s, 60 s and 20,000 requests; the target must be 127.0.0.1/localhost.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import httpx
import psycopg
from sqlalchemy import text

from records.db import open_database
from records.ingest import record_extraction, register_original
from records.storage.objects import LocalObjectStore, sha256_hex
from schemas import Document, ExtractionResult, Field
from service.keys import create_key

MAX_RATE, MAX_DURATION_S, MAX_REQUESTS = 600, 60, 20_000
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
REPO = Path(__file__).resolve().parents[1]
WARM_LINE = "branch-upload flow warmed up"  # logged by each worker (service.uploads.FlowRunner)


@dataclass
class Result:
    latencies_ms: list[float]
    errors: dict[str, int]
    wall_s: float
    sent: int

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] if ordered else float("nan")

    def report(self) -> str:
        ok = len(self.latencies_ms)
        return (f"sent {self.sent} in {self.wall_s:.1f} s ({self.sent / self.wall_s:.0f} req/s), ok {ok}, "
                f"errors {sum(self.errors.values())} {dict(self.errors) or ''}\n"
                f"latency ms: p50 {self.percentile(50):.1f}  p90 {self.percentile(90):.1f}  "
                f"p99 {self.percentile(99):.1f}  max {max(self.latencies_ms, default=float('nan')):.1f}  "
                f"mean {statistics.fmean(self.latencies_ms) if ok else float('nan'):.1f}")


# ---------------------------------------------------------------- load


class _Connections:
    """A pool of keep-alive HTTP/1.1 connections speaking just enough HTTP for GET + Content-Length.

    httpx spent ~2.4 ms of CPU per request, a quarter of a core at 100 req/s on the same two cores
    as the server: a load generator must not take the CPU it is measuring."""

    def __init__(self, host: str, port: int, headers: dict[str, str]) -> None:
        self.host, self.port = host, port
        self.header_bytes = "".join(f"{k}: {v}\r\n" for k, v in {"Host": host, **headers}.items()).encode()
        self.idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []

    async def get(self, path: str) -> int:
        if self.idle:
            try:
                return await self._get(self.idle.pop(), path)
            except (asyncio.IncompleteReadError, ConnectionError):
                pass  # the server closed an idle keep-alive connection: retry on a new one, as clients do
        return await self._get(await asyncio.open_connection(self.host, self.port), path)

    async def _get(self, connection: tuple[asyncio.StreamReader, asyncio.StreamWriter], path: str) -> int:
        reader, writer = connection
        writer.write(b"GET " + path.encode() + b" HTTP/1.1\r\n" + self.header_bytes + b"\r\n")
        head = await reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = 0
        for line in head.split(b"\r\n"):
            if line[:15].lower() == b"content-length:":
                length = int(line[15:])
        await reader.readexactly(length)
        self.idle.append(connection)
        return status

    def close(self) -> None:
        for _reader, writer in self.idle:
            writer.close()


async def fixed_rate(url: str, token: str, paths: list[str], rate: float, duration: float) -> Result:
    parsed = urlparse(url)
    total = min(int(rate * duration), MAX_REQUESTS)
    latencies: list[float] = []
    errors: dict[str, int] = {}
    pool = _Connections(parsed.hostname or "127.0.0.1", parsed.port or 80,
                        {"Authorization": f"Bearer {token}", "X-Purpose": "load test"})
    loop = asyncio.get_running_loop()
    start = loop.time() + 0.05

    async def one(index: int, scheduled: float) -> None:
        try:
            status = await asyncio.wait_for(pool.get(paths[index % len(paths)]), timeout=10)
            if status == 200:
                latencies.append((loop.time() - scheduled) * 1000)
            else:
                errors[str(status)] = errors.get(str(status), 0) + 1
        except Exception as error:  # noqa: BLE001 - counted, reported
            errors[type(error).__name__] = errors.get(type(error).__name__, 0) + 1

    # Each request is started at its time, not all created up front: creating thousands of
    # sleeping tasks at once stalled this loop for ~0.2 s and showed up as the server's latency.
    began = time.perf_counter()
    running = []
    gc.collect()
    gc.freeze()
    gc.disable()  # bounded run: a collection pause here would be counted as the server's latency
    try:
        for index in range(total):
            scheduled = start + index / rate
            await asyncio.sleep(max(0.0, scheduled - loop.time()))
            running.append(asyncio.create_task(one(index, scheduled)))
        await asyncio.gather(*running)
    finally:
        gc.enable()
    wall = time.perf_counter() - began
    pool.close()
    return Result(latencies, errors, wall, total)


# ---------------------------------------------------------------- set-up


def seed(database_url: str, data_dir: Path, citizens: int) -> list[str]:
    """``citizens`` people with an id card each, and a marriage certificate for every pair."""

    def field(value: str, y: int) -> Field:
        return Field(value=value, confidence=0.9, page=1, bbox=(40, y, 600, y + 30), source="ocr")

    def record(db: Any, store: Any, document_type: str, values: dict[str, str]) -> None:
        data = b"%PDF-1.4\n% load test\n" + os.urandom(64)
        original = register_original(db, store, data, "seed.pdf")
        fields = {name: field(value, 100 + 40 * i) for i, (name, value) in enumerate(values.items())}
        document = Document(document_type=document_type, pages=[1], fields=fields)
        record_extraction(db, original, ExtractionResult(source="seed.pdf", sha256=sha256_hex(data), documents=[document]))

    rng = random.Random(7)
    numbers = [f"001{rng.choice('01')}90{index:06d}" for index in range(citizens)]
    db = open_database(database_url)
    store = LocalObjectStore(data_dir / "objects")
    try:
        for index, number in enumerate(numbers):
            record(db, store, "id_card", {
                "id_number": number, "full_name": f"NGUYỄN VĂN NGƯỜI {index}", "date_of_birth": "1990-01-01",
                "sex": "Nam", "place_of_residence": "Số 1 phố Huế, phường Hai Bà Trưng, Hà Nội",
                "issue_date": "2021-01-01", "expiry_date": "2035-01-01"})
        for a, b in zip(numbers[::2], numbers[1::2], strict=False):
            record(db, store, "marriage_certificate", {
                "certificate_number": a[-6:], "book_number": "01/2020", "wife_id_number": b, "husband_id_number": a,
                "wife_full_name": "TRẦN THỊ VỢ", "husband_full_name": "NGUYỄN VĂN CHỒNG",
                "registration_date": "2020-01-01"})
    finally:
        db.close()
    return numbers


@contextmanager
def postgres_schema() -> Any:

    schema = f"hoso_load_{uuid.uuid4().hex[:12]}"
    connect: dict[str, Any] = {"host": "127.0.0.1", "port": 5432, "dbname": "test",
                               "user": os.environ.get("PGUSER", "postgres")}
    with psycopg.connect(**connect, autocommit=True) as admin:
        admin.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield (f"postgresql+psycopg://{connect['user']}@127.0.0.1:5432/test"
               f"?options=-csearch_path%3D{schema}")
    finally:
        with psycopg.connect(**connect, autocommit=True) as admin:
            admin.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def serve(data_dir: Path, database_url: str, port: int, workers: int, log: Path, upload_runner: str
          ) -> subprocess.Popen[bytes]:

    env = {key: value for key, value in os.environ.items() if not key.startswith("HOSO_")}
    env.update({"HOSO_DATA_DIR": str(data_dir), "HOSO_DATABASE_URL": database_url,
                "HOSO_UPLOAD_RUNNER": upload_runner})
    process = subprocess.Popen([sys.executable, "-m", "hoso.cli", "serve", "--port", str(port),
                                "--workers", str(workers)], cwd=REPO, env=env,
                               stdout=log.open("wb"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"hoso serve exited:\n{log.read_text()}")
        try:
            healthy = httpx.get(f"http://127.0.0.1:{port}/v1/health", timeout=1).status_code == 200
            # Every worker warm, not just the first: one still starting steals the CPU being measured.
            if healthy and (upload_runner != "flow" or log.read_text().count(WARM_LINE) >= workers):
                return process
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    process.kill()
    raise SystemExit("hoso serve did not become healthy")


def free_port() -> int:

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def audit_rows(database_url: str) -> int:


    db = open_database(database_url)
    try:
        with db.engine.connect() as connection:
            return connection.execute(text("SELECT count(*) FROM audit_log")).scalar() or 0
    finally:
        db.close()


def run(args: argparse.Namespace) -> int:

    with tempfile.TemporaryDirectory(prefix="hoso-load-") as temp:
        data_dir = Path(temp)
        with postgres_schema() if args.backend == "postgresql" else _sqlite(data_dir) as database_url:
            started = time.perf_counter()
            numbers = seed(database_url, data_dir, args.citizens)
            db = open_database(database_url)
            token = create_key(db, "loadtest", ["records:read"])
            db.close()
            print(f"seeded {len(numbers)} citizens in {time.perf_counter() - started:.1f} s ({args.backend})")
            port = free_port()
            process = serve(data_dir, database_url, port, args.workers, data_dir / "server.log", args.upload_runner)
            try:
                url = f"http://127.0.0.1:{port}"
                paths = [f"/v1/citizens/{number}/documents" for number in numbers]
                random.Random(1).shuffle(paths)
                asyncio.run(fixed_rate(url, token, paths, min(args.rate, 50), 2))  # warm-up, not reported
                before = audit_rows(database_url)
                result = asyncio.run(fixed_rate(url, token, paths, args.rate, args.duration))
                written = audit_rows(database_url) - before
            finally:
                process.terminate()
                process.wait(timeout=30)
            print(f"{args.backend}, {args.workers} worker(s), upload runner {args.upload_runner}, "
                  f"{args.rate:.0f} req/s for {args.duration:.0f} s, {os.cpu_count()} cores")
            print(result.report())
            print(f"audit rows written: {written} (one per request: {written == result.sent})")
            return 0 if result.percentile(99) <= args.p99_budget_ms and not result.errors else 1


@contextmanager
def _sqlite(data_dir: Path) -> Any:
    yield f"sqlite:///{data_dir / 'hoso.db'}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.loadtest", description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--rate", type=float, default=200, help="requests per second (fixed arrival rate)")
    parser.add_argument("--duration", type=float, default=20, help="seconds")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument("--citizens", type=int, default=400)
    parser.add_argument("--upload-runner", choices=["flow", "direct"], default="flow",
                        help="the service's HOSO_UPLOAD_RUNNER (flow: the workers share one Prefect API server)")
    parser.add_argument("--p99-budget-ms", type=float, default=50)
    parser.add_argument("--url", help="an already running service on loopback (with --token) instead of a new one")
    parser.add_argument("--token", help="a records:read key for --url")
    parser.add_argument("--id-number", action="append", default=[], help="with --url: id numbers to look up")
    args = parser.parse_args(argv)
    if not 0 < args.rate <= MAX_RATE or not 0 < args.duration <= MAX_DURATION_S:
        parser.error(f"rate must be in (0, {MAX_RATE}] and duration in (0, {MAX_DURATION_S}]")
    if args.url:
        if urlparse(args.url).hostname not in LOOPBACK:
            parser.error("only a loopback URL may be load-tested")
        if not args.token or not args.id_number:
            parser.error("--url needs --token and at least one --id-number")
        paths = [f"/v1/citizens/{number}/documents" for number in args.id_number]
        result = asyncio.run(fixed_rate(args.url, args.token, paths, args.rate, args.duration))
        print(result.report())
        return 0 if result.percentile(99) <= args.p99_budget_ms and not result.errors else 1
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
