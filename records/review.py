"""The review loop in the records: the queue, a version's evidence for a reviewer, and what a reviewer does to
it (correct, confirm, reject), each a new version with provenance. Values arrive here already validated and in
normal form (``usecases.review`` reads them like extracted values); these functions keep the rules of versions:

- a correction or confirmation makes a new version superseding the one the reviewer saw; a corrected field's
  evidence says ``source: "review"``, who, when and the value it replaced; a confirmed field keeps its evidence,
  which gains the reviewer and the time;
- the new version is ``verified`` when no field is left in doubt, ``needs_review`` while a required one is;
- a rejection is a new version ``rejected`` with its reason: it leaves the queue and is never used;
- the version a reviewer saw must still be the newest: otherwise ``Conflict`` (409, exit 4).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from records import fieldstate
from records.events import record_event
from records.ingest import DEFAULT_ACTOR, link_persons, set_validity, document_number
from records.models import (
    DocumentPerson,
    DocumentRecord,
    Dossier,
    DossierOriginal,
    Original,
    Provenance,
    utcnow,
)
from records.population import check_against_registry
from records.refs import DocumentRef
from schemas.errors import Conflict, InvalidValue, NotFound

if TYPE_CHECKING:
    from records.db import Database

MAX_QUEUE_PAGE = 200
MAX_ROW_ID = 2**31 - 1  # ids are 32-bit integers on PostgreSQL: a larger one names no row (and must not be sent)
MAX_REASON_CHARS = 500
FINAL_STATUSES = ("superseded", "rejected")


# ---------------------------------------------------------------- the queue


@dataclass(frozen=True)
class QueueItem:
    document_id: int
    document_type: str
    version: int
    waiting_since: datetime
    reasons: tuple[str, ...]
    doubtful_fields: tuple[str, ...]
    branch: str | None = None
    procedure_code: str | None = None


@dataclass(frozen=True)
class QueuePage:
    items: list[QueueItem]
    next: str | None  # an opaque cursor for the next page, None on the last


def review_queue(db: Database, *, branch: str | None = None, procedure: str | None = None,
                 document_type: str | None = None, limit: int = 50, cursor: str | None = None) -> QueuePage:
    """Versions waiting for a person, oldest first (by when they started waiting), filtered by the branch
    and procedure of a dossier they came with, and by type. ``cursor`` continues a previous page."""
    limit = max(1, min(limit, MAX_QUEUE_PAGE))
    waiting = DocumentRecord.waiting_since
    statement = (select(DocumentRecord.id, DocumentRecord.document_type, DocumentRecord.version, waiting,
                        DocumentRecord.created_at, DocumentRecord.review_reasons, DocumentRecord.review_state)
                 .where(DocumentRecord.status == "needs_review")
                 .order_by(waiting, DocumentRecord.id).limit(limit + 1))
    if document_type:
        statement = statement.where(DocumentRecord.document_type == document_type)
    if branch or procedure:
        conditions = [Provenance.document_id == DocumentRecord.id]
        if branch:
            conditions.append(Dossier.branch == branch)
        if procedure:
            conditions.append(Dossier.procedure_code == procedure)
        statement = statement.where(exists(
            select(Provenance.id).join(DossierOriginal, DossierOriginal.original_id == Provenance.original_id)
            .join(Dossier, Dossier.id == DossierOriginal.dossier_id).where(*conditions)))
    if cursor:
        since, after_id = _decode_cursor(cursor)
        statement = statement.where(or_(waiting > since, and_(waiting == since, DocumentRecord.id > after_id)))
    with db.transaction() as session:
        rows = session.execute(statement).all()
        more = len(rows) > limit
        rows = rows[:limit]
        dossiers = _dossiers_of(session, [row.id for row in rows])
    items = []
    for row in rows:
        state = fieldstate.state_of(row.document_type, {}, row.review_state, row.review_reasons)
        where = dossiers.get(row.id, (None, None))
        items.append(QueueItem(row.id, row.document_type, row.version, row.waiting_since or row.created_at,
                               tuple(row.review_reasons or ()), tuple(fieldstate.doubtful(state)), *where))
    next_cursor = _encode_cursor(items[-1].waiting_since, items[-1].document_id) if more and items else None
    return QueuePage(items, next_cursor)


def next_in_queue(db: Database, *, after: int | None = None, branch: str | None = None,
                  procedure: str | None = None, document_type: str | None = None) -> int | None:
    """The oldest waiting version other than ``after`` (the one just reviewed), or None."""
    page = review_queue(db, branch=branch, procedure=procedure, document_type=document_type, limit=2)
    return next((item.document_id for item in page.items if item.document_id != after), None)


def _encode_cursor(since: datetime, document_id: int) -> str:
    return base64.urlsafe_b64encode(f"{since.isoformat()}|{document_id}".encode()).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        since, _, document_id = text.partition("|")
        return datetime.fromisoformat(since), int(document_id)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise InvalidValue("the cursor is not one this queue gave") from None


def _dossiers_of(session: Session, document_ids: list[int]) -> dict[int, tuple[str | None, str | None]]:
    """Branch and procedure of the first dossier each document's files came with."""
    if not document_ids:
        return {}
    rows = session.execute(
        select(Provenance.document_id, Dossier.branch, Dossier.procedure_code, Dossier.id)
        .join(DossierOriginal, DossierOriginal.original_id == Provenance.original_id)
        .join(Dossier, Dossier.id == DossierOriginal.dossier_id)
        .where(Provenance.document_id.in_(document_ids)).order_by(Dossier.id)).all()
    found: dict[int, tuple[str | None, str | None]] = {}
    for row in rows:
        found.setdefault(row.document_id, (row.branch, row.procedure_code))
    return found


