"""The `hoso` command as a person runs it: one JSON line per input, clear one-line errors, exit codes."""

from __future__ import annotations

import pytest

import json
import subprocess
import sys
from pathlib import Path

import render

HOSO = [sys.executable, "-m", "hoso.cli"]


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*HOSO, *args], capture_output=True, text=True, timeout=300, cwd=cwd)


def test_bad_inputs_fail_clearly_and_the_others_are_still_processed(tmp_path):
    good = tmp_path / "good.png"
    good.write_bytes(render.encode(render.render_page(render.PARAGRAPH[:2]), ".png"))
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    text = tmp_path / "notes.jpg"  # the name lies: the bytes are text
    text.write_text("không phải ảnh", encoding="utf-8")
    truncated = tmp_path / "cut.png"
    truncated.write_bytes(good.read_bytes()[:4000])
    missing = tmp_path / "missing.png"

    completed = run("extract", str(empty), str(good), str(text), str(truncated), str(missing), "--json")

    assert completed.returncode == 1
    results = [json.loads(line) for line in completed.stdout.splitlines()]
    assert [Path(r["source"]).name for r in results] == ["empty.pdf", "good.png", "notes.jpg", "cut.png", "missing.png"]
    assert [r["errors"][0]["code"] if r["errors"] else None for r in results] == [
        "empty", None, "unsupported_type", "corrupt", "unreadable"]
    assert "Độc lập - Tự do - Hạnh phúc" in results[1]["documents"][0]["text"]
    errors = completed.stderr.strip().splitlines()
    assert len(errors) == 4 and "Traceback" not in completed.stderr
    assert errors[0] == f"hoso: {empty}: the file is empty"


def test_all_good_inputs_exit_zero_and_ocr_prints_text(tmp_path):
    page = tmp_path / "page.png"
    page.write_bytes(render.encode(render.render_page(render.PARAGRAPH[:3]), ".png"))
    completed = run("extract", str(page), "--json")
    assert completed.returncode == 0, completed.stderr
    result = json.loads(completed.stdout)
    assert result["pages"][0]["source"] == "ocr" and set(result["timings"]) >= {"load", "prepare", "ocr", "total"}

    shown = run("ocr", str(page))
    assert shown.returncode == 0
    assert shown.stdout.splitlines()[1:] == render.PARAGRAPH[:3]


@pytest.mark.integration
def test_speculative_and_prepared_readings_agree(tmp_path):
    """The CLI's early Tesseract run must give what the normal path gives on a clean page."""
    from usecases.process import process_bytes

    data = render.encode(render.render_page(render.PARAGRAPH[:3]), ".png")
    page = tmp_path / "page.png"
    page.write_bytes(data)
    via_cli = json.loads(run("extract", str(page), "--json").stdout)["pages"][0]["words"]
    direct = process_bytes(data, source="page.png").result.pages[0].words
    assert [w["text"] for w in via_cli] == [w.text for w in direct]
