"""Ingest files end to end: keep the original, process it once, store artefacts, record the result.

Plain typed functions (no Prefect): the flows in ``flows/`` wrap them as tasks and the query
service calls them directly. The rules:

- the original is stored and registered FIRST, so a process killed mid-way loses nothing:
  ``resume_pending`` finishes what is still ``received``;
- an original already processed (same sha256) is never OCR'd again: its held documents are reused;
- deterministic bad input (corrupt, encrypted, empty, wrong type, too large, an extractor bug)
  never raises: the original is quarantined with its reason and kept;
- transient faults (object store, database) DO raise (see ``is_transient``) so a caller can retry;
  every step is idempotent, so a retry is safe.
"""

from __future__ import annotations

import json
import logging
import os
import time
import traceback
from collections.abc import Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import cv2
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from extractors.spec import record_spec
from pipeline.read import OcrEngine
from records.db import Database
from records.ingest import (
    document_number,
    document_versions,
    documents_of_originals,
    Claim,
    claim_original,
    open_dossier,
    pending_originals,
    quarantine,
    record_extraction,
    register_original,
    release_claim,
)
from records.claims import begin_claim, end_claim
from records.refs import DocumentRef, OriginalRef
from records.requirements import RequirementsReport, record_uses, requirements
from records.storage.objects import (
    SEARCHABLE_PDF_NAME,
    WORDS_NAME,
    ObjectNotFound,
    ObjectStore,
    StoreAccessDenied,
    page_image_name,
    put_artefact,
    sha256_hex,
)
from schemas import Document, ExtractionResult
from schemas.errors import Conflict, StorageError
from usecases.process import ProcessedFile, UploadCodes, UploadSlot, process_bytes

log = logging.getLogger(__name__)

FileStatus = Literal["processed", "reused", "quarantined"]
# Normalised page images are kept for drawing, review and re-extraction; the original stays the lossless
# record. A quality-92 JPEG is written ten times faster than a PNG of a noisy scan, and is smaller.
PAGE_IMAGE_QUALITY = 92
MAX_REASON_CHARS = 500
# Starts of one original that ended with the process dead before it is set aside: a kill or a restart
# mid-file may account for one or two, a file that crashes the OCR library every time for all of them.
MAX_UNFINISHED_STARTS = 3
# A file met while another worker reads it is waited for (then its outcome is reused), this long at most.
CLAIM_WAIT_S = 600.0
CLAIM_POLL_S = 0.25


class OriginalBusy(StorageError):
    """Another worker has been reading this original for longer than we wait: retry later (transient)."""

    code = "original_busy"


@dataclass
class FileOutcome:
    """What happened to one file. ``documents`` are the held records it produced or reused."""

    source_name: str
    sha256: str
    original_id: int | None
    status: FileStatus
    result: ExtractionResult | None = None
    documents: list[DocumentRef] = field(default_factory=list)
    reason: str | None = None
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return len(self.result.pages) if self.result else 0

    @property
    def needs_review(self) -> bool:
        return any(ref.status == "needs_review" for ref in self.documents)

    def to_json(self) -> dict[str, Any]:
        return {
            "source_name": self.source_name, "sha256": self.sha256, "original_id": self.original_id,
            "status": self.status, "reason": self.reason, "pages": self.pages, "needs_review": self.needs_review,
            "documents": [ref.to_json() for ref in self.documents], "timings": self.timings,
            "errors": [error.model_dump() for error in self.result.errors] if self.result else [],
            "warnings": [warning.model_dump() for warning in self.result.warnings] if self.result else [],
        }


@dataclass
class DossierOutcome:
    """One branch upload: the dossier, each file's outcome, the documents now held, what to submit."""

    dossier_id: int
    files: list[FileOutcome]
    documents: list[DocumentRef]
    id_number: str | None
    requirements: RequirementsReport | None
    timings: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "dossier_id": self.dossier_id, "id_number": self.id_number,
            "files": [outcome.to_json() for outcome in self.files],
            "documents": [ref.to_json() for ref in self.documents],
            "requirements": self.requirements.model_dump(mode="json") if self.requirements else None,
            "timings": self.timings,
        }


