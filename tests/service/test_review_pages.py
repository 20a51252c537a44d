"""The review pages' plumbing over plain HTTP against a real `hoso serve`: sign-in to a server-side session in an
httpOnly SameSite=Strict cookie, a CSRF token on every form and POST, strict headers (no CDN, no inline script),
sign-out and key revocation ending the session, NFC on input, and errors shown on the page (nothing stored)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from review_seed import HUSBAND, seed_review

from records.db import open_database
from service.keys import revoke_key

from .conftest import Server, start_server, stop_server
from .test_review_api import create_keys

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def pages_server(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    data_dir = tmp_path_factory.mktemp("review-pages")
    seeded = seed_review(database_url, data_dir)
    tokens = create_keys(database_url, {"reviewer": ["review"], "to-revoke": ["review"]})
    process, base_url = start_server(data_dir, database_url, data_dir / "server.log", HOSO_UPLOAD_RUNNER="direct")
    try:
        yield Server(base_url, database_url, data_dir, data_dir / "server.log", tokens, seeded)
    finally:
        stop_server(process)


def sign_in(server: Server, key: str) -> httpx.Client:
    http = httpx.Client(base_url=server.base_url, timeout=60)
    form = http.get("/sign-in", params={"next": "/review"})
    token = re.search(r'name="sign_in_token" value="([^"]+)"', form.text)[1]  # type: ignore[index]
    response = http.post("/sign-in", data={"key": server.tokens[key], "sign_in_token": token, "next": "/review"})
    assert response.status_code == 303 and response.headers["location"] == "/review", response.text
    return http


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html)[1]  # type: ignore[index]


def test_sign_in_sets_a_strict_session_cookie_and_pages_have_strict_headers(pages_server: Server) -> None:
    with httpx.Client(base_url=pages_server.base_url) as anonymous:
        assert anonymous.get("/review").headers["location"].startswith("/sign-in?next=%2Freview")
        form = anonymous.get("/sign-in")
        cookie = form.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie
        # without the sign-in form's token (a form posted from another site): refused
        refused = anonymous.post("/sign-in", data={"key": pages_server.tokens["reviewer"], "next": "/review"})
        assert refused.status_code == 403 and "hoso_session" not in refused.headers.get("set-cookie", "")
        # an open redirect is not possible
        token = re.search(r'name="sign_in_token" value="([^"]+)"', anonymous.get("/sign-in").text)[1]  # type: ignore[index]
        away = anonymous.post("/sign-in", data={"key": pages_server.tokens["reviewer"], "sign_in_token": token,
                                                "next": "//evil.example/x"})
        assert away.headers["location"] == "/review"
    http = sign_in(pages_server, "reviewer")
    session = next(c for c in http.cookies.jar if c.name == "hoso_session")
    assert session.has_nonstandard_attr("HttpOnly") and session.get_nonstandard_attr("SameSite") == "strict"
    page = http.get("/review")
    assert page.status_code == 200 and "Hàng đợi xem xét" in page.text
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy and "unsafe-inline" not in policy
    assert page.headers["cache-control"] == "no-store" and page.headers["x-frame-options"] == "DENY"
    assert not re.search(r"<script>|<script [^>]*src=\"(?!/static/)", page.text)  # no inline or foreign script
    assert "https://" not in page.text
    http.close()


def test_every_post_needs_the_session_csrf_token_and_this_origin(pages_server: Server) -> None:
    card = pages_server.seeded["card"]
    http = sign_in(pages_server, "reviewer")
    view = http.get(f"/review/documents/{card}")
    assert view.status_code == 200
    token = csrf_of(view.text)
    for data, headers in (({"action": "confirm"}, {}), ({"action": "confirm", "csrf": "x" * len(token)}, {}),
                          ({"action": "confirm", "csrf": token}, {"Origin": "https://evil.example"})):
        response = http.post(f"/review/documents/{card}", data={**data, "version": "1"}, headers=headers)
        assert response.status_code == 403
    assert pages_server.scalar("SELECT count(*) FROM documents WHERE supersedes_id = :id", id=card) == 0
    http.close()


def test_an_impossible_value_is_shown_on_the_page_and_nothing_is_stored(pages_server: Server) -> None:
    marriage = pages_server.seeded["marriage"]
    http = sign_in(pages_server, "reviewer")
    view = http.get(f"/review/documents/{marriage}")
    response = http.post(f"/review/documents/{marriage}", data={
        "csrf": csrf_of(view.text), "version": "1", "action": "confirm", "f:wife_date_of_birth": "30/02/1990"})
    assert response.status_code == 422
    assert "Giá trị không hợp lệ" in response.text and "wife_date_of_birth: no valid date" in response.text
    assert 'value="30/02/1990"' in response.text  # what was typed stays, to be fixed
    assert pages_server.scalar("SELECT count(*) FROM documents WHERE supersedes_id = :id", id=marriage) == 0
    # typed in decomposed form (an input method): stored NFC
    response = http.post(f"/review/documents/{marriage}", data={
        "csrf": csrf_of(view.text), "version": "1", "action": "confirm",
        "f:wife_full_name": "TRA\u0302\u0300N THI\u0323 BI\u0300NH", "f:wife_date_of_birth": "20/08/1990"})
    assert response.status_code == 303
    new_id = pages_server.scalar("SELECT id FROM documents WHERE supersedes_id = :id", id=marriage)
    assert pages_server.scalar("SELECT status FROM documents WHERE id = :id", id=new_id) == "verified"
    # unchanged values are confirmations, not corrections: no review evidence for them
    assert pages_server.scalar("SELECT count(*) FROM provenance WHERE document_id = :id AND source = 'review'",
                               id=new_id) == 0
    # a second post of the old version's form: 409 on the page
    stale = http.post(f"/review/documents/{marriage}", data={"csrf": csrf_of(view.text), "version": "1",
                                                             "action": "confirm"})
    assert stale.status_code == 409 and "đã thay đổi" in stale.text
    http.close()


def test_sign_out_and_revoking_the_key_end_the_session(pages_server: Server) -> None:
    http = sign_in(pages_server, "reviewer")
    csrf = csrf_of(http.get("/review").text)
    assert http.post("/sign-out", data={"csrf": csrf}).headers["location"] == "/sign-in"
    assert http.get("/review").status_code == 303
    http.close()
    other = sign_in(pages_server, "to-revoke")
    assert other.get("/review").status_code == 200
    db = open_database(pages_server.database_url)
    try:
        assert revoke_key(db, "to-revoke")
    finally:
        db.close()
    assert other.get("/review").status_code == 303  # back to the sign-in page
    assert other.get(f"/review/documents/{pages_server.seeded['card']}/pages/1").status_code == 303
    other.close()
    assert HUSBAND["id_number"] not in pages_server.log_text()
