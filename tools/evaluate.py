"""`hoso eval`: run the pipeline over a generated set and score it against the ground truth.

Scores per document type and per condition: classification accuracy, field
accuracy (exact after normalisation), CER of the OCR text, and the
false-confidence rate: of the values reported with confidence ≥ 0.9, the share
that is wrong. The last line printed is one JSON object.
"""

from __future__ import annotations

import json
import unicodedata
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from collections.abc import Iterable

from tools.metrics import cer
from usecases.process import default_workers, process_file
from schemas import Document, ExtractionResult

CONFIDENT = 0.9
TRUTH_SUFFIX = ".truth.json"
NOT_FIELDS = {"expiry_no_expiry"}  # truth keys that describe another field


@dataclass
class Tally:
    documents: int = 0
    classified: int = 0
    fields: int = 0
    correct: int = 0
    confident: int = 0
    confident_wrong: int = 0
    cer_sum: float = 0.0
    pages: int = 0
    wrong: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def add(self, other: Tally) -> None:
        for name in ("documents", "classified", "fields", "correct", "confident", "confident_wrong", "cer_sum", "pages"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for key, count in other.wrong.items():
            self.wrong[key] += count

    def summary(self) -> dict[str, float | int | None]:
        return {
            "documents": self.documents,
            "classification": _ratio(self.classified, self.documents),
            "field_accuracy": _ratio(self.correct, self.fields),
            "cer": round(self.cer_sum / self.pages, 4) if self.pages else None,
            "false_confidence": _ratio(self.confident_wrong, self.confident),
            "fields": self.fields,
        }


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def truth_files(directory: Path) -> list[Path]:
    return sorted(directory.rglob(f"*{TRUTH_SUFFIX}"))


def normalise(value: Any) -> Any:
    if isinstance(value, str):
        return " ".join(unicodedata.normalize("NFC", value).split())
    if isinstance(value, list):
        return [normalise(item) for item in value]
    if isinstance(value, dict):
        return {key: normalise(item) for key, item in value.items()}
    return value


def score_file(truth: dict[str, Any], result: ExtractionResult) -> Tally:
    """How one file's extraction compares with its ground truth."""
    tally = Tally()
    for expected in truth["documents"]:
        tally.documents += 1
        found = match_document(expected, result.documents)
        if found is not None and found.document_type == expected["document_type"]:
            tally.classified += 1
        for name, wanted in expected["fields"].items():
            if name in NOT_FIELDS:
                continue
            tally.fields += 1
            got_field = found.fields.get(name) if found is not None else None
            if name == "expiry_date" and expected["fields"].get("expiry_no_expiry"):
                ok = got_field is not None and bool(got_field.no_expiry)
            else:
                ok = normalise(got_field.value if got_field is not None else None) == normalise(wanted)
            tally.correct += ok
            if not ok:
                tally.wrong[f"{expected['document_type']}.{name}"] += 1
            if got_field is not None and got_field.confidence >= CONFIDENT and (got_field.value is not None or got_field.no_expiry):
                tally.confident += 1
                tally.confident_wrong += not ok
    pages = {page.number: page for page in result.pages}
    for expected_page in truth.get("pages", []):
        page = pages.get(expected_page["number"])
        tally.pages += 1
        tally.cer_sum += cer(expected_page["text"], page.text if page else "")
    return tally


def match_document(expected: dict[str, Any], documents: list[Document]) -> Document | None:
    """The extracted document that covers the expected one's pages (the most overlap wins)."""
    wanted = set(expected["pages"])
    best = max(documents, key=lambda d: (len(wanted & set(d.pages)), d.document_type == expected["document_type"]), default=None)
    return best if best is not None and wanted & set(best.pages) else None


def evaluate(directory: Path, workers: int | None = None) -> tuple[dict[str, Tally], dict[str, Tally], Tally]:
    """Tallies by document type, by condition, and overall."""
    paths = truth_files(directory)
    workers = workers or default_workers()

    def run(truth_path: Path) -> tuple[dict[str, Any], ExtractionResult]:
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        return truth, process_file(truth_path.parent / truth["file"], workers=1).result

    by_type: dict[str, Tally] = defaultdict(Tally)
    by_condition: dict[str, Tally] = defaultdict(Tally)
    overall = Tally()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for truth, result in pool.map(run, paths):
            file_tally = score_file(truth, result)
            overall.add(file_tally)
            by_condition[truth.get("condition", "?")].add(file_tally)
            for expected in truth["documents"]:
                by_type[expected["document_type"]].add(score_file({**truth, "documents": [expected], "pages": []}, result))
    return dict(by_type), dict(by_condition), overall


def format_table(title: str, rows: dict[str, Tally]) -> Iterable[str]:
    yield f"{title:<24} {'docs':>5} {'class.':>7} {'fields':>7} {'CER':>7} {'false-conf':>10}"
    for name, tally in sorted(rows.items()):
        s = tally.summary()
        yield (f"{name:<24} {s['documents']:>5} {_pct(s['classification']):>7} {_pct(s['field_accuracy']):>7} "
               f"{_pct(s['cer']):>7} {_pct(s['false_confidence']):>10}")


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


def print_evaluation(directory: Path, workers: int | None = None, show_errors: bool = False) -> dict[str, Any]:
    by_type, by_condition, overall = evaluate(directory, workers)
    for line in format_table("document type", by_type):
        print(line)
    print()
    for line in format_table("condition", by_condition):
        print(line)
    if show_errors:
        print()
        for key, count in sorted(overall.wrong.items(), key=lambda item: -item[1]):
            print(f"  wrong {count:>3}  {key}")
    summary = {"files": len(truth_files(directory)), **overall.summary()}
    print("EVAL " + json.dumps(summary))
    return summary
