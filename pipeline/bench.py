"""Benchmarks (not timed tests): hoso against bare Tesseract on the same pages, same machine, same run."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

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
    hoso = [sys.executable, "-m", "pipeline.cli", "extract", str(image), "--json"]
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
