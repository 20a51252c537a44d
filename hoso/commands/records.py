"""``hoso records show``, ``hoso requirements``, ``hoso registry import``, ``hoso procedures list``."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from typing import TextIO

from hoso.commands import inputs_exit_code, write_table
from records.db import Database, open_database
from records.ingest import held_documents
from records.population import import_population, in_population_registry
from records.procedures import list_procedures as catalogue
from records.requirements import requirements
from schemas.errors import ExitCode, NotFound
from schemas.settings import load_settings


def _open_database() -> Database:
    return open_database(load_settings().resolved_database_url)


def show_records(args: argparse.Namespace, out: TextIO | None = None) -> ExitCode:
    out = out or sys.stdout
    with _open_database() as db:
        usable = {ref.id for ref in held_documents(db, args.id_number)}
        documents = held_documents(db, args.id_number, include_unusable=True) if args.all else \
            held_documents(db, args.id_number)
        registered = in_population_registry(db, args.id_number)
    if args.json:
        payload = {"in_population_registry": registered,
                   "documents": [{**ref.to_json(), "usable": ref.id in usable} for ref in documents]}
        json.dump(payload, out, ensure_ascii=False, indent=2)
        out.write("\n")
        return ExitCode.ok
    out.write(f"in population registry: {'yes' if registered else 'no'}\n")
    rows = [[str(ref.id), ref.document_type, ref.variant or "", ref.number or "", str(ref.version), ref.status,
             "no expiry" if ref.no_expiry else (ref.valid_until.isoformat() if ref.valid_until else ""),
             ",".join(ref.roles), "yes" if ref.id in usable else "no"] for ref in documents]
    write_table(out, ["id", "type", "variant", "number", "version", "status", "valid until", "roles", "usable"], rows)
    return ExitCode.ok


def show_requirements(args: argparse.Namespace, out: TextIO | None = None) -> ExitCode:
    """An unknown procedure code raises ``UnknownProcedure`` (exit 3)."""
    out = out or sys.stdout
    with _open_database() as db:
        report = requirements(db, args.procedure, args.id_number)
    if args.json:
        out.write(report.model_dump_json(indent=2) + "\n")
        return ExitCode.ok
    out.write(f"{report.procedure_name} ({report.procedure_code}), checked {report.checked_on}\n")
    rows = []
    for item in report.components:
        if item.held_by == "population_registry":
            source = "population registry"
        elif item.held_by == "document":
            source = f"document {item.document_id} v{item.document_version} ({item.document_type}, {item.role})"
        else:
            source = ""
        status = {"held": "held", "received": "received (awaiting review)"}.get(item.status, "SUBMIT")
        rows.append([item.code, status, source, item.condition or ""])
    write_table(out, ["component", "status", "held from", "condition"], rows)
    return ExitCode.ok


def import_registry(args: argparse.Namespace, out: TextIO | None = None) -> ExitCode:
    out = out or sys.stdout
    if not args.file.is_file():
        raise NotFound(f"no such file: {args.file}")
    with _open_database() as db:
        report = import_population(db, args.file)
    if args.json:
        json.dump(asdict(report), out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        out.write(f"inserted {report.inserted}, updated {report.updated}, unchanged {report.unchanged}, "
                  f"rejected {len(report.rejected)}, documents re-checked {report.rechecked_documents}\n")
        for reason in report.rejected:
            out.write(f"  {reason}\n")
    total = report.inserted + report.updated + report.unchanged + len(report.rejected)
    return inputs_exit_code(total, len(report.rejected))


def list_procedures(args: argparse.Namespace, out: TextIO | None = None) -> ExitCode:
    out = out or sys.stdout
    procedures = catalogue()
    if args.json:
        json.dump([p.model_dump(mode="json") for p in procedures], out, ensure_ascii=False, indent=2)
        out.write("\n")
        return ExitCode.ok
    for procedure in procedures:
        out.write(f"{procedure.code}  {procedure.name}  [{procedure.legal_basis or ''}]\n")
        for component in procedure.components:
            satisfied = ", ".join(component.satisfied_by) or "must be submitted"
            out.write(f"  - {component.code}: {component.name} ({satisfied})\n")
    return ExitCode.ok
