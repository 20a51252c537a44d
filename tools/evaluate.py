"""`hoso-tools eval`: run the pipeline over a generated set and score it against the ground truth.

Scores per document type and per condition: classification accuracy, field accuracy (exact after
normalisation), CER of the OCR text, the false-confidence rate (of the values reported with
confidence ≥ 0.9, the share that is wrong), and straight-through processing: the share of
documents that need no person, the share of fields accepted without a look (confidence ≥ 0.9 and
no review reason of their own) and the error rate among those. A confusion table of document types
follows. With ``--blockers``, every document that needs a person is listed with what stops it
(each review reason, its field's confidence and whether the value was right), then the blockers
ranked by how many documents they alone stop. The last line printed is one JSON object.

With ``--cache DIR`` each file's pages (OCR words, machine-zone readings) are kept by content hash,
so a second evaluation after an extractor change re-extracts without OCR.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from collections.abc import Iterable

import cv2
import numpy as np

from extractors.calibration import field_group, group_of
from extractors.registry import extract_documents
from extractors.spec import spec_for
from extractors.validate import printed_elsewhere
from schemas import UNKNOWN_TYPE, Document, ExtractionResult, Page
from tools.metrics import cer
from usecases.process import default_workers, process_file

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
    untouched: int = 0  # documents that need no person
    known: int = 0  # documents of a type hoso reads (an unknown component always goes to a person)
    known_untouched: int = 0
    accepted: int = 0  # fields accepted without a look
    accepted_wrong: int = 0
    wrong: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    accepted_wrong_values: list[str] = field(default_factory=list)  # "type.field: got ≠ wanted"
    confusion: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))

    def add(self, other: Tally) -> None:
        for name in ("documents", "classified", "fields", "correct", "confident", "confident_wrong", "cer_sum", "pages",
                     "untouched", "known", "known_untouched", "accepted", "accepted_wrong"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for key, count in other.wrong.items():
            self.wrong[key] += count
        self.accepted_wrong_values += other.accepted_wrong_values
        for pair, count in other.confusion.items():
            self.confusion[pair] += count

    def summary(self) -> dict[str, float | int | None]:
        return {
            "documents": self.documents,
            "classification": _ratio(self.classified, self.documents),
            "field_accuracy": _ratio(self.correct, self.fields),
            "cer": round(self.cer_sum / self.pages, 4) if self.pages else None,
            "false_confidence": _ratio(self.confident_wrong, self.confident),
            "no_person": _ratio(self.untouched, self.documents),
            "no_person_known_types": _ratio(self.known_untouched, self.known),
            "auto_accepted": _ratio(self.accepted, self.fields),
            "auto_accepted_wrong": _ratio(self.accepted_wrong, self.accepted),
            "fields": self.fields,
        }


@dataclass(frozen=True)
class Blocker:
    """One reason a document waits for a person, judged against the ground truth."""

    field: str  # the field the review reason names ("type" for the document's own)
    kind: str  # its calibration group (names, dates, addresses, ...), "-" where none
    cause: str  # unsure-right, unsure-wrong, missed, not-printed, check-right, check-wrong, type
    confidence: float | None
    reason: str

    @property
    def honest(self) -> bool:
        """Whether a person had something to correct: the value was wrong or missing."""
        return self.cause in {"unsure-wrong", "missed", "check-wrong", "type"}


@dataclass
class Blocked:
    file: str
    document_type: str
    blockers: list[Blocker]


def blockers_of(expected: dict[str, Any], found: Document | None) -> list[Blocker]:
    """Why an extracted document needs a person, each review reason judged against the truth."""
    if found is None:
        return [Blocker("type", "-", "type", None, "no document found")]
    if found.document_type != expected["document_type"] or found.document_type == UNKNOWN_TYPE:
        return [Blocker("type", "-", "type", None, f"given {found.document_type}")]
    spec = spec_for(found.document_type)
    out: list[Blocker] = []
    for reason in found.review_reasons:
        name, _, why = reason.partition(":")
        field_spec = spec.fields.get(name) if spec is not None else None
        if name not in found.fields and name not in expected["fields"]:
            out.append(Blocker(name, "-", "type" if name == "type" else "not-printed", None, reason))
            continue
        wanted = expected["fields"].get(name)
        got = found.fields.get(name)
        value = got.value if got is not None else None
        ok = (bool(got.no_expiry) if name == "expiry_date" and expected["fields"].get("expiry_no_expiry") and got
              else normalise(value) == normalise(wanted))
        if value is None and not (got is not None and got.no_expiry):
            cause = "not-printed" if wanted in (None, "", []) else "missed"
        elif "low confidence" in why:
            cause = "unsure-right" if ok else "unsure-wrong"
        else:
            cause = "check-right" if ok else "check-wrong"
        kind = "-" if field_spec is None else field_group(got, field_spec.kind) if got is not None \
            else group_of(field_spec.kind, False)
        out.append(Blocker(name, kind, cause, got.confidence if got is not None else None, reason))
    return out


def blocked_documents(truth: dict[str, Any], result: ExtractionResult) -> list[Blocked]:
    """The file's documents that need a person, with their blockers."""
    out = []
    for expected, found in zip(truth["documents"], match_documents(truth["documents"], result), strict=True):
        if expected["document_type"] == UNKNOWN_TYPE:
            continue  # an unknown component always goes to a person: not a straight-through blocker
        if found is None or found.needs_review or found.document_type == UNKNOWN_TYPE:
            out.append(Blocked(truth["file"], expected["document_type"], blockers_of(expected, found)))
    return out


