"""SQLAlchemy 2 models of the records database. The schema itself is created by the Alembic
migrations in ``records/migrations`` (a test checks that both agree)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

JSONType = JSON().with_variant(JSONB(), "postgresql")

ORIGINAL_STATUSES = ("received", "processed", "quarantined")
# rejected: a reviewer refused the version (wrong type, unreadable, not this citizen); it is never used
DOCUMENT_STATUSES = ("extracted", "needs_review", "verified", "superseded", "rejected")
CITIZEN_SOURCES = ("population_registry", "extraction")


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite has no time zones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: pass an aware UTC datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSONType, list[Any]: JSONType, datetime: UTCDateTime}


class Citizen(Base):
    """A person's core identity data, from the population registry or from extracted documents."""

    __tablename__ = "citizens"
    __table_args__ = (UniqueConstraint("id_number", name="uq_citizens_id_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    id_number: Mapped[str] = mapped_column(String(12))
    full_name: Mapped[str | None] = mapped_column(Text)
    date_of_birth: Mapped[str | None] = mapped_column(String(10))  # ISO, or YYYY when partial
    sex: Mapped[str | None] = mapped_column(String(3))
    residence: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(32))  # population_registry | extraction
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Dossier(Base):
    """A citizen's application for one procedure, received at a branch."""

    __tablename__ = "dossiers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    procedure_code: Mapped[str] = mapped_column(String(64))
    branch: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    components: Mapped[list[Any]] = mapped_column(default=list)  # component codes the procedure required


class Original(Base):
    """A received file, stored once under its sha256 before any processing."""

    __tablename__ = "originals"
    __table_args__ = (
        UniqueConstraint("sha256", name="uq_originals_sha256"),
        CheckConstraint("status IN ('received', 'processed', 'quarantined')", name="ck_originals_status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))
    object_key: Mapped[str] = mapped_column(Text)
    size: Mapped[int] = mapped_column(BigInteger)
    media_type: Mapped[str | None] = mapped_column(String(128))
    source_name: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[str] = mapped_column(String(16), default="received")
    quarantine_reason: Mapped[str | None] = mapped_column(Text)
    processed_at: Mapped[datetime | None] = mapped_column()
    # The worker reading it now (records.claims), since when; starts whose worker died before the end.
    claimed_by: Mapped[str | None] = mapped_column(String(200))
    claimed_at: Mapped[datetime | None] = mapped_column()
    unfinished_starts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


Index("ix_originals_status", Original.status)


class DossierOriginal(Base):
    """Which originals arrived with which dossier (the same file may serve several)."""

    __tablename__ = "dossier_originals"

    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), primary_key=True)
    original_id: Mapped[int] = mapped_column(ForeignKey("originals.id"), primary_key=True)
    attached_at: Mapped[datetime] = mapped_column(default=utcnow)


class DocumentRecord(Base):
    """One version of one dossier component. Versions of the same document share ``identity``."""

    __tablename__ = "documents"
    __table_args__ = (
        UniqueConstraint("identity", "version", name="uq_documents_identity_version"),
        CheckConstraint(
            "status IN ('extracted', 'needs_review', 'verified', 'superseded', 'rejected')",
            name="ck_documents_status",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    identity: Mapped[str] = mapped_column(Text)  # type + number, or file sha + index when unnumbered
    document_type: Mapped[str] = mapped_column(String(32))
    variant: Mapped[str | None] = mapped_column(String(32))
    number: Mapped[str | None] = mapped_column(Text)
    citizen_id: Mapped[int | None] = mapped_column(ForeignKey("citizens.id"))
    fields: Mapped[dict[str, Any]] = mapped_column(default=dict)  # {name: value} in the spec's normal form
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)
    no_expiry: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16))
    review_reasons: Mapped[list[Any]] = mapped_column(default=list)
    # per field: does it need a person and why, and who reviewed it (``records.fieldstate``)
    review_state: Mapped[dict[str, Any]] = mapped_column(default=dict)
    waiting_since: Mapped[datetime | None] = mapped_column()  # in the review queue since (needs_review)
    reviewed_by: Mapped[str | None] = mapped_column(String(128))  # the reviewer who made this version
    reviewed_at: Mapped[datetime | None] = mapped_column()
    rejection_reason: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    persons: Mapped[list[DocumentPerson]] = relationship(back_populates="document", cascade="all")
    provenance: Mapped[list[Provenance]] = relationship(back_populates="document", cascade="all")


