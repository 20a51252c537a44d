"""The counter's API against a real `hoso serve` (its upload worker processes, SQLite and PostgreSQL): quality at once
and nothing stored; an upload answers quality per file and page, the fields just read (unmasked for the clerk, and
audited as such), each component held / received / missing with a masked preview of the held record; the citizen's
consent is kept with the dossier and audited, and a refused record is not reused."""

from __future__ import annotations

import json

import cv2
import numpy as np
import pytest

from .conftest import Server
from .counter_seed import EARLIER_BRANCH, HOLDER, SAMPLES, seed_residence
from .test_uploads import stored, text_pdf

pytestmark = pytest.mark.integration
CARD_FRONT = "0003_id_card_card_sides_separate_front.jpg"
CARD_LINES = [
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "CĂN CƯỚC CÔNG DÂN",
    f"Số / No.: {HOLDER['id_number']}", f"Họ và tên / Full name: {HOLDER['full_name']}",
    "Ngày sinh / Date of birth: 24/08/1977", "Giới tính / Sex: Nam", "Quốc tịch / Nationality: Việt Nam",
    "Có giá trị đến / Date of expiry: 24/08/2037", "Ngày, tháng, năm cấp / Date of issue: 10/03/2025",
]


def blurred_jpeg() -> bytes:
    image = cv2.imread(str(SAMPLES / "0003_id_card_card_sides_separate_front.jpg"))
    image = cv2.resize(image, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    ok, data = cv2.imencode(".jpg", cv2.GaussianBlur(cv2.resize(image, None, fx=4, fy=4), (0, 0), 3))
    return data.tobytes()


def multipart(*files: tuple[str, bytes]) -> list[tuple[str, tuple[str, bytes, str]]]:
    return [("files", (name, data, "application/octet-stream")) for name, data in files]


def test_quality_at_once_stores_nothing(server: Server) -> None:
    before = stored(server)
    with server.client("masked-branch", purpose=None) as http:
        answer = http.post("/v1/quality", files=multipart(("blurred.jpg", blurred_jpeg()),
                                                          ("good.jpg", (SAMPLES / CARD_FRONT).read_bytes())))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["ok"] is False
    first, second = body["files"]
    assert (first["index"], first["ok"], second["ok"]) == (1, False, True)
    (blurred,) = first["pages"][0]["verdicts"]
    assert (blurred["code"], blurred["severity"]) == ("blurred", "retake")
    assert blurred["message"].startswith("Ảnh bị mờ") and blurred["message_en"].startswith("The image is blurred")
    assert stored(server) == before
    with server.client("reader", purpose=None) as http:
        assert http.post("/v1/quality", files=multipart(("a.jpg", blurred_jpeg()))).status_code == 403
    with server.client(None, purpose=None) as http:
        assert http.post("/v1/quality", files=multipart(("a.jpg", blurred_jpeg()))).status_code == 401


def test_an_upload_reads_unmasked_for_the_clerk_previews_masked_and_keeps_the_consent(server: Server) -> None:
    seeded = seed_residence(server.database_url, server.data_dir)
    ct07 = seeded["ct07"]
    with server.client("masked-branch") as http:
        answer = http.post("/v1/dossiers", data={"branch": "Chi nhánh Cầu Giấy", "procedure_code": "ket-hon"},
                           files=multipart(("card.pdf", text_pdf(CARD_LINES)), ("blurred.jpg", blurred_jpeg())))
        assert answer.status_code == 201, answer.text
        body = answer.json()
        assert body["masked"] is True and body["id_number"] == HOLDER["id_number"]  # read from the clerk's papers
        assert [q["ok"] for q in body["quality"]] == [True, False]
        assert body["quality"][1]["pages"][0]["verdicts"][0]["code"] == "blurred"
        card = next(d for d in body["read"] if d["document_type"] == "id_card")
        fields = {f["name"]: f["value"] for f in card["fields"]}
        assert fields["full_name"] == HOLDER["full_name"] and card["masked"] is False
        summary = next(d for d in body["documents"] if d["id"] == card["id"])
        assert summary["fields"]["id_number"] == HOLDER["id_number"]
        status = {c["code"]: c for c in body["components"]}
        assert status["giay-to-tuy-than-nguoi-yeu-cau"]["status"] == "received"
        assert status["giay-to-tuy-than-nguoi-yeu-cau"]["document_id"] == card["id"]
        residence = status["thong-tin-cu-tru"]
        assert (residence["status"], residence["document_id"]) == ("held", ct07)
        preview = residence["preview"]
        assert preview["document"]["masked"] is True and preview["digitised_branch"] == EARLIER_BRANCH
        shown = {f["name"]: f["value"] for f in preview["document"]["fields"]}
        assert shown["full_name"] == "N. H. ***" and HOLDER["full_name"] not in json.dumps(preview)
        assert body["missing"] == ["to-khai-ket-hon", "xac-nhan-tinh-trang-hon-nhan"]
        dossier = body["dossier_id"]

        thumbnail = http.get(preview["thumbnails"][0])
        assert thumbnail.status_code == 200 and thumbnail.headers["content-type"] == "image/jpeg"
        assert cv2.imdecode(np.frombuffer(thumbnail.content, np.uint8), 1).shape[1] == 240

        refused = http.post(f"/v1/dossiers/{dossier}/consent", json={"document_id": ct07, "decision": "refused"})
        assert refused.status_code == 200, refused.text
        residence = next(c for c in refused.json()["components"] if c["code"] == "thong-tin-cu-tru")
        assert (residence["status"], residence["refused"]) == ("missing", True)
        assert residence["preview"]["consent"]["decision"] == "refused"
        assert http.post(f"/v1/dossiers/{dossier}/consent",
                         json={"document_id": card["id"], "decision": "confirmed"}).status_code == 404
        confirmed = http.post(f"/v1/dossiers/{dossier}/consent", json={"document_id": ct07, "decision": "confirmed"})
        assert next(c for c in confirmed.json()["components"] if c["code"] == "thong-tin-cu-tru")["status"] == "held"
        again = http.get(f"/v1/dossiers/{dossier}").json()
        consent = next(c for c in again["components"] if c["code"] == "thong-tin-cu-tru")["preview"]["consent"]
        assert (consent["decision"], consent["decided_by"]) == ("confirmed", "api:masked-branch")

    events = server.scalar("SELECT count(*) FROM events WHERE entity = 'dossier' AND entity_id = :id "
                           "AND action = 'dossier.reuse_consent'", id=dossier)
    assert events == 2  # both decisions are on record; the newest counts
    rows = [(r["endpoint"], r["document_id"], r["status"]) for r in server.audit_rows() if r["client"] == "masked-branch"]
    assert ("/v1/dossiers", None, 201) in rows
    assert ("/v1/dossiers (fields read, unmasked)", card["id"], 200) in rows
    assert ("/v1/dossiers (reuse preview)", ct07, 200) in rows
    assert ("/v1/dossiers/{dossier_id}/consent", ct07, 200) in rows
    assert ("/v1/dossiers/{dossier_id}/previews/{document_id}/pages/{page}", ct07, 200) in rows
    assert HOLDER["id_number"] not in server.log_text() and HOLDER["full_name"] not in server.log_text()


def test_a_dossier_that_does_not_exist(server: Server) -> None:
    with server.client("branch") as http:
        assert http.get("/v1/dossiers/987654").status_code == 404
        assert http.post("/v1/dossiers/987654/consent", json={"document_id": 1, "decision": "refused"}).status_code == 404
        assert http.get("/v1/dossiers/abc").status_code == 422
    with server.client("branch", purpose=None) as http:
        assert http.get("/v1/dossiers/1").status_code == 400  # personal data: a purpose is required