def rank_blockers(blocked: list[Blocked], by_kind: bool = False) -> list[tuple[str, int, int]]:
    """(type.field: cause, documents it alone blocks, documents it blocks with others), most alone first
    (``by_kind``: the field's kind of value instead of type.field)."""
    alone: dict[str, int] = defaultdict(int)
    anywhere: dict[str, int] = defaultdict(int)
    for document in blocked:
        keys = {f"{b.kind if by_kind else f'{document.document_type}.{b.field}'}: {b.cause}" for b in document.blockers}
        for key in keys:
            anywhere[key] += 1
            if len(keys) == 1:
                alone[key] += 1
    return sorted(((key, alone[key], anywhere[key]) for key in anywhere), key=lambda row: (-row[1], -row[2], row[0]))


def format_blockers(blocked: list[Blocked]) -> Iterable[str]:
    for document in blocked:
        honest = " (honest)" if any(b.honest for b in document.blockers) else ""
        yield f"{document.file} {document.document_type}{honest}"
        for b in document.blockers:
            confidence = "-" if b.confidence is None else f"{b.confidence:.3f}"
            yield f"    {b.cause:<13} {confidence:>6}  {b.reason}"
    yield ""
    only_right = sum(not any(b.honest for b in d.blockers) for d in blocked)
    yield f"{len(blocked)} documents need a person; {only_right} of them for values that were all right"
    yield f"{'blocker':<60} {'alone':>5} {'any':>5}"
    for key, alone, anywhere in rank_blockers(blocked):
        yield f"{key:<60} {alone:>5} {anywhere:>5}"
    yield ""
    yield f"{'blocker by kind of value':<60} {'alone':>5} {'any':>5}"
    for key, alone, anywhere in rank_blockers(blocked, by_kind=True):
        yield f"{key:<60} {alone:>5} {anywhere:>5}"


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


