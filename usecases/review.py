"""The review loop's use cases, shared by ``hoso review`` and the query service (API and pages):

- ``queue``: what waits for a person, oldest first;
- ``open_document``: one version as a reviewer sees it: the pages its values were read on (the normalised page
  images the boxes are measured on), each field with value, confidence, box, source, whether it needs a person
  and why;
- ``page_image``: such a page's image (JPEG);
- ``review``: corrections, validated like extracted values, and confirmation: a new version;
- ``reject``: a reviewer refuses a version with a reason.

Values a person gives are read by the same value readers as OCR'd text (``extractors.kinds``): a date that
does not exist, an id number whose digits disagree with the birth date or sex, an address in no known
province are refused (``InvalidValue``, 422 / exit 2) and never stored.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import cv2
import numpy as np

from extractors.kinds import READERS
from extractors.readers.dates import parse_date_in_words
from extractors.readers.ids import check_id_number
from extractors.spec import FieldSpec, TypeSpec, record_spec, spec_for
from pipeline.load import load_pages
from records import fieldstate
from records.db import Database
from records.refs import DocumentRef
from records.review import (
    Correction,
    Evidence,
    QueuePage,
    ReviewRecord,
    page_sources,
    queue_filters,
    record_review,
    reject_document,
    review_queue,
    review_record,
)
from records.storage.objects import (
    WORDS_NAME,
    ObjectNotFound,
    ObjectStore,
    artefact_key,
    page_image_name,
    put_artefact,
)
from schemas import nfc
from schemas.errors import BadInput, InvalidValue, NotFound

log = logging.getLogger(__name__)

__all__ = ["ReviewDocument", "ReviewField", "ReviewPage", "QueuePage", "queue", "queue_filters", "open_document",
           "page_image", "prepare_pages", "review", "reject", "draw_page", "type_title", "NO_EXPIRY_TEXT"]

NO_EXPIRY_TEXT = "Không thời hạn"
PAGE_IMAGE_QUALITY = 90
SCREEN_IMAGE_QUALITY = 80
# kinds whose reader's doubts make a person's value impossible, not merely unusual (an unusual name is a name)
STRICT_KINDS = frozenset({"date", "date_in_words", "year", "sex", "id_number", "ethnicity", "expiry", "address",
                          "unit_address", "code"})
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# control characters and lone surrogates: nothing a person types, and PostgreSQL cannot store NUL
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_MAX_VALUE_CHARS = 1000
_FIELD_NAME = re.compile(r"[a-z][a-z0-9_]{0,63}")


# ---------------------------------------------------------------- the document view


@dataclass(frozen=True)
class ReviewPage:
    """One page a document's values were read on: ``index`` is its number in the view (1-based)."""

    index: int
    original_id: int
    sha256: str
    page: int  # the page of the original file
    width: int | None
    height: int | None


@dataclass(frozen=True)
class ReviewReason:
    kind: str
    detail: str


@dataclass(frozen=True)
class ReviewField:
    name: str
    label: str
    section: str | None
    kind: str
    required: bool
    editable: bool
    value: Any
    no_expiry: bool
    confidence: float | None
    page: int | None  # a ReviewPage.index
    bbox: tuple[int, int, int, int] | None
    source: str | None
    note: str | None
    needs_review: bool
    reasons: tuple[ReviewReason, ...]
    reviewed_by: str | None = None
    reviewed_at: str | None = None
    review_action: str | None = None


@dataclass(frozen=True)
class ReviewDocument:
    document_id: int
    document_type: str
    title: str
    variant: str | None
    version: int
    status: str
    current: bool  # the newest version, open to review
    waiting_since: datetime | None
    reasons: tuple[str, ...]  # the document's own (no field carries them)
    review_reasons: tuple[str, ...]
    pages: tuple[ReviewPage, ...]
    fields: tuple[ReviewField, ...]
    branch: str | None
    procedure_code: str | None
    rejection_reason: str | None
    subject_id_number: str | None = field(default=None, repr=False)  # for the audit log's subject hash

    @property
    def doubtful(self) -> list[ReviewField]:
        return [f for f in self.fields if f.needs_review]

    def field(self, name: str) -> ReviewField:
        found = next((f for f in self.fields if f.name == name), None)
        if found is None:
            raise NotFound(f"no field {name!r} on document {self.document_id}")
        return found


