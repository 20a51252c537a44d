"""The review loop without a server, on SQLite and PostgreSQL: per-field review state, reasons recomputed when a
card's back joins its front, the queue, corrections validated like extracted values, confirmation, rejection,
stale versions, and the requirements' `received` state."""

from __future__ import annotations

import re
import threading
from datetime import date
from typing import Any

import pytest

from records import fieldstate
from records.db import open_database
from records.ingest import get_document, held_documents, open_dossier, provenance_of, record_extraction, register_original
from records.requirements import requirements
from records.review import review_queue
from schemas import Document, Field
from schemas.errors import Conflict, InvalidValue
from usecases import review as uc

ON = date(2026, 12, 1)


def record(db, store, build, data: bytes, document: Document, dossier: int | None = None) -> Any:  # type: ignore[no-untyped-def]
    original = register_original(db, store, data, "scan.pdf", dossier)
    [ref] = record_extraction(db, original, build.result(data, document))
    return ref


def doubt(document: Document, name: str, confidence: float = 0.6) -> Document:
    document.fields[name].confidence = confidence
    document.flag(f"{name}: low confidence")
    return document


# ---------------------------------------------------------------- review state


def test_reasons_are_filed_under_their_fields_with_a_kind(build) -> None:  # type: ignore[no-untyped-def]
    card = build.id_card()
    card.fields["full_name"].confidence = 0.5
    card.fields["mrz"] = Field(value="IDVNM0900123451001090012345<<2", confidence=0.5, source="mrz")
    for reason in ("full_name: low confidence", "issue_date: not found", "id_number: sex digit (4) disagrees with sex",
                   "full_name: QR and MRZ disagree", "date_of_birth does not match the population registry",
                   "mrz: check digits fail", "not recognised as a known document type"):
        card.flag(reason)
    state = fieldstate.scan_state(card)
    kinds = {name: [r["kind"] for r in field["reasons"]] for name, field in state["fields"].items() if field["reasons"]}
    assert kinds == {"full_name": ["low_confidence", "disagreement"], "issue_date": ["not_found"],
                     "id_number": ["failed_check"], "date_of_birth": ["disagreement"], "mrz": ["failed_check"]}
    assert state["document"] == ["not recognised as a known document type"]
    assert fieldstate.needs_person("id_card", state)
    # a value below the trusted confidence is doubted even when no check said so
    quiet = build.id_card()
    quiet.fields["sex"].confidence = 0.7
    assert fieldstate.doubtful(fieldstate.scan_state(quiet)) == ["sex"]


def test_an_optional_field_in_doubt_is_shown_but_does_not_hold_the_document(db, store, build) -> None:  # type: ignore[no-untyped-def]
    card = build.id_card(place_of_origin="Xã Tân Lập, Tỉnh Thái Nguyên")
    doubt(card, "place_of_origin")
    ref = record(db, store, build, b"%PDF optional doubt", card)
    assert ref.status == "extracted" and ref.review_reasons == ("place_of_origin: low confidence",)
    assert [d.id for d in held_documents(db, build.HUSBAND["id_number"], on=ON)] == [ref.id]
    assert review_queue(db).items == []


def test_a_cards_back_joining_its_front_recomputes_the_reasons_from_the_merged_fields(db, store, build) -> None:  # type: ignore[no-untyped-def]
    husband = build.HUSBAND
    front = build.document("id_card", {"id_number": husband["id_number"], "full_name": husband["full_name"],
                                       "date_of_birth": husband["date_of_birth"], "sex": "Nam",
                                       "nationality": "Việt Nam", "place_of_residence": husband["residence"],
                                       "expiry_date": "2035-05-12"})
    front.flag("issue_date: not found")  # printed on the back
    first = record(db, store, build, b"%PDF front", front)
    assert (first.status, first.review_reasons) == ("needs_review", ("issue_date: not found",))

    back = build.document("id_card", {"issue_date": "2021-06-01", "personal_identification": "Nốt ruồi C:1cm"})
    for name in ("id_number", "full_name", "date_of_birth", "sex", "nationality", "place_of_residence"):
        back.flag(f"{name}: not found")  # printed on the front: the newest scan alone would say so
    original = register_original(db, store, b"%PDF back", "back.pdf")
    [joined] = record_extraction(db, original, build.result(b"%PDF back", back), same_document={0: first.id})
    assert (joined.version, joined.status, joined.review_reasons) == (2, "extracted", ())
    assert joined.fields["issue_date"] == "2021-06-01" and joined.fields["full_name"] == husband["full_name"]

    # a doubt on the front stays with its field after the join; the back's own doubts come with it
    doubted_front = build.document("id_card", {"id_number": build.WIFE["id_number"], "full_name": "TRẦN THỊ BÌNH",
                                               "date_of_birth": build.WIFE["date_of_birth"], "sex": "Nữ",
                                               "nationality": "Việt Nam", "place_of_residence": husband["residence"],
                                               "expiry_date": "2035-08-20"})
    doubt(doubted_front, "full_name")
    doubted_front.flag("issue_date: not found")
    front2 = record(db, store, build, b"%PDF front 2", doubted_front)
    back2 = build.document("id_card", {"issue_date": "2021-06-02"})
    back2.flag("id_number: not found")
    doubt(back2, "issue_date", 0.7)
    original = register_original(db, store, b"%PDF back 2", "back2.pdf")
    [joined2] = record_extraction(db, original, build.result(b"%PDF back 2", back2), same_document={0: front2.id})
    assert joined2.status == "needs_review"
    assert joined2.review_reasons == ("full_name: low confidence", "issue_date: low confidence")


