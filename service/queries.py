"""Read paths of the query service, tuned for the lookup endpoints: plain column selects (no ORM
objects), two queries per request (documents, then the provenance of those chosen), over the
existing indexes (``document_persons.id_number``, ``provenance.document_id``, ``documents.identity``).

Results are JSON-ready dicts with the values as held; ``present_document`` masks them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import Connection, Row, select

from records.ingest import is_usable, latest_versions
from records.models import DocumentPerson, DocumentRecord, Original, Provenance
from service.masking import mask_evidence, mask_fields, mask_number

_DOCUMENT_COLUMNS = (
    DocumentRecord.id, DocumentRecord.identity, DocumentRecord.document_type, DocumentRecord.variant,
    DocumentRecord.number, DocumentRecord.fields, DocumentRecord.valid_from, DocumentRecord.valid_until,
    DocumentRecord.no_expiry, DocumentRecord.status, DocumentRecord.review_reasons, DocumentRecord.version,
    DocumentRecord.supersedes_id, DocumentRecord.created_at,
)
_PROVENANCE_COLUMNS = (
    Provenance.document_id, Provenance.field_name, Provenance.original_id, Provenance.sha256, Provenance.page,
    Provenance.bbox, Provenance.source, Provenance.confidence, Provenance.extras,
)


def held_by_citizen(
    session: Connection, id_number: str, *, on: date, include_unusable: bool = False
) -> list[dict[str, Any]]:
    """Per document the person is in (any role): the latest usable version (or the latest version
    whatever its state), newest first, with provenance. Mirrors ``held_documents``."""
    rows = session.execute(
        select(*_DOCUMENT_COLUMNS, DocumentPerson.role)
        .join(DocumentPerson, DocumentPerson.document_id == DocumentRecord.id)
        .where(DocumentPerson.id_number == id_number)
    ).all()
    roles: dict[int, set[str]] = defaultdict(set)
    for row in rows:
        roles[row.id].add(row.role)
    ordered = latest_versions(rows, lambda row: include_unusable or is_usable(row, on))
    evidence = provenance_by_document(session, [row.id for row in ordered])
    return [document_dict(row, evidence.get(row.id, []), roles=sorted(roles[row.id]),
                          usable=is_usable(row, on)) for row in ordered]


def document_by_id(session: Connection, document_id: int, *, on: date) -> dict[str, Any] | None:
    row = session.execute(select(*_DOCUMENT_COLUMNS).where(DocumentRecord.id == document_id)).one_or_none()
    if row is None:
        return None
    persons = session.execute(select(DocumentPerson.role, DocumentPerson.id_number)
                              .where(DocumentPerson.document_id == document_id)).all()
    evidence = provenance_by_document(session, [document_id])
    document = document_dict(row, evidence.get(document_id, []), roles=sorted(p.role for p in persons),
                             usable=is_usable(row, on))
    document["_subject_id_number"] = subject_of(persons)
    return document


def versions_of(session: Connection, document_id: int, *, on: date) -> list[dict[str, Any]] | None:
    """Every version of the document ``document_id`` is one of, oldest first."""
    identity = session.scalar(select(DocumentRecord.identity).where(DocumentRecord.id == document_id))
    if identity is None:
        return None
    rows = session.execute(select(*_DOCUMENT_COLUMNS).where(DocumentRecord.identity == identity)
                           .order_by(DocumentRecord.version)).all()
    evidence = provenance_by_document(session, [row.id for row in rows])
    return [document_dict(row, evidence.get(row.id, []), usable=is_usable(row, on)) for row in rows]


def originals_of(session: Connection, document_id: int) -> list[dict[str, Any]]:
    """The stored files a document version's values were read from, newest first."""
    rows = session.execute(
        select(Original.id, Original.sha256, Original.object_key, Original.size, Original.media_type)
        .where(Original.id.in_(select(Provenance.original_id).where(Provenance.document_id == document_id)))
        .order_by(Original.id.desc())).all()
    return [row._asdict() for row in rows]


def subject_of(persons: Sequence[Any]) -> str | None:
    """The id number a document is mainly about: its subject, else the first person by role."""
    by_role = {person.role: person.id_number for person in persons}
    if "subject" in by_role:
        return by_role["subject"]
    return by_role[min(by_role)] if by_role else None


def provenance_by_document(session: Connection, document_ids: Iterable[int]) -> dict[int, list[Row[Any]]]:
    ids = list(document_ids)
    if not ids:
        return {}
    rows = session.execute(select(*_PROVENANCE_COLUMNS).where(Provenance.document_id.in_(ids))
                           .order_by(Provenance.document_id, Provenance.field_name, Provenance.id)).all()
    grouped: dict[int, list[Row[Any]]] = defaultdict(list)
    for row in rows:
        grouped[row.document_id].append(row)
    return grouped


def document_dict(row: Row[Any], evidence: list[Row[Any]], *, roles: list[str] | None = None,
                  usable: bool | None = None) -> dict[str, Any]:
    """A document version as held: each field with its value, best confidence and evidence."""
    by_field: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for item in evidence:
        by_field[item.field_name].append({
            "original_id": item.original_id, "sha256": item.sha256, "page": item.page, "bbox": item.bbox,
            "source": item.source, "confidence": item.confidence, **(item.extras or {})})
    fields = {}
    for name, value in row.fields.items():
        found = by_field.get(name, [])
        best = max(found, key=lambda e: e["confidence"]) if found else None
        fields[name] = {"value": value, "confidence": best["confidence"] if best else None,
                        "source": best["source"] if best else None, "provenance": found}
    document: dict[str, Any] = {
        "id": row.id, "document_type": row.document_type, "variant": row.variant, "number": row.number,
        "version": row.version, "status": row.status, "supersedes_id": row.supersedes_id,
        "valid_from": _iso(row.valid_from), "valid_until": _iso(row.valid_until), "no_expiry": row.no_expiry,
        "review_reasons": list(row.review_reasons or []), "created_at": _iso(row.created_at), "fields": fields,
    }
    if roles is not None:
        document["roles"] = roles
    if usable is not None:
        document["usable"] = usable
    return document


def present_document(document: dict[str, Any], *, full: bool) -> dict[str, Any]:
    """The document as a client may see it: unmasked with ``records:full``, else masked."""
    public = {key: value for key, value in document.items() if not key.startswith("_")}
    if full:
        return public
    values = {name: field["value"] for name, field in document["fields"].items()}
    provinces = {name: evidence["province"] for name, field in document["fields"].items()
                 for evidence in field["provenance"] if evidence.get("province")}
    masked = mask_fields(values, provinces, document.get("document_type"))
    public["number"] = mask_number(document["number"])
    public["fields"] = {name: {**field, "value": masked[name],
                               "provenance": [mask_evidence(e, name, document.get("document_type"))
                                              for e in field["provenance"]]}
                        for name, field in document["fields"].items()}
    return public


def present_ref(ref_json: dict[str, Any], *, full: bool) -> dict[str, Any]:
    """A ``DocumentRef.to_json()`` (upload results) as a client may see it."""
    if full:
        return ref_json
    return {**ref_json, "number": mask_number(ref_json.get("number")),
            "fields": mask_fields(ref_json.get("fields") or {}, document_type=ref_json.get("document_type"))}


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None
