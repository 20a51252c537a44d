"""Ingest: keep every original before processing, then turn extractions into deduplicated,
versioned records with field-level provenance.

Rules (each function is one transaction and safe to run again):

- the same bytes twice are one original (content-addressed by sha256) and one document;
- the same document (type and number) read with other values becomes a new version that
  supersedes the old one, which is kept;
- the same values read from another file keep one document and gain provenance;
- an original is ``received`` until ``record_extraction`` (→ ``processed``) or ``quarantine``:
  ``pending_originals`` is what a re-run after a crash must finish.
"""

from __future__ import annotations

import random
import time
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import Select, func, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, selectinload

from extractors.spec import record_spec
from records import fieldstate
from records.claims import claimant_alive
from records.events import record_event
from records.models import (
    Citizen,
    DocumentPerson,
    DocumentRecord,
    Dossier,
    DossierOriginal,
    Original,
    Provenance,
    utcnow,
)
from records.population import check_against_registry
from records.procedures import load_catalogue
from records.refs import DocumentRef, OriginalRef, RecordOutcome
from records.storage.objects import ObjectStore, put_original

from schemas import UNKNOWN_TYPE
from schemas.errors import Conflict, NotFound

if TYPE_CHECKING:
    from records.db import Database
    from schemas import Document, ExtractionResult

DEFAULT_ACTOR = "hoso"
USABLE_STATUSES = ("extracted", "verified")


_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
)


def sniff_media_type(data: bytes) -> str | None:
    """Media type from the first bytes (the name a citizen gave a file is not trusted)."""
    for magic, media_type in _MAGIC:
        if data.startswith(magic):
            return media_type
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


# ---------------------------------------------------------------- originals and dossiers


def open_dossier(
    db: Database, procedure_code: str, branch: str | None = None, *, actor: str = DEFAULT_ACTOR
) -> int:
    """Open a dossier for a procedure of the catalogue; returns its id."""
    procedure = load_catalogue().procedure(procedure_code)
    with db.transaction() as session:
        dossier = Dossier(procedure_code=procedure.code, branch=branch,
                          components=[component.code for component in procedure.components])
        session.add(dossier)
        session.flush()
        record_event(session, "dossier.opened", "dossier", dossier.id, actor, procedure_code=procedure.code)
        return dossier.id


def register_original(
    db: Database,
    store: ObjectStore,
    data: bytes,
    source_name: str | None,
    dossier_id: int | None = None,
    *,
    media_type: str | None = None,
    actor: str = DEFAULT_ACTOR,
) -> OriginalRef:
    """Store the original (before any processing) and record it as ``received``.

    The same bytes again return the same row; nothing new is written except a new dossier link.
    """
    if not data:
        raise ValueError("an empty file is not an original")
    detected = sniff_media_type(data) or media_type or "application/octet-stream"
    # The object first: a crash after this line leaves a stored object and no row, and a re-run
    # writes the row; the other order could leave a row pointing at nothing.
    sha, key = put_original(store, data, detected)
    for attempt in range(2):
        try:
            with db.transaction() as session:
                row = session.scalars(select(Original).where(Original.sha256 == sha)).one_or_none()
                if row is None:
                    row = Original(sha256=sha, object_key=key, size=len(data), media_type=detected,
                                   source_name=_nfc(source_name) if source_name else None, status="received")
                    session.add(row)
                    session.flush()
                    record_event(session, "original.received", "original", row.id, actor,
                                 size=len(data), media_type=detected)
                if dossier_id is not None and session.get(DossierOriginal, (dossier_id, row.id)) is None:
                    session.add(DossierOriginal(dossier_id=dossier_id, original_id=row.id))
                    record_event(session, "dossier.original_attached", "dossier", dossier_id, actor,
                                 original_id=row.id)
                return OriginalRef.of(row)
        except IntegrityError:
            if attempt:  # a concurrent writer inserted the same sha: the second pass finds its row
                raise
    raise AssertionError("unreachable")


