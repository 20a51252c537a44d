"""The back-office batch: every document file under a folder or an object-store prefix, end to end.

One task per file (its pages are read inside ``process_bytes``), at most ``workers`` files at once
so every core runs one single-threaded Tesseract; a sliding window keeps only a few times that many
task runs alive, so thousands of files do not pile up thousands of futures.

- retries: transient faults only (object store, database); bad input is quarantined by
  ``ingest_bytes`` and never retried;
- caching: by content hash in OUR database (an original already processed is ``reused`` with no
  OCR). Prefect's own cache is off: it would need result persistence and would say "done" for files
  our database has never seen (a fresh database, another environment);
- isolation: a file whose task still fails after its retries is listed in the report as ``failed``
  and stays ``received`` in the database, for ``resume`` (the next run) to finish;
- the record of what was processed is the database; the JSON run report is for supervisors.
"""

from __future__ import annotations

import json
import os
import queue
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from prefect import flow, get_run_logger, tags, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from tqdm import tqdm

from flows.common import (RETRY_DELAYS_S, STORE_SCHEME, SourceFile, check_source, connections, list_sources,
                          printable, retry_if_transient)
from flows.runs import run_recorded, thread_runner
from records.db import Database
from records.ingest import pending_originals, sniff_media_type
from records.storage.objects import ObjectStore, sha256_hex, validate_key
from schemas.settings import Settings, load_settings
from schemas.errors import StorageError
from usecases.intake import FileOutcome, default_cores, ingest_bytes, is_transient, where
from usecases.supervision import dossier_of_file, reason_code

if TYPE_CHECKING:  # a Protocol: at run time Prefect would try to build a parameter schema from it, and fail
    from pipeline.read import OcrEngine

SLOWEST_LISTED = 10
STATUSES = ("processed", "reused", "quarantined", "failed", "refused", "skipped")
PROBLEMS = ("quarantined", "failed", "refused")  # files found that should have been read and were not
WINDOW_PER_WORKER = 4  # task runs alive per worker: enough to never starve a core, few enough to stay small
REPORTS_PREFIX = "reports/"
ARTIFACT_KEY = "hoso-batch-report"


class FileNotIngested(StorageError):
    """A file's task failed: the exception's type and place only (``usecases.intake.where``)."""

    code = "file_not_ingested"

    def __init__(self, message: str, *, transient: bool) -> None:
        super().__init__(message)
        self.transient = transient


@dataclass
class FileSummary:
    """What the report keeps of one file (no extracted values: those live in the database)."""

    name: str
    sha256: str
    original_id: int | None
    status: str  # processed | reused | quarantined | failed | refused | skipped
    pages: int = 0
    documents: int = 0
    needs_review: bool = False
    reason: str | None = None
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)
    media_type: str | None = None
    warnings: list[str] = field(default_factory=list)  # codes: pdf_javascript, pdf_embedded_files, …

    @classmethod
    def of(cls, outcome: FileOutcome, seconds: float) -> FileSummary:
        warnings = [warning.code for warning in outcome.result.warnings] if outcome.result else []
        return cls(outcome.source_name, outcome.sha256, outcome.original_id, outcome.status, outcome.pages,
                   len(outcome.documents), outcome.needs_review, outcome.reason, round(seconds, 3), outcome.timings,
                   warnings=warnings)


@dataclass
class BatchReport:
    source: str
    started_at: str
    finished_at: str
    wall_seconds: float
    files: int
    counts: dict[str, int]
    pages: int  # pages read in this run (reused files not counted)
    pages_per_second: float
    stage_seconds: dict[str, float]  # summed over files: where the CPU time went
    slowest: list[dict[str, Any]]
    problems: list[dict[str, Any]]  # quarantined and failed files, with their reasons
    runner: str
    workers: int
    entries: list[dict[str, Any]] = field(default_factory=list)  # every file found: its status, and why if not read
    report_path: str | None = None
    report_key: str | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class FileLabel:
    """How a file's task run is named and tagged in Prefect: never by its file name (a citizen's name may be in
    it), by the first 12 hex of its sha256 and its media type; tagged with the branch and procedure of the first
    dossier it came with (``none`` for a file of no dossier)."""

    name: str
    tags: tuple[str, ...]
    sha256: str = ""  # "" when the file could not be read


