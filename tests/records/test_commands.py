"""The records CLI subcommands, parsed by ``hoso.cli`` and run by the handlers it names."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from hoso import cli
from records.db import open_database
from records.ingest import record_extraction, register_original
from records.procedures import list_procedures
from records.storage.objects import LocalObjectStore
from schemas.errors import ExitCode


def run(argv: list[str]) -> tuple[int, str]:
    args = cli.build_parser().parse_args(argv)
    out = io.StringIO()
    return cli.load_step(args.handler)(args, out=out), out.getvalue()


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


def test_an_unknown_procedure_is_not_found(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["requirements", "nope", "--id", "001090012345"]) == ExitCode.not_found
    assert capsys.readouterr().err.splitlines() == [
        "hoso: unknown procedure 'nope'; known: " + ", ".join(p.code for p in list_procedures())]


def test_a_missing_registry_file_is_not_found(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["registry", "import", str(data_dir / "nope.csv")]) == ExitCode.not_found
    assert capsys.readouterr().err.strip() == f"hoso: no such file: {data_dir / 'nope.csv'}"
