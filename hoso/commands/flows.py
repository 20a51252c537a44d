"""``hoso run [DIR]`` (the batch flow), ``hoso reprocess``, ``hoso serve-flows``.

Loaded after ``hoso.commands.early.prepare_prefect`` has set up Prefect's environment.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, TextIO

from flows.batch import BatchReport, run_batch
from flows.reprocess import run_reprocess
from flows.serve import serve_all
from hoso.commands import inputs_exit_code
from schemas.errors import ExitCode
from schemas.settings import load_settings


def run_batch_command(args: argparse.Namespace, out: TextIO | None = None) -> ExitCode:
    """0 when every file was fine, 1 when some were quarantined or failed, 5 when all were."""
    out = out or sys.stdout
    settings = load_settings()
    report = run_batch(args.source, settings=settings, workers=args.workers, dask=args.dask, actor=settings.actor,
                       resume=args.resume, progress=args.progress)
    if args.json:
        out.write(json.dumps(report.to_json(), ensure_ascii=False, indent=2) + "\n")
    else:
        print_report(report, out)
    counts = report.counts
    return inputs_exit_code(report.files - counts["skipped"], counts["quarantined"] + counts["failed"] + counts["refused"])


def print_report(report: BatchReport, out: TextIO) -> None:
    counts = report.counts
    out.write(f"{report.files} file(s) from {report.source} in {report.wall_seconds:.1f} s "
              f"({report.runner}, {report.workers} worker(s))\n")
    out.write(f"  processed {counts['processed']}, needs review {counts['needs_review']}, "
              f"quarantined {counts['quarantined']}, reused {counts['reused']}, failed {counts['failed']}, "
              f"refused {counts['refused']}, skipped {counts['skipped']} (not document files)\n")
    out.write(f"  {report.pages} page(s) read, {report.pages_per_second:.2f} pages/s\n")
    for problem in report.problems:
        out.write(f"  {problem['status']}: {problem['name']}: {problem['reason']}\n")
    out.write(f"report: {report.report_path}" + (f" (store: {report.report_key})" if report.report_key else "") + "\n")


def run_reprocess_command(args: argparse.Namespace, out: TextIO | None = None) -> ExitCode:
    out = out or sys.stdout
    settings = load_settings()
    report: dict[str, Any] = run_reprocess(settings=settings, original_ids=args.original_ids, reuse_ocr=args.reuse_ocr,
                                           workers=args.workers, actor=settings.actor)
    if args.json:
        out.write(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    else:
        out.write(f"{report['originals']} original(s) re-extracted in {report['wall_seconds']:.1f} s: "
                  f"{report['documents']}\n")
        for problem in report["problems"]:
            out.write(f"  original {problem['original_id']}: {problem['reason']}\n")
    return inputs_exit_code(report["originals"], len({problem["original_id"] for problem in report["problems"]}))


def run_serve_command(_args: argparse.Namespace) -> ExitCode:
    serve_all()
    return ExitCode.ok
