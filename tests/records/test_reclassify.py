"""An unknown component whose type a reviewer names is extracted from its stored words, without OCR."""

from __future__ import annotations

import json

import pytest

from extractors.registry import extract_documents
from pipeline.read import TesseractEngine
from records.ingest import document_versions, record_extraction, register_original
from records.storage.objects import WORDS_NAME, put_artefact
from schemas import ExtractionResult, Page, Word
from schemas.errors import Conflict, InvalidValue
from usecases.reclassify import reclassify

# a birth certificate whose title OCR lost and whose labels are too few to name it: unknown
LINES = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
         "Số: 102 Quyển số: 01/2024",
         "Họ, chữ đệm, tên: NGUYỄN VĂN CƯỜNG", "Ngày, tháng, năm sinh: 15/01/2024",
         "Giới tính: Nam", "Dân tộc: Kinh", "Quốc tịch: Việt Nam"]


def scanned_page() -> Page:
    words = [Word(text=text, confidence=0.97, bbox=(40 + 70 * i, 40 + 50 * n, 100 + 70 * i, 80 + 50 * n), line=n)
             for n, line in enumerate(LINES) for i, text in enumerate(line.split())]
    return Page(number=1, width=2480, height=3508, dpi=300, source="ocr", words=words)


def test_a_reviewer_names_the_type_and_the_stored_words_are_extracted(db, store, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    data = b"%PDF- a scan whose type was not recognised"
    original = register_original(db, store, data, "scan.pdf")
    page = scanned_page()
    result = ExtractionResult(source="scan.pdf", sha256=original.sha256, pages=[page],
                              documents=extract_documents([page], {}))
    assert [d.document_type for d in result.documents] == ["unknown"]
    [unknown] = record_extraction(db, original, result)
    words = {"sha256": original.sha256, "pages": [page.model_dump(mode="json")]}  # as intake keeps them
    put_artefact(store, original.sha256, WORDS_NAME, json.dumps(words).encode(), "application/json")

    def no_ocr(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("reclassification must not read the page again")

    monkeypatch.setattr(TesseractEngine, "read", no_ocr)
    with pytest.raises(InvalidValue):
        reclassify(db, store, unknown.id, "land_use_certificate", reviewer="reviewer-1")
    named = reclassify(db, store, unknown.id, "birth_certificate", reviewer="reviewer-1")
    assert named.document_type == "birth_certificate" and named.version == 2
    assert named.fields["full_name"] == "NGUYỄN VĂN CƯỜNG" and named.fields["date_of_birth"] == "2024-01-15"
    assert named.status == "needs_review"  # its fields still get a person's look
    versions = document_versions(db, unknown.id)
    assert [(v.document_type, v.status) for v in versions] == [("unknown", "superseded"), ("birth_certificate",
                                                                                            "needs_review")]
    with pytest.raises(Conflict):  # it is no longer unknown
        reclassify(db, store, named.id, "marriage_certificate", reviewer="reviewer-1")
