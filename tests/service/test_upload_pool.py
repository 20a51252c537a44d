"""The upload worker processes (service.uploads.PoolRunner): uploads are read in them, several at once; a process
that dies under an upload costs that upload only (503 ``upload_interrupted``), and the next one is read."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any
import os
import signal
from pathlib import Path

import anyio
import pytest

from records.db import open_database
from schemas.settings import load_settings
from service.uploads import PoolRunner, Upload, UploadInterrupted

from .counter_seed import HOLDER
from .test_counter_api import CARD_LINES
from .test_uploads import text_pdf

pytestmark = pytest.mark.integration



def run_apart(coroutine: Coroutine[Any, Any, Any]) -> Any:
    """Run a coroutine to its end in a thread of its own: the browser tests' driver may hold this
    thread's event loop, and asyncio.run refuses to start inside a running loop."""
    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(asyncio.run, coroutine).result()

def test_uploads_are_read_in_the_pool_and_a_dead_process_is_replaced(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path, upload_processes=2)
    open_database(settings.resolved_database_url).close()
    runner = PoolRunner(settings, "direct", 2)
    runner.warm_up()
    try:
        assert runner.pool is not None
        pids = {process.pid for process in runner.pool._processes.values()}  # type: ignore[attr-defined]
        assert len(pids) == 2 and os.getpid() not in pids
        upload = Upload("ket-hon", "Quầy 1", None, [("card.pdf", text_pdf(CARD_LINES))])

        async def two() -> list:
            limiter = anyio.CapacityLimiter(1)
            return await asyncio.gather(runner.receive(upload, "test", limiter), runner.receive(upload, "test", limiter))

        first, second = run_apart(two())
        assert first.id_number == second.id_number == HOLDER["id_number"]
        assert first.dossier_id != second.dossier_id
        assert {f["status"] for f in first.outcome["files"] + second.outcome["files"]} <= {"processed", "reused"}

        for pid in pids:  # as a crash inside Tesseract would end them
            os.kill(pid, signal.SIGKILL)
        with pytest.raises(UploadInterrupted):
            run_apart(runner.receive(upload, "test", anyio.CapacityLimiter(1)))
        again = run_apart(runner.receive(upload, "test", anyio.CapacityLimiter(1)))
        assert again.id_number == HOLDER["id_number"]
    finally:
        runner.close()
