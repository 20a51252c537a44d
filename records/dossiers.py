"""A dossier's own facts: what it is, which documents were read from its files, where and when a held
document was digitised, and the citizen's consent to the reuse of held records for it.

Consent is kept with the dossier as events on it (``events``: entity ``dossier``, action
``dossier.reuse_consent``, details ``{document_id, component, decision}``): append-only, so a citizen who
changes their mind leaves both decisions on record, the newest one counting. No schema change, and like every
event it holds ids and codes only, never personal data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Literal

from sqlalchemy import select

from records.events import record_event
from records.ingest import documents_of_originals
from records.models import DocumentPerson, Dossier, DossierOriginal, Event, Original, Provenance
from records.refs import DocumentRef
from schemas.errors import NotFound

if TYPE_CHECKING:
    from records.db import Database

Decision = Literal["confirmed", "refused"]
CONSENT_ACTION = "dossier.reuse_consent"
DECISIONS: tuple[Decision, ...] = ("confirmed", "refused")


@dataclass(frozen=True)
class DossierFacts:
    id: int
    procedure_code: str
    branch: str | None
    received_at: datetime


@dataclass(frozen=True)
class Consent:
    """The citizen's newest decision on reusing one held record for one dossier."""

    document_id: int
    component: str
    decision: Decision
    decided_by: str  # the client key (or signed-in key) that recorded it
    decided_at: datetime


@dataclass(frozen=True)
class Digitised:
    """Where and when a held document's source was received: its first original's arrival and branch."""

    original_id: int
    received_at: datetime
    branch: str | None
    media_type: str | None


def dossier_facts(db: Database, dossier_id: int) -> DossierFacts:
    with db.transaction() as session:
        row = session.get(Dossier, dossier_id) if 0 < dossier_id < 2**31 else None
        if row is None:
            raise NotFound(f"no dossier with id {dossier_id}")
        return DossierFacts(row.id, row.procedure_code, row.branch, row.received_at)


def dossier_documents(db: Database, dossier_id: int) -> list[DocumentRef]:
    """The current version of each document read from the dossier's files, oldest first."""
    return documents_of_originals(db, select(DossierOriginal.original_id).where(DossierOriginal.dossier_id == dossier_id))


def roles_of(db: Database, id_number: str, document_ids: set[int]) -> dict[int, tuple[str, ...]]:
    """For each of the documents that names anybody: the roles ``id_number`` has in it (empty: not them)."""
    if not document_ids:
        return {}
    with db.transaction() as session:
        rows = session.execute(select(DocumentPerson.document_id, DocumentPerson.role, DocumentPerson.id_number)
                               .where(DocumentPerson.document_id.in_(document_ids))).all()
    found: dict[int, list[str]] = {}
    for document_id, role, number in rows:
        found.setdefault(document_id, [])
        if number == id_number:
            found[document_id].append(role)
    return {document_id: tuple(sorted(roles)) for document_id, roles in found.items()}


def digitised(db: Database, document_id: int) -> Digitised | None:
    """The first original a document version's values were read from: when it arrived and at which branch."""
    with db.transaction() as session:
        row = session.execute(
            select(Original.id, Original.received_at, Original.media_type)
            .where(Original.id.in_(select(Provenance.original_id).where(Provenance.document_id == document_id)))
            .order_by(Original.received_at, Original.id).limit(1)).one_or_none()
        if row is None:
            return None
        branch = session.scalar(
            select(Dossier.branch).join(DossierOriginal, DossierOriginal.dossier_id == Dossier.id)
            .where(DossierOriginal.original_id == row.id).order_by(Dossier.received_at, Dossier.id).limit(1))
        return Digitised(row.id, row.received_at, branch, row.media_type)


def record_consent(db: Database, dossier_id: int, document_id: int, component: str, decision: Decision, *,
                   actor: str) -> Consent:
    """Keep the citizen's decision on reusing ``document_id`` for ``component`` of the dossier."""
    if decision not in DECISIONS:
        raise ValueError(f"decision must be one of {DECISIONS}")
    with db.transaction() as session:
        if session.get(Dossier, dossier_id) is None:
            raise NotFound(f"no dossier with id {dossier_id}")
        record_event(session, CONSENT_ACTION, "dossier", dossier_id, actor, document_id=document_id,
                     component=component, decision=decision)
    newest = consents(db, dossier_id).get(document_id)
    assert newest is not None
    return newest


def consents(db: Database, dossier_id: int) -> dict[int, Consent]:
    """The newest decision per held record, for one dossier."""
    with db.transaction() as session:
        events = session.scalars(
            select(Event).where(Event.entity == "dossier", Event.entity_id == dossier_id,
                                Event.action == CONSENT_ACTION).order_by(Event.id))
        found: dict[int, Consent] = {}
        for event in events:
            details = event.details or {}
            document_id, decision = details.get("document_id"), details.get("decision")
            if isinstance(document_id, int) and decision in DECISIONS:
                found[document_id] = Consent(document_id, str(details.get("component") or ""), decision,
                                             event.actor, event.occurred_at)
        return found
