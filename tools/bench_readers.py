"""Benchmark: the readers' own cost, per call, with no OCR (what the unit tests used to assert as time limits).

    hoso-tools bench-readers

Address resolution (every ward of the 2025 units and of the former ones, as printed and without diacritics),
label finding on a 60-line page (rapidfuzz, spaCy not loaded), and QR decoding of a page with no code (its time
budget is what bounds it). Prints one line per reader and a JSON summary.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np

from extractors.readers.addresses import DATA, resolve_address, warm_up
from extractors.readers.labels import find_label, prepare
from extractors.readers.qr import decode_qr
from pipeline.text import fold
from schemas.models import Word


def address_cases() -> list[str]:
    admin = json.loads(Path(DATA).read_text(encoding="utf-8"))
    cases = []
    for province in admin["provinces"]:
        for ward in province["wards"]:
            cases += [f"{ward['name']}, {province['name']}", fold(f"{ward['name']}, {province['short_name']}")]
    for province in admin["former_provinces"]:
        for district in province["districts"]:
            cases += [f"{ward['name']}, {district['name']}, {province['name']}" for ward in district["wards"]]
    return cases


def label_page(lines: int = 60) -> list[list[Word]]:
    page = []
    for number in range(lines):
        words, x = [], 10
        for token in f"Họ và tên: NGUYỄN VĂN AN số {number} phường xã tỉnh".split():
            words.append(Word(text=token, confidence=0.9, bbox=(x, number * 30, x + 10 * len(token), number * 30 + 20),
                              line=number))
            x += 10 * len(token) + 8
        page.append(words)
    return page


def per_call_ms(calls: int, started: float) -> float:
    return round((time.perf_counter() - started) / calls * 1000, 3)


def bench_readers() -> dict[str, float]:
    warm_up()
    cases = address_cases()
    started = time.perf_counter()
    for text in cases:
        resolve_address(text)
    figures = {"address_ms": per_call_ms(len(cases), started)}

    prepared = prepare(label_page())
    started = time.perf_counter()
    for number in range(50):
        find_label(prepared, [f"Nhãn số {number}", "Họ và tên"], use_spacy=False)
    figures["label_ms"] = per_call_ms(50, started)

    blank = np.full((640, 1010, 3), 235, np.uint8)
    started = time.perf_counter()
    decode_qr(blank, budget_s=1.0)
    figures["qr_no_code_ms"] = per_call_ms(1, started)
    return figures


def main() -> int:
    figures = bench_readers()
    print(f"  address resolution   {figures['address_ms']:.3f} ms per address")
    print(f"  label finding        {figures['label_ms']:.3f} ms per call (60-line page)")
    print(f"  QR, page with none   {figures['qr_no_code_ms']:.0f} ms (budget 1000 ms)")
    print("BENCH " + json.dumps(figures))
    return 0
