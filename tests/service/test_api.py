"""The lookup path against a real `hoso serve` process, on SQLite and on PostgreSQL: authentication,
scopes, purpose, masking, streaming originals, and one audit row per personal-data read."""

from __future__ import annotations

import hashlib
import hmac
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import pytest
from sqlalchemy.exc import DBAPIError

from records.db import open_database

from .conftest import AUDIT_SECRET, HUSBAND, NOBODY, REPO, WIFE, Server, server_env

pytestmark = pytest.mark.integration  # a real `hoso serve` process per backend


def subject(id_number: str) -> str:
    return hmac.new(AUDIT_SECRET.encode(), id_number.encode(), hashlib.sha256).hexdigest()


def personal_paths(server: Server) -> list[str]:
    card = server.seeded["card"]["document_id"]
    return [f"/v1/citizens/{HUSBAND['id_number']}/documents", f"/v1/documents/{card}",
            f"/v1/documents/{card}/versions", f"/v1/documents/{card}/original",
            f"/v1/procedures/ket-hon/requirements?id_number={HUSBAND['id_number']}", "/v1/audit"]


def test_health_needs_no_key_and_reports_both_backends(server: Server) -> None:
    with server.client() as http:
        response = http.get("/v1/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": True, "store": True}


def test_no_key_or_a_bad_key_is_401_and_reads_nothing_but_is_audited(server: Server) -> None:
    before = len(server.audit_rows())
    forged = "hoso_" + server.tokens["full-reader"][5:17] + "_" + "A" * 43  # a real prefix, a wrong secret
    sent = 0
    for path in personal_paths(server):
        with server.client() as http:
            assert http.get(path).status_code == 401, path
            for token in ("nonsense", forged, server.tokens["reader"] + "x"):
                response = http.get(path, headers={"Authorization": f"Bearer {token}"})
                assert response.status_code == 401, path
                assert response.headers["content-type"] == "application/problem+json"
                assert response.json()["code"] == "unauthorised"
                assert response.headers["www-authenticate"] == "Bearer"
            sent += 4
    rows = server.audit_rows()[before:]
    assert len(rows) == sent  # refused, nothing read, and each refusal is on record
    assert {(r["client"], r["status"], r["subject_hash"], r["document_id"]) for r in rows} == {
        ("(anonymous)", 401, None, None)}
    assert {r["endpoint"] for r in rows} == {
        "/v1/citizens/{id_number}/documents", "/v1/documents/{document_id}", "/v1/documents/{document_id}/versions",
        "/v1/documents/{document_id}/original", "/v1/procedures/{code}/requirements", "/v1/audit"}
    assert HUSBAND["id_number"] not in repr(rows)


def test_a_key_without_the_scope_is_403_and_the_refusal_is_audited(server: Server) -> None:
    card = server.seeded["card"]["document_id"]
    cases = [("reader", f"/v1/documents/{card}/original"), ("reader", "/v1/audit"),
             ("auditor", f"/v1/citizens/{HUSBAND['id_number']}/documents"), ("originals", f"/v1/documents/{card}"),
             ("branch", f"/v1/documents/{card}")]
    before = len(server.audit_rows())
    for key, path in cases:
        with server.client(key) as http:
            response = http.get(path)
        assert response.status_code == 403, (key, path)
        assert response.json()["code"] == "forbidden"
    rows = server.audit_rows()[before:]
    assert [(row["client"], row["status"]) for row in rows] == [(key, 403) for key, _ in cases]


def test_the_purpose_header_is_required(server: Server) -> None:
    for path in personal_paths(server):
        key = "auditor" if path == "/v1/audit" else "originals" if path.endswith("/original") else "reader"
        with server.client(key, purpose=None) as http:
            response = http.get(path)
            assert response.status_code == 400, path
            assert response.json()["code"] == "purpose_required"
            assert http.get(path, headers={"X-Purpose": ""}).status_code == 400


def test_masked_fields_without_the_full_scope(server: Server) -> None:
    with server.client("reader") as http:
        response = http.get(f"/v1/citizens/{HUSBAND['id_number']}/documents")
    assert response.status_code == 200
    body = response.json()
    assert body["masked"] is True
    by_type = {document["document_type"]: document for document in body["documents"]}
    assert set(by_type) == {"id_card", "marriage_certificate"}
    card = by_type["id_card"]
    values = {name: field["value"] for name, field in card["fields"].items()}
    assert values["full_name"] == "N. V. ***"
    assert values["id_number"] == "*********345"
    assert values["date_of_birth"] == "1990"
    assert values["place_of_residence"] == "Thành phố Hà Nội"  # the resolved province
    assert values["mrz"] is None
    assert values["sex"] == "Nam" and values["expiry_date"] == "2035-05-12"  # not personal enough to mask
    assert card["number"] == "*********345"
    assert card["roles"] == ["subject"] and card["usable"] is True
    assert card["fields"]["full_name"]["confidence"] == pytest.approx(0.93)
    evidence = card["fields"]["place_of_residence"]["provenance"]
    assert evidence[0]["sha256"] == server.seeded["card"]["sha256"] and evidence[0]["ward"] is None  # dropped
    marriage = {name: field["value"] for name, field in by_type["marriage_certificate"]["fields"].items()}
    assert marriage["wife_full_name"] == "T. T. ***" and marriage["wife_id_number"] == "*********321"
    assert marriage["husband_date_of_birth"] == "1990"
    for clear in (HUSBAND["id_number"], WIFE["id_number"], HUSBAND["full_name"], WIFE["full_name"], "Tràng Tiền",
                  HUSBAND["date_of_birth"], "Phường Hoàn Kiếm"):
        assert clear not in response.text