@dataclass
class StagedFile:
    """A registered original whose processing is done but not yet recorded."""

    source_name: str
    original: OriginalRef
    processed: ProcessedFile
    timings: dict[str, float]
    claimant: str  # the claim held on the original until it is recorded (records.claims)


# ---------------------------------------------------------------- transient or not


def is_transient(error: BaseException) -> bool:
    """Worth retrying: the object store or the database failed, not the input."""
    if isinstance(said := getattr(error, "transient", None), bool):
        return said  # an error that knows (a batch task's, in our words)

    if isinstance(error, (ObjectNotFound, StoreAccessDenied)):
        return False  # retrying will not make a missing object appear or a refused key work
    if isinstance(error, (StorageError, Conflict, OperationalError, PoolTimeout, ConnectionError, TimeoutError)):
        return True
    if isinstance(error, IntegrityError):  # a concurrent writer's rows: a retry finds them
        return True
    if isinstance(error, DBAPIError):
        return bool(error.connection_invalidated)
    if isinstance(error, (FileNotFoundError, IsADirectoryError, NotADirectoryError, PermissionError)):
        return False  # a path that is not there (or not ours) stays so
    return isinstance(error, OSError)  # disk full, NFS hiccup on a local store


# ---------------------------------------------------------------- one file


def ingest_bytes(
    db: Database,
    store: ObjectStore,
    data: bytes,
    source_name: str,
    *,
    dossier_id: int | None = None,
    workers: int | None = None,
    actor: str = "hoso",
    engine: OcrEngine | None = None,
    searchable_pdf: bool = False,
) -> FileOutcome:
    """Register, process (unless already done), store artefacts and record one file."""
    staged = stage_file(db, store, data, source_name, dossier_id=dossier_id, workers=workers, actor=actor,
                        engine=engine, searchable_pdf=searchable_pdf)
    if isinstance(staged, FileOutcome):
        return staged
    return record_or_set_aside(db, staged, actor=actor)


def record_or_set_aside(db: Database, staged: StagedFile, *, actor: str = "hoso",
                        same_document: Mapping[int, int] | None = None) -> FileOutcome:
    """Record a staged file; a transient fault (a conflict with other writers included) is raised for a retry,
    anything else is deterministic for this input and sets it aside. The claim ends either way."""
    try:
        return record_staged(db, staged, actor=actor, same_document=same_document)
    except Exception as error:
        if is_transient(error):
            _release(db, staged.original, staged.claimant, actor)
            raise
        # A value the database refuses, a recording bug. The reason is in our words: a database error's
        # text quotes the values (id numbers, names), and reasons are shown in reports.
        log.error("recording original %s failed: %s", staged.original.id, where(error))
        reason = f"recording_failed: the extraction could not be recorded ({type(error).__name__}); see the log"
        quarantine(db, staged.original, reason, actor=actor, claimant=staged.claimant)
        return FileOutcome(staged.source_name, staged.original.sha256, staged.original.id, "quarantined",
                           result=staged.processed.result, reason=reason, timings=staged.timings)
    finally:
        end_claim(staged.claimant)


def where(error: BaseException) -> str:
    """An exception's type and the place it was raised, without its message (which may quote personal data)."""
    frames = traceback.extract_tb(error.__traceback__)
    place = f" at {Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else ""
    return f"{type(error).__name__}{place}"


