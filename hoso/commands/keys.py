"""``hoso keys create|list|revoke``: API keys of the query service's clients."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TextIO

from records.db import Database, open_database
from schemas.errors import ExitCode, InvalidValue, NotFound
from schemas.settings import load_settings
from service.keys import create_key as make_key
from service.keys import list_keys as all_keys
from service.keys import revoke_key as revoke


def _open_database() -> Database:
    return open_database(load_settings().resolved_database_url)


def create_key(args: argparse.Namespace, out: TextIO | None = None) -> ExitCode:
    out = out or sys.stdout
    with _open_database() as db:
        try:
            token = make_key(db, args.name, args.scopes)
        except ValueError as error:  # service.keys refuses a bad name, unknown scopes or a taken name
            raise InvalidValue(str(error)) from None
    print(f"key {args.name!r} created with scopes {', '.join(sorted(set(args.scopes)))}; "
          "its token is shown only now:", file=sys.stderr)
    out.write(token + "\n")
    return ExitCode.ok


def list_keys(args: argparse.Namespace, out: TextIO | None = None) -> ExitCode:
    out = out or sys.stdout
    with _open_database() as db:
        keys = all_keys(db)
    if args.json:
        json.dump([{"name": k.name, "prefix": k.prefix, "scopes": list(k.scopes), "created_at": k.created_at.isoformat(),
                    "revoked_at": k.revoked_at.isoformat() if k.revoked_at else None} for k in keys], out, indent=2)
        out.write("\n")
        return ExitCode.ok
    if not keys:
        out.write("(no keys)\n")
    for key in keys:
        state = f"revoked {key.revoked_at:%Y-%m-%d %H:%M}" if key.revoked_at else "active"
        out.write(f"{key.name}  hoso_{key.prefix}_…  [{', '.join(key.scopes)}]  created "
                  f"{key.created_at:%Y-%m-%d %H:%M}  {state}\n")
    return ExitCode.ok


def revoke_key(args: argparse.Namespace, out: TextIO | None = None) -> ExitCode:
    out = out or sys.stdout
    with _open_database() as db:
        if not revoke(db, args.name):
            raise NotFound(f"no active key named {args.name!r}")
    out.write(f"key {args.name!r} revoked\n")
    return ExitCode.ok
