"""The audit log of the query service: every request for personal data, who/what/when/why/outcome.

Ids only: the subject is ``subject_hash(id_number)`` (an HMAC-SHA256 under the service's audit
secret, so it cannot be reversed by trying every id number), documents by their id. Rows are
append-only (triggers refuse UPDATE and DELETE).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import logging
import queue
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from sqlalchemy import insert, or_, select

from records.models import AuditEntry, DocumentPerson, utcnow
from schemas import nfc

if TYPE_CHECKING:
    from records.db import Database

MAX_PURPOSE_CHARS = 500
MAX_BATCH = 500
WRITE_TIMEOUT_S = 30
# Sizes of the audit_log columns (records.models.AuditEntry): PostgreSQL refuses longer values.
MAX_METHOD_CHARS, MAX_NAME_CHARS = 8, 128
# The largest id the records database holds: its ids (documents.id, audit_log.id, audit_log.document_id)
# are INTEGER columns, 32-bit on PostgreSQL, where a larger value in a query is an error, not a miss.
MAX_STORED_ID = 2**31 - 1
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")  # NUL cannot be stored in PostgreSQL text
log = logging.getLogger(__name__)


def clean_text(text: str) -> str:
    """``text`` without control characters (and lone surrogates): safe to store and to log."""
    return _CONTROL.sub("", text)


def purpose_of(header: str | None) -> str:
    """The stated purpose: HTTP headers are ASCII, so non-ASCII text comes percent-encoded UTF-8."""
    return nfc(clean_text(unquote(header or "", errors="replace")))


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
        # an id beyond the column's range names no document that can exist: the row says none
        document_id = self.document_id if self.document_id is not None and self.document_id <= MAX_STORED_ID \
            else None
        return {"occurred_at": utcnow(), "client": self.client[:MAX_NAME_CHARS], "method": self.method[:MAX_METHOD_CHARS],
                "endpoint": self.endpoint[:MAX_NAME_CHARS], "purpose": purpose, "subject_hash": self.subject_hash,
                "document_id": document_id, "status": self.status}


@dataclass
class _Pending:
    record: dict[str, Any]
    done: threading.Event = field(default_factory=threading.Event)
    error: BaseException | None = None
    on_done: Callable[[], None] | None = None  # wakes an asynchronous writer (``write_async``)


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

    async def write_async(self, record: AuditRecord) -> None:
        """``write`` for the event loop: waits for the commit without holding a worker thread."""
        loop = asyncio.get_running_loop()
        committed: asyncio.Future[None] = loop.create_future()

        def wake() -> None:
            loop.call_soon_threadsafe(_settle, committed)

        pending = _Pending(record.row(), on_done=wake)
        self._queue.put(pending)
        try:
            await asyncio.wait_for(committed, WRITE_TIMEOUT_S)
        except TimeoutError:
            raise TimeoutError("the audit log did not commit in time") from None
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
                if pending.on_done is not None:
                    with contextlib.suppress(RuntimeError):  # its event loop has closed: nobody waits any more
                        pending.on_done()


def append(db: Database, record: AuditRecord) -> None:
    """Append one row now, in its own transaction: for callers outside the service (``hoso review``)."""
    with db.transaction() as session:
        session.execute(insert(AuditEntry), [record.row()])


def _settle(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


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
    if before_id and before_id <= MAX_STORED_ID:  # a larger one is above every id: no bound
        statement = statement.where(AuditEntry.id < before_id)
    with db.transaction() as session:
        return [{"id": row.id, "occurred_at": row.occurred_at.isoformat(), "client": row.client,
                 "method": row.method, "endpoint": row.endpoint, "subject_hash": row.subject_hash,
                 "document_id": row.document_id, "purpose": row.purpose, "status": row.status}
                for row in session.scalars(statement)]
