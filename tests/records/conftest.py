"""Records fixtures: the same tests on SQLite and on PostgreSQL, plus ExtractionResult builders.

PostgreSQL: 127.0.0.1:5432, database ``test``, trust auth as ``postgres`` or ``root`` (the first
that connects). Each test gets its own schema (``search_path`` in the URL), dropped afterwards,
because other runs share that server. Unreachable → the PostgreSQL cases are skipped with the reason.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from records.db import Database, open_database
from records.storage.objects import LocalObjectStore, sha256_hex
from schemas import Document, ExtractionResult, Field

PG_HOST, PG_PORT, PG_DATABASE = "127.0.0.1", 5432, "test"


@pytest.fixture(scope="session")
def postgres_user() -> str:
    import psycopg

    errors = []
    for user in ("postgres", "root"):
        try:
            with psycopg.connect(host=PG_HOST, port=PG_PORT, user=user, dbname=PG_DATABASE, connect_timeout=3):
                return user
        except psycopg.Error as error:
            errors.append(f"{user}: {str(error).strip().splitlines()[0]}")
    pytest.skip(f"PostgreSQL unreachable at {PG_HOST}:{PG_PORT}/{PG_DATABASE} ({'; '.join(errors)})")


BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database: a new SQLite file, or a new PostgreSQL schema dropped after the test."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'hoso.db'}"
    return _pg_url(request)


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = open_database(database_url)
    try:
        yield database
    finally:
        database.close()


def _pg_url(request: pytest.FixtureRequest) -> str:
    import psycopg

    user = request.getfixturevalue("postgres_user")
    schema = f"hoso_test_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(host=PG_HOST, port=PG_PORT, user=user, dbname=PG_DATABASE, autocommit=True) as admin:
        admin.execute(f'CREATE SCHEMA "{schema}"')

    def drop() -> None:
        with psycopg.connect(host=PG_HOST, port=PG_PORT, user=user, dbname=PG_DATABASE, autocommit=True) as admin:
            admin.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')

    request.addfinalizer(drop)
    return f"postgresql+psycopg://{user}@{PG_HOST}:{PG_PORT}/{PG_DATABASE}?options=-csearch_path%3D{schema}"


@pytest.fixture
def store(tmp_path: Path) -> LocalObjectStore:
    return LocalObjectStore(tmp_path / "objects")


# ---------------------------------------------------------------- people and documents (fictional)

HUSBAND = {"id_number": "001090012345", "full_name": "NGUYỄN VĂN AN", "date_of_birth": "1990-05-12", "sex": "Nam",
           "residence": "Số 1 phố Tràng Tiền, phường Hoàn Kiếm, Hà Nội"}
WIFE = {"id_number": "001190054321", "full_name": "TRẦN THỊ BÌNH", "date_of_birth": "1990-08-20", "sex": "Nữ",
        "residence": "Số 1 phố Tràng Tiền, phường Hoàn Kiếm, Hà Nội"}
CHILD = {"id_number": "001224012345", "full_name": "NGUYỄN VĂN CƯỜNG", "date_of_birth": "2024-01-15", "sex": "Nam"}


class Build:
    """ExtractionResult builders: pydantic models constructed directly, no OCR."""

    HUSBAND = HUSBAND
    WIFE = WIFE
    CHILD = CHILD

    @staticmethod
    def field(value: Any, page: int = 1, y: int = 100, source: str = "ocr", **extra: Any) -> Field:
        return Field(value=value, confidence=0.93, page=page, bbox=(40, y, 600, y + 30), source=source, **extra)

    @classmethod
    def document(cls, document_type: str, values: dict[str, Any], variant: str | None = None,
                 needs_review: bool = False, **field_extras: dict[str, Any]) -> Document:
        fields = {name: cls.field(value, y=100 + 40 * i, **field_extras.get(name, {}))
                  for i, (name, value) in enumerate(values.items())}
        return Document(document_type=document_type, variant=variant, pages=[1], classification_confidence=0.9,
                        fields=fields, needs_review=needs_review,
                        review_reasons=["low confidence"] if needs_review else [])

    @staticmethod
    def result(data: bytes, *documents: Document, source: str = "scan.pdf") -> ExtractionResult:
        return ExtractionResult(source=source, sha256=sha256_hex(data), media_type="application/pdf",
                                documents=list(documents))

    @classmethod
    def id_card(cls, person: dict[str, Any] = HUSBAND, *, expiry: str | None = "2030-05-12",
                no_expiry: bool = False, **changes: Any) -> Document:
        values = {"id_number": person["id_number"], "full_name": person["full_name"],
                  "date_of_birth": person["date_of_birth"], "sex": person["sex"], "nationality": "Việt Nam",
                  "place_of_residence": person.get("residence"), "issue_date": "2021-06-01",
                  "expiry_date": expiry, **changes}
        extras = {"expiry_date": {"no_expiry": True}} if no_expiry else {}
        return cls.document("id_card", values, variant="cccd_2021", **extras)

    @classmethod
    def marriage_certificate(cls, number: str = "15", **changes: Any) -> Document:
        values = {"certificate_number": number, "book_number": "01/2018",
                  "wife_full_name": WIFE["full_name"], "wife_date_of_birth": WIFE["date_of_birth"],
                  "wife_id_number": WIFE["id_number"], "husband_full_name": HUSBAND["full_name"],
                  "husband_date_of_birth": HUSBAND["date_of_birth"], "husband_id_number": HUSBAND["id_number"],
                  "registration_place": "UBND phường Hoàn Kiếm", "registration_date": "2018-10-10", **changes}
        return cls.document("marriage_certificate", values)

    @classmethod
    def birth_certificate(cls, **changes: Any) -> Document:
        values = {"certificate_number": "102", "book_number": "01/2024", "full_name": CHILD["full_name"],
                  "date_of_birth": CHILD["date_of_birth"], "sex": CHILD["sex"], "id_number": CHILD["id_number"],
                  "mother_full_name": WIFE["full_name"], "mother_birth_year": "1990",
                  "mother_id_number": WIFE["id_number"], "father_full_name": HUSBAND["full_name"],
                  "father_birth_year": "1990", "father_id_number": HUSBAND["id_number"],
                  "registration_date": "2024-01-20", **changes}
        return cls.document("birth_certificate", values)

    @classmethod
    def residence_confirmation(cls, person: dict[str, Any] = HUSBAND, issue_date: str = "2026-11-01",
                               **changes: Any) -> Document:
        values = {"full_name": person["full_name"], "date_of_birth": person["date_of_birth"], "sex": person["sex"],
                  "id_number": person["id_number"], "permanent_residence": person.get("residence"),
                  "household_head_name": HUSBAND["full_name"], "household_head_id_number": HUSBAND["id_number"],
                  "issue_date": issue_date, **changes}
        return cls.document("residence_confirmation", values)


    @classmethod
    def marital_status_confirmation(cls, person: dict[str, Any] = WIFE, issue_date: str = "2026-10-01",
                                    valid_until: str = "2027-04-01", **changes: Any) -> Document:
        values = {"certificate_number": "69/UBND-XNTTHN", "full_name": person["full_name"],
                  "date_of_birth": person["date_of_birth"], "sex": person["sex"], "ethnicity": "Kinh",
                  "nationality": "Việt Nam", "id_number": person["id_number"], "residence": person.get("residence"),
                  "marital_status": "Chưa đăng ký kết hôn với ai", "purpose": "làm thủ tục đăng ký kết hôn",
                  "valid_until": valid_until, "issuing_authority": "Ủy ban nhân dân phường Hoàn Kiếm",
                  "issue_date": issue_date, **changes}
        return cls.document("marital_status_confirmation", values)


@pytest.fixture
def build() -> type[Build]:
    return Build
