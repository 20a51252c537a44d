"""Measure the capture-quality verdicts (``pipeline.quality``): damaged captures made from good ones must get
the right verdict, good captures must get none.

    python -m tools.capture_quality [DIR ...] [--seed 1] [--json OUT] [--show]

Every page image of every file in the folders (default ``samples/dossiers``; born-digital PDF pages are not
captures and are skipped) is a *good capture*: any ``retake`` verdict on it is a false alarm. From each,
damaged captures are made and must get their verdict:

| damage | how | applied to |
|---|---|---|
| ``blurred`` | Gaussian blur, sigma = 1/400 of the image's long side (4 px on a 1600 px photo) | every capture |
| ``blurred`` (motion) | a straight motion blur 1/90 of the long side, any direction | every capture |
| ``too_dark`` | exposure x0.22 (about -2.2 stops) and sensor noise | every capture |
| ``too_bright`` | +150 of 255 on every pixel (print washed out, paper clipped) | every capture |
| ``glare`` | a clipped elliptical highlight, 12 % of the document's long side, on the document | colour photos (a scanner makes no glare) |
| ``too_small`` | the image reduced to 400 px on its long side | every capture |
| ``cut_off`` | the frame cropped through the document, 15 % in from one of its corners | every capture |
| ``photocopy`` | the document made gray and contrasty (a photo of a photocopy) on its coloured background | colour photos of sheets (cards are not judged) |
| ``no_document`` | the widest strip of background beside the document, stretched to the whole frame | colour photos |

Printed: detection rate per damage (and what else was said), false alarms per capture condition, CPU time per
page.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import cv2
import numpy as np

from pipeline.load import load_pages
from pipeline.prepare import find_document_quads, shrink
from pipeline.quality import decide, measure_capture

Damage = Callable[[np.ndarray, np.random.Generator, int], np.ndarray]  # pixels, randomness, the page's dpi
SUFFIXES = (".jpg", ".jpeg", ".png", ".tif", ".tiff", ".pdf", ".webp", ".bmp")
_CONDITION = re.compile(r"(clean_scan|noisy_scan|phone_photo|image_pdf|digital_pdf|multi_pdf|card_sides_separate)")


# ---------------------------------------------------------------- damage


def document_box(pixels: np.ndarray, dpi: int | None = None) -> tuple[np.ndarray, bool]:
    """The document's corners as prepare finds them (else the frame's), and whether an outline was found."""
    small, factor = shrink(pixels)
    quads = find_document_quads(small, factor, dpi)
    if quads:  # the first document (of a card's two sides, one)
        return quads[0].corners.astype(float), True
    height, width = pixels.shape[:2]
    return np.array([[0, 0], [width, 0], [width, height], [0, height]], float), False


def blurred(pixels: np.ndarray, rng: np.random.Generator, dpi: int = 300) -> np.ndarray:
    return cv2.GaussianBlur(pixels, (0, 0), max(pixels.shape[:2]) / 400)


def motion_blurred(pixels: np.ndarray, rng: np.random.Generator, dpi: int = 300) -> np.ndarray:
    length = int(max(pixels.shape[:2]) / 90) | 1
    line = np.zeros((length, length), np.float32)
    line[length // 2, :] = 1.0
    turn = cv2.getRotationMatrix2D((length / 2 - 0.5, length / 2 - 0.5), float(rng.uniform(0, 180)), 1.0)
    kernel = cv2.warpAffine(line, turn, (length, length))
    return cv2.filter2D(pixels, -1, kernel / kernel.sum())


def too_dark(pixels: np.ndarray, rng: np.random.Generator, dpi: int = 300) -> np.ndarray:
    return np.clip(pixels.astype(np.float32) * 0.22 + rng.normal(0, 2, pixels.shape), 0, 255).astype(np.uint8)


def too_bright(pixels: np.ndarray, rng: np.random.Generator, dpi: int = 300) -> np.ndarray:
    return np.clip(pixels.astype(np.int16) + 150, 0, 255).astype(np.uint8)


def glare(pixels: np.ndarray, rng: np.random.Generator, dpi: int = 300) -> np.ndarray:
    corners, _ = document_box(pixels, dpi)
    (x0, y0), (x1, y1) = corners.min(axis=0), corners.max(axis=0)
    cx = rng.uniform(x0 + 0.3 * (x1 - x0), x0 + 0.7 * (x1 - x0))
    cy = rng.uniform(y0 + 0.3 * (y1 - y0), y0 + 0.7 * (y1 - y0))
    radius = 0.12 * max(x1 - x0, y1 - y0)
    height, width = pixels.shape[:2]
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    distance = np.sqrt(((xx - cx) / (1.4 * radius)) ** 2 + ((yy - cy) / radius) ** 2)
    light = np.clip(1.6 - 1.2 * distance, 0, 1)  # a clipped core, a soft edge
    if pixels.ndim == 3:
        light = light[..., None]
    out = pixels.astype(np.float32)
    return np.clip(out + (255 - out) * light, 0, 255).astype(np.uint8)


def too_small(pixels: np.ndarray, rng: np.random.Generator, dpi: int = 300) -> np.ndarray:
    factor = 400 / max(pixels.shape[:2])
    return cv2.resize(pixels, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)


def cut_off(pixels: np.ndarray, rng: np.random.Generator, dpi: int = 300) -> np.ndarray:
    corners, _ = document_box(pixels, dpi)
    (x0, y0), (x1, y1) = corners.min(axis=0), corners.max(axis=0)
    left, top = int(x0 + 0.15 * (x1 - x0)), int(y0 + 0.15 * (y1 - y0))
    right, bottom = int(x1 - 0.15 * (x1 - x0)), int(y1 - 0.15 * (y1 - y0))
    corner = int(rng.integers(4))
    if corner == 0:
        return pixels[top:, left:]
    if corner == 1:
        return pixels[top:, :right]
    if corner == 2:
        return pixels[:bottom, :right]
    return pixels[:bottom, left:]


def photocopy(pixels: np.ndarray, rng: np.random.Generator, dpi: int = 300) -> np.ndarray:
    mask = np.zeros(pixels.shape[:2], np.uint8)
    small, factor = shrink(pixels)
    quads = find_document_quads(small, factor, dpi)
    for quad in quads or []:
        cv2.fillConvexPoly(mask, np.round(quad.corners).astype(np.int32), 255)
    if not quads:
        mask[:] = 255
    gray = cv2.cvtColor(pixels, cv2.COLOR_BGR2GRAY).astype(np.float32)
    copied = np.clip((gray - 60) * 1.5, 0, 255).astype(np.uint8)  # toner: mid-tones lost
    out = pixels.copy()
    out[mask > 0] = cv2.cvtColor(copied, cv2.COLOR_GRAY2BGR)[mask > 0]
    return out


def no_document(pixels: np.ndarray, rng: np.random.Generator, dpi: int = 300) -> np.ndarray:
    corners, _ = document_box(pixels, dpi)
    (x0, y0), (x1, y1) = corners.min(axis=0), corners.max(axis=0)
    height, width = pixels.shape[:2]
    margins = {"left": pixels[:, : max(1, int(x0))], "right": pixels[:, min(width - 1, int(x1)):],
               "top": pixels[: max(1, int(y0))], "bottom": pixels[min(height - 1, int(y1)):]}
    strip = max(margins.values(), key=lambda part: part.shape[0] * part.shape[1])
    return cv2.resize(strip, (width, height), interpolation=cv2.INTER_LINEAR)


Applies = Literal["all", "photos", "sheet_photos"]
DAMAGES: dict[str, tuple[str, Damage, Applies]] = {  # name → (expected code, damage, the captures it is made from)
    "blurred": ("blurred", blurred, "all"),
    "motion_blurred": ("blurred", motion_blurred, "all"),
    "too_dark": ("too_dark", too_dark, "all"),
    "too_bright": ("too_bright", too_bright, "all"),
    "glare": ("glare", glare, "photos"),
    "too_small": ("too_small", too_small, "all"),
    "cut_off": ("cut_off", cut_off, "all"),
    "photocopy": ("photocopy", photocopy, "sheet_photos"),  # a card is not judged: its back is as gray as a copy
    "no_document": ("no_document", no_document, "photos"),
}


# ---------------------------------------------------------------- measuring


@dataclass
class Capture:
    name: str
    page: int
    condition: str
    pixels: np.ndarray
    dpi: int

    @property
    def colour_photo(self) -> bool:
        """A camera's colour photo of a document on a background (where glare and photocopies are judged)."""
        return self.pixels.ndim == 3 and self.condition in ("phone_photo", "card_sides_separate")

    def takes(self, applies: str) -> bool:
        if applies == "photos":
            return self.colour_photo
        if applies == "sheet_photos":
            return self.colour_photo and "id_card" not in self.name
        return True


