"""The reviewer's page in real Chromium (Debian's, driven by Playwright; nothing but 127.0.0.1 reachable) against
a real `hoso serve`: sign in with a key, open the oldest document, correct a value with the keyboard only, confirm;
then the database holds the new version with `source: "review"`, the audit log has the rows, and the
requirements answer says `held`."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from records.db import open_database
from records.ingest import provenance_of
from records.requirements import requirements

from .conftest import Server, start_server, stop_server
from review_seed import HUSBAND, seed_review
from .test_review_api import create_keys

pytestmark = pytest.mark.integration
SCREENSHOT = os.environ.get("HOSO_REVIEW_SCREENSHOT")  # where to save the document view, if anywhere


@pytest.fixture(scope="module")
def page_server(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    data_dir = tmp_path_factory.mktemp("review-page")
    seeded = seed_review(database_url, data_dir)
    tokens = create_keys(database_url, {"lan.reviewer": ["review"], "counter": ["records:read"]})
    process, base_url = start_server(data_dir, database_url, data_dir / "server.log", HOSO_UPLOAD_RUNNER="direct")
    try:
        yield Server(base_url, database_url, data_dir, data_dir / "server.log", tokens, seeded)
    finally:
        stop_server(process)


def rows(server: Server, sql: str, **params: Any) -> list[dict[str, Any]]:
    from sqlalchemy import text

    db = open_database(server.database_url)
    try:
        with db.engine.connect() as connection:
            return [dict(row) for row in connection.execute(text(sql), params).mappings()]
    finally:
        db.close()


def focused(page: Any) -> dict[str, Any]:
    return page.evaluate("""() => { const el = document.activeElement;
        return {id: el.id, tag: el.tagName, selected: el.value !== undefined && el.selectionStart === 0
                && el.selectionEnd === el.value.length && el.value.length > 0}; }""")


def test_sign_in_open_the_oldest_correct_with_the_keyboard_and_confirm(
        page_server: Server, page: Any, blocked_requests: list[str], tmp_path: Path) -> None:
    card = page_server.seeded["card"]
    base = page_server.base_url
    page.goto(f"{base}/review")
    assert page.url.startswith(f"{base}/sign-in?next=")  # no session: sign in first
    assert focused(page)["id"] == "key"
    page.keyboard.type(page_server.tokens["lan.reviewer"])
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/review")
    cookie = next(c for c in page.context.cookies() if c["name"] == "hoso_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert page_server.tokens["lan.reviewer"] not in json.dumps(page.context.cookies())

    assert focused(page)["id"] == "open-oldest"
    page.keyboard.press("Enter")  # the oldest document
    page.wait_for_url(f"{base}/review/documents/{card}")
    page.wait_for_function("() => Array.from(document.images).every(img => img.complete && img.naturalWidth > 0)")
    now = focused(page)
    assert (now["id"], now["selected"]) == ("f-full_name", True)  # the doubtful field, its text selected
    assert page.locator('rect.box.doubt[data-field="full_name"]').count() == 1
    assert "focused" in page.locator('rect.box[data-field="full_name"]').get_attribute("class")
    assert "Ctrl+Enter" in page.locator(".keybar").inner_text()  # the keys are shown
    if SCREENSHOT:
        page.screenshot(path=SCREENSHOT)
    page.screenshot(path=str(tmp_path / "review.png"))

    page.keyboard.type("Nguyễn Văn Ân")  # replaces the selected value; typed as a person types it
    page.keyboard.press("Control+Enter")  # confirm, and open the next document
    page.wait_for_url(f"{base}/review/documents/{page_server.seeded['marriage']}?done=*")
    assert "đã xác nhận" in page.locator(".notice").inner_text()
    assert blocked_requests == []  # nothing tried to reach the internet

    [new] = rows(page_server, "SELECT id, version, status, reviewed_by, supersedes_id FROM documents "
                              "WHERE supersedes_id = :card", card=card)
    assert (new["version"], new["status"], new["reviewed_by"]) == (2, "verified", "lan.reviewer")
    db = open_database(page_server.database_url)
    try:
        [evidence] = [p for p in provenance_of(db, new["id"]) if p["field"] == "full_name"]
        assert (evidence["source"], evidence["reviewer"], evidence["replaced"]) == (
            "review", "lan.reviewer", HUSBAND["full_name"])
        fields = rows(page_server, "SELECT fields FROM documents WHERE id = :id", id=new["id"])[0]["fields"]
        assert (fields if isinstance(fields, dict) else json.loads(fields))["full_name"] == "Nguyễn Văn Ân"
        report = requirements(db, "ket-hon", HUSBAND["id_number"])
    finally:
        db.close()
    identity = next(c for c in report.components if c.code == "giay-to-tuy-than-nguoi-yeu-cau")
    assert (identity.status, identity.document_id) == ("held", new["id"])

    audit = rows(page_server, "SELECT client, method, endpoint, document_id, status, subject_hash FROM audit_log "
                              "ORDER BY id")
    mine = [(r["method"], r["endpoint"], r["document_id"], r["status"]) for r in audit if r["client"] == "lan.reviewer"]
    assert ("POST", "/sign-in", None, 303) in mine
    assert ("GET", "/review", None, 200) in mine
    assert ("GET", "/review/documents/{document_id}", card, 200) in mine
    assert ("GET", "/review/documents/{document_id}/pages/{page}", card, 200) in mine
    assert ("POST", "/review/documents/{document_id}", card, 303) in mine
    viewed = next(r for r in audit if r["endpoint"] == "/review/documents/{document_id}" and r["document_id"] == card)
    assert viewed["subject_hash"]  # whose data was read, as a keyed hash


def test_pages_refuse_a_key_without_the_scope_and_posts_without_the_token(
        page_server: Server, page: Any) -> None:
    base = page_server.base_url
    page.goto(f"{base}/sign-in?next=/review")
    page.fill("#key", page_server.tokens["counter"])
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Không có quyền" in page.locator("main").inner_text()
    page.goto(f"{base}/sign-in")
    page.fill("#key", "hoso_000000000000_" + "A" * 43)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Khóa truy cập không đúng" in page.locator("main").inner_text()
    # a form posted from elsewhere (no CSRF token) changes nothing
    document = page_server.seeded["wife_card"]
    response = page.request.post(f"{base}/review/documents/{document}", form={"action": "confirm"})
    assert response.status in (303, 403) or response.url.startswith(f"{base}/sign-in")
    assert rows(page_server, "SELECT count(*) AS n FROM documents WHERE supersedes_id = :id", id=document)[0]["n"] == 0
