"""Crashes: ``hoso run`` killed with SIGKILL while it reads, twice in a row, then run again, loses nothing and
sets nothing aside; nothing it started outlives it. The real command, in processes of its own."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DOSSIERS = REPO / "samples" / "dossiers"
FILES = ("0006_dossier_multi_pdf.pdf", "0001_id_card_clean_scan.jpg", "0008_birth_certificate_clean_scan.jpg")

pytestmark = pytest.mark.integration


def start_run(folder: Path, data_dir: Path) -> subprocess.Popen[bytes]:
    """``hoso run`` in a session of its own, so that whatever it leaves behind can be found by its session id."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("HOSO_", "PREFECT_"))}
    env["HOSO_DATA_DIR"] = str(data_dir)
    return subprocess.Popen([sys.executable, "-m", "hoso.cli", "run", str(folder), "--no-progress", "--workers", "1"],
                            cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)


def query(data_dir: Path, sql: str) -> list[tuple]:
    database = data_dir / "hoso.db"
    if not database.exists():
        return []
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=10) as connection:
        try:
            return connection.execute(sql).fetchall()
        except sqlite3.OperationalError:  # the schema is being made
            return []


def wait_for(condition: Callable[[], bool], timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def session_processes(session: int) -> list[int]:
    alive = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if os.getsid(int(entry.name)) == session:
                    alive.append(int(entry.name))
            except ProcessLookupError:
                continue
    return alive


def kill_while_reading(folder: Path, data_dir: Path, starts_before: int) -> None:
    """Start a run, wait until it has begun reading a file (one more start in the event log), kill -9 it."""
    process = start_run(folder, data_dir)
    starts = "SELECT count(*) FROM events WHERE action = 'original.processing_started'"
    wait_for(lambda: (query(data_dir, starts) or [(0,)])[0][0] > starts_before or process.poll() is not None, 300)
    assert process.poll() is None, process.stdout.read().decode() if process.stdout else ""
    time.sleep(0.5)  # inside the reading
    process.kill()
    process.wait()
    wait_for(lambda: not session_processes(process.pid), 10)  # its Prefect server went with it


def test_killed_twice_while_reading_then_run_again_loses_nothing(tmp_path: Path) -> None:
    folder, data_dir = tmp_path / "scans", tmp_path / "data"
    folder.mkdir()
    for name in FILES:
        shutil.copy(DOSSIERS / name, folder / name)

    kill_while_reading(folder, data_dir, starts_before=0)
    claims = query(data_dir, "SELECT id FROM originals WHERE claimed_by IS NOT NULL")
    assert len(claims) == 1, "the killed run held one file"
    started = query(data_dir, "SELECT count(*) FROM events WHERE action = 'original.processing_started'")[0][0]
    kill_while_reading(folder, data_dir, starts_before=started)

    final = start_run(folder, data_dir)
    output = final.communicate(timeout=600)[0].decode()
    assert final.returncode == 0, output
    assert not session_processes(final.pid)
    statuses = query(data_dir, "SELECT status, count(*) FROM originals GROUP BY status")
    assert statuses == [("processed", len(FILES))], output
    assert query(data_dir, "SELECT max(unfinished_starts) FROM originals")[0][0] == 2, "two kills, each counted once"
    assert query(data_dir, "SELECT count(*) FROM originals WHERE claimed_by IS NOT NULL") == [(0,)]
    assert query(data_dir, "SELECT count(*) FROM documents")[0][0] >= len(FILES)
