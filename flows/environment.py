"""Prefect's local environment for a run, set up BEFORE Prefect is imported.

Prefect reads its settings once, when it is first imported; so whoever runs flows calls
``use_local_prefect`` first (the ``hoso`` command does it before loading a command's module, the
query service before it warms up the branch-upload flow). Only the standard library here.
"""

from __future__ import annotations

import os
from pathlib import Path

# The ephemeral server lives for one run: the loop services that watch deployments, schedules,
# workers and automations have nothing to do and would take CPU from OCR.
EPHEMERAL_IDLE_SERVICES = ("SCHEDULER", "LATE_RUNS", "FOREMAN", "CANCELLATION_CLEANUP", "PAUSE_EXPIRATIONS",
                           "REPOSSESSOR", "DB_VACUUM", "CLEANUP_RECONCILER", "TRIGGERS")


def use_local_prefect(data_dir: Path | None = None) -> None:
    """Prefect's ephemeral mode for a local run, unless a server is configured (PREFECT_API_URL).

    Must run before ``import prefect``: its home (SQLite run history) goes under our data dir so a
    fresh checkout needs no setup, and nothing phones home.
    """
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    # The first start on an empty home migrates its SQLite (≈16 s, more on a busy machine): the
    # default 20 s timeout failed a fresh `hoso run` here.
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    if data_dir is not None and "PREFECT_API_URL" not in os.environ:
        home = Path(os.environ.setdefault("PREFECT_HOME", str((data_dir / "prefect").resolve())))
        home.mkdir(parents=True, exist_ok=True)  # Prefect creates only the last folder
        for service in EPHEMERAL_IDLE_SERVICES:
            os.environ.setdefault(f"PREFECT_SERVER_SERVICES_{service}_ENABLED", "false")