def stage_file(
    db: Database,
    store: ObjectStore,
    data: bytes,
    source_name: str,
    *,
    dossier_id: int | None = None,
    workers: int | None = None,
    actor: str = "hoso",
    engine: OcrEngine | None = None,
    searchable_pdf: bool = False,
    claim_wait_s: float = CLAIM_WAIT_S,
    upload: UploadSlot | None = None,
) -> FileOutcome | StagedFile:
    """Everything before recording: a final outcome (reused, quarantined) or a staged file. A file another worker
    reads now is waited for, ``claim_wait_s`` at most (then ``OriginalBusy``). ``upload``: the file's place among
    the upload's files read side by side (``usecases.process.UploadCodes``)."""

    timings: dict[str, float] = {}
    sha = sha256_hex(data)
    if not data:  # nothing to keep as an original: refuse without a row
        return FileOutcome(source_name, sha, None, "quarantined", reason="empty: the file has no bytes", timings=timings)
    with _timed(timings, "register"):
        original = register_original(db, store, data, source_name, dossier_id, actor=actor)
    if original.status != "received":
        return _settled(db, original, source_name, timings)
    claimant = begin_claim()
    try:
        with _timed(timings, "register"):
            claim = _claim(db, original, claimant, actor, claim_wait_s)
        if claim.state == "settled":  # another worker finished it while this one waited
            return _settled(db, claim.original, source_name, timings)
        if claim.unfinished >= MAX_UNFINISHED_STARTS:
            stopped = (f"stopped_the_reader: processing began {claim.unfinished} times and never ended (the process "
                       "died: a crash in a native library, memory exhausted, or a kill); set aside so later runs go on")
            quarantine(db, original, stopped, actor=actor, claimant=claimant)
            log.warning("original %s (%s…) quarantined after %d unfinished starts", original.id, sha[:12],
                        claim.unfinished)
            return FileOutcome(source_name, sha, original.id, "quarantined", reason=stopped, timings=timings)
        staged = _read_claimed(db, store, data, source_name, original, claimant, timings, workers=workers,
                               actor=actor, engine=engine, searchable_pdf=searchable_pdf, upload=upload)
    except BaseException:
        end_claim(claimant)
        raise
    if isinstance(staged, FileOutcome):
        end_claim(claimant)
    return staged


def _claim(db: Database, original: OriginalRef, claimant: str, actor: str, wait_s: float) -> Claim:
    """Claim the original, waiting while another live worker reads it (its outcome is then reused)."""
    deadline = time.monotonic() + wait_s
    while (claim := claim_original(db, original, claimant, actor=actor)).state == "busy":
        if time.monotonic() > deadline:
            raise OriginalBusy(f"original {original.id} is still being read by another worker: try again later")
        time.sleep(CLAIM_POLL_S)
    return claim


def _settled(db: Database, original: OriginalRef, source_name: str, timings: dict[str, float]) -> FileOutcome:
    """The outcome of an original already processed (its documents reused) or set aside."""
    if original.status == "processed":
        with _timed(timings, "reuse"):
            documents = documents_of_originals(db, [original.id])
        log.info("original %s (%s…) already processed: reused %d document(s)", original.id, original.sha256[:12],
                 len(documents))
        return FileOutcome(source_name, original.sha256, original.id, "reused", documents=documents, timings=timings)
    return FileOutcome(source_name, original.sha256, original.id, "quarantined", reason=original.quarantine_reason,
                       timings=timings)


def _read_claimed(db: Database, store: ObjectStore, data: bytes, source_name: str, original: OriginalRef,
                  claimant: str, timings: dict[str, float], *, workers: int | None, actor: str,
                  engine: OcrEngine | None, searchable_pdf: bool, upload: UploadSlot | None = None
                  ) -> FileOutcome | StagedFile:
    """Read a claimed original and store its artefacts: a staged file, or the outcome of setting it aside."""
    try:
        processed, failure = _process(data, source_name, workers, engine, searchable_pdf, upload)
        if processed is not None:
            timings.update({f"process.{k}": v for k, v in processed.result.timings.items()})
            reason = failure or quarantine_reason(processed.result)
        else:
            reason = failure
        if reason is not None:
            with _timed(timings, "record"):
                quarantine(db, original, reason, actor=actor, claimant=claimant)
            log.info("original %s (%s…) quarantined", original.id, original.sha256[:12])
            return FileOutcome(source_name, original.sha256, original.id, "quarantined",
                               result=processed.result if processed else None, reason=reason, timings=timings)
        assert processed is not None
        with _timed(timings, "artefacts"):
            store_artefacts(store, processed, searchable_pdf=searchable_pdf)
    except Exception as error:
        if is_transient(error):
            _release(db, original, claimant, actor)
        raise
    return StagedFile(source_name, original, processed, timings, claimant)