def test_full_fields_with_the_full_scope(server: Server) -> None:
    with server.client("full-reader") as http:
        body = http.get(f"/v1/citizens/{HUSBAND['id_number']}/documents").json()
        document = http.get(f"/v1/documents/{server.seeded['card']['document_id']}").json()
    assert body["masked"] is False
    card = next(d for d in body["documents"] if d["document_type"] == "id_card")
    assert {name: field["value"] for name, field in card["fields"].items()} == {
        **{k: HUSBAND[k] for k in ("id_number", "full_name", "date_of_birth", "sex")},
        "nationality": "Việt Nam", "place_of_residence": HUSBAND["residence"], "issue_date": "2021-06-01",
        "expiry_date": "2035-05-12", "mrz": "IDVNM0900123451001090012345<<2"}
    assert card["fields"]["place_of_residence"]["provenance"][0]["ward"] == "Phường Hoàn Kiếm"
    assert document["fields"]["full_name"]["value"] == HUSBAND["full_name"] and document["masked"] is False


def test_each_personal_read_appends_one_audit_row(server: Server) -> None:
    card = server.seeded["card"]["document_id"]
    before = len(server.audit_rows())

    with server.client("reader", purpose=quote("hồ sơ 2026-77")) as reader, server.client("originals") as originals:
        assert reader.get(f"/v1/citizens/{HUSBAND['id_number']}/documents").status_code == 200
        assert reader.get(f"/v1/documents/{card}").status_code == 200
        assert reader.get(f"/v1/documents/{card}/versions").status_code == 200
        assert reader.get("/v1/documents/999999").status_code == 404
        assert reader.get(f"/v1/procedures/ket-hon/requirements?id_number={NOBODY}").status_code == 200
        assert reader.get(f"/v1/procedures/no-such/requirements?id_number={NOBODY}").status_code == 404
        assert reader.get("/v1/citizens/12345/documents").status_code == 422
        assert originals.get(f"/v1/documents/{card}/original").status_code == 200
    rows = server.audit_rows()[before:]
    got = [(r["client"], r["method"], r["endpoint"], r["subject_hash"], r["document_id"], r["status"]) for r in rows]
    assert got == [
        ("reader", "GET", "/v1/citizens/{id_number}/documents", subject(HUSBAND["id_number"]), None, 200),
        ("reader", "GET", "/v1/documents/{document_id}", None, card, 200),
        ("reader", "GET", "/v1/documents/{document_id}/versions", None, card, 200),
        ("reader", "GET", "/v1/documents/{document_id}", None, 999999, 404),
        ("reader", "GET", "/v1/procedures/{code}/requirements", subject(NOBODY), None, 200),
        ("reader", "GET", "/v1/procedures/{code}/requirements", subject(NOBODY), None, 404),
        ("reader", "GET", "/v1/citizens/{id_number}/documents", None, None, 422),
        ("originals", "GET", "/v1/documents/{document_id}/original", None, card, 200),
    ]
    assert {r["purpose"] for r in rows} == {"hồ sơ 2026-77", "case 2026-0001"}
    assert all(r["occurred_at"] is not None for r in rows)
    flat = repr(rows)
    assert HUSBAND["id_number"] not in flat and NOBODY not in flat and "12345\"" not in flat