def queue_filters(db: Database) -> dict[str, list[str]]:
    """The branches, procedures and types that occur among waiting versions (for the page's filters)."""
    with db.transaction() as session:
        waiting = select(DocumentRecord.id).where(DocumentRecord.status == "needs_review")
        types = session.scalars(select(DocumentRecord.document_type).where(DocumentRecord.status == "needs_review")
                                .distinct().order_by(DocumentRecord.document_type)).all()
        dossiers = session.execute(
            select(Dossier.branch, Dossier.procedure_code).distinct()
            .join(DossierOriginal, DossierOriginal.dossier_id == Dossier.id)
            .join(Provenance, Provenance.original_id == DossierOriginal.original_id)
            .where(Provenance.document_id.in_(waiting))).all()
    return {"branches": sorted({row.branch for row in dossiers if row.branch}),
            "procedures": sorted({row.procedure_code for row in dossiers}), "document_types": list(types)}


def queue_length(db: Database) -> int:
    with db.transaction() as session:
        return session.scalar(select(func.count()).where(DocumentRecord.status == "needs_review")) or 0


# ---------------------------------------------------------------- one version, for a reviewer


@dataclass(frozen=True)
class Evidence:
    field_name: str
    original_id: int
    sha256: str
    object_key: str
    media_type: str | None
    page: int | None
    bbox: tuple[int, int, int, int] | None
    source: str
    confidence: float
    extras: dict[str, Any]


@dataclass(frozen=True)
class ReviewRecord:
    """A version as a reviewer sees it: values, review state, every piece of evidence, whom it is about."""

    id: int
    document_type: str
    variant: str | None
    version: int
    status: str
    fields: dict[str, Any]
    state: dict[str, Any]
    evidence: list[Evidence]
    newest_id: int  # the newest version of the same document
    waiting_since: datetime | None
    reviewed_by: str | None
    rejection_reason: str | None
    subject_id_number: str | None = None
    branch: str | None = None
    procedure_code: str | None = None
    persons: dict[str, str] = field(default_factory=dict)


