"""Benchmarks (not timed tests): hoso against bare Tesseract on the same pages, same machine, same run."""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from pipeline.load import load_pages
from records.db import open_database
from records.storage.objects import LocalObjectStore
from usecases.intake import ingest_dossier
from usecases.process import process_file

TESSERACT_ENV = {**os.environ, "OMP_THREAD_LIMIT": "1"}


def wall_time(command: list[str], env: dict[str, str] | None = None) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    return time.perf_counter() - started


def bench_page(image: Path, repeats: int = 5) -> dict[str, float]:
    """Median wall time of `hoso extract IMAGE --json` and `tesseract IMAGE - -l vie`, interleaved.

    Bare Tesseract is timed both with its default OpenMP threads and with one
    thread (what hoso uses); the ratio is against the faster of the two.
    """
    hoso = [sys.executable, "-m", "hoso.cli", "extract", str(image), "--json"]
    tesseract = ["tesseract", str(image), "-", "-l", "vie"]
    times: dict[str, list[float]] = {"hoso": [], "tesseract_1_thread": [], "tesseract_default": []}
    wall_time(hoso)  # warm the page cache and Python's bytecode cache
    for _ in range(repeats):
        times["hoso"].append(wall_time(hoso))
        times["tesseract_1_thread"].append(wall_time(tesseract, TESSERACT_ENV))
        times["tesseract_default"].append(wall_time(tesseract))
    medians = {name: statistics.median(values) for name, values in times.items()}
    medians["ratio"] = medians["hoso"] / min(medians["tesseract_1_thread"], medians["tesseract_default"])
    return medians


def print_page_bench(image: Path, repeats: int) -> None:
    figures = bench_page(image, repeats)
    print(f"page: {image}")
    print(f"  hoso extract --json          {figures['hoso']:.2f} s")
    print(f"  tesseract -l vie (1 thread)  {figures['tesseract_1_thread']:.2f} s")
    print(f"  tesseract -l vie (default)   {figures['tesseract_default']:.2f} s")
    print(f"  ratio hoso / fastest tesseract: {figures['ratio']:.2f}")


# --- hoso bench DIR ------------------------------------------------------------

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".tif", ".tiff")


def bench_directory(directory: Path, workers: int) -> dict[str, float | int | None]:
    """Pipeline against bare Tesseract on the same scans, text-layer PDFs, memory, one branch upload.

    Both sides run ``workers`` files at a time with one single-threaded Tesseract
    each, in the same run, so the ratio compares like with like on this machine.
    """


    scans = sorted(p for p in directory.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES)
    pdfs = sorted(directory.rglob("*.pdf"))
    figures: dict[str, float | int | None] = {"scans": len(scans)}

    tesseract_wall = bare_tesseract_seconds(scans, workers)

    started = time.perf_counter()
    results = _parallel(lambda p: process_file(p, workers=1).result, scans, workers)
    hoso_wall = time.perf_counter() - started
    pages = sum(len(r.pages) for r in results)
    figures.update(
        pages=pages,
        tesseract_pages_per_s=round(len(scans) / tesseract_wall, 3) if scans else None,
        hoso_pages_per_s=round(pages / hoso_wall, 3) if scans else None,
        ratio_hoso_to_tesseract=round(hoso_wall / tesseract_wall, 3) if scans else None,
    )

    text_layer = [p for p in pdfs if _has_text_layer_only(p)]
    started = time.perf_counter()
    text_results = _parallel(lambda p: process_file(p, workers=1).result, text_layer, workers)
    text_wall = time.perf_counter() - started
    text_pages = sum(len(r.pages) for r in text_results)
    figures.update(text_layer_pdfs=len(text_layer),
                   text_layer_pages_per_s=round(text_pages / text_wall, 2) if text_layer else None)
    figures["peak_memory_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    figures["branch_upload_s"] = bench_branch_upload(directory)
    return figures


def bare_tesseract_seconds(pages: list[Path], workers: int) -> float:
    """Wall time of bare ``tesseract PAGE - -l vie`` over ``pages``, ``workers`` at a time, one thread each."""
    started = time.perf_counter()
    _parallel(lambda page: wall_time(["tesseract", str(page), "-", "-l", "vie"], TESSERACT_ENV), pages, workers)
    return time.perf_counter() - started


def _parallel(function, items: list, workers: int) -> list:

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(function, items))


def _has_text_layer_only(path: Path) -> bool:

    try:
        _, pages = load_pages(path.read_bytes())
    except Exception:
        return False
    return all(page.has_text_layer for page in pages)


def bench_branch_upload(directory: Path) -> float | None:
    """Seconds to answer one branch upload of both sides of one ID card (a fresh store and database)."""


    fronts = sorted(directory.rglob("*card_sides_separate_front.*"))
    fronts = [f for f in fronts if not f.name.endswith(".json")]
    if not fronts:
        return None
    front = fronts[0]
    back = next((p for p in front.parent.glob(front.name.replace("_front.", "_back.").rsplit(".", 1)[0] + ".*")
                 if not p.name.endswith(".json")), None)
    if back is None:
        return None
    with tempfile.TemporaryDirectory(prefix="hoso-bench-upload-") as tmp:
        db = open_database(f"sqlite:///{tmp}/hoso.db")
        store = LocalObjectStore(Path(tmp) / "objects")
        files = [(front.name, front.read_bytes()), (back.name, back.read_bytes())]
        started = time.perf_counter()
        ingest_dossier(db, store, files, procedure_code="ket-hon", branch="bench")
        elapsed = time.perf_counter() - started
        db.close()
    return round(elapsed, 2)


def print_directory_bench(directory: Path, workers: int) -> None:

    figures = bench_directory(directory, workers)
    print(f"scanned files            {figures['scans']} ({figures['pages']} pages), {workers} at a time")
    print(f"bare tesseract           {figures['tesseract_pages_per_s']} pages/s")
    print(f"hoso pipeline            {figures['hoso_pages_per_s']} pages/s "
          f"(time ratio hoso / tesseract: {figures['ratio_hoso_to_tesseract']})")
    print(f"text-layer PDFs          {figures['text_layer_pdfs']} files, {figures['text_layer_pages_per_s']} pages/s (no OCR)")
    print(f"peak memory              {figures['peak_memory_mb']} MB (hoso process)")
    print(f"branch upload, ID card   {figures['branch_upload_s']} s (front + back, stored and recorded)")
    print("BENCH " + json.dumps(figures))