def queue(db: Database, *, branch: str | None = None, procedure: str | None = None,
          document_type: str | None = None, limit: int = 50, cursor: str | None = None) -> QueuePage:
    return review_queue(db, branch=branch, procedure=procedure, document_type=document_type, limit=limit,
                        cursor=cursor)


def open_document(db: Database, store: ObjectStore, document_id: int) -> ReviewDocument:
    record = review_record(db, document_id)
    spec = spec_for(record.document_type)
    pages = _pages(store, record.evidence)
    page_index = {(p.original_id, p.page): p.index for p in pages}
    by_field: dict[str, list[Evidence]] = {}
    for evidence in record.evidence:
        by_field.setdefault(evidence.field_name, []).append(evidence)
    names = _field_order(spec, record)
    fields = tuple(_review_field(name, spec, record, by_field.get(name, []), page_index) for name in names)
    return ReviewDocument(
        document_id=record.id, document_type=record.document_type,
        title=spec.title if spec else record.document_type, variant=record.variant, version=record.version,
        status=record.status, current=record.newest_id == record.id and record.status not in ("superseded", "rejected"),
        waiting_since=record.waiting_since, reasons=tuple(record.state.get("document", [])),
        review_reasons=tuple(fieldstate.reasons(record.state)), pages=tuple(pages), fields=fields,
        branch=record.branch, procedure_code=record.procedure_code, rejection_reason=record.rejection_reason,
        subject_id_number=record.subject_id_number)


def _field_order(spec: TypeSpec | None, record: ReviewRecord) -> list[str]:
    """The type's fields in its order (those read, and missing ones in doubt), then any others read (machine
    zones, tables); ``no_expiry`` is shown as the expiry date's value, not as a field."""
    names = [name for name in (spec.fields if spec else ())
             if name in record.fields or name in record.state["fields"]]
    names += [name for name in record.fields if name not in names and name != "no_expiry"]
    names += [name for name in record.state["fields"] if name not in names and name != "no_expiry"]
    return names


def _review_field(name: str, spec: TypeSpec | None, record: ReviewRecord, evidence: list[Evidence],
                  page_index: Mapping[tuple[int, int], int]) -> ReviewField:
    field_spec: FieldSpec | None = spec.fields.get(name) if spec else None
    state = record.state["fields"].get(name) or {"needs_review": False, "reasons": [], "review": None}
    reviewed = [e for e in evidence if e.source == "review"]
    best = reviewed[0] if reviewed else max(evidence, key=lambda e: e.confidence, default=None)
    value = record.fields.get(name)
    review = state.get("review") or {}
    return ReviewField(
        name=name, label=_label(field_spec, name), section=_section(spec, field_spec),
        kind=field_spec.kind if field_spec else "text", required=bool(field_spec and field_spec.required),
        editable=field_spec is not None and not isinstance(value, list), value=value,
        no_expiry=name == "expiry_date" and bool(record.fields.get("no_expiry")),
        confidence=best.confidence if best else None,
        page=page_index.get((best.original_id, best.page)) if best and best.page else None,
        bbox=best.bbox if best else None, source=best.source if best else None,
        note=best.extras.get("note") if best else None, needs_review=bool(state["needs_review"]),
        reasons=tuple(ReviewReason(r["kind"], r["detail"]) for r in state["reasons"]),
        reviewed_by=review.get("by"), reviewed_at=review.get("at"), review_action=review.get("action"))


def _label(field_spec: FieldSpec | None, name: str) -> str:
    """The label printed on the document (its Vietnamese part), else the field's name."""
    if field_spec is None or not field_spec.labels:
        return name
    return field_spec.labels[0].split(" / ")[0]


