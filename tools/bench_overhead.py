"""Benchmark: the fixed cost of ``hoso run`` (the command's wall time minus the flow's own), by how it reaches
Prefect's API: ``prefect`` (Prefect's ephemeral mode starts a temporary server when the first flow runs: the
behaviour before supervision's issue), ``early`` (the default: hoso starts that server in a child process while the
command loads) and ``running`` (a server is already up on the configured address: nothing to start or stop).

    python -m tools.bench_overhead FOLDER [--runs 3]

Each mode gets its own data dir, warmed by one unmeasured run (Prefect's home migrated, every file processed),
so the measured runs reuse every file and the flow is short; modes alternate run by run, so a machine busy with
other work slows them alike. CPU seconds are the command's and its children's (a temporary server is a child;
an already running server is not). Prints one JSON object per run and a summary (medians).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

MODES = ("prefect", "early", "running")
REPO = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.bench_overhead", description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    root = Path(tempfile.mkdtemp(prefix="hoso-bench-overhead-"))
    server = None
    try:
        port = _free_port()
        server = _start_server(root / "running" / "prefect", port)
        results: dict[str, list[dict[str, Any]]] = {mode: [] for mode in MODES}
        for run in range(args.runs + 1):  # run 0 warms each data dir
            for mode in MODES:
                result = _run(mode, root / mode, args.folder, args.workers, port)
                if run:
                    results[mode].append(result)
                    print(json.dumps({"mode": mode, "run": run, **result}), flush=True)
        summary = {mode: {key: round(statistics.median(r[key] for r in runs), 2)
                          for key in ("command_s", "flow_s", "fixed_s", "cpu_s")} for mode, runs in results.items()}
        print(json.dumps({"summary": summary, "runs": args.runs, "load_average": os.getloadavg()}, indent=2))
        return 0
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
        shutil.rmtree(root, ignore_errors=True)


def _run(mode: str, data_dir: Path, folder: Path, workers: int, port: int) -> dict[str, float]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("HOSO_", "PREFECT_"))}
    env.update(HOSO_DATA_DIR=str(data_dir), PREFECT_SERVER_API_PORT=str(port if mode == "running" else _free_port()),
               HOSO_PREFECT_TEMPORARY_SERVER="prefect" if mode == "prefect" else "early")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "hoso.cli", "run", str(folder), "--json", "--no-progress",
                           "--workers", str(workers)], cwd=REPO, env=env, capture_output=True, text=True, check=False)
    command = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        raise RuntimeError(f"hoso run ({mode}) exited with {done.returncode}: {done.stderr[-2000:]}")
    flow = json.loads(done.stdout)["wall_seconds"]
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"command_s": round(command, 2), "flow_s": round(flow, 2), "fixed_s": round(command - flow, 2),
            "cpu_s": round(cpu, 2)}


def _start_server(home: Path, port: int) -> subprocess.Popen[bytes]:
    """A Prefect API server on the port (as ``prefect server start`` serves it, without its UI)."""
    home.mkdir(parents=True, exist_ok=True)
    env = {key: value for key, value in os.environ.items() if not key.startswith("PREFECT_")}
    env.update(PREFECT_HOME=str(home), PREFECT_UI_ENABLED="0", PREFECT_SERVER_ANALYTICS_ENABLED="false",
               DO_NOT_TRACK="1")
    process = subprocess.Popen([sys.executable, "-m", "uvicorn", "--factory", "prefect.server.api.server:create_app",
                                "--host", "127.0.0.1", "--port", str(port), "--log-level", "error"], env=env)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=2) as answer:
                if answer.status == 200:
                    return process
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise RuntimeError("the Prefect server did not start")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


if __name__ == "__main__":
    sys.exit(main())