def _release(db: Database, original: OriginalRef, claimant: str, actor: str) -> None:
    """Best effort: with the database itself down, the claim is released when its worker is found gone."""
    try:
        release_claim(db, original, claimant, actor=actor)
    except Exception:
        log.warning("could not release the claim on original %s", original.id)


def record_staged(
    db: Database, staged: StagedFile, *, actor: str = "hoso", same_document: Mapping[int, int] | None = None
) -> FileOutcome:

    result = staged.processed.result
    with _timed(staged.timings, "record"):
        documents = record_extraction(db, staged.original, result, actor=actor, same_document=same_document)
    log.info("original %s (%s…) processed: %d page(s), %d document(s)",
             staged.original.id, result.sha256[:12], len(result.pages), len(documents))
    return FileOutcome(staged.source_name, result.sha256, staged.original.id, "processed", result=result,
                       documents=documents, timings=staged.timings)


def _process(
    data: bytes, source_name: str, workers: int | None, engine: OcrEngine | None, searchable_pdf: bool,
    upload: UploadSlot | None = None,
) -> tuple[ProcessedFile | None, str | None]:
    """``process_bytes``; an unexpected exception on this input is a reason to quarantine, not a crash."""

    try:
        return process_bytes(data, source=source_name, engine=engine, workers=workers,
                             searchable_pdf=searchable_pdf, upload=upload), None
    except Exception as error:
        if is_transient(error):
            raise
        # A bug met on this input is deterministic: set the file aside for a person, keep going. Its message
        # is left out: it may quote what was read.
        log.error("processing failed on %s…: %s", _sha_prefix(data), where(error))
        return None, f"processing_failed: {where(error)}"


def quarantine_reason(result: ExtractionResult) -> str | None:
    """Why a result is unusable (errors and no page read), or None when it can be recorded."""
    if result.pages:
        return None
    if not result.errors:
        return "empty: no page could be read"
    return _clip("; ".join(f"{error.code}: {error.message}" for error in result.errors))


def store_artefacts(store: ObjectStore, processed: ProcessedFile, *, searchable_pdf: bool = False) -> list[str]:
    """OCR words (all pages, as JSON), normalised page images (JPEG) and, when asked, searchable PDFs."""


    result = processed.result
    words = {"sha256": result.sha256, "media_type": result.media_type,
             "pages": [page.model_dump(mode="json") for page in result.pages]}
    keys = [put_artefact(store, result.sha256, WORDS_NAME,
                         json.dumps(words, ensure_ascii=False).encode("utf-8"), "application/json")]
    for page in result.pages:
        if page.source != "ocr":
            continue  # a text-layer page is re-rendered from the original when needed, not stored
        ok, jpeg = cv2.imencode(".jpg", processed.images[page.number], [cv2.IMWRITE_JPEG_QUALITY, PAGE_IMAGE_QUALITY])
        if ok:
            keys.append(put_artefact(store, result.sha256, page_image_name(page.number), jpeg.tobytes(), "image/jpeg"))
    if searchable_pdf:
        for number, pdf in sorted(processed.searchable_pdfs.items()):
            name = SEARCHABLE_PDF_NAME if len(processed.searchable_pdfs) == 1 else f"searchable-{number:04d}.pdf"
            keys.append(put_artefact(store, result.sha256, name, pdf, "application/pdf"))
    return keys


# ---------------------------------------------------------------- a dossier from a branch