def _section(spec: TypeSpec | None, field_spec: FieldSpec | None) -> str | None:
    """A part of the document named as it prints it ("Thông tin người mẹ" → "Người mẹ"), None for the main part."""
    if spec is None or field_spec is None or field_spec.section == "main":
        return None
    anchors = spec.sections.get(field_spec.section, [])
    for anchor in anchors:
        if anchor.startswith("Thông tin "):
            rest = anchor.removeprefix("Thông tin ").removeprefix("về ").removeprefix("của ")
            return rest[:1].upper() + rest[1:]
    return min(anchors, key=len) if anchors else field_spec.section


# ---------------------------------------------------------------- pages and their images


_PAGE_INFO: OrderedDict[str, dict[int, dict[str, Any]]] = OrderedDict()
_PAGE_INFO_LOCK = threading.Lock()
_PAGE_INFO_SIZE = 256


def _pages(store: ObjectStore, evidence: list[Evidence]) -> list[ReviewPage]:
    seen: dict[tuple[int, int], Evidence] = {}
    for item in evidence:
        if item.page is not None:
            seen.setdefault((item.original_id, item.page), item)
    pages = []
    for index, ((original_id, page), item) in enumerate(sorted(seen.items()), start=1):
        info = _page_info(store, item.sha256).get(page, {})
        pages.append(ReviewPage(index, original_id, item.sha256, page, info.get("width"), info.get("height")))
    return pages


def _page_info(store: ObjectStore, sha256: str) -> dict[int, dict[str, Any]]:
    """Size, resolution and source of each page of an original, from its stored words (kept in memory: they
    never change for the same bytes)."""
    with _PAGE_INFO_LOCK:
        if sha256 in _PAGE_INFO:
            _PAGE_INFO.move_to_end(sha256)
            return _PAGE_INFO[sha256]
    try:
        words = json.loads(store.get(artefact_key(sha256, WORDS_NAME)))
        info = {page["number"]: {key: page.get(key) for key in ("width", "height", "dpi", "source")}
                for page in words.get("pages", [])}
    except (ObjectNotFound, ValueError, KeyError, TypeError):
        info = {}
    with _PAGE_INFO_LOCK:
        _PAGE_INFO[sha256] = info
        while len(_PAGE_INFO) > _PAGE_INFO_SIZE:
            _PAGE_INFO.popitem(last=False)
    return info


def page_image(db: Database, store: ObjectStore, document_id: int, index: int, *, max_width: int | None = None
               ) -> bytes:
    """The normalised image (JPEG) of a document's page ``index`` (as ``open_document`` numbers them): the page
    the boxes are measured on. A text-layer page has none stored: it is rendered from the original, as the
    pipeline rendered it, and kept for the next time.

    ``max_width``: a smaller copy for a screen (kept too), when the page is wider and its size is known (a page
    shows it with its boxes in the full image's pixels, scaled alike); else the image itself."""
    sources = page_sources(db, document_id)
    pages = _pages(store, sources)
    page = next((p for p in pages if p.index == index), None)
    if page is None:
        raise NotFound(f"document {document_id} has no page {index}")
    if max_width and page.width and page.width > max_width:
        name = f"page-{page.page:04d}.w{max_width}.jpg"
        try:
            return store.get(artefact_key(page.sha256, name))
        except ObjectNotFound:
            pass
        full = _full_page_image(store, document_id, sources, page)
        image = cv2.imdecode(np.frombuffer(full, np.uint8), cv2.IMREAD_UNCHANGED)
        if image is None:
            return full
        height = round(image.shape[0] * max_width / image.shape[1])
        ok, jpeg = cv2.imencode(".jpg", cv2.resize(image, (max_width, height), interpolation=cv2.INTER_AREA),
                                [cv2.IMWRITE_JPEG_QUALITY, SCREEN_IMAGE_QUALITY])
        if not ok:
            return full
        put_artefact(store, page.sha256, name, jpeg.tobytes(), "image/jpeg")
        return jpeg.tobytes()
    return _full_page_image(store, document_id, sources, page)


def prepare_pages(db: Database, store: ObjectStore, document_id: int, *, max_width: int | None = None) -> int:
    """Make a document's page images ready (renditions made and kept, text-layer pages rendered) before anyone
    asks: the page does it for the next document in the queue while the reviewer reads this one. Returns how
    many pages it touched."""
    pages = _pages(store, page_sources(db, document_id))
    for page in pages:
        page_image(db, store, document_id, page.index, max_width=max_width)
    return len(pages)


