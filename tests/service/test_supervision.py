"""Supervision against a real `hoso serve` (two worker processes) on SQLite and PostgreSQL: after uploads from two
branches and a back-office batch (`hoso run`, its own process) that leave documents for review and a file
quarantined, the overview API, the supervisor's page (real Chromium, offline) and `/metrics` agree on the review
queue's depth and its oldest document, as the review queue does; a review takes a document through to verified;
nothing personal shows; access needs the `supervise` scope."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import httpx
import pytest
from browser import blocked_requests, chromium, page  # noqa: F401  (fixtures)
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text as sql

from records.db import open_database
from usecases.supervision import snapshot

from .conftest import REPO, Server, server_env, start_server, stop_server
from .test_review_api import create_keys

pytestmark = pytest.mark.integration
SCREENSHOT = os.environ.get("HOSO_SUPERVISION_SCREENSHOT")  # where to save the page, if anywhere (docs/supervision.png)
SAMPLES = REPO / "samples" / "dossiers"
BRANCHES = ("Chi nhánh số 1 - Hoàn Kiếm", "Chi nhánh số 5 - Cầu Giấy")
UPLOADS = [  # (branch, procedure, sample files)
    (BRANCHES[0], "ket-hon", ["0001_id_card_clean_scan.jpg"]),
    (BRANCHES[1], "khai-sinh", ["0008_birth_certificate_clean_scan.jpg", "0011_id_card_noisy_scan.jpg"]),
]
# files whose documents wait for a person (a phone photo's and an image PDF's doubtful values) after the uploads'
# (which samples do changes as extraction gets surer: 0005 and 0004 no longer do)
BATCH = ["0012_birth_certificate_phone_photo.jpg", "0000_marriage_certificate_image_pdf.pdf"]
KEYS = {"supervisor": ["supervise", "review"], "watcher": ["supervise"], "reviewer": ["review"],
        "counter": ["upload"], "reader": ["records:read"]}


@pytest.fixture(scope="module")
def busy_server(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    data_dir = tmp_path_factory.mktemp("supervision")
    tokens = create_keys(database_url, KEYS)
    process, base_url = start_server(data_dir, database_url, data_dir / "server.log", workers=2,
                                     HOSO_UPLOAD_RUNNER="direct", HOSO_MAX_UPLOAD_FILE_MB="20")
    server = Server(base_url, database_url, data_dir, data_dir / "server.log", tokens)
    try:
        with httpx.Client(base_url=base_url, timeout=300,
                          headers={"Authorization": f"Bearer {tokens['counter']}", "X-Purpose": "case 2026-0002"}) as http:
            for branch, procedure, names in UPLOADS:
                files = [("files", (name, (SAMPLES / name).read_bytes(), "image/jpeg")) for name in names]
                answer = http.post("/v1/dossiers", data={"branch": branch, "procedure_code": procedure}, files=files)
                assert answer.status_code == 201, answer.text
        folder = data_dir / "batch"
        folder.mkdir()
        for name in BATCH:
            shutil.copy(SAMPLES / name, folder / name)
        (folder / "Nguyen Van Hong - cut.pdf").write_bytes(b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog")  # unreadable
        env = server_env(data_dir, database_url)
        env.pop("PREFECT_API_URL", None)
        batch = subprocess.run([sys.executable, "-m", "hoso.cli", "run", str(folder), "--json", "--no-progress",
                                "--workers", "2"], cwd=REPO, env=env, capture_output=True, text=True, timeout=900)
        assert batch.returncode == 1, batch.stderr  # one file quarantined
        server.seeded["batch"] = json.loads(batch.stdout)
        yield server
    finally:
        stop_server(process)


def overview(server: Server, key: str = "watcher", **params: str) -> dict[str, Any]:
    with server.client(key, purpose=None) as http:
        answer = http.get("/v1/supervision/overview", params=params)
    assert answer.status_code == 200, answer.text
    return answer.json()


def metrics(server: Server) -> dict[str, list[Any]]:
    with server.client("watcher", purpose=None) as http:
        answer = http.get("/metrics")
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/plain")
    samples: dict[str, list[Any]] = {}
    for family in text_string_to_metric_families(answer.text):
        for sample in family.samples:
            samples.setdefault(sample.name, []).append(sample)
    return samples


def value(samples: dict[str, list[Any]], name: str, **labels: str) -> float:
    return sum(s.value for s in samples.get(name, []) if all(s.labels.get(k) == v for k, v in labels.items()))


def sign_in(page: Any, server: Server, key: str) -> None:  # noqa: F811
    base = server.base_url
    page.goto(f"{base}/supervision")
    assert page.url.startswith(f"{base}/sign-in?next=")
    page.fill("#key", server.tokens[key])
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == f"{base}/supervision"


def test_overview_page_and_metrics_agree_on_the_queue_and_its_oldest(
        busy_server: Server, page: Any, blocked_requests: list[str]) -> None:  # noqa: F811
    server = busy_server
    assert server.seeded["batch"]["counts"]["quarantined"] == 1
    view = overview(server)
    queue = view["review_queue"]
    assert queue["depth"] >= 2, "the uploads and the batch left documents for review"
    oldest = queue["oldest"]
    assert (oldest["state"], oldest["review_url"]) == ("awaiting_review", f"/review/documents/{oldest['document_id']}")
    assert oldest["branch"] in BRANCHES, "the uploads came first"
    states = {s["state"]: s["components"] for s in view["states"]}
    assert states["awaiting_review"] == queue["depth"] and states["quarantined"] == 1
    assert {g["name"] for g in view["branches"]} == {*BRANCHES, None}, "the batch's files belong to no branch"
    assert set(view["dossier_states"]) <= {"awaiting_review", "read", "verified", "used"}
    assert sum(view["dossier_states"].values()) == view["dossiers"] == len(UPLOADS)
    assert [s["state"] for s in view["states"]] == ["received", "read", "awaiting_review", "verified", "used",
                                                    "quarantined", "rejected"]

    # the review queue (API) lists the same documents, the same first
    with server.client("reviewer") as http:
        items = http.get("/v1/review/queue", params={"limit": 200}).json()["items"]
    assert len(items) == queue["depth"]
    assert (items[0]["document_id"], _instant(items[0]["waiting_since"])) == (oldest["document_id"],
                                                                               _instant(oldest["since"]))

    # /metrics, whichever worker answers
    for _ in range(4):
        samples = metrics(server)
        assert value(samples, "hoso_review_queue_depth") == queue["depth"]
        assert value(samples, "hoso_components", state="awaiting_review") == queue["depth"]
        branch = {"branch": oldest["branch"]}
        assert value(samples, "hoso_review_queue_oldest_document_id", **branch) == oldest["document_id"]
        assert value(samples, "hoso_review_queue_oldest_waiting_since_seconds", **branch) == pytest.approx(
            _instant(oldest["since"]).timestamp(), abs=1e-3)
        oldest_everywhere = min(s.value for s in samples["hoso_review_queue_oldest_waiting_since_seconds"])
        assert oldest_everywhere == pytest.approx(_instant(oldest["since"]).timestamp(), abs=1e-3)
        assert value(samples, "hoso_review_queue_oldest_age_seconds", **branch) >= oldest["age_seconds"] - 1
        assert value(samples, "hoso_uploads_total", status="201") == len(UPLOADS), "both workers' uploads"
        assert value(samples, "hoso_upload_duration_seconds_count") == len(UPLOADS)
        assert value(samples, "hoso_quarantines_total") == 1
        assert value(samples, "hoso_dossiers_received_total", branch=BRANCHES[1]) == 1
        assert value(samples, "hoso_state_duration_seconds_count", state="received") >= queue["depth"]

    # the supervisor's page, in Chromium
    sign_in(page, server, "supervisor")
    assert int(page.locator("#queue-depth").get_attribute("data-value")) == queue["depth"]
    card = page.locator("#oldest-review")
    assert int(card.get_attribute("data-document-id")) == oldest["document_id"]
    assert _instant(card.get_attribute("data-since")) == _instant(oldest["since"])
    first_row = page.locator(".waiting-table tbody tr[data-state='awaiting_review']").first
    assert int(first_row.get_attribute("data-document-id")) == oldest["document_id"]
    assert page.locator("svg.chart").count() == 4
    assert page.locator(".waiting-table tbody tr").count() == min(25, len(view["oldest_waiting"]))
    text = page.locator("main").inner_text()
    assert "Chờ xem xét" in text and BRANCHES[0] in text and "Xử lý lô" in text
    if SCREENSHOT:
        page.screenshot(path=SCREENSHOT, full_page=True)
    # filters: one branch
    page.select_option("select[name=branch]", BRANCHES[1])
    with page.expect_navigation():
        page.click("form.filters button[type=submit]")
    only = overview(server, branch=BRANCHES[1])
    assert int(page.locator("#queue-depth").get_attribute("data-value")) == only["review_queue"]["depth"]
    assert only["review_queue"]["depth"] < queue["depth"]
    page.goto(f"{server.base_url}/supervision")
    # the oldest opens the review page
    with page.expect_navigation():
        first_row.locator("a.button").click()
    assert page.url == f"{server.base_url}/review/documents/{oldest['document_id']}"
    assert blocked_requests == []  # nothing tried the internet


def test_a_review_takes_a_document_through_to_verified(busy_server: Server) -> None:
    server = busy_server
    before = overview(server)
    oldest = before["review_queue"]["oldest"]
    with server.client("reviewer") as http:
        answer = http.post(f"/v1/review/{oldest['document_id']}", json={"confirm": True})
    assert answer.status_code == 201, answer.text
    new_id = answer.json()["id"]
    after = overview(server)
    assert after["review_queue"]["depth"] == before["review_queue"]["depth"] - 1
    assert after["review_queue"]["oldest"]["document_id"] != oldest["document_id"]
    verified = {s["state"]: s for s in after["states"]}["verified"]
    assert verified["components"] == {s["state"]: s for s in before["states"]}["verified"]["components"] + 1
    assert {s["state"]: s for s in after["states"]}["awaiting_review"]["completed"]["count"] >= 1
    db = open_database(server.database_url)
    try:
        component = next(c for c in snapshot(db).components if c.document_id == new_id)
    finally:
        db.close()
    assert [stay.state for stay in component.stays] == ["received", "awaiting_review", "verified"]
    # in the queue since its version was recorded (the event, written in the same transaction as waiting_since)
    assert abs((component.stays[1].entered_at - _instant(oldest["since"])).total_seconds()) < 1
    assert value(metrics(server), "hoso_components", state="verified") == verified["components"]
    assert value(metrics(server), "hoso_review_queue_depth") == after["review_queue"]["depth"]


def test_nothing_personal_and_the_scope_is_needed(busy_server: Server) -> None:
    server = busy_server
    with server.client("watcher", purpose=None) as http:
        body = http.get("/v1/supervision/overview").text
        scraped = http.get("/metrics").text
    for text in (body, scraped):
        assert not re.search(r"(?<![0-9.])[0-9]{9}(?:[0-9]{3})?(?![0-9.])", text), "no id numbers"
        assert "Nguyen" not in text and ".jpg" not in text and "NGUYỄN" not in text, "no names, no file names"
    with httpx.Client(base_url=server.base_url, timeout=30) as anonymous:
        assert anonymous.get("/v1/supervision/overview").status_code == 401
        assert anonymous.get("/metrics").status_code == 401
    with server.client("reader") as http:
        assert http.get("/v1/supervision/overview").status_code == 403
        assert http.get("/metrics").status_code == 403
    with server.client("watcher") as http:
        assert http.get("/v1/supervision/overview", params={"since": "yesterday"}).status_code == 422
        future = overview(server, since="2999-01-01T00:00:00+07:00")
        assert future["components"] == 0 and future["review_queue"]["depth"] == 0
    time.sleep(0.2)
    db = open_database(server.database_url)
    try:
        with db.engine.connect() as connection:
            rows = connection.execute(sql("SELECT client, endpoint, status FROM audit_log WHERE endpoint LIKE "
                                           "'/v1/supervision/%' OR endpoint IN ('/metrics', '/supervision')")).all()
    finally:
        db.close()
    audited = {(r.client, r.endpoint, r.status) for r in rows}
    assert ("watcher", "/v1/supervision/overview", 200) in audited
    assert ("reader", "/v1/supervision/overview", 403) in audited and ("reader", "/metrics", 403) in audited
    assert ("watcher", "/metrics", 200) not in audited, "scrapes are not audited (no personal data, every 15 s)"


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))