def review_record(db: Database, document_id: int) -> ReviewRecord:
    _existing_id(document_id)
    with db.transaction() as session:
        record = session.get(DocumentRecord, document_id)
        if record is None:
            raise NotFound(f"no document with id {document_id}")
        rows = session.execute(
            select(Provenance, Original.media_type).join(Original, Original.id == Provenance.original_id)
            .where(Provenance.document_id == document_id).order_by(Provenance.original_id, Provenance.page,
                                                                   Provenance.id)).all()
        evidence = [Evidence(p.field_name, p.original_id, p.sha256, p.object_key, media_type, p.page,
                             tuple(p.bbox) if p.bbox else None, p.source, p.confidence, dict(p.extras or {}))
                    for p, media_type in rows]
        newest = session.scalar(select(DocumentRecord.id).where(DocumentRecord.identity == record.identity)
                                .order_by(DocumentRecord.version.desc()).limit(1))
        persons = {p.role: p.id_number for p in session.scalars(
            select(DocumentPerson).where(DocumentPerson.document_id == document_id))}
        branch, procedure = _dossiers_of(session, [document_id]).get(document_id, (None, None))
        state = fieldstate.state_of(record.document_type, record.fields, record.review_state, record.review_reasons)
        return ReviewRecord(
            record.id, record.document_type, record.variant, record.version, record.status, dict(record.fields),
            state, evidence, newest or record.id, record.waiting_since, record.reviewed_by, record.rejection_reason,
            persons.get("subject") or (persons[min(persons)] if persons else None), branch, procedure, persons)


def page_sources(db: Database, document_id: int) -> list[Evidence]:
    """One piece of evidence per (original, page) a version's values were read on, in page order: what a page
    image needs (one query, for the image requests of a view)."""
    _existing_id(document_id)
    with db.transaction() as session:
        rows = session.execute(
            select(Provenance.original_id, Provenance.sha256, Provenance.object_key, Provenance.page,
                   Original.media_type).distinct()
            .join(Original, Original.id == Provenance.original_id)
            .where(Provenance.document_id == document_id, Provenance.page.is_not(None))
            .order_by(Provenance.original_id, Provenance.page)).all()
    return [Evidence("", row.original_id, row.sha256, row.object_key, row.media_type, row.page, None, "", 0.0, {})
            for row in rows]


# ---------------------------------------------------------------- a reviewer's decisions


@dataclass(frozen=True)
class Correction:
    """A reviewer's value for one field, validated and in normal form; ``extras`` as evidence carries them
    (``province``, ``ward`` of an address; ``no_expiry`` for an expiry date read as 'Không thời hạn')."""

    value: Any
    extras: Mapping[str, Any] = field(default_factory=dict)


