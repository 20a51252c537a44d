"""Branch uploads against a real `hoso serve`: refused uploads store NOTHING; a real text-layer PDF
(no OCR needed) comes back as its extracted document with what is still missing."""

from __future__ import annotations

import io
import os
from pathlib import Path

import httpx
import pytest
from jsonschema import Draft202012Validator

from badinput.corpus import BY_NAME, data_of  # tests/ is on sys.path (tests/conftest.py), as for test_corpus.py
from records.storage.objects import sha256_hex
from schemas.records import json_schema

from .conftest import MAX_FILE_MB, MAX_FILES, Server

MIB = 1024 * 1024
pytestmark = pytest.mark.integration  # a real `hoso serve` process per backend
UPLOAD_RUNNER = "flow"  # uploads go through the branch-upload flow, warmed up at server start
CARD_LINES = [
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "CĂN CƯỚC CÔNG DÂN",
    "Số / No.: 001090067890", "Họ và tên / Full name: LÊ VĂN HÙNG", "Ngày sinh / Date of birth: 15/03/1990",
    "Giới tính / Sex: Nam", "Quốc tịch / Nationality: Việt Nam",
    "Nơi thường trú / Place of residence: Số 5 phố Huế, phường Hai Bà Trưng, Hà Nội",
    "Có giá trị đến / Date of expiry: 15/03/2030", "Ngày, tháng, năm cấp / Date of issue: 10/03/2021",
]


