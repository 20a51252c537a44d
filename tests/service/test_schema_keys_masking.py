"""The service's tables (the migrations' head, 0002 or later, matches the models, on both backends), the
`hoso keys` commands, and the masking rules."""

from __future__ import annotations

import subprocess
import sys

import pytest

from records.db import open_database
from service.masking import mask_address, mask_fields, mask_number

from .conftest import REPO, server_env


def test_migrations_reach_their_head_and_match_the_models(database_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from records.db import alembic_config
    from records.models import Base

    db = open_database(database_url)
    try:
        with db.engine.connect() as connection:
            head = ScriptDirectory.from_config(alembic_config()).get_current_head()
            assert head is not None and head >= "0002"  # 0002 made the service's tables
            assert MigrationContext.configure(connection).get_current_revision() == head
            assert {"api_keys", "audit_log"} <= set(db.engine.dialect.get_table_names(connection))
            diff = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}),
                                    Base.metadata)
            assert diff == []
    finally:
        db.close()


def test_keys_commands_print_the_token_once_and_store_only_its_hash(database_url: str, tmp_path) -> None:
    env = server_env(tmp_path, database_url)

    def hoso(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "hoso.cli", *argv], cwd=REPO, env=env,
                              capture_output=True, text=True)

    created = hoso("keys", "create", "--name", "procedures-system", "--scope", "records:read",
                   "--scope", "originals:read")
    assert created.returncode == 0, created.stderr
    token = created.stdout.strip()
    assert token.startswith("hoso_") and len(token) > 50
    listed = hoso("keys", "list")
    assert "procedures-system" in listed.stdout and "originals:read" in listed.stdout
    assert token not in listed.stdout and token[18:] not in listed.stdout
    db = open_database(database_url)
    try:
        with db.engine.connect() as connection:
            stored = connection.exec_driver_sql("SELECT token_sha256 FROM api_keys").scalar()
    finally:
        db.close()
    assert stored != token and len(stored) == 64 and token not in stored
    assert hoso("keys", "create", "--name", "procedures-system", "--scope", "records:read").returncode == 2
    assert hoso("keys", "create", "--name", "x", "--scope", "everything").returncode == 2
    assert hoso("keys", "revoke", "procedures-system").returncode == 0
    assert "revoked" in hoso("keys", "list").stdout
    assert hoso("keys", "revoke", "procedures-system").returncode == 3, "no active key of that name: not found"


@pytest.mark.parametrize(("fields", "masked"), [
    ({"full_name": "NGUYỄN VĂN AN"}, {"full_name": "N. V. ***"}),
    ({"mother_full_name": "AN"}, {"mother_full_name": "***"}),
    ({"household_head_name": "LÊ THỊ HỒNG NHUNG"}, {"household_head_name": "L. T. H. ***"}),
    ({"id_number": "001090012345", "father_id_number": "012345678"},
     {"id_number": "*********345", "father_id_number": "******678"}),
    ({"date_of_birth": "1990-05-12", "wife_date_of_birth": "1990", "mother_birth_year": "1965"},
     {"date_of_birth": "1990", "wife_date_of_birth": "1990", "mother_birth_year": "1965"}),
    ({"mrz": "IDVNM...", "qr": "0010...", "personal_identification": "Nốt ruồi", "date_of_birth_in_words": "x"},
     {"mrz": None, "qr": None, "personal_identification": None, "date_of_birth_in_words": None}),
    ({"sex": "Nữ", "nationality": "Việt Nam", "issue_date": "2021-06-01", "issuing_authority": "Công an phường"},
     {"sex": "Nữ", "nationality": "Việt Nam", "issue_date": "2021-06-01", "issuing_authority": "Công an phường"}),
    ({"household_members": [{"full_name": "TRẦN BÌNH", "id_number": "001190054321", "relation_to_head": "Vợ",
                             "date_of_birth": "1991-02-03", "sex": "Nữ"}]},
     {"household_members": [{"full_name": "T. ***", "id_number": "*********321", "relation_to_head": "Vợ",
                             "date_of_birth": "1991", "sex": "Nữ"}]}),
])
def test_masking_rules(fields: dict, masked: dict) -> None:
    assert mask_fields(fields) == masked


def test_addresses_keep_only_the_province() -> None:
    assert mask_address("Số 1 phố Tràng Tiền, phường Hoàn Kiếm, Hà Nội", "Thành phố Hà Nội") == "Thành phố Hà Nội"
    assert mask_address("Số 1 phố Tràng Tiền, phường Hoàn Kiếm, Hà Nội") == "Hà Nội"
    assert mask_address("Số 1 phố Tràng Tiền") is None  # no province to show: nothing
    assert mask_fields({"permanent_residence": "Xóm 2, xã Yên Bình, Tỉnh Thái Nguyên"}) == {
        "permanent_residence": "Tỉnh Thái Nguyên"}


def test_document_numbers_lose_embedded_id_numbers() -> None:
    assert mask_number("001090012345") == "*********345"
    assert mask_number("001090012345|2026-11-01") == "*********345|2026-11-01"
    assert mask_number("15|01/2018") == "15|01/2018"


def test_a_type_declares_its_personal_fields_in_its_yaml() -> None:
    """The fifth type's fields are masked by what its YAML declares, not by a list in the service."""
    fields = {"full_name": "TRẦN THỊ BÌNH", "id_number": "001190054321", "residence": "Số 1 phố Tràng Tiền, Hà Nội",
              "marital_status": "Chưa đăng ký kết hôn với ai"}
    masked = mask_fields(fields, document_type="marital_status_confirmation")
    assert masked == {"full_name": "T. T. ***", "id_number": "*********321", "residence": "Hà Nội",
                      "marital_status": "Chưa đăng ký kết hôn với ai"}
    # a declared kind wins over the name: the same value under an undeclared name is not masked
    assert mask_fields({"purpose": "TRẦN THỊ BÌNH"}, document_type="marital_status_confirmation") == {
        "purpose": "TRẦN THỊ BÌNH"}
