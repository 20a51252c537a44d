"""Errors, strict identifiers, the published JSON Schema and the OpenAPI document, against a real
`hoso serve` on SQLite and on PostgreSQL: every refusal is an `application/problem+json` body, on
record in the audit log without personal data, and no input is a 500."""

from __future__ import annotations

import hashlib
import hmac
import re
from typing import Any
from urllib.parse import quote

import pytest
from jsonschema import Draft202012Validator

from schemas.records import json_schema

from .conftest import AUDIT_SECRET, HUSBAND, NOBODY, Server

pytestmark = pytest.mark.integration
PROBLEM = "application/problem+json"
MAX_ID = 2**63 - 1

PERSONAL_READS = {"GET /v1/citizens/{id_number}/documents", "GET /v1/documents/{document_id}",
                  "GET /v1/documents/{document_id}/versions", "GET /v1/documents/{document_id}/original",
                  "GET /v1/procedures/{code}/requirements", "POST /v1/dossiers", "GET /v1/audit"}
INVALID_DOCUMENT_IDS = ["0", "-1", "+5", " 5", "5 ", "5.0", "1_000", "1e3", "0x10", "５", "٣", "abc",
                        str(MAX_ID + 1), "9" * 40]
INVALID_ID_NUMBERS = [
    "００１０９００１２３４５",  # fullwidth digits
    HUSBAND["id_number"] + "\n", HUSBAND["id_number"] + " ", " " + HUSBAND["id_number"],
    HUSBAND["id_number"][:-1], HUSBAND["id_number"] + "0", "12345678９", "001O90012345", "+01090012345",
    "١٢٣٤٥٦٧٨٩",  # Arabic-Indic digits
]


def subject(id_number: str) -> str:
    return hmac.new(AUDIT_SECRET.encode(), id_number.encode(), hashlib.sha256).hexdigest()


def assert_problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["status"] == status and body["code"] == code and body["type"] == f"urn:hoso:problem:{code}"
    assert body["title"] and body["detail"]
    assert "Traceback" not in response.text and "input" not in body
    return body


def test_document_ids_are_ascii_digits_in_range_and_refusals_are_audited(server: Server) -> None:
    before = len(server.audit_rows())
    with server.client("reader") as http:
        for value in INVALID_DOCUMENT_IDS:
            response = http.get(f"/v1/documents/{quote(value, safe='')}")
            body = assert_problem(response, 422, "invalid_request")
            assert [error["location"] for error in body["errors"]] == ["path.document_id"], value
            assert "9" * 40 not in response.text
    rows = server.audit_rows()[before:]
    assert [(r["client"], r["endpoint"], r["document_id"], r["status"]) for r in rows] == [
        ("reader", "/v1/documents/{document_id}", None, 422)] * len(INVALID_DOCUMENT_IDS)


@pytest.mark.parametrize("document_id", [2**31 - 1, 2**31, MAX_ID])
def test_a_valid_id_of_no_document_is_404_on_every_backend(server: Server, document_id: int) -> None:
    before = len(server.audit_rows())
    with server.client("reader") as reader, server.client("originals") as originals:
        for response in (reader.get(f"/v1/documents/{document_id}"), reader.get(f"/v1/documents/{document_id}/versions"),
                         originals.get(f"/v1/documents/{document_id}/original")):
            assert_problem(response, 404, "not_found")
    rows = server.audit_rows()[before:]
    assert [r["status"] for r in rows] == [404, 404, 404]
    # the audit log's document_id is a 32-bit column on PostgreSQL: an id beyond it is recorded as none
    assert {r["document_id"] for r in rows} == {document_id if document_id < 2**31 else None}