def ingest_dossier(
    db: Database,
    store: ObjectStore,
    files: list[tuple[str, bytes]],
    *,
    procedure_code: str,
    branch: str | None,
    id_number: str | None = None,
    actor: str = "hoso",
    dossier_id: int | None = None,
    workers: int | None = None,
    engine: OcrEngine | None = None,
) -> DossierOutcome:
    """Open a dossier (or continue ``dossier_id`` on a retry), ingest its files, join the sides of
    an ID card that came as two files into one held document, and say what the citizen must submit."""

    timings: dict[str, float] = {}
    started = time.perf_counter()
    if dossier_id is None:
        with _timed(timings, "open_dossier"):
            dossier_id = open_dossier(db, procedure_code, branch, actor=actor)
    codes = UploadCodes()  # a card side may need less OCR when another file of the upload carries its code
    side_by_side = max(1, min(len(files), default_cores()))
    slots = {index: codes.slot(index) for index in range(side_by_side)}  # read at once: the others may wait for them

    def stage(item: tuple[str, bytes], wait_s: float = 0.0, index: int | None = None) -> FileOutcome | StagedFile:
        name, data = item
        slot = (slots.get(index) or codes.slot(index)) if index is not None else None
        try:
            return stage_file(db, store, data, name, dossier_id=dossier_id, workers=workers, actor=actor,
                              engine=engine, claim_wait_s=wait_s, upload=slot)
        finally:
            if slot is not None:
                slot.done()  # posted nothing (not read, or no card side): no other file waits for it

    with _timed(timings, "process"):
        # A citizen waits: the files of one upload are read side by side (Tesseract releases the GIL). The claims
        # of an upload's files are held until all are recorded, so a file another worker reads now is not waited
        # for here (two uploads of the same two files would each hold one and wait for the other): it is
        # taken up again once this upload's own files are recorded and it holds no claim.
        with ThreadPoolExecutor(max_workers=side_by_side) as pool:
            futures = [pool.submit(stage, item, 0.0, index) for index, item in enumerate(files)]
        staged, busy = _all_staged(db, futures, actor)
    with _timed(timings, "record"):
        outcomes = _record_dossier_files(db, staged, actor)
        for index in busy:  # waited for now: reused once the other worker has recorded it
            later = stage(files[index], CLAIM_WAIT_S)
            outcomes.insert(index, later if isinstance(later, FileOutcome) else record_or_set_aside(db, later,
                                                                                                     actor=actor))
    documents = _current_versions(db, [ref for outcome in outcomes for ref in outcome.documents])
    citizen = id_number or _card_holder(documents)
    report = None
    if citizen:

        with _timed(timings, "requirements"):
            report = requirements(db, procedure_code, citizen)
            record_uses(db, report, dossier_id=dossier_id, actor=actor)  # supervision's "used"
    timings["total"] = round(time.perf_counter() - started, 4)
    log.info("dossier %s: %d file(s), %d document(s)", dossier_id, len(outcomes), len(documents))
    return DossierOutcome(dossier_id, outcomes, documents, citizen, report, timings)


def _all_staged(db: Database, futures: list[Future[FileOutcome | StagedFile]], actor: str
                ) -> tuple[list[FileOutcome | StagedFile], list[int]]:
    """Each file's staging, and the positions of the files another worker was reading; if one raised a transient
    fault, the others' claims are given back and it is raised."""
    errors = {index: future.exception() for index, future in enumerate(futures)}
    busy = [index for index, error in errors.items() if isinstance(error, OriginalBusy)]
    failures = [error for error in errors.values() if error is not None and not isinstance(error, OriginalBusy)]
    if not failures:
        return [future.result() for index, future in enumerate(futures) if index not in busy], busy
    for future in futures:
        if future.exception() is None and isinstance(staged := future.result(), StagedFile):
            _release(db, staged.original, staged.claimant, actor)
            end_claim(staged.claimant)
    raise failures[0]


