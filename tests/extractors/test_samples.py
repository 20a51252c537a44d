"""The committed sample dossiers, end to end: classification, and every field of the born-digital ones.

Scans are read by OCR, whose errors the reviewers see: for them the test asks for
the right document types, most fields right, and no wrong value stated with
confidence. Each file is processed once per test session.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest

from tools.evaluate import match_document, normalise
from usecases.process import process_file
from schemas import ExtractionResult

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "dossiers"
TRUTHS = sorted(SAMPLES.glob("*.truth.json"))
CONFIDENT = 0.9

pytestmark = pytest.mark.integration  # reads pages with Tesseract



@cache
def extracted(truth_path: Path) -> tuple[dict, ExtractionResult]:
    truth = json.loads(truth_path.read_text(encoding="utf-8"))
    return truth, process_file(SAMPLES / truth["file"]).result


def compared(truth: dict, result: ExtractionResult):
    """(document type, field, expected, field or None) for every truth field."""
    for expected in truth["documents"]:
        document = match_document(expected, result.documents)
        for name, wanted in expected["fields"].items():
            if name == "expiry_no_expiry":
                continue
            yield expected, name, wanted, (document.fields.get(name) if document else None)


@pytest.mark.parametrize("truth_path", TRUTHS, ids=[p.name.removesuffix(".truth.json") for p in TRUTHS])
def test_sample_is_classified_and_read(truth_path):
    truth, result = extracted(truth_path)
    assert not [e for e in result.errors if e.code != "extraction_failed"], result.errors
    for expected in truth["documents"]:
        document = match_document(expected, result.documents)
        assert document is not None and document.document_type == expected["document_type"]
    rows = list(compared(truth, result))
    right = [normalise(f.value if f else None) == normalise(wanted) for _, _, wanted, f in rows]
    confident_wrong = [name for (_, name, _, f), ok in zip(rows, right) if f and f.confidence >= CONFIDENT and not ok]
    assert confident_wrong == []
    born_digital = all(d.get("text_layer", truth["condition"] == "digital_pdf") for d in truth["documents"])
    if truth["condition"] == "digital_pdf" and born_digital:
        assert all(right), [name for (_, name, _, _), ok in zip(rows, right) if not ok]


def test_most_fields_of_the_scanned_samples_are_read_right():
    right = total = 0
    for truth_path in TRUTHS:
        truth, result = extracted(truth_path)
        for _, _, wanted, found in compared(truth, result):
            total += 1
            right += normalise(found.value if found else None) == normalise(wanted)
    assert right / total >= 0.85, f"{right}/{total}"
