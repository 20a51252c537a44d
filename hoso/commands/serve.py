"""``hoso serve``: the query service under uvicorn."""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flows.environment import use_local_prefect
from records.db import open_database
from schemas.errors import ExitCode
from schemas.settings import Settings, load_settings
from service.config import audit_secret
from service.metrics import multiprocess_dir
from service.server import run


def run_serve(args: argparse.Namespace) -> ExitCode:
    # Before the workers start: migrate once and make the audit key once, so workers do not race.
    settings = load_settings()
    open_database(settings.resolved_database_url).close()
    audit_secret(settings)
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # know-how: Tesseract's OpenMP threads thrash on 2 cores
    # metrics timed in the workers (uploads) are summed across them (service/metrics.py)
    with _shared_prefect_api(settings, args.workers), multiprocess_dir(args.workers):
        run(args.host, args.port, args.workers, args.log_level, _log_config(args.log_level))
    return ExitCode.ok


@contextmanager
def _shared_prefect_api(settings: Settings, workers: int) -> Iterator[None]:
    """One Prefect API server for all workers, started before they are. Without it each worker
    started its own ephemeral server (~10 s of CPU each): lookups served by the worker that was
    ready first queued behind the other's start-up (p99 250 ms measured at 200 req/s)."""
    if settings.upload_runner != "flow" or workers < 2 or "PREFECT_API_URL" in os.environ:
        yield
        return
    use_local_prefect(settings.data_dir)
    # Prefect is imported here, lazily: it must come after use_local_prefect (Prefect reads its
    # settings when first imported), and this process needs it only to host the workers' shared server.
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer()
    server.start(timeout=int(os.environ["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"]))
    os.environ["PREFECT_API_URL"] = server.api_url  # inherited by the spawned workers
    try:
        yield
    finally:
        server.stop()


def _log_config(level: str) -> dict[str, Any]:
    handler = {"class": "logging.StreamHandler", "formatter": "plain", "stream": "ext://sys.stderr"}
    return {
        "version": 1, "disable_existing_loggers": False,
        "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
        "handlers": {"stderr": handler},
        "loggers": {name: {"handlers": ["stderr"], "level": level.upper(), "propagate": False}
                    for name in ("uvicorn", "hoso", "service", "pipeline", "flows")},
    }
