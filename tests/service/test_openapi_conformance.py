"""Schemathesis against a REAL `hoso serve` (SQLite and PostgreSQL) and its own `/openapi.json`: every
check (status codes, content types, headers and bodies against the schema, no 500, invalid data
refused, valid data accepted, auth enforced, 405 with Allow ...) over every operation, with a key that
holds every scope. Bounded: a fixed seed and a modest number of examples per operation (~15-25 s a
backend). `tests/service/schemathesis.toml` says which refusals the schema cannot express."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from records.db import open_database
from service.keys import SCOPES, create_key

from .conftest import Server

pytestmark = pytest.mark.integration
CONFIG = Path(__file__).with_name("schemathesis.toml")
MAX_EXAMPLES = 20
SEED = 2026


def test_the_running_service_answers_as_its_openapi_says(server: Server, tmp_path: Path) -> None:
    db = open_database(server.database_url)
    try:
        token = create_key(db, "schemathesis", list(SCOPES))
    finally:
        db.close()
    report = tmp_path / "schemathesis.json"
    command = [
        str(Path(sys.executable).with_name("st")), "--config-file", str(CONFIG), "run",
        f"{server.base_url}/openapi.json", "--checks", "all", "--max-examples", str(MAX_EXAMPLES), "--seed", str(SEED),
        "--header", f"Authorization: Bearer {token}", "--header", "X-Purpose: schemathesis",
        "--request-timeout", "30", "--report", "json", "--report-json-path", str(report),
    ]
    started = time.monotonic()
    run = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=240)
    seconds = time.monotonic() - started
    assert report.exists(), run.stdout[-3000:] + run.stderr[-3000:]
    figures = json.loads(report.read_text())
    cases = figures["test_cases"]
    print(f"\nschemathesis {figures['schemathesis_version']}: {figures['operations']['tested']} operations, "
          f"{cases['generated']} test cases, {cases['with_failures']} with failures, "
          f"{len(figures['errors'])} errors in {seconds:.1f} s")
    assert (figures["failures"], figures["errors"]) == ([], []), run.stdout[-6000:]
    assert run.returncode == 0, run.stdout[-6000:]
    assert figures["operations"]["tested"] == figures["operations"]["total"] >= 9 and cases["generated"] > 300
    assert "unexpected" not in server.log_text()  # no exception reached the 500 handler