def quarantine(db: Database, original: OriginalRef | int, reason: str, *, actor: str = DEFAULT_ACTOR,
               claimant: str | None = None) -> OriginalRef:
    """Set a received original aside with a reason (in our own words: never a database error's text, which may
    quote values); its stored bytes are kept. Only from a state where it is true: an original another worker
    has processed, or reads now, is left as it is (the returned ref says which)."""
    with db.transaction() as session:
        row = _original_row(session, original, for_update=True)
        if row.status == "processed":
            return OriginalRef.of(row)
        if row.claimed_by not in (None, claimant) and claimant_alive(row.claimed_by, row.claimed_at):
            return OriginalRef.of(row)
        if row.status != "quarantined" or row.quarantine_reason != reason:
            row.status = "quarantined"
            row.quarantine_reason = _nfc(reason)
            row.claimed_by = row.claimed_at = None
            record_event(session, "original.quarantined", "original", row.id, actor, reason=row.quarantine_reason)
        return OriginalRef.of(row)


def quarantined_originals(db: Database) -> list[OriginalRef]:
    """Originals set aside, oldest first."""
    with db.transaction() as session:
        rows = session.scalars(select(Original).where(Original.status == "quarantined")
                               .order_by(Original.received_at, Original.id))
        return [OriginalRef.of(row) for row in rows]


def release_original(db: Database, original_id: int, *, actor: str) -> OriginalRef:
    """Take a quarantined original back into the queue (``received``, its crash count reset): the next run, or
    ``resume_pending``, reads it again. Raises ``NotFound``, or ``Conflict`` when it is not quarantined."""
    with db.transaction() as session:
        row = _original_row(session, original_id, for_update=True)
        if row.status != "quarantined":
            raise Conflict(f"original {row.id} is {row.status}, not quarantined")
        record_event(session, "original.released", "original", row.id, actor, reason=row.quarantine_reason)
        row.status, row.quarantine_reason, row.unfinished_starts = "received", None, 0
        row.claimed_by = row.claimed_at = None
        return OriginalRef.of(row)


PROCESSING_STARTED = "original.processing_started"
PROCESSING_INTERRUPTED = "original.processing_interrupted"


@dataclass(frozen=True)
class Claim:
    """The answer to a claim: ``claimed`` (read it now), ``busy`` (another live worker reads it) or ``settled``
    (processed or quarantined already); ``unfinished``: earlier starts whose worker died before the end."""

    state: Literal["claimed", "busy", "settled"]
    original: OriginalRef
    unfinished: int = 0


def claim_original(db: Database, original: OriginalRef, claimant: str, *, actor: str = DEFAULT_ACTOR) -> Claim:
    """Claim a received original for ``claimant`` (``records.claims.begin_claim``), atomically: of all the
    workers that meet the same file at once, one is told ``claimed``. A claim whose worker died is taken over
    and counted as a start that never ended."""
    for _attempt in range(5):
        with db.transaction() as session:
            row = _original_row(session, original)
            held_by, unfinished = row.claimed_by, row.unfinished_starts or 0
            if row.status != "received":
                return Claim("settled", OriginalRef.of(row))
            if held_by not in (None, claimant) and claimant_alive(held_by, row.claimed_at):
                return Claim("busy", OriginalRef.of(row))
            if held_by not in (None, claimant):
                unfinished += 1  # its worker died reading it
            # Compare and swap: only if nobody changed the claim since it was read.
            swapped = session.execute(
                update(Original).where(Original.id == row.id, Original.status == "received",
                                       Original.claimed_by.is_(None) if held_by is None
                                       else Original.claimed_by == held_by)
                .values(claimed_by=claimant, claimed_at=utcnow(), unfinished_starts=unfinished)
                .execution_options(synchronize_session=False))
            if swapped.rowcount == 1:  # type: ignore[attr-defined]
                record_event(session, PROCESSING_STARTED, "original", row.id, actor, unfinished=unfinished)
                return Claim("claimed", OriginalRef.of(row), unfinished)
    raise Conflict(f"original {original.id} kept changing hands: try again")


