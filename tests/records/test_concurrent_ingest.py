"""Two batch runs (separate processes) and a burst of branch uploads over the same files, at once, on one
store and one database (SQLite and PostgreSQL): every file is read exactly once, none is set aside, no row is
duplicated. Real OCR on rendered cards: the runs meet inside the same files' processing."""

from __future__ import annotations

import multiprocessing
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).parent.parent / "ingest"))  # rendered.py

import rendered  # noqa: E402

from records.db import open_database  # noqa: E402
from records.models import Citizen, DocumentRecord, Event, Original, Provenance  # noqa: E402
from records.storage.objects import LocalObjectStore  # noqa: E402
from usecases.intake import ingest_bytes, ingest_dossier  # noqa: E402

pytestmark = pytest.mark.integration


def batch_run(url: str, store_dir: str, files: list[tuple[str, bytes]], start_at: float) -> list[tuple[str, str]]:
    """One `hoso run`'s work, in a process of its own: each file through the same use case the flow's task calls."""
    db, store = open_database(url), LocalObjectStore(Path(store_dir))
    time.sleep(max(0.0, start_at - time.time()))
    try:
        return [(name, ingest_bytes(db, store, data, name, workers=1).status) for name, data in files]
    finally:
        db.close()


@pytest.fixture(scope="module")
def files() -> list[tuple[str, bytes]]:
    front, back, other = rendered.card_front(), rendered.card_back(), rendered.card_front(rendered.OTHER_PERSON)
    return [("a/front.png", front), ("a/back.png", back), ("b/other.png", other), ("c/front-copy.png", front)]


def test_two_runs_and_a_burst_of_uploads_at_once_read_each_file_once(database_url, tmp_path, files):
    store_dir = tmp_path / "objects"
    open_database(database_url).close()  # the schema exists before the workers race for it
    start_at = time.time() + 4.0  # both processes start their first file together, after their imports
    context = multiprocessing.get_context("spawn")
    with context.Pool(2) as runs:
        batches = [runs.apply_async(batch_run, (database_url, str(store_dir), files, start_at)) for _ in range(2)]
        db, store = open_database(database_url), LocalObjectStore(store_dir)
        time.sleep(max(0.0, start_at - time.time()))
        with ThreadPoolExecutor(3) as counters:  # three clerks upload the same card at once
            uploads = list(counters.map(lambda _: ingest_dossier(db, store, files[:2], procedure_code="thuong-tru",
                                                                 branch="HN-01"), range(3)))
        batch_statuses = [status for batch in batches for _name, status in batch.get(timeout=600)]

    upload_statuses = [outcome.status for upload in uploads for outcome in upload.files]
    assert set(batch_statuses) | set(upload_statuses) <= {"processed", "reused"}, (batch_statuses, upload_statuses)
    with db.transaction() as session:
        statuses = Counter(session.scalars(select(Original.status)))
        assert statuses == {"processed": 3}, "three distinct files, each processed, none set aside"
        starts = Counter(session.scalars(select(Event.entity_id).where(Event.action == "original.processing_started")))
        assert sorted(starts.values()) == [1, 1, 1], "each file read exactly once"
        processed = Counter(session.scalars(select(Event.entity_id).where(Event.action == "original.processed")))
        assert sorted(processed.values()) == [1, 1, 1]
        assert not list(session.scalars(select(Original.claimed_by).where(Original.claimed_by.is_not(None))))
        current = Counter(session.scalars(select(DocumentRecord.identity).where(DocumentRecord.status != "superseded")))
        assert all(count == 1 for count in current.values()), current
        for identity in current:
            versions = sorted(session.scalars(select(DocumentRecord.version).where(DocumentRecord.identity == identity)))
            assert versions == list(range(1, len(versions) + 1)), (identity, versions)
        evidence = session.execute(select(Provenance.document_id, Provenance.field_name, Provenance.sha256,
                                          func.count()).group_by(Provenance.document_id, Provenance.field_name,
                                                                 Provenance.sha256)).all()
        assert all(row[3] == 1 for row in evidence), "no field's evidence recorded twice"
        holders = list(session.scalars(select(Citizen.id_number)))
        assert len(holders) == len(set(holders)) == 2, "two people: one citizen row each"
    db.close()


def test_an_upload_does_not_hold_its_files_while_it_waits_for_one_another_worker_reads(database_url, tmp_path, files):
    """Two uploads of the same two files, in either order, must not each hold one file and wait for the other:
    an upload records its own files first and only then waits for a file another worker is reading."""
    from records.claims import begin_claim, end_claim
    from records.ingest import claim_original, get_original, register_original, release_claim

    db, store = open_database(database_url), LocalObjectStore(tmp_path / "objects")
    (_, front), (_, back) = files[:2]
    held_back = register_original(db, store, back, "back.png")
    other_worker = begin_claim()
    assert claim_original(db, held_back, other_worker).state == "claimed"
    with ThreadPoolExecutor(1) as counter:
        upload = counter.submit(ingest_dossier, db, store, files[:2], procedure_code="thuong-tru", branch="HN-01")
        try:
            deadline = time.monotonic() + 60
            while not [o for o in _originals(db) if o.sha256 != held_back.sha256 and o.status == "processed"]:
                assert time.monotonic() < deadline, "the front was held while the upload waited for the back"
                assert not upload.done(), upload.result()
                time.sleep(0.2)
        finally:
            release_claim(db, held_back, other_worker)  # the other worker gave up (a transient fault)
            end_claim(other_worker)
        outcome = upload.result(timeout=120)
    assert [f.status for f in outcome.files] == ["processed", "processed"]
    assert get_original(db, held_back.id).status == "processed"
    db.close()


def _originals(db):
    from records.ingest import get_original

    with db.transaction() as session:
        ids = list(session.scalars(select(Original.id)))
    return [get_original(db, original_id) for original_id in ids]
