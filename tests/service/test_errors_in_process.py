"""Failures no client can cause on purpose, provoked in-process (the app under Starlette's test client,
on a SQLite file): an unexpected exception is a 500 problem with no traceback and no message, logged
without its message and audited; a read whose audit row cannot be written is withheld (503)."""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from records.db import open_database
from service.keys import create_key

from .conftest import AUDIT_SECRET, HUSBAND

ID_NUMBER = HUSBAND["id_number"]


@pytest.fixture
def app_client(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[TestClient, dict[str, str], Any]]:
    for name in [name for name in os.environ if name.startswith("HOSO_")]:
        monkeypatch.delenv(name)
    url = f"sqlite:///{tmp_path / 'hoso.db'}"
    for name, value in {"HOSO_DATA_DIR": str(tmp_path / "data"), "HOSO_DATABASE_URL": url,
                        "HOSO_AUDIT_SECRET": AUDIT_SECRET, "HOSO_UPLOAD_RUNNER": "direct",
                        "HOSO_UPLOAD_PROCESSES": "0"}.items():  # no upload worker processes: none is tested
        monkeypatch.setenv(name, value)
    db = open_database(url)
    token = create_key(db, "reader", ["records:read"])
    from service.app import create_app_from_env

    with TestClient(create_app_from_env()) as client:  # exceptions escaping the app would be raised here
        yield client, {"Authorization": f"Bearer {token}", "X-Purpose": "in-process test"}, db
    db.close()


def audit_rows(db: Any) -> list[dict[str, Any]]:
    with db.engine.connect() as connection:
        return [dict(row) for row in connection.exec_driver_sql("SELECT * FROM audit_log ORDER BY id").mappings()]


def test_an_unexpected_error_is_a_500_problem_without_details(app_client: Any, monkeypatch: pytest.MonkeyPatch,
                                                                caplog: pytest.LogCaptureFixture) -> None:
    client, headers, db = app_client

    def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError(f"no row for {ID_NUMBER} ({HUSBAND['full_name']})")  # (the stack shows this line)

    monkeypatch.setattr("service.app.held_by_citizen", broken)
    with caplog.at_level(logging.INFO, logger="hoso.service"):
        response = client.get(f"/v1/citizens/{ID_NUMBER}/documents", headers=headers)
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == {"type": "urn:hoso:problem:internal_error", "title": "Internal Server Error",
                               "status": 500, "detail": "an unexpected error occurred; it has been logged",
                               "code": "internal_error"}
    logged = caplog.text
    assert "unexpected RuntimeError answering GET /v1/citizens/{id_number}/documents" in logged
    assert "broken" in logged  # the stack is there, to find the fault
    assert ID_NUMBER not in logged and HUSBAND["full_name"] not in logged  # its message is not
    (row,) = audit_rows(db)
    subject = hmac.new(AUDIT_SECRET.encode(), ID_NUMBER.encode(), hashlib.sha256).hexdigest()
    assert (row["client"], row["endpoint"], row["subject_hash"], row["status"]) == (
        "reader", "/v1/citizens/{id_number}/documents", subject, 500)


def test_a_read_whose_audit_row_cannot_be_written_is_withheld(app_client: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    client, headers, db = app_client

    async def failing(_self: Any, _record: Any) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("service.audit.AuditWriter.write_async", failing)
    response = client.get(f"/v1/citizens/{ID_NUMBER}/documents", headers=headers)
    assert response.status_code == 503 and response.json()["code"] == "audit_unavailable"
    assert "documents" not in response.json()
    assert client.get("/v1/health").status_code == 200  # nothing personal, nothing to audit
    assert audit_rows(db) == []
