"""The step the flow commands run BEFORE their module is imported (their ``prepare`` in ``hoso.cli``).

Prefect reads its settings once, when it is first imported: its local environment (home under the
data dir, idle services off, no telemetry) and its API server (``flows.environment.choose_api_server``)
are set up before ``hoso.commands.flows`` imports it.
"""

from __future__ import annotations

import argparse

from flows.environment import choose_api_server, use_local_prefect
from schemas.settings import load_settings


def prepare_prefect(_args: argparse.Namespace) -> None:
    settings = load_settings()
    use_local_prefect(settings.data_dir)
    # a running Prefect server if there is one (its history is where supervisors look), else a temporary one
    # starting now, while the command's module is imported
    choose_api_server(start_early=settings.prefect_temporary_server == "early",
                      keep=settings.prefect_temporary_server == "keep")
