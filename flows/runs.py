"""Running a flow from a command: its result, once Prefect's run history has recorded it."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from contextlib import nullcontext
from typing import Any

from prefect.client.orchestration import get_client
from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, get_current_settings, temporary_settings
from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner

from flows.environment import temporary_server_running, wait_for_api_server

FINAL_TASK_STATES = ["COMPLETED", "FAILED", "CRASHED", "CANCELLED"]
HISTORY_WAIT_S = 15.0


def thread_runner(workers: int) -> TaskRunner[Any]:
    """Prefect's thread-pool task runner (typed as flows accept it: ``TaskRunner`` is invariant)."""
    return ThreadPoolTaskRunner(max_workers=workers)


def uses_ephemeral_api() -> bool:
    """A server that stops when this process ends: Prefect's ephemeral one, or the temporary one of
    ``flows.environment.choose_api_server``."""
    return not get_current_settings().api.url or temporary_server_running()


def wait_for_task_history(flow_run_id: Any, task_runs: int, timeout_s: float = HISTORY_WAIT_S) -> bool:
    """Wait until Prefect's API has recorded ``task_runs`` finished task runs of a flow run.

    The API records task states from an event queue. The ephemeral server is stopped when
    ``hoso run`` exits; stopped with events still queued, it loses them from the run's history
    and prints tracebacks on the operator's terminal. Returns whether the history is complete.
    """
    query = {"flow_runs": {"id": {"any_": [str(flow_run_id)]}},
             "task_runs": {"state": {"type": {"any_": FINAL_TASK_STATES}}}}
    deadline = time.monotonic() + timeout_s
    pause = 0.02  # usually complete at the first or second look: a fixed 0.2 s was most of the wait
    with get_client(sync_client=True) as client:
        while True:
            recorded = client.request("POST", "/task_runs/count", json=query).json()
            if recorded >= task_runs or time.monotonic() > deadline:
                return recorded >= task_runs
            time.sleep(pause)
            pause = min(pause * 2, 0.2)


def run_recorded(configured_flow: Any, task_runs_of: Callable[[Any], int], **parameters: Any) -> Any:
    """Run a flow and return its result; with the ephemeral API, only once its history is complete.

    With the ephemeral API the flow run sends no heartbeats: they let a lasting server tell a crashed run, and this
    server stops with the run; their thread sleeps in whole seconds, and the flow's end waited for it (up to 1 s).
    """
    wait_for_api_server()  # a temporary server started before Prefect was imported
    ephemeral = uses_ephemeral_api()
    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}) if ephemeral else nullcontext():
        state = configured_flow(**parameters, return_state=True)
    result = state.result()
    if ephemeral and not wait_for_task_history(state.state_details.flow_run_id, task_runs_of(result)):
        logging.getLogger(__name__).warning("Prefect's run history may lack some task runs of this flow run")
    return result