def score_file(truth: dict[str, Any], result: ExtractionResult, only: int | None = None) -> Tally:
    """How one file's extraction compares with its ground truth (``only``: its ``only``-th document alone)."""
    tally = Tally()
    matches = match_documents(truth["documents"], result)
    for index, (expected, found) in enumerate(zip(truth["documents"], matches, strict=True)):
        if only is not None and index != only:
            continue
        tally.documents += 1
        got_type = found.document_type if found is not None else "(none)"
        tally.confusion[(expected["document_type"], got_type)] += 1
        if got_type == expected["document_type"]:
            tally.classified += 1
        untouched = found is not None and got_type != UNKNOWN_TYPE and not found.needs_review
        tally.untouched += untouched
        if expected["document_type"] != UNKNOWN_TYPE:
            tally.known += 1
            tally.known_untouched += untouched
        flagged = {reason.split(":", 1)[0] for reason in (found.review_reasons if found is not None else [])}
        for name, wanted in expected["fields"].items():
            if name in NOT_FIELDS:
                continue
            got_field = found.fields.get(name) if found is not None else None
            if (got_field is None or got_field.value is None and not got_field.no_expiry) and not_shown(expected, name):
                continue  # the paper shows one side of a card: a field its other side prints cannot be read
            tally.fields += 1
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
                if name not in flagged:
                    tally.accepted += 1
                    tally.accepted_wrong += not ok
                    if not ok:
                        tally.accepted_wrong_values.append(
                            f"{truth['file']} {expected['document_type']}.{name} ({got_field.source}, "
                            f"{got_field.confidence:.3f}, {got_field.note}): {got_field.value!r} ≠ {wanted!r}")
    texts: dict[int, list[str]] = defaultdict(list)  # the file's pages: a sheet cut into card sides is read side by side
    for page in result.pages:
        texts[page.source_page or page.number].append(page.text)
    for expected_page in truth.get("pages", []) if only is None else []:
        tally.pages += 1
        tally.cer_sum += cer(expected_page["text"], "\n".join(texts.get(expected_page["number"], [])))
    return tally


def match_document(expected: dict[str, Any], documents: list[Document], pages: list[Page] | None = None,
                   taken: Iterable[int] = ()) -> Document | None:
    """The extracted document that covers the expected one's pages (the most overlap wins, then the
    type, then the most fields agreeing: two citizens' cards on one sheet). ``pages``: the result's
    pages, whose ``source_page`` maps a sheet cut into card sides back to the file's page numbers the
    truth uses; ``taken``: indexes of documents already matched to other expected documents."""
    to_file = {page.number: page.source_page or page.number for page in pages or []}
    wanted = set(expected["pages"])
    excluded = set(taken)

    def covered(document: Document) -> set[int]:
        return wanted & {to_file.get(number, number) for number in document.pages}

    def agreeing(document: Document) -> int:
        return sum(normalise(document.fields[name].value) == normalise(value)
                   for name, value in expected["fields"].items() if name in document.fields)

    candidates = [d for i, d in enumerate(documents) if i not in excluded and covered(d)]
    if not candidates:
        return None
    return max(candidates, key=lambda d: (len(covered(d)), d.document_type == expected["document_type"], agreeing(d)))


def not_shown(expected: dict[str, Any], name: str) -> bool:
    """Whether the truth's document is one side of a two-sided card ("side": "front" or "back") and its type
    prints the field on the other side: the citizen's value is known, the paper does not show it. Scored only
    when a value was returned anyway (from a code on the side, or wrongly)."""
    side = expected.get("side")
    spec = spec_for(expected["document_type"]) if side in ("front", "back") else None
    field_spec = spec.fields.get(name) if spec is not None else None
    return field_spec is not None and printed_elsewhere(field_spec, expected.get("variant"), side)


def match_documents(expected: list[dict[str, Any]], result: ExtractionResult) -> list[Document | None]:
    """Each expected document's extracted document, one to one (the most agreeing pairs first)."""
    matches: list[Document | None] = [None] * len(expected)
    taken: list[int] = []
    order = sorted(range(len(expected)), key=lambda i: -_agreement(expected[i], result))
    for index in order:
        found = match_document(expected[index], result.documents, result.pages, taken)
        if found is not None:
            matches[index] = found
            taken.append(next(i for i, d in enumerate(result.documents) if d is found))
    return matches


def _agreement(expected: dict[str, Any], result: ExtractionResult) -> int:
    best = match_document(expected, result.documents, result.pages)
    return sum(normalise(best.fields[name].value) == normalise(value)
               for name, value in expected["fields"].items() if name in best.fields) if best else 0


