"""A reviewer names the type of an unknown component; the chosen type's extractor runs on the stored words.

No page is read again: the original's OCR words (and machine-zone readings) were stored when it was
first processed, so the component's pages are rebuilt from them, extracted as the named type and
recorded as the document's next version (the unknown version is superseded by it, and kept).
"""

from __future__ import annotations

import json

from extractors.registry import extract_as, extract_documents
from extractors.spec import spec_for
from records.db import Database
from records.ingest import file_component, get_document, original_by_sha256, record_extraction
from records.refs import DocumentRef
from records.storage.objects import WORDS_NAME, ObjectNotFound, ObjectStore, artefact_key
from schemas import UNKNOWN_TYPE, ExtractionResult, Page
from schemas.errors import Conflict, InvalidValue, NotFound


def stored_pages(store: ObjectStore, sha256: str) -> list[Page]:
    """The pages of an original as first read (words, boxes, machine-zone readings)."""
    try:
        words = json.loads(store.get(artefact_key(sha256, WORDS_NAME)))
    except ObjectNotFound:
        raise NotFound("no stored words for this original: it must be read again (hoso reprocess --ocr)") from None
    return [Page.model_validate(page) for page in words["pages"]]


def reclassify(db: Database, store: ObjectStore, document_id: int, document_type: str, *, reviewer: str
               ) -> DocumentRef:
    """Extract an unknown component as ``document_type`` from its stored words, as its next version."""
    if spec_for(document_type) is None:
        raise InvalidValue(f"{document_type!r} is not a document type hoso extracts")
    held = get_document(db, document_id)
    if held.document_type != UNKNOWN_TYPE:
        raise Conflict(f"document {document_id} is a {held.document_type}, not an unknown document")
    sha256, index = file_component(db, held.id)
    pages = stored_pages(store, sha256)
    # the file is split into components as when it was recorded: the same words give the same split
    components = extract_documents(pages, {})
    if index >= len(components) or components[index].document_type != UNKNOWN_TYPE:
        raise Conflict(f"document {document_id}: the stored reading no longer gives this component")
    wanted = set(components[index].pages)
    document = extract_as([page for page in pages if page.number in wanted], document_type, {})
    document.flag("type: named by a reviewer")  # the fields read as that type still want a look
    result = ExtractionResult(source=f"review of document {document_id}", sha256=sha256, documents=[document])
    [ref] = record_extraction(db, original_by_sha256(db, sha256), result, actor=reviewer,
                              same_document={0: held.id})
    return ref
