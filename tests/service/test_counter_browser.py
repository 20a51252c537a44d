"""The counter's page in real Chromium (Debian's, driven by Playwright; nothing but 127.0.0.1 reachable) against a real
`hoso serve` with its upload worker processes: sign in with a counter key, choose the procedure, add the two sides of
a card and a blurred photo, see each file's verdict at once, send, see the fields read and the components held /
received / missing, confirm the reuse of the held CT07 shown in a preview; then the dossier holds the consent and
the audit log has the rows.

``HOSO_COUNTER_SCREENSHOT=docs/counter.png`` saves the page as the README shows it."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from records.db import open_database

from .conftest import Server, start_server, stop_server
from .counter_seed import CARD, EARLIER_BRANCH, HOLDER, blurred_photo, seed_residence

pytestmark = pytest.mark.integration
SCREENSHOT = os.environ.get("HOSO_COUNTER_SCREENSHOT")
TABLET = {"width": 1180, "height": 820}  # a 10-11" tablet held landscape


def create_keys(database_url: str, scopes: dict[str, list[str]]) -> dict[str, str]:
    from service.keys import create_key

    db = open_database(database_url)
    try:
        return {name: create_key(db, name, wanted) for name, wanted in scopes.items()}
    finally:
        db.close()


@pytest.fixture(scope="module")
def counter_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    data_dir = tmp_path_factory.mktemp("counter-page")
    database_url = f"sqlite:///{data_dir / 'hoso.db'}"
    open_database(database_url).close()  # migrated before seeding
    seeded = seed_residence(database_url, data_dir)
    tokens = create_keys(database_url, {"quay.cau-giay": ["upload"], "reader": ["records:read"]})
    process, base_url = start_server(data_dir, database_url, data_dir / "server.log", HOSO_UPLOAD_RUNNER="direct",
                                     HOSO_MAX_UPLOAD_FILE_MB="5")
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


def test_upload_at_the_counter_see_verdicts_and_components_and_confirm_a_preview(
        counter_server: Server, page: Any, blocked_requests: list[str], tmp_path: Path) -> None:
    base = counter_server.base_url
    page.set_viewport_size(TABLET)
    page.goto(f"{base}/counter")
    assert page.url.startswith(f"{base}/sign-in?next=")  # no session: sign in first
    page.fill("#key", counter_server.tokens["quay.cau-giay"])
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/counter")

    page.select_option("#procedure", "ket-hon")
    page.fill("#branch", "Chi nhánh Cầu Giấy")
    page.set_input_files("#files", [str(path) for path in CARD])  # two photos of the card, taken well
    page.wait_for_selector("#chosen li.ok >> nth=1", timeout=60_000)
    blurred = blurred_photo(tmp_path / "giay-khai-sinh.jpg")
    page.set_input_files("#files", [str(blurred)])  # a third shot: it accumulates, and is judged at once
    page.wait_for_selector("#chosen li.retake", timeout=60_000)
    assert page.locator("#chosen li").count() == 3
    retake = page.locator("#chosen li.retake")
    assert "giay-khai-sinh.jpg" in retake.inner_text()
    assert retake.locator('[data-code="blurred"]').inner_text().startswith("Ảnh bị mờ")
    assert page.locator("#chosen li.ok").count() == 2
    assert page.evaluate("document.getElementById('files').files.length") == 3
    page.screenshot(path=str(tmp_path / "chosen.png"), full_page=True)

    page.click("#send")
    page.wait_for_selector("#dossier", timeout=180_000)
    page.wait_for_function("() => Array.from(document.images).every(img => img.complete && img.naturalWidth > 0)")
    verdicts = page.locator(".verdicts li.file")
    assert verdicts.count() == 3
    assert page.locator('.verdicts li.file.retake [data-code="blurred"]').count() == 1
    assert page.locator(".verdicts li.file.ok").count() == 2
    status = {item.get_attribute("data-component"): item.get_attribute("data-status")
              for item in page.locator("li.component").all()}
    assert status == {"to-khai-ket-hon": "missing", "giay-to-tuy-than-nguoi-yeu-cau": "received",
                      "xac-nhan-tinh-trang-hon-nhan": "missing", "thong-tin-cu-tru": "held"}
    read = page.locator("article.document").first.inner_text()
    assert HOLDER["full_name"] in read and HOLDER["id_number"] in read  # the clerk's own papers: unmasked
    preview = page.locator('li.component[data-component="thong-tin-cu-tru"] .preview')
    assert EARLIER_BRANCH in preview.inner_text()
    assert HOLDER["full_name"] not in preview.inner_text()  # a held record: masked for a key without records:full
    assert preview.locator(".thumbs img").count() == 1
    if SCREENSHOT:
        page.screenshot(path=SCREENSHOT, full_page=True)
    page.screenshot(path=str(tmp_path / "counter.png"), full_page=True)
    dossier = int(page.locator("#dossier").get_attribute("data-dossier"))

    preview.get_by_role("button", name="Công dân đồng ý dùng lại").click()
    page.wait_for_selector(".consent-confirmed")
    assert "đồng ý" in page.locator(".notice").inner_text()
    assert blocked_requests == []  # nothing tried to reach the internet

    ct07 = counter_server.seeded["ct07"]
    consents = rows(counter_server, "SELECT actor, details FROM events WHERE entity = 'dossier' AND entity_id = :id "
                                    "AND action = 'dossier.reuse_consent'", id=dossier)
    assert len(consents) == 1 and consents[0]["actor"] == "page:quay.cau-giay"
    details = consents[0]["details"]
    details = details if isinstance(details, dict) else json.loads(details)
    assert details == {"document_id": ct07, "component": "thong-tin-cu-tru", "decision": "confirmed"}
    audit = [(r["method"], r["endpoint"], r["document_id"], r["status"])
             for r in rows(counter_server, "SELECT * FROM audit_log WHERE client = 'quay.cau-giay' ORDER BY id")]
    assert ("POST", "/counter/dossiers", None, 201) in audit
    assert ("POST", "/counter/dossiers (reuse preview)", ct07, 200) in audit
    assert any(e == "/counter/dossiers (fields read, unmasked)" for _, e, _, _ in audit)
    assert ("GET", "/counter/dossiers/{dossier_id}/previews/{document_id}/pages/{page}", ct07, 200) in audit
    assert ("POST", "/counter/dossiers/{dossier_id}/consent", ct07, 200) in audit


def test_the_counter_page_refuses_a_key_without_the_upload_scope(counter_server: Server, page: Any) -> None:
    base = counter_server.base_url
    page.goto(f"{base}/sign-in?next=/counter")
    page.fill("#key", counter_server.tokens["reader"])
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/counter")
    assert "Không có quyền" in page.content()
    response = page.request.post(f"{base}/counter/quality", multipart={"files": {
        "name": "a.jpg", "mimeType": "image/jpeg", "buffer": CARD[0].read_bytes()}})
    assert response.status in (401, 403)
