"""ingest_bytes / resume_pending: stored first, processed once, bad input quarantined, crashes resumed."""

from __future__ import annotations

import json

import pytest

import rendered
from usecases.intake import MAX_UNFINISHED_STARTS, ingest_bytes, is_transient, resume_pending
from records.ingest import claim_original, pending_originals, register_original
from doubles import FlakyStore
from records.storage.objects import (
    ORIGINALS_PREFIX, WORDS_NAME, StoreError, list_artefacts, page_image_name,
)


def originals_in(store) -> list[str]:
    return list(store.list(ORIGINALS_PREFIX))


@pytest.mark.integration
def test_same_file_twice_is_stored_once_and_reused_without_ocr(db, store, cards, counting_engine):
    first = ingest_bytes(db, store, cards["front"], "front.png", engine=counting_engine)
    assert first.status == "processed"
    assert counting_engine.calls >= 1
    calls_after_first = counting_engine.calls
    assert [ref.document_type for ref in first.documents] == ["id_card"]
    assert first.documents[0].fields["id_number"] == rendered.PERSON["id_number"]
    assert set(list_artefacts(store, first.sha256)) == {WORDS_NAME, page_image_name(1)}
    words = json.loads(store.get(f"artefacts/{first.sha256}/{WORDS_NAME}"))
    assert words["pages"][0]["words"], "the OCR words are kept for reprocessing"

    second = ingest_bytes(db, store, cards["front"], "front-again.png", engine=counting_engine)
    assert second.status == "reused"
    assert counting_engine.calls == calls_after_first, "a reused original must not be OCR'd"
    assert second.original_id == first.original_id
    assert [ref.id for ref in second.documents] == [ref.id for ref in first.documents]
    assert len(originals_in(store)) == 1


def test_corrupt_file_is_quarantined_with_reason_and_kept(db, store, counting_engine):
    data = rendered.corrupt_pdf()
    outcome = ingest_bytes(db, store, data, "broken.pdf", engine=counting_engine)
    assert outcome.status == "quarantined"
    assert outcome.reason and outcome.reason.startswith("corrupt")
    assert counting_engine.calls == 0
    assert store.get(originals_in(store)[0]) == data, "the original bytes are kept for a person to look at"
    assert pending_originals(db) == []

    again = ingest_bytes(db, store, data, "broken.pdf", engine=counting_engine)
    assert (again.status, again.reason, again.original_id) == ("quarantined", outcome.reason, outcome.original_id)
    assert again.result is None, "a known bad original is not processed again"


@pytest.mark.parametrize("data, code", [(b"just some text, no document", "unsupported_type"),
                                        (rendered.truncated_jpeg(), "corrupt")])
def test_wrong_type_and_truncated_files_are_quarantined(db, store, data, code):
    outcome = ingest_bytes(db, store, data, "upload.bin")
    assert outcome.status == "quarantined"
    assert outcome.reason.startswith(code)


def test_empty_file_is_refused_without_an_original(db, store):
    outcome = ingest_bytes(db, store, b"", "empty.pdf")
    assert (outcome.status, outcome.original_id) == ("quarantined", None)
    assert outcome.reason.startswith("empty")
    assert originals_in(store) == []


