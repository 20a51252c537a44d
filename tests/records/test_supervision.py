"""Supervision's states, derived from the event log (``usecases.supervision``), on SQLite and PostgreSQL: a dossier
followed from received through review to verified and used; quarantined, rejected and unread files; the review
queue's depth and oldest document as the review queue has them; filters; service levels in working time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from records.db import Database
from records.ingest import open_dossier, quarantine, record_extraction, register_original
from records.requirements import record_uses, requirements
from records.review import reject_document, review_queue, verify_document
from records.storage.objects import LocalObjectStore
from schemas.settings import Settings
from usecases import supervision as uc

A, B = "Chi nhánh số 1 - Hoàn Kiếm", "Chi nhánh số 5 - Cầu Giấy"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path)


def scan(db: Database, store: LocalObjectStore, build: Any, document: Any, name: str, dossier: int | None) -> int:
    data = f"%PDF-1.4 {name}".encode()
    original = register_original(db, store, data, f"{name}.pdf", dossier)
    (ref,) = record_extraction(db, original, build.result(data, document))
    return ref.id


def component(snap: uc.Snapshot, document_id: int) -> uc.Component:
    return next(c for c in snap.components if c.document_id == document_id)


def test_states_follow_components_and_dossiers(db: Database, store: LocalObjectStore, build: Any,
                                               settings: Settings) -> None:
    at_a = open_dossier(db, "ket-hon", A)
    doubtful = build.id_card()
    doubtful.flag("full_name: low confidence")
    card = scan(db, store, build, doubtful, "card", at_a)
    at_b = open_dossier(db, "khai-sinh", B)
    marriage = scan(db, store, build, build.marriage_certificate(), "marriage", at_b)
    broken = register_original(db, store, b"%PDF-1.4 broken", "Nguyen Van An.pdf")
    quarantine(db, broken, "processing_failed: ValueError: something about Nguyen Van An")
    unread = register_original(db, store, b"\x89PNG\r\n\x1a\n unread", "waiting.png")

    view = uc.overview(db, settings)
    counts = {s.state: s.components for s in view.states}
    assert counts == {"received": 1, "read": 1, "awaiting_review": 1, "verified": 0, "used": 0, "quarantined": 1,
                      "rejected": 0}
    assert view.review_queue_depth == 1
    queue = review_queue(db).items
    assert [(i.document_id, i.waiting_since) for i in queue] == [(view.oldest_in_review.document_id,
                                                                  view.oldest_in_review.since)] == [(card, queue[0].waiting_since)]
    assert view.dossier_states == {"awaiting_review": 1, "read": 1}
    by_branch = {g.name: g.components for g in view.branches}
    assert by_branch == {A: {"awaiting_review": 1}, B: {"read": 1}, None: {"received": 1, "quarantined": 1}}
    assert {item.state for item in view.oldest_waiting} == {"received", "awaiting_review"}
    assert [i.original_id for i in view.oldest_waiting if i.state == "received"] == [unread.id]
    snap = uc.snapshot(db)
    file = next(c for c in snap.components if c.original_id == broken.id)
    assert (file.state, file.quarantine_reason) == ("quarantined", "processing_failed")
    assert "Nguyen" not in repr(view) and "Nguyen" not in repr(snap), "no file names, no reasons' text"

    verified = verify_document(db, card, actor="lan.reviewer").id
    snap = uc.snapshot(db)
    assert [stay.state for stay in component(snap, verified).stays] == ["received", "awaiting_review", "verified"]
    assert component(snap, verified).branch == A
    assert uc.overview(db, settings).review_queue_depth == 0

    report = requirements(db, "ket-hon", build.HUSBAND["id_number"])
    assert record_uses(db, report, dossier_id=at_a, actor="api:counter") == [verified]
    record_uses(db, report, dossier_id=at_a)  # once per document and dossier
    snap = uc.snapshot(db)
    assert [stay.state for stay in component(snap, verified).stays] == ["received", "awaiting_review", "verified",
                                                                        "used"]
    assert {d.dossier_id: d.state for d in snap.dossiers} == {at_a: "used", at_b: "read"}
    stays = component(snap, verified).stays
    assert all(stay.left_at == after.entered_at for stay, after in zip(stays, stays[1:]))

    view = uc.overview(db, settings)
    durations = {s.state: s.completed.count for s in view.states}
    assert durations["awaiting_review"] == 1 and durations["verified"] == 1 and durations["received"] == 3

    doubtful = build.marriage_certificate(number="16")
    doubtful.flag("registration_date: low confidence")
    second = scan(db, store, build, doubtful, "second", at_b)
    rejected = reject_document(db, second, reviewer="lan.reviewer", reason="Không đọc được").id
    assert component(uc.snapshot(db), rejected).state == "rejected"
    assert {d.dossier_id: d.state for d in uc.snapshot(db).dossiers}[at_b] == "rejected"

    # filters
    only_a = uc.overview(db, settings, branch=A)
    assert only_a.components == 1 and only_a.dossiers == 1
    assert uc.overview(db, settings, procedure="khai-sinh").components == 2
    assert uc.overview(db, settings, since=datetime.now(UTC) + timedelta(hours=1)).components == 0
    assert marriage in {c.document_id for c in uc.snapshot(db).components}


def test_past_the_service_level_in_working_time(db: Database, store: LocalObjectStore, build: Any,
                                                settings: Settings) -> None:
    doubtful = build.id_card()
    doubtful.flag("full_name: low confidence")
    card = scan(db, store, build, doubtful, "card", open_dossier(db, "ket-hon", A))
    since = review_queue(db).items[0].waiting_since
    assert not uc.overview(db, settings).past_service_level
    later = uc.overview(db, settings, now=since + timedelta(days=14))  # ten working days
    (late,) = later.past_service_level
    assert (late.document_id, late.state, late.past_service_level) == (card, "awaiting_review", True)
    assert late.working_seconds == pytest.approx(10 * 8 * 3600, abs=8 * 3600)
    assert {s.state: s.past_service_level for s in later.states}["awaiting_review"] == 1
    lenient = Settings(data_dir=settings.data_dir, review_service_level_hours=1000)
    assert not uc.overview(db, lenient, now=since + timedelta(days=14)).past_service_level


HANOI = Settings().zone


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=HANOI)  # 2026-11-02 is a Monday


@pytest.mark.parametrize(("start", "end", "hours"), [
    (at(2, 11), at(2, 14), 2.0),  # the lunch break does not count
    (at(6, 16), at(9, 9), 2.0),  # Friday 16:00 to Monday 9:00: the weekend does not count
    (at(7, 10), at(8, 10), 0.0),  # a weekend
    (at(2, 7), at(2, 19), 8.0),
    (at(2, 8), at(30, 8), 4 * 5 * 8.0),  # four weeks
    (at(2, 12), at(2, 11), 0.0),
])
def test_working_time(start: datetime, end: datetime, hours: float) -> None:
    working = uc.WorkingTime.of(Settings())
    assert working.seconds_between(start, end) == pytest.approx(hours * 3600)


def test_long_spans_count_as_day_by_day() -> None:
    working = uc.WorkingTime.of(Settings(working_days="mon-fri,sat", working_hours="07:30-11:30,13:30-17:00"))
    start = at(3, 9, 17)
    for days in (9, 15, 40, 101):
        end = start + timedelta(days=days, hours=5)
        by_day = sum(working._seconds_on((start + timedelta(days=d)).date(), start, end)
                     for d in range(days + 2) if (start + timedelta(days=d)).isoweekday() in working.weekdays)
        assert working.seconds_between(start, end) == pytest.approx(by_day)


def test_reason_codes_and_percentiles() -> None:
    assert uc.reason_code("processing_failed: ValueError: Nguyễn") == "processing_failed"
    assert uc.reason_code("empty: the file has no bytes") == "empty"
    assert uc.reason_code("Tệp hỏng") == "t_p_h_ng" and uc.reason_code(None) == "unknown"
    assert uc.percentile([], 50) is None
    assert uc.percentile([1, 2, 3, 4], 50) == 2.5 and uc.percentile([5], 90) == 5