def release_claim(db: Database, original: OriginalRef, claimant: str, *, actor: str = DEFAULT_ACTOR) -> None:
    """Give a claim back after a transient fault (to be retried): not a start that never ended."""
    with db.transaction() as session:
        swapped = session.execute(
            update(Original).where(Original.id == original.id, Original.claimed_by == claimant)
            .values(claimed_by=None, claimed_at=None).execution_options(synchronize_session=False))
        if swapped.rowcount == 1:  # type: ignore[attr-defined]
            record_event(session, PROCESSING_INTERRUPTED, "original", original.id, actor)


def pending_originals(db: Database) -> list[OriginalRef]:
    """Originals received but not yet processed or quarantined, oldest first."""
    with db.transaction() as session:
        rows = session.scalars(
            select(Original).where(Original.status == "received").order_by(Original.received_at, Original.id)
        )
        return [OriginalRef.of(row) for row in rows]


def get_original(db: Database, original_id: int) -> OriginalRef:
    with db.transaction() as session:
        return OriginalRef.of(_original_row(session, original_id))


def _original_row(session: Session, original: OriginalRef | int, *, for_update: bool = False) -> Original:
    original_id = original if isinstance(original, int) else original.id
    row = session.get(Original, original_id, with_for_update=for_update, populate_existing=True)
    if row is None:
        raise NotFound(f"no original with id {original_id}")
    return row


# ---------------------------------------------------------------- extractions


def record_extraction(
    db: Database, original: OriginalRef | int, result: ExtractionResult, *, actor: str = DEFAULT_ACTOR,
    same_document: Mapping[int, int] | None = None,
) -> list[DocumentRef]:
    """Record what was extracted from an original and mark it ``processed``. Idempotent.

    ``same_document`` maps a document's index in ``result.documents`` to the id of a held document it
    is another part of (the back of a card whose front arrived as its own file and carries the number):
    its values become a new version of that document instead of an unnumbered document of their own.

    Workers recording other files of the same document at once meet in the database's constraints (a version
    number, a citizen's id number): the one that loses starts over, and then finds the winner's rows.
    """
    for attempt in range(RECORD_ATTEMPTS):
        try:
            return _record_extraction(db, original, result, actor, same_document)
        except (IntegrityError, OperationalError) as error:
            if attempt == RECORD_ATTEMPTS - 1 or not is_write_conflict(error):
                raise
            time.sleep(random.uniform(0.02, 0.1) * (attempt + 1))  # let the winner commit
    raise AssertionError("unreachable")


RECORD_ATTEMPTS = 5
# PostgreSQL: deadlock detected, serialization failure; SQLite: the write lock not had within busy_timeout.
_CONFLICT_CODES = ("40P01", "40001")


def is_write_conflict(error: BaseException) -> bool:
    """A concurrent writer's transaction collided with ours: trying again will find its rows."""
    if isinstance(error, IntegrityError):
        return True
    orig = getattr(error, "orig", None)
    return getattr(orig, "sqlstate", None) in _CONFLICT_CODES or "database is locked" in str(orig)


def _record_extraction(
    db: Database, original: OriginalRef | int, result: ExtractionResult, actor: str,
    same_document: Mapping[int, int] | None,
) -> list[DocumentRef]:
    with db.transaction() as session:
        row = _original_row(session, original, for_update=True)
        if result.sha256 != row.sha256:
            raise ValueError("the extraction result is for other bytes than this original")
        if row.status == "quarantined":
            raise ValueError(f"original {row.id} is quarantined: release it before recording extractions")
        refs: list[DocumentRef] = []
        for index, document in enumerate(result.documents):
            joins = (same_document or {}).get(index)
            record, outcome = _record_document(session, row, index, document, actor, joins)
            if outcome in ("created", "new_version"):
                check_against_registry(session, record, actor)
            session.flush()
            session.refresh(record, ["provenance"])
            refs.append(DocumentRef.of(record, outcome=outcome))
        row.claimed_by = row.claimed_at = None
        if row.status != "processed":
            row.status = "processed"
            row.processed_at = utcnow()
            record_event(session, "original.processed", "original", row.id, actor,
                         documents=[ref.id for ref in refs], errors=[error.code for error in result.errors],
                         warnings=[warning.code for warning in result.warnings])
        return refs