def test_values_from_two_scans_are_checked_together(db, store, build) -> None:  # type: ignore[no-untyped-def]
    """The id number read on one scan, a different sex on the other: the merged version is doubted."""
    first = record(db, store, build, b"%PDF one", build.id_card())
    again = build.document("id_card", {"id_number": build.HUSBAND["id_number"], "sex": "Nữ"})
    second = record(db, store, build, b"%PDF two", again)
    assert second.status == "needs_review" and second.version == 2 and first.id != second.id
    assert second.review_reasons == ("id_number: sex digit (4) disagrees with sex",)


# ---------------------------------------------------------------- the queue


def test_the_queue_is_oldest_first_with_filters_and_pages(db, store, build) -> None:  # type: ignore[no-untyped-def]
    hoan_kiem = open_dossier(db, "ket-hon", "Hoàn Kiếm")
    cau_giay = open_dossier(db, "khai-sinh", "Cầu Giấy")
    card = record(db, store, build, b"%PDF q1", doubt(build.id_card(), "full_name"), hoan_kiem)
    marriage = record(db, store, build, b"%PDF q2", doubt(build.marriage_certificate(), "wife_full_name"), cau_giay)
    birth = record(db, store, build, b"%PDF q3", doubt(build.birth_certificate(), "full_name"))
    record(db, store, build, b"%PDF q4", build.id_card(build.WIFE))  # nothing doubtful
    assert [item.document_id for item in review_queue(db).items] == [card.id, marriage.id, birth.id]
    assert [item.document_id for item in review_queue(db, branch="Cầu Giấy").items] == [marriage.id]
    assert [item.document_id for item in review_queue(db, procedure="ket-hon").items] == [card.id]
    assert [item.document_id for item in review_queue(db, document_type="birth_certificate").items] == [birth.id]
    first = review_queue(db, limit=2)
    assert [item.document_id for item in first.items] == [card.id, marriage.id] and first.next
    rest = review_queue(db, limit=2, cursor=first.next)
    assert [item.document_id for item in rest.items] == [birth.id] and rest.next is None
    item = first.items[0]
    assert (item.branch, item.procedure_code, item.doubtful_fields) == ("Hoàn Kiếm", "ket-hon", ("full_name",))
    with pytest.raises(InvalidValue):
        review_queue(db, cursor="!!")


# ---------------------------------------------------------------- decisions


def test_a_correction_is_validated_like_an_extracted_value(db, store, build) -> None:  # type: ignore[no-untyped-def]
    card = record(db, store, build, b"%PDF v", doubt(build.id_card(), "full_name"))
    refused = {
        "date_of_birth": ("31/02/1990", "no valid date"),
        "issue_date": ("2021-02-30", "no such date"),
        "sex": ("Nữ", "sex digit (4) disagrees with sex"),
        "id_number": ("12345", "not 12 (or 9) digits"),
        "place_of_residence": ("Số 9 đường Không Tên", "province not recognised"),
        "nationality": ("", "a value is required"),
        "no_expiry": ("yes", "not a field a reviewer can correct"),
    }
    for name, (value, message) in refused.items():
        with pytest.raises(InvalidValue, match=re.escape(message)):
            uc.review(db, card.id, reviewer="r", corrections={name: value})
    assert get_document(db, card.id).status == "needs_review"
    assert len(review_queue(db).items) == 1  # nothing was stored
    # what a person types is read into the normal form
    checked = uc.validate_corrections("id_card", card.fields, {
        "date_of_birth": "12/05/1990", "sex": "nam", "expiry_date": "Không thời hạn", "full_name": "Nguyễn Văn An",
        "place_of_residence": "Số 1 phố Tràng Tiền, phường Hoàn Kiếm, Hà Nội"})
    assert checked["date_of_birth"].value == "1990-05-12" and checked["sex"].value == "Nam"
    assert checked["expiry_date"].value is None and checked["expiry_date"].extras == {"no_expiry": True}
    assert checked["place_of_residence"].extras["province"] == "Thành phố Hà Nội"
    # confirming a document whose id number contradicts its sex is refused too
    with pytest.raises(InvalidValue, match="sex digit"):
        uc.validate_corrections("id_card", {**card.fields, "sex": "Nữ"}, {}, confirm=True)


