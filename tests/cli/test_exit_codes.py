"""``hoso`` as a person meets it: one line per failure, documented exit codes, --version, a light parser."""

from __future__ import annotations

import os
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

from hoso import cli
from hoso.commands import inputs_exit_code
from schemas.errors import Conflict, ExitCode, UnknownProcedure

REPO = Path(__file__).resolve().parents[2]


def hoso(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("HOSO_", "PREFECT_"))}
    env["HOSO_DATA_DIR"] = str(data_dir)
    return subprocess.run([sys.executable, "-m", "hoso.cli", *args], capture_output=True, text=True, cwd=REPO,
                          env=env, timeout=300)


def test_version(tmp_path: Path) -> None:
    completed = hoso("--version", data_dir=tmp_path)
    assert (completed.returncode, completed.stdout.strip()) == (0, f"hoso {version('hoso')}")


def test_run_on_a_folder_that_is_not_there_prints_one_line(tmp_path: Path) -> None:
    completed = hoso("run", str(tmp_path / "no-such-dir"), data_dir=tmp_path / "data")
    assert completed.returncode == ExitCode.not_found == 3
    assert completed.stdout == ""
    assert completed.stderr.splitlines() == [f"hoso: no such folder: {tmp_path / 'no-such-dir'}"]


def test_an_invalid_setting_stops_any_command_with_its_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("HOSO_MAX_UPLOAD_FILES", "lots")
    assert cli.main(["config"]) == ExitCode.configuration
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and err.startswith("hoso: invalid setting: HOSO_MAX_UPLOAD_FILES")


@pytest.mark.parametrize(("raised", "code", "line"), [
    (UnknownProcedure("unknown procedure 'x'"), ExitCode.not_found, "hoso: unknown procedure 'x'"),
    (Conflict("document 3 is superseded\n(version 2)"), ExitCode.conflict, "hoso: document 3 is superseded (version 2)"),
    (KeyboardInterrupt(), ExitCode.interrupted, "hoso: interrupted"),
    (RuntimeError("boom"), ExitCode.other_error, "hoso: unexpected error: RuntimeError: boom (hoso -v … shows the "
                                                  "traceback)"),
])
def test_errors_become_one_line_and_their_exit_code(monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str], raised: BaseException,
                                                    code: ExitCode, line: str) -> None:
    def fail(_args: object) -> ExitCode:
        raise raised

    monkeypatch.setattr(cli, "run_command", fail)
    assert cli.main(["config"]) == code
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [line] and captured.out == ""


def test_a_traceback_only_with_verbose(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    def fail(_args: object) -> ExitCode:
        raise RuntimeError("boom")

    monkeypatch.setattr(cli, "run_command", fail)
    assert cli.main(["config", "-v"]) == ExitCode.other_error
    err = capsys.readouterr().err
    assert "Traceback" in err and err.splitlines()[-1] == "hoso: unexpected error: RuntimeError: boom"


def test_config_hides_secrets(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("HOSO_S3_SECRET_KEY", "s3cr3t")
    monkeypatch.setenv("HOSO_AUDIT_SECRET", "audit-k3y")
    assert cli.main(["config"]) == ExitCode.ok
    assert cli.main(["config", "--json"]) == ExitCode.ok
    out = capsys.readouterr().out
    assert "HOSO_S3_SECRET_KEY" in out and "s3cr3t" not in out and "audit-k3y" not in out


@pytest.mark.integration
def test_every_command_names_an_importable_handler() -> None:
    parser = cli.build_parser()
    handlers = set()
    for argv in (["extract", "f"], ["ocr", "f"], ["show", "f", "--out", "o"], ["run"], ["reprocess"], ["serve-flows"],
                 ["records", "show", "1"], ["requirements", "p", "--id", "1"], ["registry", "import", "f"],
                 ["procedures", "list"], ["serve"], ["keys", "create", "--name", "n", "--scope", "s"],
                 ["keys", "list"], ["keys", "revoke", "n"], ["config"]):
        args = parser.parse_args(argv)
        handlers.add(args.handler)
        assert callable(cli.load_step(args.handler))
        if args.prepare:
            assert callable(cli.load_step(args.prepare))
    assert len(handlers) == 15


def test_the_parser_is_light() -> None:
    """`hoso --help` and the start of `hoso extract` must not wait for Prefect, FastAPI, OpenCV or SQLAlchemy."""
    code = ("import sys, hoso.cli; hoso.cli.build_parser(); import hoso.commands.early, hoso.commands.speculate;"
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'prefect', 'fastapi', 'cv2', 'sqlalchemy', "
            "'tesserocr', 'uvicorn', 'minio', 'extractors', 'records', 'usecases'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    assert out.stdout.strip() == "[]"


def test_inputs_exit_code() -> None:
    assert [inputs_exit_code(total, failed) for total, failed in [(3, 0), (3, 1), (3, 3), (0, 0), (1, 1)]] == [
        ExitCode.ok, ExitCode.input_failed, ExitCode.all_failed, ExitCode.ok, ExitCode.all_failed]


def test_the_readme_documents_every_exit_code() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("| exit code | meaning |", 1)[1].split("\n\n", 1)[0]
    documented = {int(line.split("|")[1]) for line in section.splitlines() if line.startswith("| ")}
    assert documented == {int(code) for code in ExitCode}