def captures(folders: Sequence[Path]) -> Iterator[Capture]:
    for folder in folders:
        for path in sorted(p for p in folder.rglob("*") if p.suffix.lower() in SUFFIXES):
            try:
                _, pages = load_pages(path.read_bytes())
            except Exception as error:  # a bad-input sample: not a capture
                print(f"skipped {path.name}: {error}", file=sys.stderr)
                continue
            found = _CONDITION.search(path.name)
            condition = found.group(1) if found else "other"
            for page in pages:
                if not page.has_text_layer:
                    yield Capture(path.name, page.number, condition, page.pixels, page.dpi)


def codes(pixels: np.ndarray, dpi: int, show: str | None = None) -> tuple[list[str], list[str], float]:
    """Retake codes, notice codes and the CPU seconds it took (this machine is shared: not wall time)."""
    started = time.process_time()
    measures = measure_capture(pixels, dpi)
    verdicts = decide(measures)
    seconds = time.process_time() - started
    if show:
        print(f"{show}: {[v.code for v in verdicts]} {json.dumps(measures.to_json())}")
    return ([v.code for v in verdicts if v.severity == "retake"], [v.code for v in verdicts if v.severity == "notice"],
            seconds)


def measure(folders: Sequence[Path], seed: int, show: bool = False, only: str | None = None) -> dict[str, object]:
    good: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # condition → [captures, with a false alarm]
    false_codes: Counter[str] = Counter()
    notices: dict[str, Counter[str]] = defaultdict(Counter)
    detected: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # damage → [made, detected]
    others: dict[str, Counter[str]] = defaultdict(Counter)  # damage → other codes also raised
    missed: dict[str, list[str]] = defaultdict(list)
    alarms: list[str] = []
    seconds: list[float] = []
    for index, capture in enumerate(captures(folders)):
        label = f"{capture.name}#{capture.page}"
        retakes, notes, spent = codes(capture.pixels, capture.dpi, f"{label} [{capture.condition}]" if show else None)
        seconds.append(spent)
        good[capture.condition][0] += 1
        notices[capture.condition].update(notes)
        if retakes:
            good[capture.condition][1] += 1
            false_codes.update(retakes)
            alarms.append(f"{label}: {', '.join(retakes)}")
        for offset, (name, (expected, damage, applies)) in enumerate(DAMAGES.items()):
            if not capture.takes(applies) or (only and name != only):
                continue
            rng = np.random.default_rng([seed, index, offset])
            retakes, notes, spent = codes(damage(capture.pixels, rng, capture.dpi), capture.dpi,
                                          f"  {name}" if show and only else None)
            seconds.append(spent)
            said = retakes + notes
            detected[name][0] += 1
            if expected in said:
                detected[name][1] += 1
            else:
                missed[name].append(f"{label}: {', '.join(said) or 'nothing'}")
            others[name].update(code for code in said if code != expected)
    captures_total = sum(n for n, _ in good.values())
    with_alarm = sum(a for _, a in good.values())
    return {
        "good": {condition: {"captures": n, "false_alarms": a, "rate": _rate(a, n),
                             "notices": dict(notices[condition])} for condition, (n, a) in sorted(good.items())},
        "good_total": {"captures": captures_total, "false_alarms": with_alarm, "rate": _rate(with_alarm, captures_total),
                       "codes": dict(false_codes)},
        "damaged": {name: {"made": n, "detected": d, "rate": _rate(d, n), "also": dict(others[name]),
                           "missed": missed[name][:10]} for name, (n, d) in detected.items()},
        "false_alarms": alarms,
        "cpu_ms_per_page": {"median": round(1000 * statistics.median(seconds), 1) if seconds else None,
                        "max": round(1000 * max(seconds), 1) if seconds else None},
    }


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def print_report(report: dict[str, object]) -> None:
    damaged = report["damaged"]
    assert isinstance(damaged, dict)
    print("| damage | captures | right verdict | also said |")
    print("|---|---|---|---|")
    for name, row in damaged.items():
        also = ", ".join(f"{code} {count}" for code, count in sorted(row["also"].items())) or "—"
        print(f"| {name} | {row['made']} | {row['detected']} ({100 * (row['rate'] or 0):.1f} %) | {also} |")
    good = report["good"]
    assert isinstance(good, dict)
    print("\n| good captures | pages | false alarms | notices |")
    print("|---|---|---|---|")
    for condition, row in good.items():
        notes = ", ".join(f"{code} {count}" for code, count in row["notices"].items()) or "—"
        print(f"| {condition} | {row['captures']} | {row['false_alarms']} ({100 * (row['rate'] or 0):.1f} %) | {notes} |")
    total = report["good_total"]
    assert isinstance(total, dict)
    print(f"| all | {total['captures']} | {total['false_alarms']} ({100 * (total['rate'] or 0):.1f} %) | |")
    print(f"\nCPU time per page (ms): {report['cpu_ms_per_page']}")
    for line in report["false_alarms"]:  # type: ignore[attr-defined]
        print(f"false alarm: {line}")
    for name, row in damaged.items():
        for line in row["missed"]:
            print(f"missed {name}: {line}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.capture_quality", description=__doc__.split("\n\n")[0])
    parser.add_argument("folders", type=Path, nargs="*", default=[Path("samples/dossiers")])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path, help="also write the report here")
    parser.add_argument("--show", action="store_true", help="print each good capture's measurements")
    parser.add_argument("--only", choices=sorted(DAMAGES), help="make only this damage (with --show: print its measurements)")
    args = parser.parse_args(argv)
    report = measure(args.folders, args.seed, args.show, args.only)
    print_report(report)
    if args.json:
        args.json.write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
