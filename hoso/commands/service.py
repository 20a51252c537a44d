"""CLI: ``hoso serve`` (the query service under uvicorn) and ``hoso keys create|list|revoke``.

Heavy imports (FastAPI, uvicorn, SQLAlchemy) happen inside the handlers.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

DEFAULT_SCOPES_HELP = "records:read, records:full, originals:read, upload, admin"


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    serve = subparsers.add_parser("serve", help="run the query service (FastAPI under uvicorn)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1,
                       help="uvicorn worker processes (default 1; 2 on a 2-core machine for lookups)")
    serve.add_argument("--log-level", default="warning", choices=["debug", "info", "warning", "error"],
                       help="'info' adds one access line per request (route templates, never raw paths)")
    serve.set_defaults(handler=run_serve, func=run_serve)

    keys = subparsers.add_parser("keys", help="API keys of the query service's clients")
    keys_sub = keys.add_subparsers(dest="keys_command", required=True)
    create = keys_sub.add_parser("create", help="create a key; prints its token ONCE")
    create.add_argument("--name", required=True, help="the client's name (shown in the audit log)")
    create.add_argument("--scope", dest="scopes", action="append", required=True, metavar="SCOPE",
                        help=f"repeatable: {DEFAULT_SCOPES_HELP}")
    create.set_defaults(handler=create_key, func=create_key)
    listing = keys_sub.add_parser("list", help="keys, their scopes and whether revoked (never tokens)")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=list_keys, func=list_keys)
    revoke = keys_sub.add_parser("revoke", help="revoke a key by name")
    revoke.add_argument("name")
    revoke.set_defaults(handler=revoke_key, func=revoke_key)


def _open_database() -> Any:
    from records.db import open_database
    from records.storage.config import Settings

    return open_database(Settings.from_env().resolved_database_url)


def run_serve(args: argparse.Namespace) -> int:
    from records.db import open_database
    from service.config import ServiceSettings
    from service.server import run

    # Before the workers start: migrate once and make the audit key once, so workers do not race.
    settings = ServiceSettings.from_env()
    open_database(settings.storage.resolved_database_url).close()
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # know-how: Tesseract's OpenMP threads thrash on 2 cores
    with _shared_prefect_api(settings, args.workers):
        run(args.host, args.port, args.workers, args.log_level, _log_config(args.log_level))
    return 0


@contextmanager
def _shared_prefect_api(settings: Any, workers: int) -> Iterator[None]:
    """One Prefect API server for all workers, started before they are. Without it each worker
    started its own ephemeral server (~10 s of CPU each): lookups served by the worker that was
    ready first queued behind the other's start-up (p99 250 ms measured at 200 req/s)."""
    if settings.upload_runner != "flow" or workers < 2 or "PREFECT_API_URL" in os.environ:
        yield
        return
    from flows.common import use_local_prefect

    use_local_prefect(settings.storage.data_dir)
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer()
    server.start(timeout=int(os.environ["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"]))
    os.environ["PREFECT_API_URL"] = server.api_url  # inherited by the spawned workers
    try:
        yield
    finally:
        server.stop()


def _log_config(level: str) -> dict[str, Any]:
    handler = {"class": "logging.StreamHandler", "formatter": "plain", "stream": "ext://sys.stderr"}
    return {
        "version": 1, "disable_existing_loggers": False,
        "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
        "handlers": {"stderr": handler},
        "loggers": {name: {"handlers": ["stderr"], "level": level.upper(), "propagate": False}
                    for name in ("uvicorn", "hoso", "service", "pipeline", "flows")},
    }


def create_key(args: argparse.Namespace, out: TextIO | None = None) -> int:
    from service.keys import create_key as make

    out = out or sys.stdout
    with _open_database() as db:
        try:
            token = make(db, args.name, args.scopes)
        except ValueError as error:
            print(f"hoso: {error}", file=sys.stderr)
            return 2
    print(f"key {args.name!r} created with scopes {', '.join(sorted(set(args.scopes)))}; "
          "its token is shown only now:", file=sys.stderr)
    out.write(token + "\n")
    return 0


def list_keys(args: argparse.Namespace, out: TextIO | None = None) -> int:
    from service.keys import list_keys as listing

    out = out or sys.stdout
    with _open_database() as db:
        keys = listing(db)
    if args.json:
        json.dump([{"name": k.name, "prefix": k.prefix, "scopes": list(k.scopes), "created_at": k.created_at.isoformat(),
                    "revoked_at": k.revoked_at.isoformat() if k.revoked_at else None} for k in keys], out, indent=2)
        out.write("\n")
        return 0
    if not keys:
        out.write("(no keys)\n")
    for key in keys:
        state = f"revoked {key.revoked_at:%Y-%m-%d %H:%M}" if key.revoked_at else "active"
        out.write(f"{key.name}  hoso_{key.prefix}_…  [{', '.join(key.scopes)}]  created "
                  f"{key.created_at:%Y-%m-%d %H:%M}  {state}\n")
    return 0


def revoke_key(args: argparse.Namespace, out: TextIO | None = None) -> int:
    from service.keys import revoke_key as revoke

    out = out or sys.stdout
    with _open_database() as db:
        if not revoke(db, args.name):
            print(f"hoso: no active key named {args.name!r}", file=sys.stderr)
            return 1
    out.write(f"key {args.name!r} revoked\n")
    return 0