def test_correct_then_confirm_makes_verified_versions_with_review_provenance(db, store, build) -> None:  # type: ignore[no-untyped-def]
    card = doubt(doubt(build.id_card(), "full_name"), "expiry_date", 0.5)
    first = record(db, store, build, b"%PDF c", card)
    assert first.status == "needs_review"
    saved = uc.review(db, first.id, reviewer="lan", corrections={"full_name": "NGUYỄN VĂN ÂN"})
    assert (saved.version, saved.status, saved.review_reasons) == (2, "needs_review", ("expiry_date: low confidence",))
    assert get_document(db, first.id).status == "superseded"
    assert [item.document_id for item in review_queue(db).items] == [saved.id]
    evidence = {p["field"]: p for p in provenance_of(db, saved.id)}
    assert (evidence["full_name"]["source"], evidence["full_name"]["reviewer"], evidence["full_name"]["replaced"],
            evidence["full_name"]["confidence"]) == ("review", "lan", build.HUSBAND["full_name"], 1.0)
    assert evidence["full_name"]["bbox"] == list(card.fields["full_name"].bbox)
    assert evidence["id_number"]["source"] == "ocr" and "reviewer" not in evidence["id_number"]

    verified = uc.review(db, saved.id, reviewer="minh", corrections={"expiry_date": "Không thời hạn"}, confirm=True)
    assert (verified.version, verified.status, verified.review_reasons) == (3, "verified", ())
    assert verified.no_expiry and verified.fields["expiry_date"] is None and verified.fields["no_expiry"] is True
    assert review_queue(db).items == []
    evidence = {p["field"]: p for p in provenance_of(db, verified.id)}
    assert evidence["expiry_date"]["replaced"] == "2030-05-12" and evidence["full_name"]["reviewer"] == "lan"
    with pytest.raises(Conflict, match="no longer current"):
        uc.review(db, saved.id, reviewer="minh", confirm=True)
    with pytest.raises(Conflict):
        uc.review(db, verified.id, reviewer="minh", confirm=True, expected_version=2)
    # confirming what is already verified changes nothing
    assert uc.review(db, verified.id, reviewer="minh", confirm=True).id == verified.id


def test_confirming_as_read_keeps_values_and_evidence_gains_the_reviewer(db, store, build) -> None:  # type: ignore[no-untyped-def]
    first = record(db, store, build, b"%PDF k", doubt(build.id_card(), "full_name"))
    confirmed = uc.review(db, first.id, reviewer="lan", confirm=True)
    assert (confirmed.status, confirmed.fields) == ("verified", first.fields)
    evidence = {p["field"]: p for p in provenance_of(db, confirmed.id)}
    assert (evidence["full_name"]["source"], evidence["full_name"]["reviewer"]) == ("ocr", "lan")
    assert "reviewer" not in evidence["sex"]
    view = uc.open_document(db, store, confirmed.id)
    assert (view.field("full_name").review_action, view.field("full_name").needs_review) == ("confirmed", False)


def test_a_rejected_document_leaves_the_queue_and_is_never_reused(db, store, build) -> None:  # type: ignore[no-untyped-def]
    first = record(db, store, build, b"%PDF r", doubt(build.id_card(), "full_name"))
    with pytest.raises(InvalidValue):
        uc.reject(db, first.id, reviewer="lan", reason="   ")
    rejected = uc.reject(db, first.id, reviewer="lan", reason="Không phải của công dân này")
    assert (rejected.status, rejected.version) == ("rejected", 2)
    assert review_queue(db).items == [] and held_documents(db, build.HUSBAND["id_number"], on=ON) == []
    assert uc.open_document(db, store, rejected.id).rejection_reason == "Không phải của công dân này"
    with pytest.raises(Conflict):
        uc.review(db, rejected.id, reviewer="lan", confirm=True)
    # the same file again: unchanged; another scan of it: looked at again, nothing carried from the rejected one
    again = register_original(db, store, b"%PDF r", "again.pdf")
    assert [ref.status for ref in record_extraction(db, again, build.result(b"%PDF r", build.id_card()))] == [
        "rejected"]
    rescan = record(db, store, build, b"%PDF r2", build.document("id_card", {
        "id_number": build.HUSBAND["id_number"], "full_name": build.HUSBAND["full_name"]}))
    assert (rescan.version, rescan.status) == (3, "needs_review")
    assert "expiry_date" not in rescan.fields
    assert any("rejected by a reviewer" in reason for reason in rescan.review_reasons)
    assert get_document(db, rejected.id).status == "rejected"