def record_review(db: Database, document_id: int, *, reviewer: str, corrections: Mapping[str, Correction] | None = None,
                  confirm: bool = False, expected_version: int | None = None) -> DocumentRef:
    """Apply a reviewer's corrections (and, with ``confirm``, confirm every other doubtful field and the
    document) as a new version; returns it. Nothing to change and nothing to confirm: the version as it is."""
    corrections = dict(corrections or {})
    try:
        with db.transaction() as session:
            record = _current(session, document_id, expected_version)
            state = fieldstate.state_of(record.document_type, record.fields, record.review_state,
                                        record.review_reasons)
            values = dict(record.fields)
            corrected: dict[str, Any] = {}  # name → the value it replaced
            confirmed: set[str] = set()
            for name, correction in corrections.items():
                before = (values.get(name), bool(values.get("no_expiry")) if name == "expiry_date" else None)
                after = (correction.value, bool(correction.extras.get("no_expiry")) if name == "expiry_date" else None)
                if before == after:
                    confirmed.add(name)  # the value as read, given again: a confirmation
                    continue
                corrected[name] = "Không thời hạn" if before[1] else before[0]
                values[name] = correction.value
                if name == "expiry_date":
                    values.pop("no_expiry", None)
                    if correction.extras.get("no_expiry"):
                        values["no_expiry"], values["expiry_date"] = True, None
            if confirm:
                confirmed |= set(fieldstate.doubtful(state))
            confirmed -= set(corrected)
            if not corrected and not confirmed and not (confirm and (state["document"] or record.status != "verified")):
                return DocumentRef.of(record)
            now = utcnow()
            at = now.isoformat()
            fieldstate.mark_reviewed(state, corrected, by=reviewer, at=at, action="corrected")
            fieldstate.mark_reviewed(state, confirmed, by=reviewer, at=at, action="confirmed")
            if confirm:
                fieldstate.clear_document_reasons(state)
            state = fieldstate.judge(record.document_type, values, state)
            new = _next_version(session, record, values, reviewer, now)
            fieldstate.apply(new, state, waiting_since=record.waiting_since, reviewed=True)
            session.add(new)
            session.flush()
            _carry_provenance(session, record, new, skip=set(corrected), confirmed=confirmed, reviewer=reviewer, at=at)
            for name, replaced in corrected.items():
                _review_evidence(session, record, new, name, replaced, corrections[name].extras, reviewer, at)
            link_persons(session, new, {name: value for name, value in values.items() if value not in (None, "", [])})
            _supersede(session, record, new, reviewer)
            check_against_registry(session, new, reviewer)
            record_event(session, "document.reviewed", "document", new.id, reviewer, supersedes_id=record.id,
                         version=new.version, corrected=sorted(corrected), confirmed=sorted(confirmed),
                         status=new.status)
            session.flush()
            session.refresh(new, ["provenance"])
            return DocumentRef.of(new)
    except IntegrityError:  # another reviewer's version of the same document was committed first
        raise Conflict(f"document {document_id} was changed by someone else meanwhile; open it again") from None


def reject_document(db: Database, document_id: int, *, reviewer: str, reason: str,
                    expected_version: int | None = None) -> DocumentRef:
    """A reviewer refuses a version (wrong type, unreadable, not this citizen): a new version ``rejected`` with
    the reason. It leaves the queue and is never used; a later scan of it is looked at by a person again."""
    reason = " ".join(reason.split())
    if not reason:
        raise InvalidValue("say why the document is rejected")
    if len(reason) > MAX_REASON_CHARS:
        raise InvalidValue(f"the reason is longer than {MAX_REASON_CHARS} characters")
    try:
        with db.transaction() as session:
            record = _current(session, document_id, expected_version)
            now = utcnow()
            new = _next_version(session, record, dict(record.fields), reviewer, now)
            new.review_state = fieldstate.state_of(record.document_type, record.fields, record.review_state,
                                                   record.review_reasons)
            new.review_reasons = ["rejected by a reviewer"]  # the reason itself is for reviewers (rejection_reason)
            new.status, new.rejection_reason, new.waiting_since = "rejected", reason, None
            session.add(new)
            session.flush()
            _carry_provenance(session, record, new, skip=set(), confirmed=set(), reviewer=reviewer, at=now.isoformat())
            link_persons(session, new, {k: v for k, v in record.fields.items() if v not in (None, "", [])})
            _supersede(session, record, new, reviewer)
            record_event(session, "document.rejected", "document", new.id, reviewer, supersedes_id=record.id,
                         version=new.version)
            session.flush()
            session.refresh(new, ["provenance"])
            return DocumentRef.of(new)
    except IntegrityError:
        raise Conflict(f"document {document_id} was changed by someone else meanwhile; open it again") from None


def verify_document(db: Database, document_id: int, *, actor: str = DEFAULT_ACTOR) -> DocumentRef:
    """A reviewer confirms a version as it is: every doubtful field confirmed, ``verified`` (a new version)."""
    return record_review(db, document_id, reviewer=actor, confirm=True)


