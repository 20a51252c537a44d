"""Prefect 3 flows around the plain functions of ``usecases.intake`` (tasks wrap them, flows orchestrate).

- ``flows.batch``         back-office batch over a folder or ``store:<prefix>``: ``hoso run [DIR]``
                          (threads by default; ``--dask local`` or ``--dask tcp://scheduler:8786``)
- ``flows.branch_upload`` one dossier from a branch counter, in a long-running process:
                          ``warm_up()`` at start-up, then ``run_branch_upload(...)`` per upload
- ``flows.reprocess``     re-extract stored originals (stored OCR words reused): ``hoso reprocess``
- ``flows.serve``         the three as deployments (``hoso serve-flows``; needs a Prefect server);
                          ``prefect.yaml`` at the repository root for work pools
- ``flows.environment``   Prefect's local environment, set up before Prefect is imported
- ``flows.common``        connections, retry rules and sources shared by the flows (no Prefect import)
- ``flows.runs``          running a flow from a command, once Prefect has recorded its history
- ``tools.bench_run``     ``hoso-tools bench-run``: pages/s of ``hoso run`` against bare tesseract

Our database is the record of what was processed; Prefect's run history is for operators.
"""