def file_label(index: int, source: SourceFile, db: Database, store: ObjectStore) -> FileLabel:
    try:
        data = source.read(store)
    except Exception:  # vanished, unreadable: its task will say why
        return FileLabel(f"file-{index}", ("branch:none", "procedure:none"))
    sha = sha256_hex(data)
    branch, procedure = dossier_of_file(db, sha)
    return FileLabel(f"{sha[:12]} {sniff_media_type(data) or 'application/octet-stream'}",
                     (f"branch:{branch or 'none'}", f"procedure:{procedure or 'none'}"), sha)


@task(name="ingest-file", task_run_name="{label}", retries=len(RETRY_DELAYS_S),
      retry_delay_seconds=RETRY_DELAYS_S, retry_condition_fn=retry_if_transient, cache_policy=NO_CACHE)
def ingest_file(index: int, source: SourceFile, settings: Settings, workers: int = 1, actor: str = "hoso",
                engine: OcrEngine | None = None, label: str = "ingest-file") -> FileSummary:
    """Ingest one file; raises only for transient faults (then Prefect retries it), and then an error in our
    words: Prefect keeps a failed task's exception in its run history, and a database's or the file system's
    message may quote values or a file's name."""
    started = time.perf_counter()
    try:
        db, store = connections(settings)
        data = source.read(store)
        outcome = ingest_bytes(db, store, data, source.name, workers=workers, actor=actor, engine=engine)
    except Exception as error:
        raise FileNotIngested(where(error), transient=is_transient(error)) from None
    summary = FileSummary.of(outcome, time.perf_counter() - started)
    summary.media_type = sniff_media_type(data)
    get_run_logger().info("file %d: %s, original %s (%s…), %d page(s), %.1f s", index, summary.status,
                          summary.original_id, summary.sha256[:12], summary.pages, summary.seconds)
    return summary


# The default runner (a served deployment, a plain call) is bounded too; run_batch picks threads or Dask.
@flow(name="hoso-batch", persist_result=False, validate_parameters=False,
      task_runner=thread_runner(default_cores()))
def batch_flow(
    source: str,
    settings: Settings | None = None,
    workers: int | None = None,
    actor: str = "hoso",
    resume: bool = True,
    progress: bool = False,
    engine: OcrEngine | None = None,
    runner: str = "threads",
) -> BatchReport:
    """Ingest every document file under ``source`` (a folder, or ``store:<prefix>``) and report.

    ``settings`` carry no secrets (see ``run_batch``); by default this process's, without them.
    """
    logger = get_run_logger()
    settings = settings or load_settings().without_secrets()
    workers = workers or default_cores()
    started_at, started = datetime.now(UTC), time.perf_counter()
    db, store = connections(settings)
    found = list(list_sources(source, store))
    sources = [item for item in found if item.not_read is None]
    logger.info("batch: %d file(s) found, %d to read, %d worker(s), runner %s", len(found), len(sources), workers,
                runner)

    summaries = [FileSummary(item.name, "", None, status=item.not_read[0], reason=item.not_read[1])
                 for item in found if item.not_read is not None]
    summaries += run_window(largest_first(sources), settings, workers, actor, engine, progress)
    if resume:  # originals a killed run left "received" and this folder did not hold: finish them too
        seen = {summary.sha256 for summary in summaries}
        left = [SourceFile(STORE_SCHEME + ref.object_key, printable(ref.source_name or ref.sha256[:12]))
                for ref in pending_originals(db) if ref.sha256 not in seen]
        summaries += run_window(left, settings, workers, actor, engine, progress)
    report = build_report(source, summaries, started_at, time.perf_counter() - started, runner, workers)
    write_report(report, settings)
    create_markdown_artifact(markdown=report_markdown(report, summaries), key=ARTIFACT_KEY,
                             description="hoso batch run report (no personal data)")
    logger.info("batch done: %s, %.2f pages/s", report.counts, report.pages_per_second)
    return report


def largest_first(sources: list[SourceFile]) -> list[SourceFile]:
    """Files on disk biggest first (multi-page PDFs, large scans): started last, one of them kept
    a single core busy after the rest of the batch was done. Stored files keep their order."""
    def size(source: SourceFile) -> int:
        try:
            return 0 if source.in_store else os.path.getsize(source.location)
        except OSError:
            return 0  # vanished or unreadable: its task reports why
    return sorted(sources, key=size, reverse=True)