def _record_dossier_files(db: Database, staged: list[FileOutcome | StagedFile], actor: str) -> list[FileOutcome]:
    """Record numbered documents first; then a card side without a number joins the one card of
    the upload whose number was read (the spec: front and back may arrive as separate images)."""
    outcomes: dict[int, FileOutcome] = {i: item for i, item in enumerate(staged) if isinstance(item, FileOutcome)}
    waiting = {i: item for i, item in enumerate(staged) if isinstance(item, StagedFile)}
    later = {i for i, item in waiting.items() if unnumbered_sides(item.processed.result.documents)}
    for i in sorted(set(waiting) - later):
        outcomes[i] = record_or_set_aside(db, waiting[i], actor=actor)
    for i in sorted(later):
        numbered = {ref.id: ref for outcome in outcomes.values() for ref in outcome.documents if ref.number}
        documents = waiting[i].processed.result.documents
        joins = {index: held.id for index in unnumbered_sides(documents)
                 if (held := _only_matching_document(documents[index], list(numbered.values()))) is not None}
        outcomes[i] = record_or_set_aside(db, waiting[i], actor=actor, same_document=joins)
    return [outcomes[i] for i in sorted(outcomes)]


def unnumbered_sides(documents: list[Document]) -> list[int]:
    """Documents of a type whose sides may come as separate files (a card), read without their number."""
    return [index for index, document in enumerate(documents)
            if record_spec(document.document_type).sides_join_on and
            document_number(document.document_type, _values(document)) is None]


def _only_matching_document(side: Document, held: list[DocumentRef]) -> DocumentRef | None:
    """The single document of the upload, of the side's type, that the side does not contradict;
    None if zero or several."""
    fields = record_spec(side.document_type).sides_join_on
    by_number = {ref.number: ref for ref in held if ref.document_type == side.document_type}
    matching = [ref for ref in by_number.values()
                if all(_value(side, name) in (None, ref.fields.get(name)) for name in fields)]
    return matching[0] if len(matching) == 1 else None


def _values(document: Document) -> dict[str, Any]:
    return {name: field.value for name, field in document.fields.items()}


def _value(document: Document, name: str) -> Any:
    found = document.fields.get(name)
    return found.value if found is not None and found.value not in ("", []) else None


def _current_versions(db: Database, refs: list[DocumentRef]) -> list[DocumentRef]:
    """The newest version of each document (a later file of the upload may have added one)."""

    current: dict[int, DocumentRef] = {}
    for ref in refs:
        newest = document_versions(db, ref.id)[-1]
        current[newest.id] = newest
    return sorted(current.values(), key=lambda ref: ref.id)


def _card_holder(documents: list[DocumentRef]) -> str | None:
    """The id number of the one holder the upload's identity documents name (None if none or several)."""
    numbers = [ref.number for ref in documents if record_spec(ref.document_type).identifies_holder and ref.number]
    return numbers[0] if len(set(numbers)) == 1 else None


# ---------------------------------------------------------------- after a crash


def resume_pending(
    db: Database,
    store: ObjectStore,
    *,
    workers: int | None = None,
    actor: str = "hoso",
    engine: OcrEngine | None = None,
) -> list[FileOutcome]:
    """Finish originals left ``received`` by a killed process, reading their bytes back from the store."""

    outcomes = []
    for original in pending_originals(db):
        data = store.get(original.object_key)
        outcomes.append(ingest_bytes(db, store, data, original.source_name or original.sha256, workers=workers,
                                     actor=actor, engine=engine))
    return outcomes


# ---------------------------------------------------------------- helpers


@contextmanager
def _timed(timings: dict[str, float], stage: str) -> Iterator[None]:
    started = time.perf_counter()
    try:
        yield
    finally:
        timings[stage] = round(timings.get(stage, 0.0) + time.perf_counter() - started, 4)


def default_cores() -> int:
    return max(1, os.cpu_count() or 1)


def _clip(text: str) -> str:
    return text if len(text) <= MAX_REASON_CHARS else text[: MAX_REASON_CHARS - 1] + "…"


def _sha_prefix(data: bytes) -> str:

    return sha256_hex(data)[:12]
