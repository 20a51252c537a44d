"""Re-extract stored originals (after an extractor improved) and record what changed as new versions.

By default the OCR is not run again: the words and normalised page images stored as artefacts at
ingest are read back and only extraction runs (seconds instead of minutes for a large archive).
``reuse_ocr=False``, or an original without stored words, reads the original bytes again.
Documents whose values did not change stay as they are (``unchanged``); changed values become a new
version that supersedes the old one, which is kept.
"""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, Any

import cv2
import numpy as np
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from sqlalchemy import select

from extractors import extract_documents
from flows.common import RETRY_DELAYS_S, connections, retry_if_transient
from flows.runs import run_recorded, thread_runner
from records.db import Database
from records.ingest import documents_of_originals, get_original, record_extraction
from records.models import Original
from records.refs import OriginalRef
from records.storage.objects import WORDS_NAME, ObjectNotFound, ObjectStore, artefact_key, page_image_name
from schemas import ExtractionResult, Page
from schemas.settings import Settings, load_settings
from usecases.intake import (default_cores, quarantine_reason, store_artefacts,
                             unnumbered_sides)
from usecases.process import process_bytes

if TYPE_CHECKING:  # a Protocol: at run time Prefect would try to build a parameter schema from it, and fail
    from pipeline.read import OcrEngine


@task(name="reprocess-original", task_run_name="reprocess-original-{original_id}", retries=len(RETRY_DELAYS_S),
      retry_delay_seconds=RETRY_DELAYS_S, retry_condition_fn=retry_if_transient, cache_policy=NO_CACHE)
def reprocess_original(original_id: int, settings: Settings, reuse_ocr: bool = True, actor: str = "hoso",
                       engine: OcrEngine | None = None) -> dict[str, Any]:
    started = time.perf_counter()
    db, store = connections(settings)
    original = get_original(db, original_id)
    result = (stored_reading(store, original) if reuse_ocr else None) or read_again(store, original, engine)
    reason = quarantine_reason(result)
    if reason is not None:
        return {"original_id": original_id, "ocr": "reused" if reuse_ocr else "ran", "outcomes": [], "reason": reason}
    joins = _earlier_joins(documents_of_originals(db, [original_id]), result)
    refs = record_extraction(db, original, result, actor=actor, same_document=joins)
    outcomes = [ref.outcome for ref in refs]
    get_run_logger().info("original %s (%s…): %s in %.1f s", original_id, original.sha256[:12], outcomes,
                          time.perf_counter() - started)
    return {"original_id": original_id, "outcomes": outcomes, "reason": None,
            "seconds": round(time.perf_counter() - started, 3), "timings": result.timings}


def stored_reading(store: ObjectStore, original: OriginalRef) -> ExtractionResult | None:
    """The original's stored words and page images, re-extracted; None when no words were stored."""
    try:
        words = json.loads(store.get(artefact_key(original.sha256, WORDS_NAME)))
    except ObjectNotFound:
        return None
    pages = [Page.model_validate(page) for page in words["pages"]]
    if any(page.source != "ocr" for page in pages):
        return None  # text-layer pages cost no OCR, and their images (QR codes) come from the original
    images: dict[int, np.ndarray] = {}
    for page in pages:
        stored = store.get(artefact_key(original.sha256, page_image_name(page.number)))
        image = cv2.imdecode(np.frombuffer(stored, np.uint8), cv2.IMREAD_UNCHANGED)
        if image is None:
            return None  # a damaged stored image: the original is read again
        images[page.number] = image
    started = time.perf_counter()
    result = ExtractionResult(source=original.source_name or original.sha256[:12], sha256=original.sha256,
                              media_type=words.get("media_type") or original.media_type, pages=pages)
    result.documents = extract_documents(pages, images)
    result.timings["extract"] = round(time.perf_counter() - started, 4)
    return result


def read_again(store: ObjectStore, original: OriginalRef, engine: OcrEngine | None) -> ExtractionResult:
    processed = process_bytes(store.get(original.object_key), source=original.source_name or original.sha256[:12],
                              engine=engine, workers=1)
    if processed.result.pages:
        store_artefacts(store, processed)
    return processed.result


def _earlier_joins(held: list[Any], result: ExtractionResult) -> dict[int, int]:
    """A card side recorded onto a numbered card before (see ingest_dossier) joins it again."""
    joins = {}
    for index in unnumbered_sides(result.documents):
        same_type = [ref for ref in held if ref.document_type == result.documents[index].document_type and ref.number]
        if len(same_type) == 1:
            joins[index] = same_type[0].id
    return joins


@flow(name="hoso-reprocess", persist_result=False, validate_parameters=False)
def reprocess_flow(
    settings: Settings | None = None,
    original_ids: list[int] | None = None,
    reuse_ocr: bool = True,
    actor: str = "hoso",
    engine: OcrEngine | None = None,
) -> dict[str, Any]:
    """Re-extract ``original_ids`` (default: every processed original) and report the outcomes.

    ``settings`` carry no secrets (see ``run_reprocess``); by default this process's, without them.
    """
    settings = settings or load_settings().without_secrets()
    started = time.perf_counter()
    db, _store = connections(settings)
    ids = original_ids if original_ids is not None else processed_original_ids(db)
    futures = [reprocess_original.submit(original_id, settings, reuse_ocr, actor, engine) for original_id in ids]
    results, problems = [], []
    for original_id, future in zip(ids, futures):
        try:
            outcome = future.result()
        except Exception as error:  # one original's failure does not stop the others
            problems.append({"original_id": original_id, "reason": f"{type(error).__name__}: {error}"[:500]})
            continue
        results.append(outcome)
        if outcome["reason"]:
            problems.append({"original_id": original_id, "reason": outcome["reason"]})
    documents: dict[str, int] = {}
    for outcome in results:
        for name in outcome["outcomes"]:
            documents[name] = documents.get(name, 0) + 1
    get_run_logger().info("reprocessed %d original(s): %s", len(results), documents)
    return {"originals": len(ids), "documents": documents, "problems": problems,
            "wall_seconds": round(time.perf_counter() - started, 3), "results": results}


def processed_original_ids(db: Database) -> list[int]:
    with db.transaction() as session:
        return list(session.scalars(select(Original.id).where(Original.status == "processed").order_by(Original.id)))


def run_reprocess(
    *,
    settings: Settings | None = None,
    original_ids: list[int] | None = None,
    reuse_ocr: bool = True,
    workers: int | None = None,
    actor: str = "hoso",
    engine: OcrEngine | None = None,
) -> dict[str, Any]:
    """Run the reprocess flow; like ``run_batch``, it is given the settings without their secrets."""
    configured = reprocess_flow.with_options(task_runner=thread_runner(workers or default_cores()))
    public = (settings or load_settings()).without_secrets()
    connections(public)  # a database or store that cannot be opened fails here, before Prefect starts
    return run_recorded(configured, lambda report: report["originals"], settings=public, original_ids=original_ids,
                        reuse_ocr=reuse_ocr, actor=actor, engine=engine)