def test_id_numbers_are_exactly_12_or_9_ascii_digits_and_never_audited_raw(server: Server) -> None:
    before = len(server.audit_rows())
    with server.client("reader") as reader, server.client("auditor") as auditor:
        for value in INVALID_ID_NUMBERS:
            responses = [reader.get(f"/v1/citizens/{quote(value, safe='')}/documents"),
                         reader.get("/v1/procedures/ket-hon/requirements", params={"id_number": value}),
                         auditor.get("/v1/audit", params={"id_number": value})]
            for response in responses:
                body = assert_problem(response, 422, "invalid_request")
                assert body["errors"][0]["location"] in ("path.id_number", "query.id_number")
                assert value.strip() not in response.text
    rows = server.audit_rows()[before:]
    assert len(rows) == 3 * len(INVALID_ID_NUMBERS)
    assert {(r["status"], r["subject_hash"]) for r in rows} == {(422, None)}
    assert {r["endpoint"] for r in rows} == {"/v1/citizens/{id_number}/documents", "/v1/procedures/{code}/requirements",
                                             "/v1/audit"}
    flat = repr(rows)
    for value in INVALID_ID_NUMBERS:
        assert value.strip() not in flat and subject(value) not in flat
    assert subject(HUSBAND["id_number"]) not in flat  # "...345\n" is not HUSBAND's number either


def test_a_path_of_no_route_is_a_404_problem_audited_without_the_path(server: Server) -> None:
    before = len(server.audit_rows())
    with server.client("reader") as reader, server.client() as anonymous:
        assert_problem(reader.get(f"/v1/citizen/{HUSBAND['id_number']}"), 404, "not_found")
        assert_problem(anonymous.get(f"/v1/citizens/{HUSBAND['id_number']}/documents/all"), 404, "not_found")
        wrong_method = anonymous.post("/v1/health")
        assert_problem(wrong_method, 405, "method_not_allowed")
        assert wrong_method.headers["allow"] == "GET"
    rows = server.audit_rows()[before:]
    assert [(r["client"], r["method"], r["endpoint"], r["status"]) for r in rows] == [
        ("reader", "GET", "(no route)", 404), ("(anonymous)", "GET", "(no route)", 404),
        ("(anonymous)", "POST", "/v1/health", 405)]
    assert HUSBAND["id_number"] not in repr(rows)


def test_an_unknown_procedure_is_a_404_unknown_procedure(server: Server) -> None:
    with server.client("reader") as http:
        response = http.get("/v1/procedures/no-such-thing/requirements", params={"id_number": NOBODY})
    body = assert_problem(response, 404, "unknown_procedure")
    assert "ket-hon" in body["detail"]  # the known codes are listed


def test_audit_times_are_rfc3339_with_an_offset(server: Server) -> None:
    with server.client("auditor") as http:
        for value in ("0.5", "1700000000", "2026-05-01", "2026-05-01T00:00:00", "9999-12-31T23:59:59-23:59",
                      "0001-01-01T00:00:00+23:59", "2026-13-01T00:00:00Z"):
            assert_problem(http.get("/v1/audit", params={"since": value}), 422, "invalid_request")
        assert http.get("/v1/audit", params={"since": "2026-05-01T00:00:00+07:00",
                                             "until": "9999-12-31T00:00:00Z", "limit": 1}).status_code == 200
        assert http.get("/v1/audit", params={"before_id": MAX_ID, "limit": 1}).status_code == 200


def test_control_characters_in_the_purpose_are_not_stored(server: Server) -> None:
    with server.client("reader", purpose="case%00 2026%0A-9") as http:
        assert http.get(f"/v1/citizens/{NOBODY}/documents").status_code == 200
    with server.client("reader", purpose="%00%01") as http:
        assert_problem(http.get(f"/v1/citizens/{NOBODY}/documents"), 400, "purpose_required")
    rows = server.audit_rows()
    assert [(r["purpose"], r["status"]) for r in rows[-2:]] == [("case 2026-9", 200), (None, 400)]


