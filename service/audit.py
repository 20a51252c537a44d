"""The audit log of the query service: every request for personal data, who/what/when/why/outcome.

Ids only: the subject is ``subject_hash(id_number)`` (an HMAC-SHA256 under the service's audit
secret, so it cannot be reversed by trying every id number), documents by their id. Rows are
append-only (triggers refuse UPDATE and DELETE).
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from pipeline.records.models import AuditEntry, DocumentPerson

if TYPE_CHECKING:
    from pipeline.records.db import Database

MAX_PURPOSE_CHARS = 500


def subject_hash(secret: bytes, id_number: str) -> str:
    return hmac.new(secret, id_number.encode("ascii", "replace"), hashlib.sha256).hexdigest()


@dataclass
class AuditRecord:
    """What one request will append: filled in by the endpoint, written when it ends."""

    client: str
    method: str
    endpoint: str
    purpose: str | None
    subject_hash: str | None = None
    document_id: int | None = None
    status: int = 500

    def row(self) -> AuditEntry:
        purpose = self.purpose[:MAX_PURPOSE_CHARS] if self.purpose else None
        return AuditEntry(client=self.client, method=self.method, endpoint=self.endpoint, purpose=purpose,
                          subject_hash=self.subject_hash, document_id=self.document_id, status=self.status)


def append(session: Session, record: AuditRecord) -> None:
    """Add the row inside the caller's transaction (one commit for the read and its audit)."""
    session.add(record.row())


def write(db: Database, record: AuditRecord) -> None:
    with db.transaction() as session:
        append(session, record)


def query(
    db: Database,
    *,
    client: str | None = None,
    subject: str | None = None,
    id_number: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    before_id: int | None = None,
    limit: int = 100,
) -> list[dict[str, Any]]:
    """Audit rows, newest first. ``subject`` is the hash of ``id_number``: a subject matches the rows
    that named it and the reads of any document the person is in."""
    statement = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if client:
        statement = statement.where(AuditEntry.client == client)
    if subject:
        about = [AuditEntry.subject_hash == subject]
        if id_number:
            about.append(AuditEntry.document_id.in_(
                select(DocumentPerson.document_id).where(DocumentPerson.id_number == id_number)))
        statement = statement.where(or_(*about))
    if since:
        statement = statement.where(AuditEntry.occurred_at >= since)
    if until:
        statement = statement.where(AuditEntry.occurred_at < until)
    if before_id:
        statement = statement.where(AuditEntry.id < before_id)
    with db.transaction() as session:
        return [{"id": row.id, "occurred_at": row.occurred_at.isoformat(), "client": row.client,
                 "method": row.method, "endpoint": row.endpoint, "subject_hash": row.subject_hash,
                 "document_id": row.document_id, "purpose": row.purpose, "status": row.status}
                for row in session.scalars(statement)]
