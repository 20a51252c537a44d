"""``hoso review list|show|fix|reject`` on a data dir with documents waiting for a person: the same use cases
as the API, exit codes for impossible values (2) and stale versions (4), and an audit row per command."""

from __future__ import annotations

import getpass
import io
import json
from pathlib import Path
from typing import Any

import pytest
from review_seed import BRANCHES, HUSBAND, seed_review
from sqlalchemy import text

from hoso import cli
from records.db import open_database
from schemas.errors import Conflict, ExitCode, InvalidValue


def run(argv: list[str]) -> tuple[int, str]:
    args = cli.build_parser().parse_args(argv)
    out = io.StringIO()
    return cli.load_step(args.handler)(args, out=out), out.getvalue()


@pytest.fixture
def seeded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch.setenv("HOSO_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("HOSO_DATABASE_URL", raising=False)
    monkeypatch.setenv("HOSO_AUDIT_SECRET", "cli-test-secret")
    url = f"sqlite:///{tmp_path / 'hoso.db'}"
    return {**seed_review(url, tmp_path), "url": url, "dir": tmp_path}


def audit_rows(url: str) -> list[dict[str, Any]]:
    db = open_database(url)
    try:
        with db.engine.connect() as connection:
            return [dict(row) for row in connection.execute(text("SELECT * FROM audit_log ORDER BY id")).mappings()]
    finally:
        db.close()


def test_list_show_fix_and_reject(seeded: dict[str, Any], tmp_path: Path) -> None:
    card, marriage = seeded["card"], seeded["marriage"]
    code, out = run(["review", "list", "--json"])
    assert code == ExitCode.ok
    assert [item["document_id"] for item in json.loads(out)["items"]] == [card, marriage]
    code, table = run(["review", "list", "--branch", BRANCHES[1]])
    assert str(marriage) in table and "wife_date_of_birth" in table and f"\n{card} " not in table

    drawing = tmp_path / "card.png"
    code, shown = run(["review", "show", str(card), "--out", str(drawing), "--reviewer", "lan"])
    assert code == ExitCode.ok
    assert "! " in shown and "full_name" in shown and "low_confidence" in shown
    assert drawing.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    with pytest.raises(InvalidValue, match="no valid date"):
        run(["review", "fix", str(card), "date_of_birth=30/02/1990", "--reviewer", "lan"])
    code, out = run(["review", "fix", str(card), "full_name=NGUYỄN VĂN ÂN", "--confirm", "--reviewer", "lan",
                     "--version", "1"])
    assert code == ExitCode.ok and "version 2" in out and "verified" in out
    with pytest.raises(Conflict):
        run(["review", "fix", str(card), "--confirm", "--reviewer", "lan"])

    code, out = run(["review", "reject", str(marriage), "--reason", "Không đọc được", "--reviewer", "minh"])
    assert code == ExitCode.ok and "rejected" in out
    code, out = run(["review", "list", "--json"])
    assert json.loads(out)["items"] == []

    rows = audit_rows(seeded["url"])
    assert [(r["client"], r["method"], r["endpoint"], r["document_id"], r["status"]) for r in rows] == [
        (f"cli:{getpass.getuser()}", "CLI", "hoso review list", None, 200),
        (f"cli:{getpass.getuser()}", "CLI", "hoso review list", None, 200),
        ("lan", "CLI", "hoso review show", card, 200),
        ("lan", "CLI", "hoso review fix", card, 422),
        ("lan", "CLI", "hoso review fix", card, 200),
        ("lan", "CLI", "hoso review fix", card, 409),
        ("minh", "CLI", "hoso review reject", marriage, 200),
        (f"cli:{getpass.getuser()}", "CLI", "hoso review list", None, 200)]
    assert rows[2]["subject_hash"] and HUSBAND["id_number"] not in repr(rows)


def test_exit_codes_through_main(seeded: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    card = seeded["card"]
    assert cli.main(["review", "fix", str(card), "sex=Nữ"]) == ExitCode.usage == 2
    assert "sex digit (4) disagrees with sex" in capsys.readouterr().err
    assert cli.main(["review", "show", "999", "--json"]) == ExitCode.not_found
    assert cli.main(["review", "fix", str(card)]) == ExitCode.usage  # nothing to do
    assert cli.main(["review", "fix", str(card), "--confirm", "--version", "7"]) == ExitCode.conflict == 4