def test_requirements_say_received_while_waiting_and_held_after_review(db, store, build) -> None:  # type: ignore[no-untyped-def]
    husband = build.HUSBAND["id_number"]
    card = record(db, store, build, b"%PDF req", doubt(build.id_card(expiry="2035-05-12"), "full_name"))

    def identity() -> tuple[str, int | None]:
        component = next(c for c in requirements(db, "ket-hon", husband, on=ON).components
                         if c.code == "giay-to-tuy-than-nguoi-yeu-cau")
        return component.status, component.document_id

    assert identity() == ("received", card.id)
    report = requirements(db, "ket-hon", husband, on=ON)
    assert "giay-to-tuy-than-nguoi-yeu-cau" not in [c.code for c in report.to_submit]
    assert [c.code for c in report.received] == ["giay-to-tuy-than-nguoi-yeu-cau"]
    verified = uc.review(db, card.id, reviewer="lan", confirm=True)
    assert identity() == ("held", verified.id)
    assert requirements(db, "ket-hon", husband, on=date(2036, 1, 1)).components[1].status == "missing"  # expired


def test_the_document_view_numbers_pages_across_files_and_puts_boxes_on_them(db, store, build) -> None:  # type: ignore[no-untyped-def]
    front = build.id_card()
    front.fields["full_name"] = Field(value=build.HUSBAND["full_name"], confidence=0.5, page=1, bbox=(10, 20, 300, 60))
    front.flag("full_name: low confidence")
    first = record(db, store, build, b"%PDF view front", front)
    back = build.document("id_card", {"issue_date": "2021-06-02"})
    back.fields["issue_date"].page = 2
    original = register_original(db, store, b"%PDF view back", "back.pdf")
    [joined] = record_extraction(db, original, build.result(b"%PDF view back", back), same_document={0: first.id})
    view = uc.open_document(db, store, joined.id)
    assert [(p.index, p.page) for p in view.pages] == [(1, 1), (2, 2)]
    assert view.field("full_name").page == 1 and view.field("full_name").bbox == (10, 20, 300, 60)
    assert view.field("issue_date").page == 2
    assert view.field("full_name").label == "Họ và tên" and view.title.startswith("Căn cước")
    assert [f.name for f in view.doubtful] == ["full_name"]
    assert view.subject_id_number == build.HUSBAND["id_number"]


def test_reviewers_acting_at_once_make_one_version_and_the_others_are_told(database_url, store, build) -> None:  # type: ignore[no-untyped-def]
    setup = open_database(database_url)
    try:
        first = record(setup, store, build, b"%PDF race", doubt(build.id_card(), "full_name"))
    finally:
        setup.close()
    databases = [open_database(database_url) for _ in range(3)]  # one per reviewer, as separate processes would
    barrier = threading.Barrier(len(databases))
    outcomes: list[str] = []

    def decide(index: int) -> None:
        barrier.wait()
        try:
            uc.review(databases[index], first.id, reviewer=f"r{index}", corrections={"full_name": "NGUYỄN VĂN ÂN"},
                      confirm=True)
            outcomes.append("verified")
        except Conflict:
            outcomes.append("conflict")

    threads = [threading.Thread(target=decide, args=(index,)) for index in range(len(databases))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for db in databases:
        db.close()
    assert sorted(outcomes) == ["conflict", "conflict", "verified"]


def test_a_named_unknown_component_does_not_keep_the_not_recognised_reason(db, store, build) -> None:  # type: ignore[no-untyped-def]
    unknown = build.document("unknown", {})
    unknown.flag("not recognised as a known document type")
    first = record(db, store, build, b"%PDF unknown", unknown)
    assert first.review_reasons == ("not recognised as a known document type",)
    named = build.id_card()
    named.flag("type: named by a reviewer")
    original = register_original(db, store, b"%PDF unknown, named", "named.pdf")
    [version] = record_extraction(db, original, build.result(b"%PDF unknown, named", named),
                                  same_document={0: first.id})
    assert version.review_reasons == ("type: named by a reviewer",) and version.status == "needs_review"
