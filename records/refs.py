"""Plain, typed views of records that the API hands out (detached from any session)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from records.models import DocumentRecord, Original

RecordOutcome = Literal["created", "new_version", "provenance_added", "unchanged"]


@dataclass(frozen=True)
class OriginalRef:
    id: int
    sha256: str
    object_key: str
    size: int
    media_type: str | None
    source_name: str | None
    status: str
    received_at: datetime
    quarantine_reason: str | None = None

    @classmethod
    def of(cls, row: Original) -> OriginalRef:
        return cls(row.id, row.sha256, row.object_key, row.size, row.media_type, row.source_name, row.status,
                   row.received_at, row.quarantine_reason)

    def to_json(self) -> dict[str, Any]:
        return _jsonable(asdict(self))


@dataclass(frozen=True)
class DocumentRef:
    id: int
    document_type: str
    variant: str | None
    number: str | None
    version: int
    status: str
    supersedes_id: int | None
    fields: dict[str, Any]
    valid_from: date | None
    valid_until: date | None
    no_expiry: bool
    review_reasons: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()  # held_documents: the person's roles in it (subject, wife, mother ...)
    outcome: RecordOutcome | None = None  # record_extraction: what happened to it
    sources: tuple[str, ...] = field(default=())  # sha256 of the originals its values were read from

    @classmethod
    def of(cls, row: DocumentRecord, *, roles: tuple[str, ...] = (), outcome: RecordOutcome | None = None
           ) -> DocumentRef:
        return cls(
            id=row.id, document_type=row.document_type, variant=row.variant, number=row.number,
            version=row.version, status=row.status, supersedes_id=row.supersedes_id, fields=dict(row.fields),
            valid_from=row.valid_from, valid_until=row.valid_until, no_expiry=row.no_expiry,
            review_reasons=tuple(row.review_reasons), roles=roles, outcome=outcome,
            sources=tuple(sorted({p.sha256 for p in row.provenance})),
        )

    def to_json(self) -> dict[str, Any]:
        return _jsonable(asdict(self))


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value