def test_openapi_describes_the_real_bodies_and_the_problems(server: Server) -> None:
    with server.client() as http:
        spec = http.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    assert "HTTPValidationError" not in schemas and "Problem" in schemas
    secured = set()
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            success = next((responses[status] for status in sorted(responses) if status.startswith("2")), None)
            assert success, (method, path)
            if "application/json" in success["content"]:
                schema = success["content"]["application/json"]["schema"]
                assert "$ref" in schema or schema.get("type") == "object", (method, path, schema)
            else:  # a file, a page image (binary), metrics (text)
                for media_type, body in success["content"].items():
                    assert body["schema"]["type"] == "string", (method, path)
                    assert body["schema"].get("format") == "binary" or media_type.startswith("text/")
            for status, response in responses.items():
                if status[0] in "45" and (path, status) != ("/v1/health", "503"):
                    assert response["content"] == {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}}
            assert "500" in responses
            headers = {p["name"]: p for p in operation.get("parameters", []) if p["in"] == "header"}
            if operation.get("security"):
                assert {"401", "403"} <= set(responses), (method, path)
            if f"{method.upper()} {path}" in PERSONAL_READS:
                assert operation.get("security") and {"400", "422"} <= set(responses)
                assert headers["X-Purpose"]["required"] is True
                secured.add(f"{method.upper()} {path}")
    assert secured == PERSONAL_READS
    document = spec["paths"]["/v1/documents/{document_id}"]["get"]["parameters"][0]["schema"]
    assert (document["type"], document["minimum"], document["maximum"]) == ("integer", 1, MAX_ID)
    citizen = spec["paths"]["/v1/citizens/{id_number}/documents"]["get"]["parameters"][0]["schema"]
    assert citizen["pattern"] == "^([0-9]{12}|[0-9]{9})$"


def test_the_record_schema_is_published_and_the_bodies_follow_it(server: Server) -> None:
    card = server.seeded["card"]["document_id"]
    with server.client() as anonymous:
        published = anonymous.get("/v1/schema/document")
        summary = anonymous.get("/v1/schema/document-summary")
        spec = anonymous.get("/openapi.json").json()
        assert_problem(anonymous.get("/v1/schema/nothing"), 422, "invalid_request")
    assert published.status_code == 200 and published.json() == json_schema("document")
    assert summary.json() == json_schema("document-summary")
    validator = Draft202012Validator(published.json(), format_checker=Draft202012Validator.FORMAT_CHECKER)
    bodies = []
    for key in ("reader", "full-reader"):
        with server.client(key) as http:
            citizen = http.get(f"/v1/citizens/{HUSBAND['id_number']}/documents", params={"include_unusable": True})
            one = http.get(f"/v1/documents/{card}").json()
            versions = http.get(f"/v1/documents/{card}/versions").json()
        bodies += [*citizen.json()["documents"], {k: v for k, v in one.items() if k != "masked"}, *versions["versions"]]
    assert len(bodies) == 8
    for body in bodies:
        validator.validate(body)
    # problems follow their schema too
    problem_schema = {**spec["components"]["schemas"]["Problem"], "$defs": spec["components"]["schemas"]}
    problem_schema = _local_refs(problem_schema)
    with server.client() as anonymous:
        Draft202012Validator(problem_schema).validate(anonymous.get(f"/v1/documents/{card}").json())


def test_the_docs_pages_load_their_assets_from_the_service(server: Server) -> None:
    with server.client() as http:
        for page, title in (("/docs", "Swagger UI"), ("/redoc", "ReDoc")):
            html = http.get(page)
            assert html.status_code == 200 and title in html.text
            assets = re.findall(r'(?:src|href)="([^"]+)"', html.text)
            assert assets and all(asset.startswith("/static/") for asset in assets), assets
            assert "cdn" not in html.text and "googleapis" not in html.text
            for asset in assets:
                response = http.get(asset)
                assert response.status_code == 200 and len(response.content) > 100, asset
        assert http.get("/static/swagger-ui/swagger-ui-bundle.js").headers["content-type"].startswith("text/javascript")
        assert_problem(http.get("/static/nothing.js"), 404, "not_found")


def _local_refs(schema: Any) -> Any:
    if isinstance(schema, dict):
        return {key: (value.replace("#/components/schemas/", "#/$defs/") if key == "$ref" else _local_refs(value))
                for key, value in schema.items()}
    if isinstance(schema, list):
        return [_local_refs(item) for item in schema]
    return schema
