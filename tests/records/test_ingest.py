"""Originals, dedup, versions, provenance, crash recovery, quarantine, append-only events."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from records.db import Database, open_database
from records.ingest import (
    document_versions,
    held_documents,
    open_dossier,
    pending_originals,
    provenance_of,
    quarantine,
    record_extraction,
    register_original,
)
from records.models import DocumentRecord, DossierOriginal, Event, Original, Provenance
from records.storage.objects import LocalObjectStore, original_key, sha256_hex

REPO = Path(__file__).resolve().parents[2]
SCAN_A = b"%PDF-1.7 scan A of an id card"
SCAN_B = b"%PDF-1.7 scan B of the same id card, another scanner"


def count(db: Database, model: type) -> int:
    with db.transaction() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_same_bytes_twice_one_original_one_document(db, store, build) -> None:  # type: ignore[no-untyped-def]
    first = register_original(db, store, SCAN_A, "cccd.pdf")
    again = register_original(db, store, SCAN_A, "cccd (1).pdf")
    assert again.id == first.id and first.status == "received"
    assert first.object_key == original_key(sha256_hex(SCAN_A))
    assert store.get(first.object_key) == SCAN_A
    assert first.media_type == "application/pdf"

    result = build.result(SCAN_A, build.id_card())
    [created] = record_extraction(db, first, result)
    [repeat] = record_extraction(db, again, result)
    assert created.outcome == "created" and repeat.outcome == "unchanged"
    assert repeat.id == created.id and created.version == 1 and created.status == "extracted"
    assert (count(db, Original), count(db, DocumentRecord)) == (1, 1)
    assert list(store.list("originals/")) == [first.object_key]


def test_changed_rescan_is_a_new_version_superseding_the_old(db, store, build) -> None:  # type: ignore[no-untyped-def]
    a = register_original(db, store, SCAN_A, "a.pdf")
    b = register_original(db, store, SCAN_B, "b.pdf")
    [v1] = record_extraction(db, a, build.result(SCAN_A, build.id_card()))
    changed = build.id_card(place_of_residence="Số 5 phố Huế, phường Hai Bà Trưng, Hà Nội")
    [v2] = record_extraction(db, b, build.result(SCAN_B, changed))

    assert v2.outcome == "new_version" and v2.id != v1.id
    assert (v2.version, v2.supersedes_id, v2.number) == (2, v1.id, build.HUSBAND["id_number"])
    versions = document_versions(db, v1.id)
    assert [(v.version, v.status) for v in versions] == [(1, "superseded"), (2, "extracted")]
    assert versions[0].fields["place_of_residence"] == build.HUSBAND["residence"]  # old kept as it was
    assert [d.id for d in held_documents(db, build.HUSBAND["id_number"])] == [v2.id]
    residence = next(p for p in provenance_of(db, v2.id) if p["field"] == "place_of_residence")
    assert (residence["sha256"], residence["page"], residence["bbox"]) == (b.sha256, 1, [40, 300, 600, 330])


def test_identical_values_from_another_file_add_provenance_not_a_version(db, store, build) -> None:  # type: ignore[no-untyped-def]
    a = register_original(db, store, SCAN_A, "a.pdf")
    b = register_original(db, store, SCAN_B, "b.pdf")
    [first] = record_extraction(db, a, build.result(SCAN_A, build.id_card()))
    [second] = record_extraction(db, b, build.result(SCAN_B, build.id_card()))
    assert second.outcome == "provenance_added" and second.id == first.id and second.version == 1
    assert set(second.sources) == {a.sha256, b.sha256}
    assert count(db, DocumentRecord) == 1
    # a partial re-read (front side only) that agrees is also just more evidence
    front = build.document("id_card", {"id_number": build.HUSBAND["id_number"],
                                       "full_name": build.HUSBAND["full_name"]})
    c_bytes = b"%PDF front only"
    c = register_original(db, store, c_bytes, "c.pdf")
    [third] = record_extraction(db, c, build.result(c_bytes, front))
    assert (third.outcome, third.id) == ("provenance_added", first.id)


def test_missing_fields_are_carried_over_with_their_provenance(db, store, build) -> None:  # type: ignore[no-untyped-def]
    a = register_original(db, store, SCAN_A, "a.pdf")
    [v1] = record_extraction(db, a, build.result(SCAN_A, build.id_card()))
    front = build.document("id_card", {"id_number": build.HUSBAND["id_number"], "full_name": "NGUYỄN VĂN ANH"})
    b = register_original(db, store, SCAN_B, "b.pdf")
    [v2] = record_extraction(db, b, build.result(SCAN_B, front))
    assert v2.version == 2 and v2.fields["full_name"] == "NGUYỄN VĂN ANH"
    assert v2.fields["expiry_date"] == "2030-05-12"
    by_field = {p["field"]: p["sha256"] for p in provenance_of(db, v2.id)}
    assert by_field["full_name"] == b.sha256 and by_field["expiry_date"] == a.sha256


def test_same_number_other_person_keeps_both(db, store, build) -> None:  # type: ignore[no-untyped-def]
    a = register_original(db, store, b"%PDF marriage 1", "m1.pdf")
    [first] = record_extraction(db, a, build.result(b"%PDF marriage 1", build.marriage_certificate()))
    other = build.marriage_certificate(wife_id_number="001190099999", wife_full_name="LÊ THỊ CHI")
    b = register_original(db, store, b"%PDF marriage 2", "m2.pdf")
    [second] = record_extraction(db, b, build.result(b"%PDF marriage 2", other))
    assert second.status == "needs_review" and second.supersedes_id is None
    assert any("wife_id_number differs" in reason for reason in second.review_reasons)
    assert [d.id for d in held_documents(db, build.HUSBAND["id_number"])] == [first.id]


def test_running_the_same_batch_twice_changes_nothing(db, store, build) -> None:  # type: ignore[no-untyped-def]
    batch = [
        (SCAN_A, build.id_card()),
        (SCAN_B, build.id_card(place_of_residence="Số 5 phố Huế, Hà Nội")),
        (b"%PDF marriage", build.marriage_certificate()),
        (b"%PDF unknown", build.document("unknown", {})),
    ]

    def run() -> tuple[int, ...]:
        dossier = 1 if count(db, DossierOriginal) else open_dossier(db, "khai-sinh", "Hoàn Kiếm")
        for data, document in batch:
            original = register_original(db, store, data, "x.pdf", dossier_id=dossier)
            record_extraction(db, original, build.result(data, document))
        return tuple(count(db, model) for model in (Original, DocumentRecord, Provenance, Event, DossierOriginal))

    first = run()
    assert first[:2] == (4, 4)
    assert run() == first
    assert len(list(store.list("originals/"))) == 4
    assert pending_originals(db) == []


def test_killed_after_register_before_record_is_finished_by_a_rerun(  # type: ignore[no-untyped-def]
    database_url: str, tmp_path: Path, build
) -> None:
    objects = tmp_path / "objects"
    script = (
        "import sys, time\n"
        "from records.db import open_database\n"
        "from records.ingest import register_original\n"
        "from records.storage.objects import LocalObjectStore\n"
        f"db = open_database({database_url!r})\n"
        f"ref = register_original(db, LocalObjectStore({str(objects)!r}), {SCAN_A!r}, 'cccd.pdf')\n"
        "print(ref.id, flush=True)\n"
        "time.sleep(60)  # 'processing' - killed here\n"
    )
    process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, cwd=REPO)
    assert process.stdout is not None
    original_id = int(process.stdout.readline())
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)

    db = open_database(database_url)
    store = LocalObjectStore(objects)
    try:
        [pending] = pending_originals(db)
        assert (pending.id, pending.status) == (original_id, "received")
        assert store.get(pending.object_key) == SCAN_A  # the original was kept before processing
        # the re-run: register again (same row) and finish
        again = register_original(db, store, store.get(pending.object_key), pending.source_name)
        assert again.id == original_id
        [document] = record_extraction(db, again, build.result(SCAN_A, build.id_card()))
        assert document.outcome == "created"
        assert pending_originals(db) == []
    finally:
        db.close()


def test_quarantine_keeps_the_original(db, store, build) -> None:  # type: ignore[no-untyped-def]
    data = b"%PDF-1.7 encrypted"
    original = register_original(db, store, data, "locked.pdf")
    held = quarantine(db, original, "encrypted_pdf")
    assert (held.status, held.quarantine_reason) == ("quarantined", "encrypted_pdf")
    assert store.get(original.object_key) == data
    assert pending_originals(db) == []
    with pytest.raises(ValueError, match="quarantined"):
        record_extraction(db, original, build.result(data, build.id_card()))
    assert register_original(db, store, data, "locked.pdf").status == "quarantined"  # not re-queued


def test_result_for_other_bytes_is_refused(db, store, build) -> None:  # type: ignore[no-untyped-def]
    original = register_original(db, store, SCAN_A, "a.pdf")
    with pytest.raises(ValueError, match="other bytes"):
        record_extraction(db, original, build.result(SCAN_B, build.id_card()))


def test_extractor_flag_and_expiry_make_a_document_not_held(db, store, build) -> None:  # type: ignore[no-untyped-def]
    flagged = build.id_card()
    flagged.flag("id_number disagrees with date_of_birth")
    a = register_original(db, store, SCAN_A, "a.pdf")
    [doc] = record_extraction(db, a, build.result(SCAN_A, flagged))
    assert doc.status == "needs_review"
    assert held_documents(db, build.HUSBAND["id_number"]) == []
    assert [d.id for d in held_documents(db, build.HUSBAND["id_number"], include_unusable=True)] == [doc.id]

    expired = build.id_card(build.WIFE, expiry="2020-01-01")
    b = register_original(db, store, SCAN_B, "b.pdf")
    [old] = record_extraction(db, b, build.result(SCAN_B, expired))
    assert old.status == "extracted" and held_documents(db, build.WIFE["id_number"]) == []
    forever = build.id_card(build.WIFE, expiry=None, no_expiry=True)
    c = register_original(db, store, b"%PDF forever", "c.pdf")
    [new] = record_extraction(db, c, build.result(b"%PDF forever", forever))
    assert new.no_expiry and [d.id for d in held_documents(db, build.WIFE["id_number"])] == [new.id]


def test_event_log_is_append_only(db, store) -> None:  # type: ignore[no-untyped-def]
    register_original(db, store, SCAN_A, "a.pdf")
    assert count(db, Event) == 1
    for statement in ("UPDATE events SET actor = 'someone else'", "DELETE FROM events"):
        with pytest.raises(DBAPIError, match="append-only"), db.transaction() as session:
            session.execute(text(statement))
    if db.dialect == "postgresql":
        with pytest.raises(DBAPIError, match="append-only"), db.transaction() as session:
            session.execute(text("TRUNCATE events"))
    assert count(db, Event) == 1


def test_events_hold_no_names_or_id_numbers(db, store, build, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from records.population import import_population

    registry = tmp_path / "registry.json"
    registry.write_text(json.dumps([{**build.HUSBAND, "full_name": "NGUYỄN VĂN BA"}]), encoding="utf-8")
    import_population(db, registry)
    dossier = open_dossier(db, "ket-hon")
    for data, document in [(SCAN_A, build.id_card()), (b"%PDF m", build.marriage_certificate()),
                           (b"%PDF b", build.birth_certificate())]:
        original = register_original(db, store, data, f"{build.HUSBAND['full_name']}.pdf", dossier_id=dossier)
        record_extraction(db, original, build.result(data, document))
    quarantine(db, register_original(db, store, b"%PDF q", "q.pdf"), f"bad scan of {build.WIFE['id_number']}")
    with db.transaction() as session:
        logged = json.dumps([[e.actor, e.action, e.entity, e.details] for e in session.scalars(select(Event))],
                            ensure_ascii=False)
    assert "document.needs_review" in logged
    for person in (build.HUSBAND, build.WIFE, build.CHILD):
        assert person["id_number"] not in logged
        for word in person["full_name"].split():
            assert word not in logged.upper().split()


def newest_migration() -> str:
    """The head revision of the migrations shipped in the package."""
    from alembic.script import ScriptDirectory

    from records.db import alembic_config

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def test_migrations_run_clean_and_match_the_models(database_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from records.models import Base

    db = open_database(database_url)
    try:
        with db.engine.connect() as connection:
            assert MigrationContext.configure(connection).get_current_revision() == newest_migration()
            tables = set(db.engine.dialect.get_table_names(connection))
            assert {"citizens", "documents", "provenance", "originals", "dossiers", "dossier_originals",
                    "document_persons", "events", "alembic_version"} <= tables
            diff = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}),
                                    Base.metadata)
            assert diff == []
    finally:
        db.close()
    open_database(database_url).close()  # a second open is a no-op upgrade
