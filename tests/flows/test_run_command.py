"""``hoso run``'s exit code: 0 when every file is fine, 1 when some were refused, 5 when all were."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from reportlab.pdfgen import canvas

from hoso import cli
from hoso.commands import early
from schemas.errors import ExitCode
from schemas.settings import Settings, env_name


def text_pdf() -> bytes:
    """A born-digital page: read from its text layer, no OCR."""
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 720, "Giay xac nhan thong tin ve cu tru")
    page.save()
    return buffer.getvalue()


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    """``hoso run SOURCE`` in this process (Prefect's test harness), on a fresh data dir."""
    for name in Settings.model_fields:
        monkeypatch.delenv(env_name(name), raising=False)
    monkeypatch.setenv("HOSO_DATA_DIR", str(tmp_path / "data"))
    prepared: list[Path | None] = []
    monkeypatch.setattr(early, "use_local_prefect", prepared.append)  # the harness is Prefect's environment here

    def hoso_run(source: Path) -> tuple[int, str]:
        code = cli.main(["run", str(source), "--no-progress", "--workers", "1"])
        assert prepared[-1] == tmp_path / "data", "Prefect's environment is set up before the flows load"
        return code, capsys.readouterr().out

    return hoso_run


def folder_of(tmp_path: Path, files: dict[str, bytes]) -> Path:
    folder = tmp_path / "scans"
    folder.mkdir()
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return folder


def test_only_bad_files_exit_5(run, tmp_path, batch_files) -> None:  # type: ignore[no-untyped-def]
    code, out = run(folder_of(tmp_path, {"broken.pdf": batch_files["broken.pdf"], "cut.jpg": batch_files["cut.jpg"],
                                         "empty.png": b""}))
    assert code == ExitCode.all_failed == 5
    assert "quarantined 3" in out


def test_some_bad_files_exit_1_and_all_good_exit_0(run, tmp_path, batch_files) -> None:  # type: ignore[no-untyped-def]
    folder = folder_of(tmp_path, {"form.pdf": text_pdf(), "broken.pdf": batch_files["broken.pdf"]})
    code, out = run(folder)
    assert code == ExitCode.input_failed == 1
    assert "processed 1" in out and "quarantined 1" in out
    code, out = run(folder / "form.pdf")
    assert code == ExitCode.ok and "reused 1" in out
