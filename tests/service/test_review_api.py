"""The review API against a real `hoso serve` process, on SQLite and on PostgreSQL: the queue, one document for
a reviewer with its page image, corrections validated like extracted values (422), confirmation into a new
`verified` version with `source: "review"` evidence, stale versions (409), rejection, scopes (403), the audit log,
and the requirements answer moving from `received` to `held`."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from records.db import open_database
from records.storage.objects import LocalObjectStore
from service.keys import create_key

from .conftest import AUDIT_SECRET, Server, start_server, stop_server
from review_seed import (
    BRANCHES, HEIGHT, HUSBAND, WIDTH, WIFE, card_values, draw_card, record_scan, scan_document, seed_review,
)

pytestmark = pytest.mark.integration
PROBLEM = "application/problem+json"
REVIEW_KEYS = {"reviewer": ["review"], "second-reviewer": ["review"], "reader-only": ["records:read", "records:full"]}


@pytest.fixture(scope="module")
def review_server(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    data_dir = tmp_path_factory.mktemp("review")
    seeded = seed_review(database_url, data_dir)
    tokens = create_keys(database_url, REVIEW_KEYS)
    log_path = data_dir / "server.log"
    process, base_url = start_server(data_dir, database_url, log_path, HOSO_UPLOAD_RUNNER="direct")
    try:
        yield Server(base_url, database_url, data_dir, log_path, tokens, seeded)
    finally:
        stop_server(process)


def create_keys(database_url: str, scopes: dict[str, list[str]]) -> dict[str, str]:
    db = open_database(database_url)
    try:
        return {name: create_key(db, name, wanted) for name, wanted in scopes.items()}
    finally:
        db.close()


def subject(id_number: str) -> str:
    return hmac.new(AUDIT_SECRET.encode(), id_number.encode(), hashlib.sha256).hexdigest()


def problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["code"] == code
    return body


def test_the_queue_is_oldest_first_and_filters_by_branch_procedure_and_type(review_server: Server) -> None:
    card, marriage = review_server.seeded["card"], review_server.seeded["marriage"]
    with review_server.client("reviewer") as http:
        everything = http.get("/v1/review/queue")
        assert everything.status_code == 200, everything.text
        items = everything.json()["items"]
        assert [item["document_id"] for item in items][:2] == [card, marriage]
        first = items[0]
        assert (first["document_type"], first["branch"], first["procedure"], first["doubtful_fields"]) == (
            "id_card", BRANCHES[0], "ket-hon", ["full_name"])
        assert first["reasons"] == ["full_name: low confidence"] and first["title"]
        assert review_server.seeded["wife_card"] not in [item["document_id"] for item in items]
        by_branch = http.get("/v1/review/queue", params={"branch": BRANCHES[1]}).json()["items"]
        assert [item["document_id"] for item in by_branch] == [marriage]
        by_procedure = http.get("/v1/review/queue", params={"procedure": "ket-hon"}).json()["items"]
        assert [item["document_id"] for item in by_procedure] == [card]
        by_type = http.get("/v1/review/queue", params={"document_type": "marriage_certificate"}).json()["items"]
        assert [item["document_id"] for item in by_type] == [marriage]
        paged = http.get("/v1/review/queue", params={"limit": 1}).json()
        assert [item["document_id"] for item in paged["items"]] == [card] and paged["next"]
        rest = http.get("/v1/review/queue", params={"limit": 1, "cursor": paged["next"]}).json()
        assert [item["document_id"] for item in rest["items"]] == [marriage]
        problem(http.get("/v1/review/queue", params={"cursor": "bm90IGEgY3Vyc29y"}), 422, "invalid_value")


def test_a_document_for_a_reviewer_has_pages_boxes_reasons_and_unmasked_values(review_server: Server) -> None:
    card = review_server.seeded["card"]
    with review_server.client("reviewer") as http:
        response = http.get(f"/v1/review/{card}")
        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["document_id"], body["document_type"], body["version"], body["status"], body["current"]) == (
            card, "id_card", 1, "needs_review", True)
        [page] = body["pages"]
        assert (page["page"], page["width"], page["height"], page["original_page"]) == (1, WIDTH, HEIGHT, 1)
        name = body["fields"]["full_name"]
        assert name["value"] == HUSBAND["full_name"]  # unmasked
        assert (name["needs_review"], name["page"], name["confidence"], name["source"]) == (True, 1, 0.62, "ocr")
        assert name["reasons"] == [{"kind": "low_confidence", "detail": "full_name: low confidence"}]
        assert name["label"] == "Họ và tên" and name["kind"] == "name" and name["editable"]
        assert body["fields"]["id_number"]["needs_review"] is False
        x0, y0, x1, y1 = name["bbox"]
        assert 0 <= x0 < x1 <= WIDTH and 0 <= y0 < y1 <= HEIGHT
        image = http.get(page["image_url"])
        assert image.status_code == 200 and image.headers["content-type"] == "image/jpeg"
        assert image.content[:3] == b"\xff\xd8\xff"
        problem(http.get(f"/v1/review/{card}/pages/2"), 404, "not_found")
        problem(http.get("/v1/review/999999"), 404, "not_found")


def test_without_the_review_scope_it_is_403_and_without_a_key_401(review_server: Server) -> None:
    card = review_server.seeded["card"]
    before = len(review_server.audit_rows())
    with review_server.client("reader-only") as http:
        for response in (http.get("/v1/review/queue"), http.get(f"/v1/review/{card}"),
                         http.get(f"/v1/review/{card}/pages/1"),
                         http.post(f"/v1/review/{card}", json={"confirm": True})):
            problem(response, 403, "forbidden")
    with review_server.client() as anonymous:
        problem(anonymous.get("/v1/review/queue"), 401, "unauthorised")
    with review_server.client("reviewer", purpose=None) as http:
        problem(http.get(f"/v1/review/{card}"), 400, "purpose_required")
    rows = review_server.audit_rows()[before:]
    assert [(r["client"], r["status"]) for r in rows] == [("reader-only", 403)] * 4 + [
        ("(anonymous)", 401), ("reviewer", 400)]
    with review_server.client("reviewer") as http:  # nothing changed
        assert http.get(f"/v1/review/{card}").json()["version"] == 1


def test_an_impossible_correction_is_a_clear_422_and_nothing_is_stored(review_server: Server) -> None:
    card = review_server.seeded["card"]
    cases = [({"date_of_birth": "31/02/1990"}, "date_of_birth: no valid date"),
             ({"sex": "Nữ"}, "id_number: sex digit (4) disagrees with sex"),
             ({"id_number": "001090"}, "id_number: not 12 (or 9) digits"),
             ({"date_of_birth": "12/05/1991"}, "id_number: digits 5-6 disagree with the birth year"),
             ({"place_of_residence": "Số 9 đường Không Tên"}, "place_of_residence: province not recognised"),
             ({"full_name": ""}, "full_name: a value is required"),
             ({"mrz": "IDVNM"}, "mrz: not a field a reviewer can correct")]
    with review_server.client("reviewer") as http:
        for corrections, message in cases:
            body = problem(http.post(f"/v1/review/{card}", json={"corrections": corrections, "confirm": True}),
                           422, "invalid_value")
            assert message in body["detail"], (corrections, body["detail"])
            for value in corrections.values():
                assert not value or value not in body["detail"]  # which field and why, never the value
        body = problem(http.post(f"/v1/review/{card}", json={}), 422, "invalid_request")
        assert "nothing to do" in body["detail"]
        problem(http.post(f"/v1/review/{card}", json={"reject": "x", "confirm": True}), 422, "invalid_request")
        assert http.get(f"/v1/review/{card}").json()["version"] == 1
    assert review_server.scalar("SELECT count(*) FROM documents WHERE id > :id AND document_type = 'id_card' "
                                "AND number = :number", id=card, number=HUSBAND["id_number"]) == 0


def test_correct_and_confirm_makes_a_verified_version_then_the_old_one_is_409(review_server: Server) -> None:
    card = review_server.seeded["card"]
    with review_server.client("reader-only") as reader:
        before = reader.get("/v1/procedures/ket-hon/requirements", params={"id_number": HUSBAND["id_number"]})
    identity = {c["code"]: c for c in before.json()["components"]}["giay-to-tuy-than-nguoi-yeu-cau"]
    assert (identity["status"], identity["document_id"]) == ("received", card)  # the counter does not ask again
    assert "giay-to-tuy-than-nguoi-yeu-cau" not in before.json()["to_submit"]

    audit_before = len(review_server.audit_rows())
    corrected = "NGUYỄN VĂN ÂN"
    decomposed = "NGUYE\u0302\u0303N VA\u0306N A\u0302N"  # the same letters as an input method may send them
    with review_server.client("reviewer") as http:
        response = http.post(f"/v1/review/{card}", json={"corrections": {"full_name": decomposed}, "confirm": True,
                                                          "version": 1})
        assert response.status_code == 201, response.text
        new = response.json()
        assert response.headers["location"] == f"/v1/documents/{new['id']}"
        assert (new["version"], new["status"], new["supersedes_id"], new["masked"]) == (2, "verified", card, False)
        assert new["review_reasons"] == [] and new["usable"] is True
        name = new["fields"]["full_name"]
        assert name["value"] == corrected and name["source"] == "review" and name["confidence"] == 1.0
        [evidence] = name["provenance"]
        assert (evidence["source"], evidence["reviewer"], evidence["replaced"]) == ("review", "reviewer",
                                                                                   HUSBAND["full_name"])
        assert evidence["reviewed_at"] and evidence["bbox"]  # read off the same box
        assert new["fields"]["id_number"]["source"] == "ocr"  # untouched values keep their evidence
        # the version the reviewer saw is gone: 409, for a correction, a confirmation and a rejection alike
        for stale in ({"confirm": True}, {"corrections": {"sex": "Nam"}, "confirm": True}, {"reject": "trùng"}):
            body = problem(http.post(f"/v1/review/{card}", json=stale), 409, "conflict")
            assert "no longer current" in body["detail"]
        problem(http.post(f"/v1/review/{new['id']}", json={"confirm": True, "version": 1}), 409, "conflict")
        assert card not in [item["document_id"] for item in http.get("/v1/review/queue").json()["items"]]
        view = http.get(f"/v1/review/{new['id']}").json()
        assert view["fields"]["full_name"]["review_action"] == "corrected"
        assert view["fields"]["full_name"]["reviewed_by"] == "reviewer"

    stored = review_server.scalar("SELECT fields FROM documents WHERE id = :id", id=new["id"])
    assert (stored if isinstance(stored, dict) else json.loads(stored))["full_name"] == corrected
    assert review_server.scalar("SELECT status FROM documents WHERE id = :id", id=card) == "superseded"
    rows = review_server.audit_rows()[audit_before:]
    assert [(r["client"], r["method"], r["endpoint"], r["document_id"], r["status"]) for r in rows] == [
        ("reviewer", "POST", "/v1/review/{document_id}", card, 201)] + [
        ("reviewer", "POST", "/v1/review/{document_id}", card, 409)] * 3 + [
        ("reviewer", "POST", "/v1/review/{document_id}", new["id"], 409),
        ("reviewer", "GET", "/v1/review/queue", None, 200),
        ("reviewer", "GET", "/v1/review/{document_id}", new["id"], 200)]
    assert rows[0]["subject_hash"] == subject(HUSBAND["id_number"]) and rows[0]["purpose"]
    assert corrected not in repr(rows) and HUSBAND["id_number"] not in repr(rows)

    with review_server.client("reader-only") as reader:
        after = reader.get("/v1/procedures/ket-hon/requirements", params={"id_number": HUSBAND["id_number"]})
    identity = {c["code"]: c for c in after.json()["components"]}["giay-to-tuy-than-nguoi-yeu-cau"]
    assert (identity["status"], identity["held_by"], identity["document_id"]) == ("held", "document", new["id"])


def test_a_rejected_document_leaves_the_queue_and_is_never_used(review_server: Server) -> None:
    marriage = review_server.seeded["marriage"]
    with review_server.client("second-reviewer") as http:
        response = http.post(f"/v1/review/{marriage}", json={"reject": "Không phải của công dân này"})
        assert response.status_code == 201, response.text
        body = response.json()
        assert (body["status"], body["usable"], body["version"]) == ("rejected", False, 2)
        assert marriage not in [item["document_id"] for item in http.get("/v1/review/queue").json()["items"]]
        view = http.get(f"/v1/review/{body['id']}").json()
        assert (view["status"], view["current"], view["rejection_reason"]) == (
            "rejected", False, "Không phải của công dân này")
        problem(http.post(f"/v1/review/{body['id']}", json={"confirm": True}), 409, "conflict")
    with review_server.client("reader-only") as reader:
        report = reader.get("/v1/procedures/khai-sinh/requirements", params={"id_number": WIFE["id_number"]}).json()
    marriage_component = {c["code"]: c for c in report["components"]}["giay-chung-nhan-ket-hon-cha-me"]
    assert marriage_component["status"] == "missing"


def test_saving_a_correction_without_confirming_keeps_other_doubts(review_server: Server, tmp_path: Path) -> None:
    """A second id card version in doubt on two fields: one corrected, the other still needs a person."""
    person = {**WIFE, "id_number": "001190054322", "full_name": "LÊ THỊ CHI"}
    values = card_values(person)
    image, boxes = draw_card(values)
    db = open_database(review_server.database_url)
    try:
        document_id = record_scan(db, LocalObjectStore(review_server.data_dir / "objects"), image,
                                  scan_document("id_card", values, boxes, {"full_name": 0.5, "issue_date": 0.6}),
                                  "chi.jpg", None)
    finally:
        db.close()
    with review_server.client("reviewer") as http:
        response = http.post(f"/v1/review/{document_id}", json={"corrections": {"issue_date": "2021-06-02"}})
        assert response.status_code == 201, response.text
        new = response.json()
        assert (new["status"], new["review_reasons"]) == ("needs_review", ["full_name: low confidence"])
        assert new["fields"]["issue_date"]["value"] == "2021-06-02" and new["valid_from"] == "2021-06-02"
        queue = [item["document_id"] for item in http.get("/v1/review/queue").json()["items"]]
        assert new["id"] in queue and document_id not in queue
        confirmed = http.post(f"/v1/review/{new['id']}", json={"confirm": True}).json()
        assert confirmed["status"] == "verified"
        assert confirmed["fields"]["full_name"]["provenance"][0]["reviewer"] == "reviewer"  # confirmed as read
        assert confirmed["fields"]["full_name"]["source"] == "ocr"
