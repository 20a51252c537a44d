"""``hoso-tools calibrate``: fit (or check) the confidence calibration table on sets with ground truth.

    hoso-tools calibrate DIR... --cache CACHE [--write]

For every OCR value of a known field, the raw confidence (calibration off) and whether the value
is right are collected per group of value kinds (names, dates, numbers, addresses, other text;
read once or read twice alike). Per group, the table keeps the lowest raw confidence from which no
value was wrong (never below ``FLOOR``; a value checked or read twice alike: ``CHECKED_FLOOR``; a closed list's
members: ``CLOSED_LIST_FLOOR``), if at least ``MIN_SUPPORT`` values stand there; a group with fewer is never
accepted without a look. ``--write`` stores it in ``extractors/data/calibration.json``; without it
the reliability table is printed and, where a table exists, how the calibrated values would fare
(fit on one set, check on another: run it once with ``--write`` on the first, then on the second).
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from extractors.calibration import (
    ACCEPT,
    TABLE_PATH,
    CalibrationTable,
    Threshold,
    calibrated,
    disagreed,
    field_group,
    raw_confidences,
    table,
)
from extractors.spec import spec_for
from tools.evaluate import NOT_FIELDS, match_document, normalise, result_for, truth_files

MIN_SUPPORT = 30
FLOOR = 0.6  # whatever a set shows, a value OCR read below this is never accepted unseen
# except a member of a closed list read as it is (a sex, a nationality, an ethnic group, a relation): Tesseract
# doubts "Nam" at 0.3 between "Nam", "Năm" and "Nâm", which the list reads alike, and the members are far apart;
# a list's value read with a doubt of its own is in "vocabulary+doubted", under FLOOR
CLOSED_LIST_FLOOR = 0.2
CLOSED_LIST_GROUPS = {"vocabulary", "vocabulary+twice", "text+whole"}  # "text+whole": a prescribed status in full
# a value something besides its one OCR reading vouches for in every part: read twice alike, every unit in the
# register, every word a prescribed, registered or name word. Own and independent renderings had no wrong value in
# these groups between 0.5 and 0.6. Not an address with a street: nothing checks its house numbers ("Số 2349" for
# 249 was accepted at 0.55 on a held-out set)
CHECKED_FLOOR = 0.5
CHECKED_GROUPS = {"address+registered", "date+twice", "number+twice", "name+twice", "text+checked", "text+names_twice"}
BUCKETS = (0.0, 0.5, 0.7, 0.8, 0.85, 0.9, 0.95, 1.01)


@dataclass(frozen=True)
class Sample:
    group: str
    confidence: float
    right: bool


def collect(directories: list[Path], cache: Path) -> list[Sample]:
    """(group, raw confidence, right?) for every OCR value of a known field in the sets."""
    samples = []
    with raw_confidences():
        for directory in directories:
            for truth_path in truth_files(directory):
                truth = json.loads(truth_path.read_text(encoding="utf-8"))
                result = result_for(truth_path.parent / truth["file"], cache)
                for expected in truth["documents"]:
                    samples += _samples_of(expected, match_document(expected, result.documents, result.pages))
    return samples


def _samples_of(expected: dict, found) -> list[Sample]:  # type: ignore[no-untyped-def]
    spec = spec_for(expected["document_type"])
    if found is None or spec is None or found.document_type != expected["document_type"]:
        return []
    samples = []
    for name, wanted in expected["fields"].items():
        field, field_spec = found.fields.get(name), spec.fields.get(name)
        if name in NOT_FIELDS or field is None or field_spec is None or field.source != "ocr" or field.value is None:
            continue
        if disagreed(field):
            continue  # never accepted unseen (two readings differ): not part of any group's fit
        samples.append(Sample(field_group(field, field_spec.kind), field.confidence,
                              normalise(field.value) == normalise(wanted)))
    return samples


def fit(samples: list[Sample]) -> dict[str, Threshold]:
    """Per group: the lowest raw confidence from which every value was right (with enough support)."""
    by_group: dict[str, list[Sample]] = defaultdict(list)
    for sample in samples:
        by_group[sample.group].append(sample)
    thresholds = {}
    for group, members in sorted(by_group.items()):
        ordered = sorted(members, key=lambda s: -s.confidence)
        worst_wrong = max((s.confidence for s in members if not s.right), default=-1.0)
        above = [s for s in ordered if s.confidence > worst_wrong]
        floor = CLOSED_LIST_FLOOR if group in CLOSED_LIST_GROUPS else CHECKED_FLOOR if group in CHECKED_GROUPS else FLOOR
        accept_from = max(floor, min((s.confidence for s in above), default=1.0))
        above = [s for s in above if s.confidence >= accept_from]
        if len(above) < MIN_SUPPORT:
            accept_from = 1.0
        # rounded up, never down: a rounded threshold must not reach the worst wrong value
        thresholds[group] = Threshold(accept_from=math.ceil(accept_from * 1000) / 1000, support=len(above),
                                      seen=len(members))
    return thresholds


def reliability(samples: list[Sample]) -> list[str]:
    """Accuracy per group and raw-confidence bucket: "n right/all" per bucket."""
    groups = sorted({s.group for s in samples})
    header = f"{'group':<16}" + "".join(f"{f'{lo:.2f}-{min(hi, 1):.2f}':>14}" for lo, hi in zip(BUCKETS, BUCKETS[1:]))
    lines = [header]
    for group in groups:
        cells = []
        for lo, hi in zip(BUCKETS, BUCKETS[1:]):
            inside = [s for s in samples if s.group == group and lo <= s.confidence < hi]
            cells.append(f"{sum(s.right for s in inside)}/{len(inside)}" if inside else ".")
        lines.append(f"{group:<16}" + "".join(f"{cell:>14}" for cell in cells))
    return lines


def check(samples: list[Sample], fitted: CalibrationTable) -> str:
    """How the table's calibrated values fare on these samples: accepted, and wrong among them."""
    accepted = [s for s in samples
                if (t := fitted.groups.get(s.group)) is not None and calibrated(s.confidence, t.accept_from) >= ACCEPT]
    wrong = sum(not s.right for s in accepted)
    share = len(accepted) / len(samples) if samples else 0.0
    return (f"OCR values: {len(samples)}, accepted without a look after calibration: {len(accepted)} "
            f"({100 * share:.1f} %), wrong among them: {wrong} ({100 * wrong / max(1, len(accepted)):.2f} %)")


def main(directories: list[Path], cache: Path, write: bool, command: str) -> int:
    samples = collect(directories, cache)
    for line in reliability(samples):
        print(line)
    if write:
        fitted = CalibrationTable(fitted_with=command, groups=fit(samples))
        TABLE_PATH.write_text(json.dumps(fitted.model_dump(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        table.cache_clear()
        print(f"written: {TABLE_PATH}")
    current = table()
    if current is not None:
        print(check(samples, current))
    return 0