def run_window(sources: list[SourceFile], settings: Settings, workers: int, actor: str,
               engine: OcrEngine | None, progress: bool) -> list[FileSummary]:
    """Submit files as earlier ones finish; a failure is summarised, never raised."""
    finished: queue.Queue[Any] = queue.Queue()
    window = max(1, workers * WINDOW_PER_WORKER)
    summaries: list[FileSummary] = []
    bar = _progress_bar(len(sources)) if progress else None
    submitted = 0
    in_flight: dict[Any, tuple[SourceFile, str]] = {}
    db, store = connections(settings)
    try:
        while submitted < len(sources) or in_flight:
            while submitted < len(sources) and len(in_flight) < window:
                label = file_label(submitted, sources[submitted], db, store)
                with tags(*label.tags):
                    future = ingest_file.submit(submitted, sources[submitted], settings, 1, actor, engine, label.name)
                in_flight[future] = (sources[submitted], label.sha256)
                future.add_done_callback(finished.put)
                submitted += 1
            done = finished.get()
            summaries.append(_summary_of(done, *in_flight.pop(done)))
            if bar is not None:
                bar.update(1)
                bar.set_postfix_str(_bar_counts(summaries), refresh=False)
    finally:
        if bar is not None:
            bar.close()
    return summaries


def _summary_of(future: Any, source: SourceFile, sha256: str) -> FileSummary:
    try:
        return future.result()  # waits for the final state, which can lag the done-callback
    except FileNotIngested as error:  # the exception the task ended with, after its retries
        retried = f" after {len(RETRY_DELAYS_S)} retries" if error.transient else ""
        reason = f"failed{retried}: {error}; the next run tries again"
    except Exception as error:  # Prefect itself
        reason = f"failed: {type(error).__name__}; the next run tries again"
    return FileSummary(source.name, sha256, None, "failed", reason=reason)


def build_report(source: str, summaries: list[FileSummary], started_at: datetime, wall: float, runner: str,
                 workers: int) -> BatchReport:
    counts = {status: sum(s.status == status for s in summaries) for status in STATUSES}
    counts["needs_review"] = sum(s.needs_review for s in summaries)
    counts["flagged"] = sum(bool(s.warnings) for s in summaries)
    read_now = [s for s in summaries if s.status in ("processed", "quarantined")]
    pages = sum(s.pages for s in read_now)
    stages: dict[str, float] = {}
    for summary in read_now:
        for name, seconds in summary.timings.items():
            stages[name] = round(stages.get(name, 0.0) + seconds, 3)
    slowest = sorted(read_now, key=lambda s: s.seconds, reverse=True)[:SLOWEST_LISTED]
    problems = [s for s in summaries if s.status in PROBLEMS]
    return BatchReport(
        source=source, started_at=started_at.isoformat(), finished_at=datetime.now(UTC).isoformat(),
        wall_seconds=round(wall, 3), files=len(summaries), counts=counts, pages=pages,
        pages_per_second=round(pages / wall, 3) if wall > 0 else 0.0, stage_seconds=stages,
        slowest=[{"name": s.name, "sha256": s.sha256[:12], "seconds": s.seconds, "pages": s.pages} for s in slowest],
        problems=[{"name": s.name, "sha256": s.sha256[:12], "original_id": s.original_id, "status": s.status,
                   "reason": s.reason} for s in problems],
        runner=runner, workers=workers,
        entries=[{"name": s.name, "sha256": s.sha256[:12], "status": s.status, "reason": s.reason,
                  "warnings": s.warnings} for s in summaries],
    )


def report_markdown(report: BatchReport, summaries: list[FileSummary]) -> str:
    """The run report as Prefect shows it (an artifact of the flow run): counts, time per stage, the slowest and
    the set-aside files by sha256 prefix and media type, reasons by their code. No file names, no values."""
    counts = report.counts
    lines = [f"## hoso batch: {report.files} file(s) in {report.wall_seconds:.1f} s ({report.runner}, "
             f"{report.workers} worker(s))", "",
             "| processed | reused | needs review | quarantined | failed | refused | skipped | pages read | pages/s |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
             f"| {counts['processed']} | {counts['reused']} | {counts['needs_review']} | {counts['quarantined']} | "
             f"{counts['failed']} | {counts['refused']} | {counts['skipped']} | {report.pages} | "
             f"{report.pages_per_second:.2f} |", ""]
    if report.stage_seconds:
        lines += ["| stage | seconds (summed over files) |", "|---|---:|"]
        lines += [f"| {name} | {seconds:.2f} |" for name, seconds in sorted(report.stage_seconds.items(),
                                                                            key=lambda item: -item[1])]
        lines.append("")
    read_now = sorted((s for s in summaries if s.status in ("processed", "quarantined")), key=lambda s: -s.seconds)
    if read_now:
        lines += ["| slowest file (sha256) | media type | pages | seconds |", "|---|---|---:|---:|"]
        lines += [f"| `{s.sha256[:12]}` | {s.media_type or '?'} | {s.pages} | {s.seconds:.2f} |"
                  for s in read_now[:SLOWEST_LISTED]]
        lines.append("")
    problems = [s for s in summaries if s.status in PROBLEMS]
    if problems:
        lines += ["| set aside (sha256) | media type | status | reason |", "|---|---|---|---|"]
        lines += [f"| `{s.sha256[:12] or '?'}` | {s.media_type or '?'} | {s.status} | {reason_code(s.reason)} |"
                  for s in problems]
    return "\n".join(lines) + "\n"


