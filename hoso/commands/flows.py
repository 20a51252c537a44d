"""CLI: ``hoso run [DIR]`` (the batch flow), ``hoso reprocess``, ``hoso serve-flows``, ``hoso bench-run``.

Prefect is imported only inside the handlers: ``hoso extract`` must stay fast.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any, TextIO


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    run = subparsers.add_parser("run", help="ingest every document file of a folder (the batch flow)")
    run.add_argument("source", nargs="?", default="samples/",
                     help="a folder, or store:<prefix> for files already in the object store (default samples/)")
    run.add_argument("--workers", type=int, default=None, help="files read at once (default: cores)")
    run.add_argument("--dask", metavar="ADDRESS", default=None,
                     help="run the tasks on a Dask cluster: tcp://host:8786, or 'local' for one on this machine")
    run.add_argument("--no-resume", dest="resume", action="store_false",
                     help="do not finish originals a killed run left unprocessed")
    run.add_argument("--no-progress", dest="progress", action="store_false", help="no progress bar")
    run.add_argument("--json", action="store_true", help="print the run report as JSON")
    run.set_defaults(handler=run_batch_command)

    reprocess = subparsers.add_parser("reprocess", help="re-extract stored originals (after an extractor improved)")
    reprocess.add_argument("--original", dest="original_ids", type=int, action="append", default=None,
                           metavar="ID", help="only this original (repeatable); default: every processed one")
    reprocess.add_argument("--ocr", dest="reuse_ocr", action="store_false",
                           help="OCR again instead of reusing the stored words")
    reprocess.add_argument("--workers", type=int, default=None)
    reprocess.add_argument("--json", action="store_true")
    reprocess.set_defaults(handler=run_reprocess_command)

    serve = subparsers.add_parser("serve-flows", help="serve the batch, branch-upload and reprocess deployments")
    serve.set_defaults(handler=run_serve_command)



def _settings() -> Any:
    from flows.common import use_local_prefect
    from records.storage.config import Settings

    settings = Settings.from_env()
    use_local_prefect(settings.data_dir)
    return settings


def run_batch_command(args: argparse.Namespace, out: TextIO | None = None) -> int:
    import json

    out = out or sys.stdout
    settings = _settings()
    if args.progress:
        _quiet_console()
    from flows.batch import run_batch

    report = run_batch(args.source, settings=settings, workers=args.workers, dask=args.dask, actor=settings.actor,
                       resume=args.resume, progress=args.progress)
    if args.json:
        out.write(json.dumps(report.to_json(), ensure_ascii=False, indent=2) + "\n")
    else:
        print_report(report, out)
    return 1 if report.counts["failed"] else 0


def print_report(report: Any, out: TextIO) -> None:
    counts = report.counts
    out.write(f"{report.files} file(s) from {report.source} in {report.wall_seconds:.1f} s "
              f"({report.runner}, {report.workers} worker(s))\n")
    out.write(f"  processed {counts['processed']}, needs review {counts['needs_review']}, "
              f"quarantined {counts['quarantined']}, reused {counts['reused']}, failed {counts['failed']}\n")
    out.write(f"  {report.pages} page(s) read, {report.pages_per_second:.2f} pages/s\n")
    for problem in report.problems:
        out.write(f"  {problem['status']}: {problem['name']}: {problem['reason']}\n")
    out.write(f"report: {report.report_path}" + (f" (store: {report.report_key})" if report.report_key else "") + "\n")


def _quiet_console() -> None:
    """Under a progress bar the console shows warnings only; Prefect still records every log line."""
    import logging

    for handler in logging.getLogger().handlers:
        handler.setLevel(logging.WARNING)


def run_reprocess_command(args: argparse.Namespace, out: TextIO | None = None) -> int:
    import json

    out = out or sys.stdout
    settings = _settings()
    from flows.reprocess import run_reprocess

    report = run_reprocess(settings=settings, original_ids=args.original_ids, reuse_ocr=args.reuse_ocr,
                           workers=args.workers, actor=settings.actor)
    if args.json:
        out.write(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    else:
        out.write(f"{report['originals']} original(s) re-extracted in {report['wall_seconds']:.1f} s: "
                  f"{report['documents']}\n")
        for problem in report["problems"]:
            out.write(f"  original {problem['original_id']}: {problem['reason']}\n")
    return 1 if report["problems"] else 0


def run_serve_command(_args: argparse.Namespace) -> int:
    _settings()
    from flows.serve import serve_all

    serve_all()
    return 0
