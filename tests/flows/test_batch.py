"""The batch flow: isolation of bad files, no OCR twice, retries only for transient faults, Dask."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

import flows.batch as batch
from flows.batch import run_batch
from flows.common import connections
from records.ingest import pending_originals
from records.storage.objects import ORIGINALS_PREFIX
from doubles import FlakyStore

sys.path.insert(0, str(Path(__file__).parent.parent / "badinput"))  # corpus.py
import corpus  # noqa: E402


def test_bad_files_are_quarantined_and_reported_the_rest_stored(batch_folder, settings, counting_engine):
    report = run_batch(str(batch_folder), settings=settings, workers=2, engine=counting_engine)
    assert report.counts == {"processed": 2, "reused": 0, "quarantined": 2, "failed": 0, "refused": 0, "skipped": 1, "flagged": 0,
                             "needs_review": report.counts["needs_review"]}
    assert report.files == 5, "every file found is in the report"
    assert {e["name"]: e["status"] for e in report.entries}["notes.json"] == "skipped", "not a document file"
    assert {p["name"]: p["reason"].split(":")[0] for p in report.problems} == {
        "broken.pdf": "corrupt", "cut.jpg": "corrupt"}
    assert report.pages == 2 and report.pages_per_second > 0
    assert report.stage_seconds["process.ocr"] > 0
    saved = json.loads(Path(report.report_path).read_text())
    assert "broken.pdf" not in json.dumps(saved), "kept without file names"
    assert {(e["sha256"], e["status"]) for e in saved["entries"]} == {(e["sha256"], e["status"]) for e in report.entries}
    assert saved["counts"] == report.counts
    db, store = connections(settings)
    assert json.loads(store.get(report.report_key))["files"] == 5
    assert len(list(store.list(ORIGINALS_PREFIX))) == 4, "bad originals are kept too"
    assert pending_originals(db) == []

    calls = counting_engine.calls
    again = run_batch(str(batch_folder), settings=settings, workers=2, engine=counting_engine)
    assert (again.counts["reused"], again.counts["processed"], again.counts["quarantined"]) == (2, 0, 2)
    assert counting_engine.calls == calls, "unchanged files are never OCR'd twice"
    assert again.pages == 0




@pytest.fixture
def attempts(monkeypatch, settings):
    """Counts ingest_bytes calls per file name, with no retry delay."""
    counts: dict[str, int] = {}
    real = batch.ingest_bytes

    def counting(db, store, data, name, **options):
        counts[name] = counts.get(name, 0) + 1
        return real(db, store, data, name, **options)

    monkeypatch.setattr(batch, "ingest_bytes", counting)
    monkeypatch.setattr(batch, "ingest_file", batch.ingest_file.with_options(retry_delay_seconds=0))
    return counts


def _use_store(monkeypatch, settings, store) -> None:
    db, _real = connections(settings)
    monkeypatch.setattr(batch, "connections", lambda _settings: (db, store))


def test_a_transient_store_fault_is_retried_and_bad_input_is_not(batch_folder, settings, attempts, monkeypatch):
    (batch_folder / "back.png").unlink()
    flaky = FlakyStore(connections(settings)[1], failures=1)
    _use_store(monkeypatch, settings, flaky)
    report = run_batch(str(batch_folder), settings=settings, workers=1)
    assert attempts == {"front.png": 2, "broken.pdf": 1, "cut.jpg": 1}
    assert (report.counts["processed"], report.counts["quarantined"], report.counts["failed"]) == (1, 2, 0)


def test_a_file_still_failing_after_retries_is_reported_and_resumed_later(batch_folder, settings, attempts,
                                                                         monkeypatch):
    for name in ("back.png", "broken.pdf", "cut.jpg"):
        (batch_folder / name).unlink()
    real_store = connections(settings)[1]
    _use_store(monkeypatch, settings, FlakyStore(real_store, failures=100))
    report = run_batch(str(batch_folder), settings=settings, workers=1)
    assert attempts["front.png"] == 1 + len(batch.RETRY_DELAYS_S)
    assert report.counts["failed"] == 1
    assert report.problems[0]["name"] == "front.png" and "StoreError" in report.problems[0]["reason"]
    db = connections(settings)[0]
    assert len(pending_originals(db)) == 1, "registered first: the file is not lost"

    (batch_folder / "front.png").unlink()  # the next run finishes it from the stored original
    _use_store(monkeypatch, settings, real_store)
    resumed = run_batch(str(batch_folder), settings=settings, workers=1)
    assert (resumed.files - resumed.counts["skipped"], resumed.counts["processed"]) == (1, 1), \
        "resumed from the store, listed once"
    assert pending_originals(db) == []


def test_a_missing_source_file_fails_once_without_retries(tmp_path, settings, attempts, monkeypatch):
    from flows.common import SourceFile

    monkeypatch.setattr(batch, "list_sources", lambda *_: iter([SourceFile(str(tmp_path / "gone.pdf"), "gone.pdf")]))
    report = run_batch(str(tmp_path), settings=settings, workers=1)
    assert report.counts["failed"] == 1 and "FileNotFoundError" in report.problems[0]["reason"]
    assert attempts == {}, "the read failed before ingest; no retry of a missing file"


def test_the_batch_runs_on_a_local_dask_cluster(tmp_path, settings, batch_files):
    folder = tmp_path / "dask"
    folder.mkdir()
    for name in ("front.png", "broken.pdf"):
        (folder / name).write_bytes(batch_files[name])
    report = run_batch(str(folder), settings=settings, workers=2, dask="local")
    assert report.runner == "dask:local"
    assert (report.counts["processed"], report.counts["quarantined"], report.counts["failed"]) == (1, 1, 0)


def test_a_finished_flow_run_waits_until_prefect_has_recorded_its_task_runs():
    """``hoso run`` stops its ephemeral API at exit: first every task run's final state must be recorded."""
    from prefect import flow, task

    from flows.runs import run_recorded, wait_for_task_history

    @task
    def double(value: int) -> int:
        return 2 * value

    @flow(persist_result=False)
    def doubles(values: list[int]) -> list[int]:
        return [future.result() for future in double.map(values)]

    state = doubles([1, 2, 3], return_state=True)
    assert state.result() == [2, 4, 6]
    flow_run_id = state.state_details.flow_run_id
    assert wait_for_task_history(flow_run_id, 3)
    assert not wait_for_task_history(flow_run_id, 4, timeout_s=0.5)  # a fourth never ran
    assert run_recorded(doubles, len, values=[5, 6]) == [10, 12]