def _full_page_image(store: ObjectStore, document_id: int, sources: list[Evidence], page: ReviewPage) -> bytes:
    try:
        return store.get(artefact_key(page.sha256, page_image_name(page.page)))
    except ObjectNotFound:
        pass
    original_key = next(e.object_key for e in sources if e.original_id == page.original_id)
    try:
        _, source_pages = load_pages(store.get(original_key))
    except BadInput as error:  # no image was kept and the original cannot be rendered
        raise NotFound(f"page {page.index} of document {document_id} has no image ({error.code})") from None
    if page.page > len(source_pages):
        raise NotFound(f"the original of document {document_id} has no page {page.page}")
    ok, jpeg = cv2.imencode(".jpg", source_pages[page.page - 1].pixels, [cv2.IMWRITE_JPEG_QUALITY, PAGE_IMAGE_QUALITY])
    if not ok:
        raise NotFound(f"page {page.index} of document {document_id} could not be rendered")
    data = jpeg.tobytes()
    put_artefact(store, page.sha256, page_image_name(page.page), data, "image/jpeg")
    return data


REVIEW_COLOUR = (0, 0, 230)  # BGR red: values a person must check
FIELD_COLOUR = (0, 140, 255)  # orange


def draw_page(image: bytes, fields: list[ReviewField]) -> bytes:
    """A page image (PNG) with each field's box and name: doubtful ones red and thicker."""
    canvas = cv2.imdecode(np.frombuffer(image, np.uint8), cv2.IMREAD_COLOR)
    if canvas is None:
        raise InvalidValue("the stored page image cannot be read")
    scale = max(0.5, canvas.shape[1] / 2000)
    for item in fields:
        if item.bbox is None:
            continue
        colour = REVIEW_COLOUR if item.needs_review else FIELD_COLOUR
        x0, y0, x1, y1 = item.bbox
        cv2.rectangle(canvas, (x0, y0), (x1, y1), colour, max(2, int((3 if item.needs_review else 2) * scale)))
        label = f"{item.name} {item.confidence:.2f}" if item.confidence is not None else item.name
        cv2.putText(canvas, label, (x0, max(12, y0 - 4)), cv2.FONT_HERSHEY_SIMPLEX, 0.6 * scale, colour,
                    max(1, int(1.5 * scale)), cv2.LINE_AA)
    ok, png = cv2.imencode(".png", canvas)
    if not ok:
        raise InvalidValue("the page could not be drawn")
    return png.tobytes()


# ---------------------------------------------------------------- a reviewer's decisions


def review(db: Database, document_id: int, *, reviewer: str, corrections: Mapping[str, Any] | None = None,
           confirm: bool = False, expected_version: int | None = None) -> DocumentRef:
    """Correct fields (each value validated like an extracted one) and, with ``confirm``, confirm the rest: a new
    version. ``InvalidValue`` for an impossible value (nothing stored), ``Conflict`` when the version changed."""
    record = review_record(db, document_id)
    checked = validate_corrections(record.document_type, record.fields, corrections or {}, confirm=confirm)
    return record_review(db, document_id, reviewer=reviewer, corrections=checked, confirm=confirm,
                         expected_version=expected_version if expected_version is not None else record.version)


def reject(db: Database, document_id: int, *, reviewer: str, reason: str,
           expected_version: int | None = None) -> DocumentRef:
    return reject_document(db, document_id, reviewer=reviewer, reason=person_text(reason),
                           expected_version=expected_version)


def person_text(text: str) -> str:
    """What a person typed, as stored: NFC, single spaces, no control characters."""
    return nfc(_UNPRINTABLE.sub(" ", text))