def _record_document(
    session: Session, original: Original, index: int, document: Document, actor: str, joins: int | None = None
) -> tuple[DocumentRecord, RecordOutcome]:
    values = {name: _nfc_value(field.value) for name, field in document.fields.items()}
    expiry = document.fields.get("expiry_date")
    if expiry is not None and expiry.no_expiry:
        values["no_expiry"] = True  # "Không thời hạn" is a reading too: it must count in comparisons
    present = {name: value for name, value in values.items() if value not in (None, "", [])}
    number = document_number(document.document_type, present)
    identity = f"{document.document_type}:{number}" if number else f"file:{original.sha256}:{index}"
    if joins is not None:
        held = session.get(DocumentRecord, joins)
        if held is None:
            raise KeyError(f"no document with id {joins}")
        # an unknown component may become any type: a reviewer named it (usecases.reclassify)
        if held.document_type not in (document.document_type, UNKNOWN_TYPE):
            raise ValueError(f"document {joins} is a {held.document_type}, not a {document.document_type}")
        identity, number = held.identity, held.number

    versions = list(session.scalars(
        select(DocumentRecord).where(DocumentRecord.identity == identity)
        .order_by(DocumentRecord.version.desc()).with_for_update()  # serialise concurrent writers (PostgreSQL)
        .options(selectinload(DocumentRecord.provenance))
    ))
    # A re-run of a file already recorded for this document: nothing to do.
    for version in versions:
        from_this_file = identity.startswith("file:") or any(p.sha256 == original.sha256 for p in version.provenance)
        if from_this_file and _covers(version.fields, present):
            return version, "unchanged"

    latest = versions[0] if versions else None
    if latest is not None and latest.status != "rejected" and _covers(latest.fields, present):
        # The same values read from another file: one document, more evidence.
        if not _add_provenance(session, latest, original, document, present):
            return latest, "unchanged"
        record_event(session, "document.provenance_added", "document", latest.id, actor, original_id=original.id)
        return latest, "provenance_added"

    # A rejected version is never used again: nothing is carried over from it, and a person looks at the new scan.
    base = latest if latest is not None and latest.status != "rejected" else None
    fields = {**(base.fields if base else {}), **values}
    for name, value in (base.fields.items() if base else ()):
        if fields.get(name) in (None, "", []):
            fields[name] = value  # a field this scan missed keeps its earlier reading
    if fields.get("no_expiry"):
        fields["expiry_date"] = None
    # The review state of the merged fields: each field's from the scan its value came from, what spans
    # fields judged again on the merged values (never the newest scan's reasons as they were).
    scan = fieldstate.scan_state(document)
    earlier = fieldstate.state_of(base.document_type, base.fields, base.review_state, base.review_reasons) \
        if base else None
    if earlier is not None and base is not None and base.document_type != document.document_type:
        earlier["document"] = []  # an unknown component a reviewer named: "not recognised" no longer holds
    state = fieldstate.merge(document.document_type, fields, earlier, scan, read_now=set(values))
    record = DocumentRecord(
        identity=identity, document_type=document.document_type, variant=document.variant or
        (latest.variant if latest else None), number=number, fields=fields,
        version=(latest.version + 1) if latest else 1, status="extracted",
    )
    set_validity(record)
    conflict = _person_conflict(document.document_type, base.fields, present) if base else None
    if latest is not None and latest.status == "rejected":
        record.supersedes_id = latest.id  # it stays rejected
        fieldstate.add_reason(state, None, f"document {latest.id} version {latest.version} with the same "
                                           "number was rejected by a reviewer")
    elif latest is not None and conflict is None:
        record.supersedes_id = latest.id
        if latest.status != "superseded":
            latest.status = "superseded"
            latest.updated_at = utcnow()
            record_event(session, "document.superseded", "document", latest.id, actor, by_version=record.version)
    elif latest is not None:
        # Same number, another person: both kept, the old one stays current until a reviewer decides.
        fieldstate.add_reason(state, conflict, f"{conflict} differs from document {latest.id} version "
                                               f"{latest.version} with the same number")
    fieldstate.apply(record, state, waiting_since=latest.waiting_since if latest is not None else None)
    session.add(record)
    session.flush()
    # Link by every id the version holds, carried-over ones too: a card's back has no number of its own.
    link_persons(session, record, {name: value for name, value in fields.items() if value not in (None, "", [])})
    # Provenance of carried-over fields stays with the version they were read for; copy it along.
    carried = {name for name in fields if name not in present}
    for old in (latest.provenance if latest else ()):
        if old.field_name in carried:
            session.add(Provenance(
                document_id=record.id, field_name=old.field_name, original_id=old.original_id,
                object_key=old.object_key, sha256=old.sha256, page=old.page, bbox=old.bbox, source=old.source,
                confidence=old.confidence, extras=dict(old.extras)))
    _add_provenance(session, record, original, document, present)
    outcome: RecordOutcome = "new_version" if latest else "created"
    record_event(session, f"document.{'version_added' if latest else 'created'}", "document", record.id, actor,
                 original_id=original.id, document_type=record.document_type, version=record.version,
                 supersedes_id=record.supersedes_id, status=record.status)
    return record, outcome


