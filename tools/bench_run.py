"""Benchmark (not a timed test): ``hoso run`` pages/s against bare ``tesseract`` on the same pages,
same machine, same number of parallel processes.

1. the source files (``copies`` times, each copy made unique by trailing bytes so nothing is reused)
   go through ``hoso run`` in a fresh data dir: its wall time and the pages it OCR'd;
2. bare ``tesseract IMG - -l vie`` (one thread each, ``workers`` at a time) reads the input pages
   as they are: the image files themselves, and each scanned PDF page rendered at 300 dpi
   beforehand (the rendering is not timed): the batch an operator would hand to Tesseract;
3. the same bare Tesseract reads the page images hoso OCR'd (its normalised page artefacts):
   cropped, straightened and cleaned, so usually quicker to read than the raw pages.

Text-layer pages cost hoso no OCR and are left out of every side.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, TextIO

import cv2

from flows.common import list_sources
from pipeline.load import load_pages
from schemas.errors import HosoError
from tools.bench import bare_tesseract_seconds
from usecases.intake import default_cores


def make_batch(source: str, folder: Path, copies: int) -> int:
    """Copy the source files ``copies`` times into ``folder``, each copy with distinct bytes."""
    count = 0
    for copy in range(copies):
        for item in list_sources(source):
            data = Path(item.location).read_bytes()
            if copy:  # bytes after the end of a JPEG/PNG/PDF are ignored by readers but change the sha256
                data += f"\n%hoso-bench-copy-{copy}\n".encode()
            target = folder / f"{copy:03d}-{item.name.replace('/', '_')}"
            target.write_bytes(data)
            count += 1
    return count


def bench_run(source: str = "samples/dossiers", *, workers: int | None = None, copies: int = 1) -> dict[str, Any]:
    workers = workers or default_cores()
    with tempfile.TemporaryDirectory(prefix="hoso-bench-") as tmp:
        batch, data_dir = Path(tmp, "batch"), Path(tmp, "data")
        batch.mkdir()
        files = make_batch(source, batch, copies)
        env = {**os.environ, "HOSO_DATA_DIR": str(data_dir), "HOSO_STORE": "local"}
        env.pop("HOSO_DATABASE_URL", None)
        env.pop("HOSO_S3_ENDPOINT", None)
        command = [sys.executable, "-m", "hoso.cli", "run", str(batch), "--json", "--no-progress",
                   "--workers", str(workers)]
        started = time.perf_counter()
        finished = subprocess.run(command, env=env, capture_output=True, text=True)
        if "{" not in finished.stdout:
            raise RuntimeError(f"hoso run failed: {finished.stderr[-2000:]}")
        command_wall = time.perf_counter() - started
        report = json.loads(finished.stdout[finished.stdout.index("{"):])
        input_pages = scanned_input_pages(batch, Path(tmp, "input-pages"))
        input_wall = bare_tesseract_seconds(input_pages, workers)
        pages = sorted((data_dir / "objects" / "artefacts").glob("*/page-*.jpg"))
        tesseract_wall = bare_tesseract_seconds(pages, workers)
    flow_rate = len(pages) / report["wall_seconds"] if report["wall_seconds"] else 0.0
    tesseract_rate = len(pages) / tesseract_wall if tesseract_wall else 0.0
    return {
        "files": files, "ocr_pages": len(pages), "input_pages": len(input_pages), "workers": workers,
        "counts": report["counts"],
        "hoso_flow_seconds": report["wall_seconds"], "hoso_command_seconds": round(command_wall, 2),
        "tesseract_input_seconds": round(input_wall, 2),
        "tesseract_seconds": round(tesseract_wall, 2),
        "hoso_pages_per_second": round(flow_rate, 3), "tesseract_pages_per_second": round(tesseract_rate, 3),
        "hoso_over_tesseract_input_time": _ratio(report["wall_seconds"], input_wall),
        "hoso_over_tesseract_time": _ratio(report["wall_seconds"], tesseract_wall),
        "stage_seconds": report["stage_seconds"],
    }


def _ratio(seconds: float, floor: float) -> float | None:
    return round(seconds / floor, 3) if floor else None


def scanned_input_pages(batch: Path, folder: Path) -> list[Path]:
    """The batch's pages that need OCR, as files bare Tesseract reads: images as they are (a
    multi-page TIFF split), scanned PDF pages rendered at 300 dpi; text-layer pages left out."""


    folder.mkdir()
    pages: list[Path] = []
    for source in sorted(batch.iterdir()):
        try:
            media_type, loaded = load_pages(source.read_bytes())
        except HosoError:
            continue  # quarantined by hoso, nothing for Tesseract either
        scanned = [page for page in loaded if not page.has_text_layer]
        if media_type.startswith("image/") and len(loaded) == 1:
            pages += [source] if scanned else []
            continue
        for page in scanned:
            target = folder / f"{source.stem}-{page.number:03d}.png"
            cv2.imwrite(str(target), page.pixels)
            pages.append(target)
    return pages


def print_run_bench(source: str, *, workers: int | None, copies: int, out: TextIO) -> None:
    figures = bench_run(source, workers=workers, copies=copies)
    out.write(f"{figures['files']} file(s), {figures['ocr_pages']} OCR'd page(s), {figures['workers']} worker(s)\n")
    out.write(f"  hoso run (flow)        {figures['hoso_flow_seconds']:.1f} s  "
              f"{figures['hoso_pages_per_second']:.2f} pages/s\n")
    out.write(f"  hoso run (command)     {figures['hoso_command_seconds']:.1f} s  (with Prefect start-up)\n")
    out.write(f"  tesseract -l vie on the {figures['input_pages']} input page(s)      "
              f"{figures['tesseract_input_seconds']:.1f} s  → hoso / tesseract time: "
              f"{figures['hoso_over_tesseract_input_time']}\n")
    out.write(f"  tesseract -l vie on hoso's {figures['ocr_pages']} prepared page(s) "
              f"{figures['tesseract_seconds']:.1f} s  → hoso / tesseract time: "
              f"{figures['hoso_over_tesseract_time']}\n")
    out.write(f"  stage seconds (summed over files): {json.dumps(figures['stage_seconds'])}\n")