def result_for(path: Path, cache: Path | None) -> ExtractionResult:
    """The file's extraction; with a cache, OCR once per content and extract again from the kept pages
    and page images (lossless PNG, so second readings of values see the same pixels)."""
    if cache is None:
        return process_file(path, workers=1).result
    key = cache / hashlib.sha256(path.read_bytes()).hexdigest()
    if not (key / "result.json").exists():
        processed = process_file(path, workers=1)
        key.mkdir(parents=True, exist_ok=True)
        for number in processed.images:
            cv2.imwrite(str(key / f"page-{number}.png"), processed.images[number])
        (key / "result.json").write_text(processed.result.model_dump_json(exclude={"documents"}), encoding="utf-8")
        return processed.result
    result = ExtractionResult.model_validate_json((key / "result.json").read_text(encoding="utf-8"))
    images: dict[int, np.ndarray] = {}
    for page in result.pages:
        image = cv2.imread(str(key / f"page-{page.number}.png"), cv2.IMREAD_UNCHANGED)
        if image is not None:
            images[page.number] = image
    result.documents = extract_documents(result.pages, images) if result.pages else []
    return result


def evaluate(directory: Path, workers: int | None = None, cache: Path | None = None,
             blocked: list[Blocked] | None = None) -> tuple[dict[str, Tally], dict[str, Tally], Tally]:
    """Tallies by document type, by condition, and overall (``blocked``: filled with the documents
    that need a person)."""
    paths = truth_files(directory)
    workers = workers or default_workers()

    def run(truth_path: Path) -> tuple[dict[str, Any], ExtractionResult]:
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        return truth, result_for(truth_path.parent / truth["file"], cache)

    by_type: dict[str, Tally] = defaultdict(Tally)
    by_condition: dict[str, Tally] = defaultdict(Tally)
    overall = Tally()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for truth, result in pool.map(run, paths):
            file_tally = score_file(truth, result)
            if blocked is not None:
                blocked += blocked_documents(truth, result)
            overall.add(file_tally)
            by_condition[truth.get("condition", "?")].add(file_tally)
            for index, expected in enumerate(truth["documents"]):
                by_type[expected["document_type"]].add(score_file(truth, result, only=index))
    return dict(by_type), dict(by_condition), overall


def format_table(title: str, rows: dict[str, Tally]) -> Iterable[str]:
    yield (f"{title:<28} {'docs':>5} {'class.':>7} {'fields':>7} {'CER':>7} {'false-conf':>10} "
           f"{'no person':>9} {'auto-acc.':>9} {'its errors':>10}")
    for name, tally in sorted(rows.items()):
        s = tally.summary()
        yield (f"{name:<28} {s['documents']:>5} {_pct(s['classification']):>7} {_pct(s['field_accuracy']):>7} "
               f"{_pct(s['cer']):>7} {_pct(s['false_confidence']):>10} {_pct(s['no_person']):>9} "
               f"{_pct(s['auto_accepted']):>9} {_pct(s['auto_accepted_wrong'], 2):>10}")


def format_confusion(confusion: dict[tuple[str, str], int]) -> Iterable[str]:
    """Rows: the true type; columns: the type hoso gave."""
    truths = sorted({truth for truth, _ in confusion})
    given = sorted({got for _, got in confusion})
    yield "true \\ given".ljust(28) + "".join(f"{name[:14]:>15}" for name in given)
    for truth in truths:
        yield f"{truth:<28}" + "".join(f"{confusion.get((truth, got), 0) or '.':>15}" for got in given)


def _pct(value: float | None, decimals: int = 1) -> str:
    return "-" if value is None else f"{100 * value:.{decimals}f}%"


def print_evaluation(directory: Path, workers: int | None = None, show_errors: bool = False,
                     cache: Path | None = None, show_blockers: bool = False) -> dict[str, Any]:
    blocked: list[Blocked] = []
    by_type, by_condition, overall = evaluate(directory, workers, cache, blocked)
    for line in format_table("document type", by_type):
        print(line)
    print()
    for line in format_table("condition", by_condition):
        print(line)
    print()
    for line in format_confusion(overall.confusion):
        print(line)
    if show_errors:
        print()
        for key, count in sorted(overall.wrong.items(), key=lambda item: -item[1]):
            print(f"  wrong {count:>3}  {key}")
    if show_blockers:
        print()
        for line in overall.accepted_wrong_values:
            print(f"accepted but wrong: {line}")
        for line in format_blockers(blocked):
            print(line)
    summary = {"files": len(truth_files(directory)), **overall.summary()}
    print("EVAL " + json.dumps(summary))
    return summary