def test_an_unexpected_processing_error_quarantines_the_file_instead_of_raising(db, store, cards, monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("index out of range reading 001190012345")

    monkeypatch.setattr("usecases.process.load_file", broken)
    outcome = ingest_bytes(db, store, cards["front"], "front.png")
    assert outcome.status == "quarantined"
    # our words and where it happened, never the message (it may quote what was read)
    assert outcome.reason == f"processing_failed: RuntimeError at test_ingest_files.py:{broken.__code__.co_firstlineno + 1}"
    assert pending_originals(db) == []


@pytest.mark.integration
def test_a_recording_error_on_this_input_quarantines_it(db, store, cards, monkeypatch):
    def refuses(*_args, **_kwargs):
        raise ValueError("value too long for the column: 'Nguyễn Văn An'")

    monkeypatch.setattr("usecases.intake.record_extraction", refuses)
    outcome = ingest_bytes(db, store, cards["front"], "front.png")
    assert outcome.status == "quarantined"
    assert outcome.reason == "recording_failed: the extraction could not be recorded (ValueError); see the log"
    assert outcome.result is not None and outcome.result.pages, "what was read is kept in the outcome"


@pytest.mark.integration
def test_resume_pending_finishes_an_original_left_received_by_a_kill(db, store, cards, counting_engine):
    # A kill right after registering leaves exactly this: the object stored, the row "received".
    original = register_original(db, store, cards["front"], "front.png", actor="test")
    assert [ref.id for ref in pending_originals(db)] == [original.id]

    outcomes = resume_pending(db, store, engine=counting_engine)
    assert [(o.original_id, o.status) for o in outcomes] == [(original.id, "processed")]
    assert outcomes[0].documents[0].fields["id_number"] == rendered.PERSON["id_number"]
    assert pending_originals(db) == []
    assert resume_pending(db, store, engine=counting_engine) == []




def test_a_file_that_keeps_killing_the_process_is_set_aside_not_retried_forever(db, store, cards, counting_engine):
    """Tesseract runs in process: a file that crashes it would stop every later run at resume."""
    original = register_original(db, store, cards["front"], "front.png", actor="test")
    for run in range(MAX_UNFINISHED_STARTS):  # each run died while reading it
        assert claim_original(db, original, dead_claimant(run)).state == "claimed"
    outcomes = resume_pending(db, store, engine=counting_engine)
    assert [(o.original_id, o.status) for o in outcomes] == [(original.id, "quarantined")]
    assert outcomes[0].reason.startswith("stopped_the_reader: processing began 3 times and never ended")
    assert counting_engine.calls == 0, "not read a fourth time"
    assert store.get(original.object_key) == cards["front"], "kept for a person"
    assert pending_originals(db) == []


@pytest.mark.integration
def test_transient_faults_are_not_counted_as_the_file_killing_the_process(db, store, cards, monkeypatch):
    import usecases.intake as ingest

    real, failures = ingest.store_artefacts, []

    def flaky_artefacts(*args, **kwargs):
        if len(failures) < ingest.MAX_UNFINISHED_STARTS:
            failures.append(1)
            raise StoreError("503 Slow Down")
        return real(*args, **kwargs)

    monkeypatch.setattr(ingest, "store_artefacts", flaky_artefacts)
    for _ in range(ingest.MAX_UNFINISHED_STARTS):
        with pytest.raises(StoreError):
            ingest_bytes(db, store, cards["front"], "front.png")
    assert ingest_bytes(db, store, cards["front"], "front.png").status == "processed"


@pytest.mark.integration
def test_transient_store_fault_raises_and_leaves_the_original_pending(db, store, cards):
    flaky = FlakyStore(store, failures=1)
    with pytest.raises(StoreError) as raised:
        ingest_bytes(db, flaky, cards["front"], "front.png")
    assert is_transient(raised.value)
    assert len(pending_originals(db)) == 1, "registered before processing, so nothing is lost"
    # The retry (same call) finishes it.
    assert ingest_bytes(db, flaky, cards["front"], "front.png").status == "processed"
    assert pending_originals(db) == []


def test_only_infrastructure_faults_are_transient():
    from sqlalchemy.exc import OperationalError

    from records.storage.objects import ObjectNotFound

    assert is_transient(StoreError("503"))
    assert is_transient(OperationalError("SELECT 1", {}, Exception("database is locked")))
    assert is_transient(ConnectionResetError())
    assert not is_transient(ObjectNotFound("originals/ab/x"))
    assert not is_transient(ValueError("bad input"))
    assert not is_transient(RuntimeError("bug"))


def dead_claimant(run: int) -> str:
    """A claim left by a process of this host that is gone (no process has this id and start time)."""
    import socket

    return f"{socket.gethostname()}:{4_000_000 + run}:1:dead{run}"
