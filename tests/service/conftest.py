"""A REAL query-service process on loopback for each backend (SQLite file, PostgreSQL schema), with
seeded records, one API key per role, and helpers to look into its database and object store.

PostgreSQL: 127.0.0.1:5432, database ``test``, user ``postgres`` or ``root``; one schema per server
(dropped afterwards). Unreachable → the PostgreSQL cases are skipped with the reason.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    # tests/ is on sys.path (for render.py) and holds this folder, "service", without an __init__:
    # with the repo on the path too, `import service` finds the real package, not this folder.
    sys.path.append(str(REPO))

import httpx  # noqa: E402
import pytest  # noqa: E402
from sqlalchemy import text  # noqa: E402

from browser import blocked_requests, chromium, page  # noqa: F401  # the offline Chromium fixtures (tests/browser.py)
from records.db import open_database
from records.ingest import record_extraction, register_original
from records.storage.objects import LocalObjectStore, sha256_hex
from schemas import Document, ExtractionResult, Field

PG_HOST, PG_PORT, PG_DATABASE = "127.0.0.1", 5432, "test"
AUDIT_SECRET = "test-audit-secret"
MAX_FILE_MB = 0.5
MAX_FILES = 3

HUSBAND = {"id_number": "001090012345", "full_name": "NGUYỄN VĂN AN", "date_of_birth": "1990-05-12", "sex": "Nam",
           "residence": "Số 1 phố Tràng Tiền, phường Hoàn Kiếm, Hà Nội"}
WIFE = {"id_number": "001190054321", "full_name": "TRẦN THỊ BÌNH", "date_of_birth": "1990-08-20", "sex": "Nữ"}
NOBODY = "001099999999"

KEY_SCOPES: dict[str, list[str]] = {
    "reader": ["records:read"],
    "full-reader": ["records:read", "records:full"],
    "originals": ["originals:read"],
    "branch": ["upload", "records:full"],
    "masked-branch": ["upload"],
    "auditor": ["admin"],
}


@dataclass
class Server:
    base_url: str
    database_url: str
    data_dir: Path
    log_path: Path
    tokens: dict[str, str]
    seeded: dict[str, Any] = field(default_factory=dict)

    def client(self, key: str | None = None, purpose: str | None = "case 2026-0001") -> httpx.Client:
        headers = {}
        if key is not None:
            headers["Authorization"] = f"Bearer {self.tokens[key]}"
        if purpose is not None:
            headers["X-Purpose"] = purpose
        return httpx.Client(base_url=self.base_url, headers=headers, timeout=60)

    def scalar(self, sql: str, **params: Any) -> Any:
        db = open_database(self.database_url)
        try:
            with db.engine.connect() as connection:
                return connection.execute(text(sql), params).scalar()
        finally:
            db.close()

    def audit_rows(self) -> list[dict[str, Any]]:
        db = open_database(self.database_url)
        try:
            with db.engine.connect() as connection:
                rows = connection.execute(text("SELECT * FROM audit_log ORDER BY id")).mappings().all()
                return [dict(row) for row in rows]
        finally:
            db.close()

    def objects(self) -> list[str]:
        return sorted(str(p.relative_to(self.data_dir / "objects")) for p in (self.data_dir / "objects").rglob("*")
                      if p.is_file() and not p.name.startswith("."))

    def log_text(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


# ---------------------------------------------------------------- database per backend


def postgres_user() -> str | None:
    import psycopg

    for user in ("postgres", "root"):
        try:
            with psycopg.connect(host=PG_HOST, port=PG_PORT, user=user, dbname=PG_DATABASE, connect_timeout=3):
                return user
        except psycopg.Error:
            continue
    return None


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'hoso.db'}"
        return
    import psycopg

    user = postgres_user()
    if user is None:
        pytest.skip(f"PostgreSQL unreachable at {PG_HOST}:{PG_PORT}/{PG_DATABASE}")
    schema = f"hoso_service_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(host=PG_HOST, port=PG_PORT, user=user, dbname=PG_DATABASE, autocommit=True) as admin:
        admin.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"postgresql+psycopg://{user}@{PG_HOST}:{PG_PORT}/{PG_DATABASE}?options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(host=PG_HOST, port=PG_PORT, user=user, dbname=PG_DATABASE, autocommit=True) as admin:
            admin.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


# ---------------------------------------------------------------- seed and serve


def _field(value: Any, y: int, **extra: Any) -> Field:
    return Field(value=value, confidence=0.93, page=1, bbox=(40, y, 600, y + 30), source="ocr", **extra)


def _document(document_type: str, values: dict[str, Any], extras: dict[str, dict[str, Any]] | None = None
              ) -> Document:
    extras = extras or {}
    fields = {name: _field(value, 100 + 40 * i, **extras.get(name, {})) for i, (name, value) in enumerate(values.items())}
    return Document(document_type=document_type, variant=None, pages=[1], classification_confidence=0.9, fields=fields)


def seed_records(database_url: str, data_dir: Path) -> dict[str, Any]:
    """An id card of HUSBAND and the marriage certificate of HUSBAND and WIFE, each from its own file."""
    db = open_database(database_url)
    store = LocalObjectStore(data_dir / "objects")
    card = _document("id_card", {
        "id_number": HUSBAND["id_number"], "full_name": HUSBAND["full_name"],
        "date_of_birth": HUSBAND["date_of_birth"], "sex": "Nam", "nationality": "Việt Nam",
        "place_of_residence": HUSBAND["residence"], "issue_date": "2021-06-01", "expiry_date": "2035-05-12",
        "mrz": "IDVNM0900123451001090012345<<2"}, {"place_of_residence": {"province": "Thành phố Hà Nội",
                                                                           "ward": "Phường Hoàn Kiếm"}})
    marriage = _document("marriage_certificate", {
        "certificate_number": "15", "book_number": "01/2018", "wife_full_name": WIFE["full_name"],
        "wife_date_of_birth": WIFE["date_of_birth"], "wife_id_number": WIFE["id_number"],
        "husband_full_name": HUSBAND["full_name"], "husband_date_of_birth": HUSBAND["date_of_birth"],
        "husband_id_number": HUSBAND["id_number"], "registration_place": "UBND phường Hoàn Kiếm",
        "registration_date": "2018-10-10"})
    seeded: dict[str, Any] = {}
    try:
        for name, document in (("card", card), ("marriage", marriage)):
            data = b"%PDF-1.4\n% seeded " + name.encode() + b"\n" + os.urandom(200_000)
            original = register_original(db, store, data, f"{name}.pdf")
            result = ExtractionResult(source=f"{name}.pdf", sha256=sha256_hex(data), media_type="application/pdf",
                                      documents=[document])
            (ref,) = record_extraction(db, original, result)
            seeded[name] = {"document_id": ref.id, "sha256": original.sha256, "bytes": data}
    finally:
        db.close()
    return seeded


def create_keys(database_url: str) -> dict[str, str]:
    from service.keys import create_key

    db = open_database(database_url)
    try:
        return {name: create_key(db, name, scopes) for name, scopes in KEY_SCOPES.items()}
    finally:
        db.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(data_dir: Path, database_url: str, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("HOSO_")}
    env.update({
        "HOSO_DATA_DIR": str(data_dir), "HOSO_DATABASE_URL": database_url, "HOSO_AUDIT_SECRET": AUDIT_SECRET,
        "HOSO_KEY_CACHE_SECONDS": "0",  # revocation is tested right after the revoke
        "HOSO_MAX_UPLOAD_FILE_MB": str(MAX_FILE_MB), "HOSO_MAX_UPLOAD_FILES": str(MAX_FILES),
        "PYTHONUNBUFFERED": "1", "OMP_THREAD_LIMIT": "1", **extra,
    })
    return env


def start_server(data_dir: Path, database_url: str, log_path: Path, *, workers: int = 1,
                 **extra_env: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    log = log_path.open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "hoso.cli", "serve", "--port", str(port), "--workers", str(workers),
         "--log-level", "info"],
        cwd=REPO, env=server_env(data_dir, database_url, **extra_env), stdout=log, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120  # the flow runner warms Prefect up first
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"hoso serve exited with {process.returncode}:\n{log_path.read_text()}")
        try:
            if httpx.get(f"{base_url}/v1/health", timeout=1).status_code == 200:
                return process, base_url
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    stop_server(process)
    raise RuntimeError(f"hoso serve did not become healthy:\n{log_path.read_text()}")


def stop_server(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def server(request: pytest.FixtureRequest, database_url: str, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[Server]:
    """A module's server; a module sets ``UPLOAD_RUNNER = "flow"`` to upload through the Prefect flow."""
    data_dir = tmp_path_factory.mktemp("data")
    seeded = seed_records(database_url, data_dir)
    tokens = create_keys(database_url)
    log_path = data_dir / "server.log"
    runner = getattr(request.module, "UPLOAD_RUNNER", "direct")
    process, base_url = start_server(data_dir, database_url, log_path, HOSO_UPLOAD_RUNNER=runner)
    try:
        yield Server(base_url, database_url, data_dir, log_path, tokens, seeded)
    finally:
        stop_server(process)
