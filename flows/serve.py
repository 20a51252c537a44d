"""Serve the three flows as deployments from one long-running process.

Needs a Prefect server (``prefect server start``, then ``PREFECT_API_URL=http://127.0.0.1:4200/api``):
the ephemeral server that ``hoso run`` uses cannot schedule runs. Then, from anywhere:

    prefect deployment run 'hoso-batch/batch' -p source=/data/scans/2026-11-24
    prefect deployment run 'hoso-branch-upload/branch-upload' -p procedure_code=khai-sinh \
        -p branch=chi-nhanh-1 -p 'paths=["/data/uploads/123/front.jpg", "/data/uploads/123/back.jpg"]'
    prefect deployment run 'hoso-reprocess/reprocess'

``HOSO_DASK_ADDRESS=tcp://scheduler:8786`` makes the batch deployment run its tasks on that Dask
cluster (scale-out across machines: start ``dask scheduler`` and ``dask worker ... --nthreads 1``
on each machine, with this repository installed and the same HOSO_* settings in the environment).
"""

from __future__ import annotations

import os
from typing import Any

from prefect import serve

from flows.batch import batch_flow, make_task_runner
from flows.environment import temporary_server_running
from flows.branch_upload import branch_upload_flow
from flows.reprocess import reprocess_flow
from schemas.errors import ConfigurationError
from schemas.settings import load_settings
from usecases.intake import default_cores


def deployments() -> list[Any]:
    batch = batch_flow
    address = load_settings().dask_address
    if address:
        runner, _name = make_task_runner(default_cores(), address)
        batch = batch_flow.with_options(task_runner=runner)
    return [
        batch.to_deployment(name="batch", description="ingest every document file under a folder or store prefix",
                            parameters={"source": "samples/"}),
        branch_upload_flow.to_deployment(name="branch-upload", description="one dossier from a branch counter"),
        reprocess_flow.to_deployment(name="reprocess", description="re-extract stored originals"),
    ]


def serve_all(limit: int | None = None) -> None:
    """Serve the deployments until interrupted (at most ``limit`` concurrent runs)."""
    if not os.environ.get("PREFECT_API_URL") or temporary_server_running():  # not the one `hoso run` starts
        raise ConfigurationError("hoso serve-flows needs a Prefect server: run `prefect server start` and set "
                                 "PREFECT_API_URL=http://127.0.0.1:4200/api (the ephemeral server cannot schedule runs)")
    serve(*deployments(), limit=limit or max(2, default_cores()))


if __name__ == "__main__":
    serve_all()
