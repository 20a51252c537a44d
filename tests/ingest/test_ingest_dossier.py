"""ingest_dossier: a branch upload becomes a dossier, card sides join, requirements are answered."""

from __future__ import annotations

import pytest

import rendered
from records.storage.objects import sha256_hex
from schemas import Document, ExtractionResult, Field
from usecases.intake import ingest_dossier
from records.ingest import document_versions, held_documents, provenance_of, record_extraction, \
    register_original

pytestmark = pytest.mark.integration  # reads pages with Tesseract



def test_card_front_and_back_files_become_one_held_document(db, store, cards):
    outcome = ingest_dossier(db, store, [("front.png", cards["front"]), ("back.png", cards["back"])],
                             procedure_code="khai-sinh", branch="chi-nhanh-1")
    assert [f.status for f in outcome.files] == ["processed", "processed"]
    assert outcome.id_number == rendered.PERSON["id_number"], "the citizen is found from the dossier's card"

    cards_held = [ref for ref in held_documents(db, outcome.id_number, include_unusable=True)
                  if ref.document_type == "id_card"]
    assert len(cards_held) == 1
    card = cards_held[0]
    assert card.fields["full_name"] == rendered.PERSON["full_name"]  # front
    assert card.fields["issue_date"] == "2025-03-10"  # back
    assert card.fields["expiry_date"] == "2030-03-15"  # back
    assert [ref.id for ref in outcome.documents] == [card.id]
    assert len(card.sources) == 2, "the values come from both files"

    evidence = {row["field"]: row["sha256"] for row in provenance_of(db, card.id)}
    assert evidence["issue_date"] == outcome.files[1].sha256
    assert evidence["full_name"] == outcome.files[0].sha256

    report = outcome.requirements
    assert report is not None and report.procedure_code == "khai-sinh"
    assert report.id_number == rendered.PERSON["id_number"]


def test_a_back_is_not_joined_when_the_upload_holds_two_cards(db, store, cards):
    outcome = ingest_dossier(db, store, [("a.png", cards["front"]), ("b.png", cards["other_front"]),
                                         ("back.png", cards["back"])],
                             procedure_code="khai-sinh", branch=None, id_number=rendered.PERSON["id_number"])
    numbered = [ref for ref in outcome.documents if ref.number]
    assert sorted(ref.number for ref in numbered) == sorted([rendered.PERSON["id_number"],
                                                             rendered.OTHER_PERSON["id_number"]])
    assert all(ref.version == 1 for ref in numbered), "which card the back belongs to is unknown"
    assert outcome.id_number == rendered.PERSON["id_number"]


def test_one_bad_file_does_not_stop_the_dossier(db, store, cards):
    outcome = ingest_dossier(db, store, [("broken.pdf", rendered.corrupt_pdf()), ("front.png", cards["front"])],
                             procedure_code="khai-sinh", branch="chi-nhanh-2")
    assert [f.status for f in outcome.files] == ["quarantined", "processed"]
    assert outcome.files[0].reason.startswith("corrupt")
    assert outcome.requirements is not None


def _result(data: bytes, values: dict[str, str]) -> ExtractionResult:
    fields = {name: Field(value=value, confidence=0.9, page=1, bbox=(10, 10 + 40 * i, 300, 40 + 40 * i))
              for i, (name, value) in enumerate(values.items())}
    document = Document(document_type="id_card", variant="cccd_2021", pages=[1], fields=fields)
    return ExtractionResult(source="scan", sha256=sha256_hex(data), documents=[document])


def test_record_extraction_joins_a_side_to_a_held_document(db, store):
    """The records-layer hook the dossier uses, without OCR."""
    front, back = b"front bytes", b"back bytes"
    front_result = _result(front, {"id_number": "001190012345", "full_name": "NGUYỄN VĂN AN"})
    back_result = _result(back, {"issue_date": "2021-06-01", "expiry_date": "2030-03-15"})
    front_ref = record_extraction(db, register_original(db, store, front, "f"), front_result)[0]
    back_original = register_original(db, store, back, "b")
    joined = record_extraction(db, back_original, back_result, same_document={0: front_ref.id})[0]
    assert (joined.number, joined.version, joined.supersedes_id) == (front_ref.number, 2, front_ref.id)
    assert {"full_name", "issue_date", "expiry_date"} <= set(joined.fields)
    assert [ref.id for ref in document_versions(db, joined.id)] == [front_ref.id, joined.id]
    again = record_extraction(db, back_original, back_result, same_document={0: front_ref.id})[0]
    assert (again.id, again.outcome) == (joined.id, "unchanged"), "recording the same file again changes nothing"
