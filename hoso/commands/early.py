"""The step the flow commands run BEFORE their module is imported (their ``prepare`` in ``hoso.cli``).

Prefect reads its settings once, when it is first imported: its local environment (home under the
data dir, idle services off, no telemetry) is set up before ``hoso.commands.flows`` imports it.
"""

from __future__ import annotations

import argparse

from flows.environment import use_local_prefect
from schemas.settings import load_settings


def prepare_prefect(_args: argparse.Namespace) -> None:
    use_local_prefect(load_settings().data_dir)