def document_number(document_type: str, values: dict[str, Any]) -> str | None:
    """The number that identifies a document across scans (its type's ``record.number`` fields, joined),
    or None when one of them was not read or the type has none."""
    parts = []
    for name in record_spec(document_type).number:
        value = values.get(name)
        if not (isinstance(value, str) and value.strip()):
            return None
        parts.append("".join(value.split()))
    return "|".join(parts) or None


def _covers(known: dict[str, Any], present: dict[str, Any]) -> bool:
    """Every value read now is already known, equal: nothing new, nothing conflicting."""
    return all(known.get(name) == value for name, value in present.items())


def _person_conflict(document_type: str, known: dict[str, Any], present: dict[str, Any]) -> str | None:
    for person in record_spec(document_type).persons.values():
        field_name = person.id_number
        old, new = known.get(field_name), present.get(field_name)
        if old and new and old != new:
            return field_name
    return None


def _add_provenance(
    session: Session, record: DocumentRecord, original: Original, document: Document, present: dict[str, Any]
) -> int:
    """Evidence for each value read from this original; returns how many rows were added."""
    added = 0
    have = {(p.field_name, p.sha256) for p in record.provenance} if record.id else set()
    for name in present:
        field = document.fields.get(name)
        if field is None or (name, original.sha256) in have:
            continue  # derived values (no_expiry) have their evidence on the field they came from
        extras = {key: value for key in ("province", "ward", "no_expiry", "note")
                  if (value := getattr(field, key)) is not None}
        session.add(Provenance(
            document_id=record.id, field_name=name, original_id=original.id, object_key=original.object_key,
            sha256=original.sha256, page=field.page, bbox=list(field.bbox) if field.bbox else None,
            source=field.source, confidence=field.confidence, extras=extras))
        added += 1
    return added


def set_validity(record: DocumentRecord) -> None:
    """A version's validity (from, until, no expiry) from its type's record rules and its values."""
    rules, fields = record_spec(record.document_type), record.fields
    record.valid_from = _iso_date(fields.get(rules.valid_from)) if rules.valid_from else None
    record.valid_until = _iso_date(fields.get(rules.valid_until)) if rules.valid_until else None
    if rules.valid_for_days and record.valid_from:
        record.valid_until = record.valid_from + timedelta(days=rules.valid_for_days)
    record.no_expiry = bool(fields.get("no_expiry"))


