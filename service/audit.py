"""The audit log of the query service: every request for personal data, who/what/when/why/outcome.

Ids only: the subject is ``subject_hash(id_number)`` (an HMAC-SHA256 under the service's audit
secret, so it cannot be reversed by trying every id number), documents by their id. Rows are
append-only (triggers refuse UPDATE and DELETE).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import queue
import threading
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, or_, select

from records.models import AuditEntry, DocumentPerson, utcnow

if TYPE_CHECKING:
    from records.db import Database

MAX_PURPOSE_CHARS = 500
MAX_BATCH = 500
WRITE_TIMEOUT_S = 30
log = logging.getLogger(__name__)


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

    def row(self) -> dict[str, Any]:
        purpose = self.purpose[:MAX_PURPOSE_CHARS] if self.purpose else None
        return {"occurred_at": utcnow(), "client": self.client, "method": self.method, "endpoint": self.endpoint,
                "purpose": purpose, "subject_hash": self.subject_hash, "document_id": self.document_id,
                "status": self.status}


@dataclass
class _Pending:
    record: dict[str, Any]
    done: threading.Event = field(default_factory=threading.Event)
    error: BaseException | None = None


class AuditWriter:
    """Group commit: request threads hand their rows to one writer thread and WAIT until the rows
    are committed, so no answer leaves before its audit row is durable. Whatever queued up during
    one commit goes into the next, as one transaction.

    Why: a commit per request from many threads and worker processes contends for SQLite's single
    write lock (its busy handler sleeps 1-100 ms per retry); under 200 req/s that queued requests
    for seconds. One writer per process commits ~once per millisecond-scale batch instead.
    """

    def __init__(self, db: Database) -> None:
        self._db = db
        self._queue: queue.Queue[_Pending | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="audit-writer", daemon=True)
        self._thread.start()

    def write(self, record: AuditRecord) -> None:
        """Append ``record``; returns once it is committed (raises if the commit failed)."""
        pending = _Pending(record.row())  # stamped now, at the end of the request
        self._queue.put(pending)
        if not pending.done.wait(WRITE_TIMEOUT_S):
            raise TimeoutError("the audit log did not commit in time")
        if pending.error is not None:
            raise pending.error

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join(timeout=WRITE_TIMEOUT_S)

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            batch = [first]
            while len(batch) < MAX_BATCH:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    self._queue.put(None)  # finish this batch, then stop
                    break
                batch.append(item)
            self._commit(batch)

    def _commit(self, batch: list[_Pending]) -> None:
        try:
            with self._db.transaction() as session:  # one multi-row INSERT, no ORM unit of work
                session.execute(insert(AuditEntry), [pending.record for pending in batch])
        except Exception as error:  # each waiting request reports it
            log.exception("audit batch of %d rows failed", len(batch))
            for pending in batch:
                pending.error = error
        finally:
            for pending in batch:
                pending.done.set()


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
