"""The branch-upload flow (in-process, after a warm-up) and the reprocess flow."""

from __future__ import annotations

from pathlib import Path

import rendered
from flows.branch_upload import run_branch_upload, warm_up
from flows.common import connections
from flows.reprocess import run_reprocess
from records.ingest import held_documents


def test_branch_upload_answers_with_one_card_and_reuses_on_a_second_upload(settings, batch_files, counting_engine):
    warm_up()
    assert warm_up() < 0.5, "warm once, then free"
    db, store = connections(settings)
    files = [("front.png", batch_files["front.png"]), ("back.png", batch_files["back.png"])]
    outcome = run_branch_upload(db, store, files, procedure_code="khai-sinh", branch="chi-nhanh-1",
                                engine=counting_engine)
    assert [f.status for f in outcome.files] == ["processed", "processed"]
    assert [ref.number for ref in outcome.documents] == [rendered.PERSON["id_number"]]
    assert outcome.requirements is not None and outcome.id_number == rendered.PERSON["id_number"]

    calls = counting_engine.calls
    again = run_branch_upload(db, store, files, procedure_code="khai-sinh", branch="chi-nhanh-1",
                              engine=counting_engine)
    assert [f.status for f in again.files] == ["reused", "reused"]
    assert counting_engine.calls == calls
    assert again.dossier_id != outcome.dossier_id
    assert [ref.id for ref in again.documents] == [ref.id for ref in outcome.documents]


def test_reprocess_reuses_stored_ocr_and_records_changes_as_new_versions(settings, batch_files, counting_engine,
                                                                         monkeypatch):
    db, store = connections(settings)
    run_branch_upload(db, store, [("front.png", batch_files["front.png"])], procedure_code="khai-sinh",
                      branch=None, engine=counting_engine)
    calls = counting_engine.calls
    report = run_reprocess(settings=settings, engine=counting_engine)
    assert report["documents"] == {"unchanged": 1} and report["problems"] == []
    assert counting_engine.calls == calls, "the stored words were re-extracted, no OCR"

    import flows.reprocess

    real = flows.reprocess.extract_documents

    def improved(pages, images):  # an extractor that now also reads the nationality
        from schemas import Field

        documents = real(pages, images)
        documents[0].fields["nationality"] = Field(value="Việt Nam", confidence=0.9, page=1)
        return documents

    monkeypatch.setattr(flows.reprocess, "extract_documents", improved)
    report = run_reprocess(settings=settings, engine=counting_engine)
    assert report["documents"] == {"new_version": 1}
    card = held_documents(db, rendered.PERSON["id_number"], include_unusable=True)[0]
    assert (card.version, card.fields["nationality"]) == (2, "Việt Nam")


def test_reprocess_takes_qr_and_mrz_readings_from_the_stored_words_not_from_pixels(settings, batch_files,
                                                                                   counting_engine, monkeypatch):
    """Re-reading the JPEG page artefact could differ by a character from the first reading: a
    reprocess with no extractor change must change nothing (and needs no image at all)."""
    import json

    import extractors.id_card as id_card
    from records.storage.objects import WORDS_NAME, artefact_key

    back = Path(__file__).parents[2] / "samples" / "dossiers" / "0003_id_card_card_sides_separate_back.jpg"
    db, store = connections(settings)
    outcome = run_branch_upload(db, store, [("back.jpg", back.read_bytes())], procedure_code="khai-sinh",
                                branch=None, engine=counting_engine)
    stored = json.loads(store.get(artefact_key(outcome.files[0].sha256, WORDS_NAME)))
    assert "IDVNM" in stored["pages"][0]["readings"]["mrz_band"]

    def from_pixels(*_args):
        raise AssertionError("a machine zone was read again from the page image")

    monkeypatch.setattr(id_card, "ocr_mrz_band", from_pixels)
    monkeypatch.setattr(id_card, "find_qr", from_pixels)
    report = run_reprocess(settings=settings, engine=counting_engine)
    assert report["documents"] == {"unchanged": 1} and report["problems"] == []


def test_branch_upload_reopens_the_dossier_after_a_transient_fault_only(settings, batch_files, counting_engine,
                                                                       monkeypatch):
    import flows.branch_upload as branch_upload
    import pytest

    warm_up()
    db, store = connections(settings)
    attempts: list[str] = []
    opened = branch_upload.open_dossier

    def flaky(*args, **kwargs):  # type: ignore[no-untyped-def]
        attempts.append("open")
        if len(attempts) == 1:
            raise ConnectionError("the database went away for a moment")
        return opened(*args, **kwargs)

    monkeypatch.setattr(branch_upload, "open_dossier", flaky)
    monkeypatch.setattr(branch_upload, "BRANCH_RETRY_DELAYS_S", [0.01, 0.01])
    outcome = run_branch_upload(db, store, [("front.png", batch_files["front.png"])], procedure_code="khai-sinh",
                                branch=None, engine=counting_engine)
    assert attempts == ["open", "open"] and outcome.files[0].status == "processed"

    attempts.clear()
    monkeypatch.setattr(branch_upload, "open_dossier", lambda *a, **k: (attempts.append("open"), 1 / 0))
    with pytest.raises(ZeroDivisionError):
        run_branch_upload(db, store, [("front.png", batch_files["front.png"])], procedure_code="khai-sinh",
                          branch=None, engine=counting_engine)
    assert attempts == ["open"], "bad input is not retried"


def test_branch_upload_runs_without_heartbeat_on_settings_built_once_per_settings() -> None:
    from prefect.settings import PREFECT_API_SERVICES_SCHEDULER_ENABLED, get_current_settings, temporary_settings

    from flows.branch_upload import _no_heartbeat

    with _no_heartbeat():
        first = get_current_settings()
    with _no_heartbeat():
        assert get_current_settings() is first, "not rebuilt for the next upload"
    assert first.flows.heartbeat_frequency is None
    changed = not get_current_settings().server.services.scheduler.enabled
    with temporary_settings(updates={PREFECT_API_SERVICES_SCHEDULER_ENABLED: changed}), _no_heartbeat():
        now = get_current_settings()
        assert now is not first and now.server.services.scheduler.enabled is changed
        assert now.flows.heartbeat_frequency is None