def link_persons(session: Session, record: DocumentRecord, present: dict[str, Any]) -> None:
    """Whom a version is about, by role, from the id numbers among its values (and the holder's citizen row)."""
    for role, person in record_spec(record.document_type).persons.items():
        id_number = present.get(person.id_number)
        if isinstance(id_number, str) and id_number.isascii() and id_number.isdigit() and len(id_number) in (9, 12):
            session.add(DocumentPerson(document_id=record.id, role=role, id_number=id_number))
            if role == "subject" and len(id_number) == 12:
                record.citizen_id = _citizen_for(session, record.document_type, id_number, present).id


def _citizen_for(session: Session, document_type: str, id_number: str, present: dict[str, Any]) -> Citizen:
    """The citizen with this id number, created from the document when the registry has none."""
    citizen = session.scalars(select(Citizen).where(Citizen.id_number == id_number)).one_or_none()
    if citizen is None:
        rules = record_spec(document_type)
        subject = rules.persons["subject"]
        residence = next((present[name] for name in rules.residence if isinstance(present.get(name), str)), None)
        citizen = Citizen(id_number=id_number, full_name=present.get(subject.full_name or ""),
                          date_of_birth=present.get(subject.date_of_birth or ""), sex=present.get(subject.sex or ""),
                          residence=residence, source="extraction")
        session.add(citizen)
        session.flush()
    return citizen


# ---------------------------------------------------------------- reading records


def held_documents(
    db: Database, id_number: str, *, on: date | None = None, include_unusable: bool = False
) -> list[DocumentRef]:
    """A person's documents, newest first: per document the latest valid version (not expired,
    not superseded, not needs_review). With ``include_unusable`` the latest version whatever its state."""
    today = on or date.today()
    with db.transaction() as session:
        rows = session.execute(
            select(DocumentRecord, DocumentPerson.role)
            .join(DocumentPerson, DocumentPerson.document_id == DocumentRecord.id)
            .where(DocumentPerson.id_number == id_number)
            .options(selectinload(DocumentRecord.provenance))
            .order_by(DocumentRecord.identity, DocumentRecord.version.desc())
        ).all()
        roles: dict[int, list[str]] = {}
        records: dict[int, DocumentRecord] = {}
        for record, role in rows:
            records[record.id] = record
            roles.setdefault(record.id, []).append(role)
        ordered = latest_versions(records.values(), lambda record: include_unusable or is_usable(record, today))
        return [DocumentRef.of(record, roles=tuple(sorted(roles[record.id]))) for record in ordered]


def is_usable(record: DocumentRecord | Any, on: date) -> bool:
    """May this version stand in for a document the citizen would otherwise hand over?

    Takes an ORM record or a plain row with the same columns (the query service's lookups)."""
    if record.status not in USABLE_STATUSES:
        return False
    return record.no_expiry or record.valid_until is None or record.valid_until >= on


def file_component(db: Database, document_id: int) -> tuple[str, int]:
    """(sha256, index) of an unnumbered document: the file it was read from and its place in that file."""
    with db.transaction() as session:
        record = session.get(DocumentRecord, document_id)
        if record is None:
            raise NotFound(f"no document with id {document_id}")
        kind, _, rest = record.identity.partition(":")
        sha256, _, index = rest.rpartition(":")
        if kind != "file" or not index.isdigit():
            raise NotFound(f"document {document_id} is known by its number, not by a file")
        return sha256, int(index)


def original_by_sha256(db: Database, sha256: str) -> OriginalRef:
    with db.transaction() as session:
        row = session.scalars(select(Original).where(Original.sha256 == sha256)).one_or_none()
        if row is None:
            raise NotFound("no original with these contents")
        return OriginalRef.of(row)