Index("ix_documents_type_number", DocumentRecord.document_type, DocumentRecord.number)
Index("ix_documents_status", DocumentRecord.status)
Index("ix_documents_review_queue", DocumentRecord.status, DocumentRecord.waiting_since, DocumentRecord.id)


class DocumentPerson(Base):
    """Whom a document is about, by role: subject, wife, husband, mother, father, household_head."""

    __tablename__ = "document_persons"

    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(32), primary_key=True)
    id_number: Mapped[str] = mapped_column(String(12), index=True)

    document: Mapped[DocumentRecord] = relationship(back_populates="persons")


class Provenance(Base):
    """Where one field value of a document version was read: file, page, box, how, how sure."""

    __tablename__ = "provenance"
    __table_args__ = (UniqueConstraint("document_id", "field_name", "sha256", name="uq_provenance_field_file"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    field_name: Mapped[str] = mapped_column(String(64))
    original_id: Mapped[int] = mapped_column(ForeignKey("originals.id"))
    object_key: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    page: Mapped[int | None] = mapped_column(Integer)
    bbox: Mapped[list[Any] | None] = mapped_column()
    source: Mapped[str] = mapped_column(String(32))
    confidence: Mapped[float] = mapped_column(Float)
    extras: Mapped[dict[str, Any]] = mapped_column(default=dict)  # province, ward, no_expiry, note
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    document: Mapped[DocumentRecord] = relationship(back_populates="provenance")


class Event(Base):
    """Append-only log of who did what when. Ids only: never names or id numbers.
    UPDATE and DELETE are refused by database triggers."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)


Index("ix_events_entity", Event.entity, Event.entity_id)


class WebSession(Base):
    """A person signed in to the service's pages (``service/pages``) with an API key. Only the sha256
    of the cookie's token is kept; revoking the key ends its sessions."""

    __tablename__ = "web_sessions"
    __table_args__ = (UniqueConstraint("token_sha256", name="uq_web_sessions_token"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_sha256: Mapped[str] = mapped_column(String(64))
    key_id: Mapped[int] = mapped_column(ForeignKey("api_keys.id"))
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()
    ended_at: Mapped[datetime | None] = mapped_column()


Index("ix_web_sessions_key_id", WebSession.key_id)


class ApiKey(Base):
    """A client of the query service (``service/``). Only the sha256 of its token is kept; ``prefix``
    (public, random) finds the row so the hash can be compared in constant time."""

    __tablename__ = "api_keys"
    __table_args__ = (
        UniqueConstraint("name", name="uq_api_keys_name"),
        UniqueConstraint("prefix", name="uq_api_keys_prefix"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    prefix: Mapped[str] = mapped_column(String(16))
    token_sha256: Mapped[str] = mapped_column(String(64))
    scopes: Mapped[list[Any]] = mapped_column(default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column()


class AuditEntry(Base):
    """One request of a client to the query service: who, what, when, why, outcome. Append-only
    (database triggers). The subject is an HMAC of the id number, never the number itself."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
    client: Mapped[str] = mapped_column(String(128))
    method: Mapped[str] = mapped_column(String(8))
    endpoint: Mapped[str] = mapped_column(String(128))  # the route template, never the raw path
    subject_hash: Mapped[str | None] = mapped_column(String(64))
    document_id: Mapped[int | None] = mapped_column(Integer)
    purpose: Mapped[str | None] = mapped_column(Text)
    status: Mapped[int] = mapped_column(Integer)


Index("ix_audit_log_occurred_at", AuditEntry.occurred_at)
Index("ix_audit_log_client_time", AuditEntry.client, AuditEntry.occurred_at)
Index("ix_audit_log_subject_time", AuditEntry.subject_hash, AuditEntry.occurred_at)
Index("ix_audit_log_document_id", AuditEntry.document_id)