def _current(session: Session, document_id: int, expected_version: int | None) -> DocumentRecord:
    """The version a reviewer acts on, locked; ``Conflict`` unless it is still the newest and open."""
    _existing_id(document_id)
    record = session.get(DocumentRecord, document_id, with_for_update=True,
                         options=[selectinload(DocumentRecord.provenance)])
    if record is None:
        raise NotFound(f"no document with id {document_id}")
    newest = session.execute(select(DocumentRecord.id, DocumentRecord.version)
                             .where(DocumentRecord.identity == record.identity)
                             .order_by(DocumentRecord.version.desc()).limit(1)).one()
    if newest.id != record.id or record.status in FINAL_STATUSES:
        raise Conflict(f"document {document_id} (version {record.version}) is no longer current: version "
                       f"{newest.version} (id {newest.id}) is" + (f", {record.status}" if newest.id == record.id else ""))
    if expected_version is not None and expected_version != record.version:
        raise Conflict(f"document {document_id} is at version {record.version}, not {expected_version}")
    return record


def _existing_id(document_id: int) -> None:
    if not 1 <= document_id <= MAX_ROW_ID:
        raise NotFound(f"no document with id {document_id}")


def _next_version(session: Session, record: DocumentRecord, values: dict[str, Any], reviewer: str,
                  now: datetime) -> DocumentRecord:
    present = {name: value for name, value in values.items() if value not in (None, "", [])}
    new = DocumentRecord(
        identity=record.identity, document_type=record.document_type, variant=record.variant,
        number=document_number(record.document_type, present) or record.number, fields=values,
        version=record.version + 1, supersedes_id=record.id, status="extracted", review_reasons=[],
        reviewed_by=reviewer[:128], reviewed_at=now, created_at=now, updated_at=now)
    set_validity(new)
    return new


def _carry_provenance(session: Session, old: DocumentRecord, new: DocumentRecord, *, skip: set[str],
                      confirmed: set[str], reviewer: str, at: str) -> None:
    for evidence in old.provenance:
        if evidence.field_name in skip:
            continue  # a corrected value: its old evidence stays with the old version
        extras = dict(evidence.extras or {})
        if evidence.field_name in confirmed:
            extras.update(reviewer=reviewer, reviewed_at=at)
        session.add(Provenance(
            document_id=new.id, field_name=evidence.field_name, original_id=evidence.original_id,
            object_key=evidence.object_key, sha256=evidence.sha256, page=evidence.page, bbox=evidence.bbox,
            source=evidence.source, confidence=evidence.confidence, extras=extras))


def _review_evidence(session: Session, old: DocumentRecord, new: DocumentRecord, name: str, replaced: Any,
                     extras: Mapping[str, Any], reviewer: str, at: str) -> None:
    """The evidence of a corrected value: the reviewer, read off the same page and box as the value it replaced
    (or the document's first file when that value was never found)."""
    found = [p for p in old.provenance if p.field_name == name]
    where = max(found, key=lambda p: p.confidence) if found else None
    if where is None:
        where = min(old.provenance, key=lambda p: (p.original_id, p.page or 0), default=None)
        page, bbox = None, None
    else:
        page, bbox = where.page, where.bbox
    if where is None:
        return  # a document read with no field at all: the review state keeps who did what
    details = {key: value for key, value in extras.items() if key in ("province", "ward", "no_expiry")
               and value is not None}
    session.add(Provenance(
        document_id=new.id, field_name=name, original_id=where.original_id, object_key=where.object_key,
        sha256=where.sha256, page=page, bbox=bbox, source="review", confidence=1.0,
        extras={**details, "reviewer": reviewer, "reviewed_at": at, "replaced": replaced}))


def _supersede(session: Session, old: DocumentRecord, new: DocumentRecord, actor: str) -> None:
    old.status = "superseded"
    old.waiting_since = None
    old.updated_at = new.created_at
    record_event(session, "document.superseded", "document", old.id, actor, by_version=new.version)