def test_links_special_files_and_other_types_are_in_the_report_never_followed(tmp_path, settings, batch_files):
    import os

    folder = tmp_path / "hostile"
    folder.mkdir()
    (folder / "front.png").write_bytes(batch_files["front.png"])
    secret = tmp_path / "secret.txt"
    secret.write_bytes(b"root:x:0:0:root:/root:/bin/bash\n")
    (folder / "x.pdf").symlink_to(secret)
    (folder / "linked-folder").symlink_to(tmp_path, target_is_directory=True)
    os.mkfifo(folder / "pipe.png")  # reading it would block forever
    (folder / "drawing.svg").write_text("<svg/>")
    (folder / "a\n  processed: fine.png").write_bytes(batch_files["front.png"][:100])  # a name forging a line
    (folder / "form.pdf").write_bytes(corpus.data_of("pdf-with-javascript"))

    report = run_batch(str(folder), settings=settings, workers=1)
    status = {entry["name"]: (entry["status"], entry["reason"]) for entry in report.entries}
    assert status["x.pdf"] == ("refused", "a symbolic link: links are not followed")
    assert status["linked-folder"][0] == "refused"
    assert status["pipe.png"] == ("refused", "not a regular file (a device, pipe or socket)")
    assert status["drawing.svg"][0] == "skipped" and ".svg" in status["drawing.svg"][1]
    assert status["front.png"][0] == "processed"
    assert status["a\\n  processed: fine.png"][0] == "quarantined", "the newline is shown escaped"
    assert status["form.pdf"][0] in ("processed", "quarantined")
    assert {e["name"]: e["warnings"] for e in report.entries}["form.pdf"] == ["pdf_javascript"], "flagged"
    assert report.counts["flagged"] == 1
    assert report.files == 7
    db, store = connections(settings)
    kept = [store.get(key) for key in store.list(ORIGINALS_PREFIX)]
    assert len(kept) == 3 and not any(b"root:x" in data for data in kept), "the link's target was never copied"