def text_pdf(lines: list[str]) -> bytes:
    """A born-digital A4 PDF with an embedded Vietnamese font: read from its text layer, no OCR."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    import render

    pdfmetrics.registerFont(TTFont("DejaVuSerif", render.FONT_CANDIDATES[0]))
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    pdf.setFont("DejaVuSerif", 12)
    for index, line in enumerate(lines):
        pdf.drawString(60, 780 - 20 * index, line)
    pdf.showPage()
    pdf.save()
    return out.getvalue()


def form(**fields: str) -> dict[str, str]:
    return {"branch": "Chi nhánh số 1", "procedure_code": "ket-hon", **fields}


def stored(server: Server) -> tuple[int, int, list[str]]:
    return (server.scalar("SELECT count(*) FROM originals"), server.scalar("SELECT count(*) FROM dossiers"),
            server.objects())


def post(server: Server, key: str | None, files: list[tuple[str, bytes]], data: dict[str, str]) -> httpx.Response:
    with server.client(key) as http:
        return http.post("/v1/dossiers", data=data,
                         files=[("files", (name, content, "application/octet-stream")) for name, content in files])


REFUSED = [
    ("a file over the size limit", [("big.pdf", b"%PDF-1.4\n" + os.urandom(int(MAX_FILE_MB * MIB) + 10))], form(),
     413, "file_too_large"),
    ("more files than allowed", [(f"p{i}.pdf", b"%PDF-1.4\n" + os.urandom(100)) for i in range(MAX_FILES + 1)],
     form(), 413, "too_many_files"),
    ("garbage bytes", [("scan.pdf", os.urandom(5000))], form(), 415, "unsupported_type"),
    ("an empty file", [("scan.jpg", b"")], form(), 415, "empty"),
    ("a good file after a garbage one", [("ok.pdf", data_of("text-pdf")), ("x.png", b"MZ\x90\x00" * 50)],
     form(), 415, "unsupported_type"),
    ("no files", [], form(), 422, "no_files"),
    ("no branch", [("ok.pdf", b"%PDF-1.4\n" + os.urandom(100))], {"procedure_code": "ket-hon"}, 422,
     "missing_field"),
    ("an unknown procedure", [("ok.pdf", b"%PDF-1.4\n" + os.urandom(100))], form(procedure_code="nope"), 422,
     "unknown_procedure"),
    ("a malformed id number", [("ok.pdf", b"%PDF-1.4\n" + os.urandom(100))], form(id_number="12AB"), 422,
     "invalid_id_number"),
    ("an id number with a newline", [("ok.pdf", b"%PDF-1.4\n" + os.urandom(100))],
     form(id_number="001090067890\n"), 422, "invalid_id_number"),
    ("an id number in fullwidth digits", [("ok.pdf", b"%PDF-1.4\n" + os.urandom(100))],
     form(id_number="００１０９００６７８９０"), 422, "invalid_id_number"),
    ("a branch of control characters", [("ok.pdf", b"%PDF-1.4\n" + os.urandom(100))], form(branch="\x00\x01"),
     422, "missing_field"),
]


@pytest.mark.parametrize(("case", "files", "data", "status", "code"), REFUSED, ids=[c[0] for c in REFUSED])
def test_a_refused_upload_stores_nothing(server: Server, case: str, files: list[tuple[str, bytes]],
                                         data: dict[str, str], status: int, code: str) -> None:
    before = stored(server)
    response = post(server, "branch", files, data)
    assert (response.status_code, response.json()["code"]) == (status, code), response.text
    assert response.headers["content-type"] == "application/problem+json" and response.json()["detail"]
    assert stored(server) == before
    last = server.audit_rows()[-1]
    assert (last["client"], last["endpoint"], last["status"]) == ("branch", "/v1/dossiers", status)


# Files that pass a look at their first bytes but cannot be decoded in full: each is refused before anything is
# stored, even after a good file, and cited by position, not by its name (which may hold a citizen's name).
UNDECODABLE = [("truncated-jpeg", 422), ("html-containing-pdf-marker", 415), ("random-bytes-after-pdf-header", 422),
               ("png-bomb", 413), ("encrypted-pdf", 422)]
CITIZEN_NAME = "Nguyen Thi Mai"


@pytest.mark.parametrize(("kind", "status"), UNDECODABLE, ids=[kind for kind, _ in UNDECODABLE])
def test_a_file_that_cannot_be_decoded_is_refused_and_nothing_is_stored(server: Server, kind: str,
                                                                        status: int) -> None:
    good, bad = data_of("text-pdf"), data_of(kind)
    assert len(bad) < MAX_FILE_MB * MIB  # refused for its content, not its size
    before = stored(server)
    response = post(server, "branch", [(f"{CITIZEN_NAME} - CCCD.pdf", good),
                                       (f"{CITIZEN_NAME} - {BY_NAME[kind].file_name}", bad)], form())
    code = BY_NAME[kind].expected.code
    assert (response.status_code, response.json()["code"]) == (status, code), response.text
    assert response.headers["content-type"] == "application/problem+json"
    detail = response.json()["detail"]
    assert detail.startswith("file #2: ") and CITIZEN_NAME not in response.text and "CCCD" not in response.text
    assert stored(server) == before  # no original, no dossier, no object
    for data in (good, bad):
        assert server.scalar("SELECT count(*) FROM originals WHERE sha256 = :sha", sha=sha256_hex(data)) == 0
        assert not any(sha256_hex(data) in key for key in server.objects())
    assert CITIZEN_NAME not in server.log_text()
    last = server.audit_rows()[-1]
    assert (last["client"], last["endpoint"], last["status"]) == ("branch", "/v1/dossiers", status)


def test_a_body_over_the_request_limit_is_refused_before_parsing(server: Server) -> None:
    before = stored(server)
    too_big = b"%PDF-1.4\n" + os.urandom(int((MAX_FILES * MAX_FILE_MB + 1) * MIB) + 10)
    response = post(server, "branch", [("huge.pdf", too_big)], form())
    assert response.status_code == 413 and response.json()["code"] == "request_too_large"
    assert stored(server) == before
    last = server.audit_rows()[-1]  # refused before any route ran: still on record, by key and route
    assert (last["client"], last["endpoint"], last["status"]) == ("branch", "/v1/dossiers", 413)


@pytest.mark.parametrize(("key", "status"), [(None, 401), ("reader", 403), ("auditor", 403)])
def test_uploading_needs_the_upload_scope(server: Server, key: str | None, status: int) -> None:
    before = stored(server)
    response = post(server, key, [("card.pdf", text_pdf(CARD_LINES))], form())
    assert response.status_code == status
    assert stored(server) == before


def test_a_text_layer_pdf_comes_back_as_its_extracted_document(server: Server) -> None:
    originals, dossiers, objects = stored(server)
    data = text_pdf(CARD_LINES)
    response = post(server, "branch", [("the-card.pdf", data)], form())
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["masked"] is False and isinstance(body["dossier_id"], int)
    assert [(f["source_name"], f["status"]) for f in body["files"]] == [("the-card.pdf", "processed")]
    (document,) = body["documents"]
    Draft202012Validator(json_schema("document-summary"), format_checker=Draft202012Validator.FORMAT_CHECKER
                         ).validate(document)
    assert document["document_type"] == "id_card"
    assert document["fields"]["id_number"] == "001090067890"
    assert document["fields"]["full_name"] == "LÊ VĂN HÙNG"
    assert document["fields"]["date_of_birth"] == "1990-03-15"
    assert document["status"] == "extracted"
    # the card's holder is the requester: the identity component is held, the forms are still missing
    assert body["id_number"] == "001090067890"
    assert "giay-to-tuy-than" not in " ".join(body["missing"])
    assert body["missing"] and set(body["missing"]) == set(body["requirements"]["to_submit"])
    assert stored(server)[:2] == (originals + 1, dossiers + 1)
    assert len(stored(server)[2]) > len(objects)  # the original and its artefacts
    last = server.audit_rows()[-1]
    assert (last["client"], last["status"]) == ("branch", 201) and last["subject_hash"]
    assert "branch-upload flow warmed up" in server.log_text()  # the flow ran in-process, warm

    # the same file again from a branch without the full scope: reused, not re-read; fields masked
    again = post(server, "masked-branch", [("copy.pdf", data)], form(procedure_code="khai-sinh"))
    assert again.status_code == 201, again.text
    assert [f["status"] for f in again.json()["files"]] == ["reused"]
    masked = again.json()["documents"][0]["fields"]
    assert masked["full_name"] == "L. V. ***" and masked["id_number"] == "*********890"
    assert "LÊ VĂN HÙNG" not in again.text and "001090067890" not in again.text
    assert stored(server)[0] == originals + 1
    assert "001090067890" not in server.log_text() and "HÙNG" not in server.log_text()


def test_upload_form_fields_are_documented(server: Server, tmp_path: Path) -> None:
    with server.client() as http:
        schema = http.get("/openapi.json").json()["paths"]["/v1/dossiers"]["post"]["requestBody"]
    properties = schema["content"]["multipart/form-data"]["schema"]["properties"]
    assert set(properties) == {"files", "branch", "procedure_code", "id_number"}