def stored_form(report: BatchReport) -> dict[str, Any]:
    """The report as it is kept: files by sha256 prefix and original id, without their names (a scan may be named
    after its citizen). The command prints the names to the operator; ``hoso quarantine list`` shows them again."""
    kept = report.to_json()
    for listing in ("entries", "problems", "slowest"):
        kept[listing] = [{key: value for key, value in item.items() if key != "name"} for item in kept[listing]]
    return kept


def write_report(report: BatchReport, settings: Settings) -> None:
    """The report as JSON in ``<data dir>/reports/`` and in the object store under ``reports/``."""
    name = f"batch-{report.started_at[:19].replace(':', '').replace('-', '')}.json"
    folder = Path(settings.data_dir) / "reports"
    folder.mkdir(parents=True, exist_ok=True)
    report.report_path = str(folder / name)
    report.report_key = validate_key(REPORTS_PREFIX + name)
    payload = json.dumps(stored_form(report), ensure_ascii=False, indent=2).encode("utf-8")
    Path(report.report_path).write_bytes(payload)
    try:
        connections(settings)[1].put(report.report_key, payload, "application/json")
    except Exception:  # the local copy is written; a store hiccup must not fail a finished batch
        report.report_key = None


def run_batch(
    source: str,
    *,
    settings: Settings | None = None,
    workers: int | None = None,
    dask: str | None = None,
    actor: str = "hoso",
    resume: bool = True,
    progress: bool = False,
    engine: OcrEngine | None = None,
) -> BatchReport:
    """Run the batch flow with threads (default), a local Dask cluster (``dask="local"``) or an
    existing one (``dask="tcp://scheduler:8786"``). A source that is not there raises ``NotFound``
    before the flow starts. The flow is given the settings without their secrets: they would be
    recorded as its parameters; each process takes them from its own environment instead."""
    check_source(source)
    workers = workers or default_cores()
    task_runner, runner = make_task_runner(workers, dask)
    configured = batch_flow.with_options(task_runner=task_runner)
    public = (settings or load_settings()).without_secrets()
    connections(public)  # a database or store that cannot be opened fails here, before Prefect starts
    return run_recorded(configured, tasks_run, source=source, settings=public, workers=workers,
                        actor=actor, resume=resume, progress=progress, engine=engine, runner=runner)


def tasks_run(report: BatchReport) -> int:
    """One task run per file read (not per file refused or skipped)."""
    return report.files - report.counts["refused"] - report.counts["skipped"]


def make_task_runner(workers: int, dask: str | None) -> tuple[Any, str]:
    if not dask:
        return thread_runner(workers), "threads"
    # Imported only for a Dask run: prefect_dask loads dask.distributed (seconds, and a thread pool),
    # which a threaded run, the usual one, never needs.
    from prefect_dask import DaskTaskRunner

    if dask == "local":
        # one single-threaded process per core: the Python stages of different files never share a GIL
        return DaskTaskRunner(cluster_class="distributed.LocalCluster", cluster_kwargs={
            "n_workers": workers, "threads_per_worker": 1, "processes": True, "dashboard_address": None}), "dask:local"
    return DaskTaskRunner(address=dask), f"dask:{dask}"


def _progress_bar(total: int) -> Any:
    return tqdm(total=total, unit="file", desc="hoso run", dynamic_ncols=True)


def _bar_counts(summaries: list[FileSummary]) -> str:
    short = {"processed": "new", "reused": "reused", "quarantined": "quar", "failed": "failed"}
    return " ".join(f"{label}={sum(s.status == status for s in summaries)}" for status, label in short.items())
