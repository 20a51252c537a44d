"""The records CLI subcommands, as the lead's ``hoso`` parser will call them."""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from hoso.commands import records as commands
from records.db import open_database
from records.ingest import record_extraction, register_original
from records.storage.objects import LocalObjectStore

REPO = Path(__file__).resolve().parents[2]


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="hoso")
    commands.register(root.add_subparsers(dest="command", required=True))
    return root


def run(argv: list[str]) -> tuple[int, str]:
    args = parser().parse_args(argv)
    out = io.StringIO()
    return args.handler(args, out=out), out.getvalue()


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HOSO_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("HOSO_DATABASE_URL", raising=False)
    return tmp_path


def test_cli_flow(data_dir: Path, build) -> None:  # type: ignore[no-untyped-def]
    registry = data_dir / "registry.json"
    registry.write_text(json.dumps([build.HUSBAND]), encoding="utf-8")
    code, out = run(["registry", "import", str(registry)])
    assert code == 0 and out.startswith("inserted 1")

    with open_database(f"sqlite:///{data_dir / 'hoso.db'}") as db:
        store = LocalObjectStore(data_dir / "objects")
        data = b"%PDF marriage"
        [marriage] = record_extraction(db, register_original(db, store, data, "m.pdf"),
                                       build.result(data, build.marriage_certificate()))

    code, out = run(["records", "show", build.HUSBAND["id_number"], "--json"])
    shown = json.loads(out)
    assert code == 0 and shown["in_population_registry"] is True
    assert [(d["id"], d["document_type"], d["roles"], d["usable"]) for d in shown["documents"]] == [
        (marriage.id, "marriage_certificate", ["husband"], True)]
    code, table = run(["records", "show", build.HUSBAND["id_number"]])
    assert "marriage_certificate" in table and "husband" in table

    code, out = run(["requirements", "khai-sinh", "--id", build.HUSBAND["id_number"], "--json"])
    report = json.loads(out)
    held = {c["code"]: c["held_by"] for c in report["components"]}
    assert held["giay-chung-nhan-ket-hon-cha-me"] == "document"
    assert held["giay-to-tuy-than-nguoi-yeu-cau"] == "population_registry"
    code, table = run(["requirements", "khai-sinh", "--id", build.HUSBAND["id_number"]])
    assert "SUBMIT" in table and "population registry" in table

    code, out = run(["procedures", "list"])
    assert "Đăng ký kết hôn" in out and "thuong-tru" in out
    code, out = run(["procedures", "list", "--json"])
    assert {p["code"] for p in json.loads(out)} >= {"khai-sinh", "ket-hon", "thuong-tru"}


def test_unknown_procedure_is_a_usage_error(data_dir: Path) -> None:
    code, _ = run(["requirements", "nope", "--id", "001090012345"])
    assert code == 2


def test_importing_commands_does_not_load_sqlalchemy() -> None:
    code = ("import sys, hoso.commands.records, records;"
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'sqlalchemy', 'alembic', 'minio'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    assert out.stdout.strip() == "[]"
