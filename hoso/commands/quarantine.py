"""``hoso quarantine list|release``: the originals set aside, and taking one back into the queue.

Release is audited (the event log names who released it and the reason it had); the next ``hoso run`` (or
any run: it finishes what is left ``received``) reads the file again from its stored original.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TextIO

from flows.common import printable
from hoso.commands import write_table
from records.db import open_database
from records.ingest import quarantined_originals, release_original
from schemas.errors import ExitCode
from schemas.settings import load_settings


def list_quarantine(args: argparse.Namespace, out: TextIO | None = None) -> ExitCode:
    out = out or sys.stdout
    with open_database(load_settings().resolved_database_url) as db:
        held = quarantined_originals(db)
    if args.json:
        out.write(json.dumps([ref.to_json() for ref in held], ensure_ascii=False, indent=2) + "\n")
        return ExitCode.ok
    rows = [[str(ref.id), ref.received_at.strftime("%Y-%m-%d %H:%M"), ref.media_type or "?", f"{ref.size:,}",
             ref.sha256[:12], printable(ref.source_name or ""), printable(ref.quarantine_reason or "")] for ref in held]
    write_table(out, ["id", "received", "type", "bytes", "sha256", "file", "reason"], rows)
    return ExitCode.ok


def release(args: argparse.Namespace, out: TextIO | None = None) -> ExitCode:
    """Raises ``NotFound`` (no such original) or ``Conflict`` (not quarantined), each a documented exit code."""
    out = out or sys.stdout
    settings = load_settings()
    with open_database(settings.resolved_database_url) as db:
        for original_id in args.original_ids:
            released = release_original(db, original_id, actor=settings.actor)
            out.write(f"original {released.id} released: the next `hoso run` reads it again\n")
    return ExitCode.ok
