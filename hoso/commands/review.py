"""``hoso review list|show|fix|reject``: the review queue from a terminal (the same use cases as the API and
the ``/review`` page). Every command is audited like a read through the service: the reviewer, the command,
the document, a keyed hash of whom it is about, the purpose and the outcome."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

from hoso.commands import write_table
from records.db import Database, open_database
from records.storage.objects import open_store
from schemas.errors import ExitCode, HosoError, InvalidValue
from schemas.settings import load_settings
from service import audit
from service.config import audit_secret
from usecases import review as uc

CLI_METHOD = "CLI"
DEFAULT_PURPOSE = "review (hoso review)"


def reviewer_name(args: argparse.Namespace) -> str:
    """``--reviewer``, else ``cli:<login name>``: who the new version and the audit log name."""
    return (getattr(args, "reviewer", None) or f"cli:{getpass.getuser()}")[:128]


@contextmanager
def _audited(db: Database, args: argparse.Namespace, command: str, document_id: int | None = None
             ) -> Iterator[audit.AuditRecord]:
    """The command's audit row, appended when it ends: 200 when it succeeded, else its error's HTTP status."""
    record = audit.AuditRecord(client=reviewer_name(args), method=CLI_METHOD, endpoint=f"hoso review {command}",
                               purpose=audit.purpose_of(getattr(args, "purpose", None) or DEFAULT_PURPOSE),
                               document_id=document_id)
    try:
        yield record
    except HosoError as error:
        record.status = error.http_status
        audit.append(db, record)
        raise
    record.status = 200
    audit.append(db, record)


def _about(record: audit.AuditRecord, id_number: str | None) -> None:
    if id_number:
        record.subject_hash = audit.subject_hash(audit_secret(load_settings()), id_number)


def _open() -> Database:
    return open_database(load_settings().resolved_database_url)


def list_queue(args: argparse.Namespace, out: TextIO | None = None) -> ExitCode:
    out = out or sys.stdout
    with _open() as db, _audited(db, args, "list"):
        page = uc.queue(db, branch=args.branch, procedure=args.procedure, document_type=args.document_type,
                        limit=args.limit)
    if args.json:
        json.dump({"items": [{"document_id": item.document_id, "document_type": item.document_type,
                              "version": item.version, "branch": item.branch, "procedure": item.procedure_code,
                              "waiting_since": item.waiting_since.isoformat(), "reasons": list(item.reasons),
                              "doubtful_fields": list(item.doubtful_fields)} for item in page.items],
                   "next": page.next}, out, ensure_ascii=False, indent=2)
        out.write("\n")
        return ExitCode.ok
    rows = [[str(item.document_id), item.document_type, str(item.version), item.branch or "",
             item.procedure_code or "", f"{item.waiting_since:%Y-%m-%d %H:%M}", ", ".join(item.doubtful_fields)
             or "; ".join(item.reasons)] for item in page.items]
    write_table(out, ["id", "type", "version", "branch", "procedure", "waiting since", "needs a person"], rows)
    if page.next:
        out.write(f"(more: --limit {args.limit * 2})\n")
    return ExitCode.ok


def show_document(args: argparse.Namespace, out: TextIO | None = None) -> ExitCode:
    out = out or sys.stdout
    settings = load_settings()
    store = open_store(settings)
    with _open() as db, _audited(db, args, "show", args.document_id) as record:
        view = uc.open_document(db, store, args.document_id)
        _about(record, view.subject_id_number)
        images = [(page, uc.page_image(db, store, view.document_id, page.index)) for page in view.pages] \
            if not args.json else []
    if args.json:
        json.dump(_view_json(view), out, ensure_ascii=False, indent=2)
        out.write("\n")
        return ExitCode.ok
    out.write(f"#{view.document_id} {view.document_type} ({view.title}) version {view.version}, {view.status}"
              + (f", waiting since {view.waiting_since:%Y-%m-%d %H:%M}" if view.waiting_since else "")
              + (f", {view.branch}" if view.branch else "") + "\n")
    for reason in view.reasons:
        out.write(f"  ! {reason}\n")
    rows = [["!" if f.needs_review else "", f.name, _shown(f), "" if f.confidence is None else f"{f.confidence:.2f}",
             f.source or "", "; ".join(f"{r.kind}: {r.detail}" for r in f.reasons)
             or (f"{f.review_action} by {f.reviewed_by}" if f.reviewed_by else "")] for f in view.fields]
    write_table(out, ["", "field", "value", "conf", "source", "review"], rows)
    target = args.out or Path(f"review-{view.document_id}.png")
    for page, image in images:
        path = target if len(images) == 1 else target.with_name(f"{target.stem}-{page.index}{target.suffix or '.png'}")
        path.write_bytes(uc.draw_page(image, [f for f in view.fields if f.page == page.index]))
        out.write(f"wrote {path} (page {page.page} of original {page.original_id})\n")
    return ExitCode.ok


def fix_document(args: argparse.Namespace, out: TextIO | None = None) -> ExitCode:
    out = out or sys.stdout
    corrections = dict(_assignment(item) for item in args.assignments)
    if not corrections and not args.confirm:
        raise InvalidValue("nothing to do: give FIELD=VALUE corrections, --confirm, or both")
    with _open() as db, _audited(db, args, "fix", args.document_id) as record:
        ref = uc.review(db, args.document_id, reviewer=reviewer_name(args), corrections=corrections,
                        confirm=args.confirm, expected_version=args.version)
        _about(record, _subject(ref.fields, ref.document_type))
    out.write(f"document {args.document_id} → version {ref.version} (id {ref.id}), {ref.status}"
              + (f"; still needs a person: {'; '.join(ref.review_reasons)}" if ref.review_reasons else "") + "\n")
    return ExitCode.ok


def reject_document(args: argparse.Namespace, out: TextIO | None = None) -> ExitCode:
    out = out or sys.stdout
    with _open() as db, _audited(db, args, "reject", args.document_id) as record:
        ref = uc.reject(db, args.document_id, reviewer=reviewer_name(args), reason=args.reason,
                        expected_version=args.version)
        _about(record, _subject(ref.fields, ref.document_type))
    out.write(f"document {args.document_id} → version {ref.version} (id {ref.id}), rejected\n")
    return ExitCode.ok


# ---------------------------------------------------------------- helpers


def _assignment(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise InvalidValue(f"corrections are FIELD=VALUE, not {text.split('=')[0][:40]!r}")
    return name.strip(), value


def _subject(fields: dict[str, Any], document_type: str) -> str | None:
    return uc.subject_id_number(document_type, fields)


def _shown(item: uc.ReviewField) -> str:
    if item.no_expiry:
        return uc.NO_EXPIRY_TEXT
    if isinstance(item.value, list):
        return f"({len(item.value)} rows)"
    return "" if item.value is None else str(item.value)


def _view_json(view: uc.ReviewDocument) -> dict[str, Any]:
    return {"document_id": view.document_id, "document_type": view.document_type, "version": view.version,
            "status": view.status, "waiting_since": view.waiting_since.isoformat() if view.waiting_since else None,
            "reasons": list(view.reasons), "pages": [{"page": p.index, "original_id": p.original_id,
                                                      "original_page": p.page} for p in view.pages],
            "fields": {f.name: {"value": f.value, "confidence": f.confidence, "page": f.page,
                                "bbox": list(f.bbox) if f.bbox else None, "source": f.source,
                                "needs_review": f.needs_review,
                                "reasons": [{"kind": r.kind, "detail": r.detail} for r in f.reasons]}
                       for f in view.fields}}
