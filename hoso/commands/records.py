"""CLI subcommands for records: ``records show``, ``requirements``, ``registry import``, ``procedures list``.

``register(subparsers)`` adds them to the ``hoso`` parser. Every subcommand sets
``handler`` (and ``func``) ``(args) -> int`` (the exit code). Heavy imports (SQLAlchemy, Alembic) happen inside the
handlers so that ``hoso extract`` starts fast.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, TextIO


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    records = subparsers.add_parser("records", help="reusable records held for citizens")
    records_sub = records.add_subparsers(dest="records_command", required=True)
    show = records_sub.add_parser("show", help="a citizen's held documents")
    show.add_argument("id_number", metavar="ID_NUMBER", help="12-digit personal identification number")
    show.add_argument("--all", action="store_true", help="also expired / needs_review latest versions")
    show.add_argument("--json", action="store_true", help="JSON instead of a table")
    show.set_defaults(handler=show_records, func=show_records)

    needs = subparsers.add_parser("requirements", help="which components of a procedure are already held")
    needs.add_argument("procedure", metavar="PROCEDURE", help="procedure code (see `procedures list`)")
    needs.add_argument("--id", dest="id_number", required=True, metavar="ID_NUMBER", help="requester's id number")
    needs.add_argument("--json", action="store_true", help="JSON instead of a table")
    needs.set_defaults(handler=show_requirements, func=show_requirements)

    registry = subparsers.add_parser("registry", help="population-registry stand-in")
    registry_sub = registry.add_subparsers(dest="registry_command", required=True)
    load = registry_sub.add_parser("import", help="import citizens from CSV or JSON")
    load.add_argument("file", metavar="FILE")
    load.add_argument("--json", action="store_true")
    load.set_defaults(handler=import_registry, func=import_registry)

    procedures = subparsers.add_parser("procedures", help="the procedure catalogue")
    procedures_sub = procedures.add_subparsers(dest="procedures_command", required=True)
    listing = procedures_sub.add_parser("list", help="procedures and their required components")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=list_procedures, func=list_procedures)


def _open_database() -> Any:
    from records.db import open_database
    from records.storage.config import Settings

    return open_database(Settings.from_env().resolved_database_url)


def show_records(args: argparse.Namespace, out: TextIO | None = None) -> int:
    from records.ingest import held_documents
    from records.population import in_population_registry

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
        return 0
    out.write(f"in population registry: {'yes' if registered else 'no'}\n")
    rows = [[str(ref.id), ref.document_type, ref.variant or "", ref.number or "", str(ref.version), ref.status,
             "no expiry" if ref.no_expiry else (ref.valid_until.isoformat() if ref.valid_until else ""),
             ",".join(ref.roles), "yes" if ref.id in usable else "no"] for ref in documents]
    _table(out, ["id", "type", "variant", "number", "version", "status", "valid until", "roles", "usable"], rows)
    return 0


def show_requirements(args: argparse.Namespace, out: TextIO | None = None) -> int:
    from records.procedures import requirements

    out = out or sys.stdout
    with _open_database() as db:
        try:
            report = requirements(db, args.procedure, args.id_number)
        except KeyError as error:
            print(error.args[0], file=sys.stderr)
            return 2
    if args.json:
        out.write(report.model_dump_json(indent=2) + "\n")
        return 0
    out.write(f"{report.procedure_name} ({report.procedure_code}), checked {report.checked_on}\n")
    rows = []
    for item in report.components:
        if item.held_by == "population_registry":
            source = "population registry"
        elif item.held_by == "document":
            source = f"document {item.document_id} v{item.document_version} ({item.document_type}, {item.role})"
        else:
            source = ""
        rows.append([item.code, "held" if item.status == "held" else "SUBMIT", source, item.condition or ""])
    _table(out, ["component", "status", "held from", "condition"], rows)
    return 0


def import_registry(args: argparse.Namespace, out: TextIO | None = None) -> int:
    from dataclasses import asdict

    from records.population import import_population

    out = out or sys.stdout
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
    return 1 if report.rejected else 0


def list_procedures(args: argparse.Namespace, out: TextIO | None = None) -> int:
    from records.procedures import list_procedures as catalogue

    out = out or sys.stdout
    procedures = catalogue()
    if args.json:
        json.dump([p.model_dump(mode="json") for p in procedures], out, ensure_ascii=False, indent=2)
        out.write("\n")
        return 0
    for procedure in procedures:
        out.write(f"{procedure.code}  {procedure.name}  [{procedure.legal_basis or ''}]\n")
        for component in procedure.components:
            satisfied = ", ".join(component.satisfied_by) or "must be submitted"
            out.write(f"  - {component.code}: {component.name} ({satisfied})\n")
    return 0


def _table(out: TextIO, header: list[str], rows: list[list[str]]) -> None:
    if not rows:
        out.write("(none)\n")
        return
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, ["-" * w for w in widths], *rows]:
        out.write("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() + "\n")