def get_document(db: Database, document_id: int) -> DocumentRef:
    with db.transaction() as session:
        record = session.get(DocumentRecord, document_id, options=[selectinload(DocumentRecord.provenance)])
        if record is None:
            raise KeyError(f"no document with id {document_id}")
        return DocumentRef.of(record)


def document_versions(db: Database, document_id: int) -> list[DocumentRef]:
    """Every version of the document that ``document_id`` is a version of, oldest first."""
    with db.transaction() as session:
        record = session.get(DocumentRecord, document_id)
        if record is None:
            raise KeyError(f"no document with id {document_id}")
        rows = session.scalars(
            select(DocumentRecord).where(DocumentRecord.identity == record.identity)
            .options(selectinload(DocumentRecord.provenance)).order_by(DocumentRecord.version))
        return [DocumentRef.of(row) for row in rows]


def documents_of_originals(db: Database, original_ids: Iterable[int] | Select[Any]) -> list[DocumentRef]:
    """The current version of every document the originals (ids, or a query of ids) contributed to, oldest first."""
    with db.transaction() as session:
        identities = set(session.scalars(
            select(DocumentRecord.identity).join(Provenance, Provenance.document_id == DocumentRecord.id)
            .where(Provenance.original_id.in_(original_ids))))
        for sha in session.scalars(select(Original.sha256).where(Original.id.in_(original_ids))):
            # documents read with no field at all have no provenance: they are keyed by the file
            identities |= set(session.scalars(
                select(DocumentRecord.identity).where(DocumentRecord.identity.like(f"file:{sha}:%"))))
        if not identities:
            return []
        rows = session.scalars(
            select(DocumentRecord).where(DocumentRecord.identity.in_(identities))
            .options(selectinload(DocumentRecord.provenance))
            .order_by(DocumentRecord.identity, DocumentRecord.version.desc()))
        latest: dict[str, DocumentRecord] = {}
        for row in rows:
            latest.setdefault(row.identity, row)
        return [DocumentRef.of(row) for row in sorted(latest.values(), key=lambda r: r.id)]


def provenance_of(db: Database, document_id: int) -> list[dict[str, Any]]:
    """Field-level evidence of one document version: file, page, box, source, confidence."""
    with db.transaction() as session:
        rows = session.scalars(select(Provenance).where(Provenance.document_id == document_id)
                               .order_by(Provenance.field_name, Provenance.id))
        return [{"field": p.field_name, "original_id": p.original_id, "object_key": p.object_key,
                 "sha256": p.sha256, "page": p.page, "bbox": p.bbox, "source": p.source,
                 "confidence": p.confidence, **p.extras} for p in rows]


def count_versions(db: Database) -> int:
    with db.transaction() as session:
        return session.scalar(select(func.count()).select_from(DocumentRecord)) or 0


# ---------------------------------------------------------------- helpers


def _nfc(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def _nfc_value(value: Any) -> Any:
    if isinstance(value, str):
        return _nfc(value)
    if isinstance(value, list):
        return [_nfc_value(item) for item in value]
    if isinstance(value, dict):
        return {key: _nfc_value(item) for key, item in value.items()}
    return value


def _iso_date(value: Any) -> date | None:
    if not isinstance(value, str) or len(value) != 10:
        return None  # a partial date (YYYY) has no day to count validity from
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def latest_versions(rows: Iterable[Any], keep: Callable[[Any], bool]) -> list[Any]:
    """The newest version of each document identity among ``rows`` that ``keep`` accepts, newest first.

    Works on ORM records and on plain rows alike (anything with ``identity``,
    ``version``, ``created_at`` and ``id``), so the query service can use it too.
    """
    chosen: dict[str, Any] = {}
    for row in rows:
        if not keep(row):
            continue
        best = chosen.get(row.identity)
        if best is None or row.version > best.version:
            chosen[row.identity] = row
    return sorted(chosen.values(), key=lambda r: (r.created_at, r.id), reverse=True)