def validate_corrections(document_type: str, current: Mapping[str, Any], corrections: Mapping[str, Any], *,
                         confirm: bool = False) -> dict[str, Correction]:
    """Each value read as the extractors read its kind, then the checks across fields on the values the version
    would hold. Raises ``InvalidValue`` naming every problem (never the values)."""
    spec = spec_for(document_type)
    problems: list[str] = []
    checked: dict[str, Correction] = {}
    for name, raw in corrections.items():
        field_spec = spec.fields.get(name) if spec else None
        if field_spec is None:
            shown = name if _FIELD_NAME.fullmatch(name) else "a correction"
            problems.append(f"{shown}: not a field a reviewer can correct on a {document_type}")
            continue
        try:
            checked[name] = _read_value(name, field_spec, raw)
        except InvalidValue as error:
            problems.append(error.message)
    if not problems and spec is not None:
        values = dict(current)
        for name, correction in checked.items():
            values[name] = correction.value
            if name == "expiry_date":
                values["no_expiry"] = bool(correction.extras.get("no_expiry"))
        problems += _cross_checks(spec, values, set(checked), confirm)
    if problems:
        raise InvalidValue("; ".join(problems))
    return checked


def _read_value(name: str, field_spec: FieldSpec, raw: Any) -> Correction:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if field_spec.required:
            raise InvalidValue(f"{name}: a value is required")
        return Correction(None)
    if not isinstance(raw, str):
        raise InvalidValue(f"{name}: give the value as text")
    text = person_text(raw)
    if not text:
        raise InvalidValue(f"{name}: no printable text")
    if len(text) > _MAX_VALUE_CHARS:
        raise InvalidValue(f"{name}: longer than {_MAX_VALUE_CHARS} characters")
    if field_spec.kind in ("date", "expiry") and _ISO_DATE.match(text):
        try:
            return Correction(date.fromisoformat(text).isoformat())
        except ValueError:
            raise InvalidValue(f"{name}: no such date") from None
    reading = READERS[field_spec.kind](text)
    if reading.extra.get("no_expiry"):
        return Correction(None, {"no_expiry": True})
    if reading.value is None:
        raise InvalidValue(f"{name}: " + (_problems(reading.problems) or "not a valid value"))
    if field_spec.kind in STRICT_KINDS and reading.problems:
        raise InvalidValue(f"{name}: " + _problems(reading.problems))
    extras = {key: value for key, value in reading.extra.items() if key in ("province", "ward") and value}
    return Correction(reading.value, extras)


def _cross_checks(spec: TypeSpec, values: Mapping[str, Any], corrected: set[str], confirm: bool) -> list[str]:
    """Id numbers against birth dates and sexes, dates against the same dates in words: those a correction
    touches, and with ``confirm`` all of them (a confirmed document holds no contradiction)."""
    problems = []
    for check in spec.id_checks:
        involved = {check.id_number, check.date_of_birth, check.sex} - {None}
        id_number = _text(values.get(check.id_number))
        if not id_number or not (confirm or involved & corrected):
            continue
        sex = check.sex_is or _text(values.get(check.sex or ""))
        problems += [problem.replace("id_number", check.id_number, 1)
                     for problem in check_id_number(id_number, _text(values.get(check.date_of_birth or "")), sex)]
    for figures, words in spec.same_dates:
        when, spelled = _text(values.get(figures)), _text(values.get(words))
        if not when or not spelled or not (confirm or {figures, words} & corrected):
            continue
        reading = parse_date_in_words(spelled)
        if reading is None or reading.iso != when:
            problems.append(f"{figures}: disagrees with {words}")
    return problems


def _problems(problems: list[str]) -> str:
    """A reader's problems without the kind it prefixes them with ("date: no valid date" → "no valid date")."""
    return "; ".join(problem.split(": ", 1)[-1] for problem in problems)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def type_title(document_type: str) -> str:
    """A type's name for people, in Vietnamese (from its YAML); the type's code when it has none."""
    spec = spec_for(document_type)
    return spec.title if spec else document_type


def subject_id_number(document_type: str, fields: Mapping[str, Any]) -> str | None:
    """The id number a document is mainly about (its holder's, else the first person's by role)."""
    persons = record_spec(document_type).persons
    for role in sorted(persons, key=lambda role: (role != "subject", role)):
        value = fields.get(persons[role].id_number)
        if isinstance(value, str) and value:
            return value
    return None