def test_admin_queries_the_audit_log_by_client_subject_and_time(server: Server) -> None:
    card = server.seeded["card"]["document_id"]
    started = datetime.now(UTC).isoformat()
    with server.client("reader", purpose="audit test") as reader:
        assert reader.get(f"/v1/citizens/{WIFE['id_number']}/documents").status_code == 200
        assert reader.get(f"/v1/documents/{server.seeded['marriage']['document_id']}").status_code == 200
        assert reader.get(f"/v1/documents/{card}").status_code == 200
    with server.client("auditor") as admin:
        about_wife = admin.get("/v1/audit", params={"id_number": WIFE["id_number"], "since": started}).json()
        by_reader = admin.get("/v1/audit", params={"client": "reader", "since": started}).json()
        nothing_later = admin.get("/v1/audit", params={"since": (datetime.now(UTC) + timedelta(hours=1)).isoformat()})
        page = admin.get("/v1/audit", params={"limit": 2}).json()
        bad = admin.get("/v1/audit", params={"id_number": "abc"})
    # the wife is the subject of the first read and a person in the marriage certificate read
    assert [(e["endpoint"], e["document_id"]) for e in about_wife["entries"]] == [
        ("/v1/documents/{document_id}", server.seeded["marriage"]["document_id"]),
        ("/v1/citizens/{id_number}/documents", None)]
    assert about_wife["entries"][1]["subject_hash"] == subject(WIFE["id_number"])
    assert len(by_reader["entries"]) == 3 and all(e["client"] == "reader" for e in by_reader["entries"])
    assert nothing_later.json()["entries"] == []
    assert len(page["entries"]) == 2 and page["next_before_id"] == page["entries"][-1]["id"]
    assert bad.status_code == 422
    last = server.audit_rows()[-1]  # the admin's own queries are audited too
    assert (last["client"], last["endpoint"], last["status"]) == ("auditor", "/v1/audit", 422)


def test_the_original_is_streamed_from_the_store(server: Server) -> None:
    seeded = server.seeded["marriage"]
    with server.client("originals") as http:
        with http.stream("GET", f"/v1/documents/{seeded['document_id']}/original") as response:
            assert response.status_code == 200
            chunks = list(response.iter_raw())
        other = http.get(f"/v1/documents/{seeded['document_id']}/original", params={"sha256": "0" * 64})
    assert b"".join(chunks) == seeded["bytes"]
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["etag"] == f'"{seeded["sha256"]}"'
    assert other.status_code == 404


def test_requirements_say_what_is_held_and_what_to_submit(server: Server) -> None:
    with server.client("reader") as http:
        held = http.get("/v1/procedures/khai-sinh/requirements", params={"id_number": HUSBAND["id_number"]}).json()
        unknown = http.get("/v1/procedures/khai-sinh/requirements", params={"id_number": NOBODY}).json()
    assert held["id_number"] == "*********345"
    status = {c["code"]: c["status"] for c in held["components"]}
    assert status["giay-to-tuy-than-nguoi-yeu-cau"] == "held" and status["giay-chung-nhan-ket-hon-cha-me"] == "held"
    assert "to-khai-khai-sinh" in held["to_submit"] and "giay-to-tuy-than-nguoi-yeu-cau" not in held["to_submit"]
    assert "giay-to-tuy-than-nguoi-yeu-cau" in unknown["to_submit"]


def test_a_revoked_key_stops_working(server: Server) -> None:
    from service.keys import create_key

    db = open_database(server.database_url)
    try:
        token = create_key(db, "short-lived", ["records:read"])
    finally:
        db.close()
    headers = {"Authorization": f"Bearer {token}", "X-Purpose": "revocation test"}
    with server.client() as http:
        assert http.get("/v1/documents/1", headers=headers).status_code in (200, 404)
        revoked = subprocess.run([sys.executable, "-m", "hoso.cli", "keys", "revoke", "short-lived"], cwd=REPO,
                                 env=server_env(server.data_dir, server.database_url), capture_output=True, text=True)
        assert revoked.returncode == 0, revoked.stderr
        assert http.get("/v1/documents/1", headers=headers).status_code == 401


def test_the_audit_log_is_append_only(server: Server) -> None:
    db = open_database(server.database_url)
    try:
        for statement in ("UPDATE audit_log SET status = 200", "DELETE FROM audit_log"):
            with pytest.raises(DBAPIError, match="append-only"), db.engine.begin() as connection:
                connection.exec_driver_sql(statement)
    finally:
        db.close()


def test_the_service_log_holds_no_names_or_id_numbers(server: Server) -> None:
    with server.client("full-reader") as http:  # make sure this module's server saw some reads
        http.get(f"/v1/citizens/{HUSBAND['id_number']}/documents")
        http.get("/v1/procedures/ket-hon/requirements", params={"id_number": WIFE["id_number"]})
    log = server.log_text()
    assert "GET /v1/citizens/{id_number}/documents 200" in log  # the access log is there, by template
    for secret in (HUSBAND["id_number"], WIFE["id_number"], NOBODY, "NGUYỄN", "TRẦN", "hoso_"):
        assert secret not in log


def test_openapi_documents_auth_purpose_and_masking(server: Server) -> None:
    with server.client() as http:
        spec = http.get("/openapi.json").json()
    assert {"/v1/citizens/{id_number}/documents", "/v1/documents/{document_id}/original", "/v1/dossiers",
            "/v1/procedures/{code}/requirements", "/v1/audit", "/v1/health"} <= set(spec["paths"])
    description = spec["info"]["description"]
    assert "X-Purpose" in description and "records:full" in description and "N. V. ***" in description
    assert "multipart/form-data" in spec["paths"]["/v1/dossiers"]["post"]["requestBody"]["content"]
