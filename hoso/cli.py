"""The ``hoso`` command: the whole parser is here; each sub-command names its handler as "module:function".

``main`` is the one place that turns what happened into an exit code (``schemas.errors.ExitCode``,
documented in the README): a ``HosoError`` gives its ``exit_code`` and one line ``hoso: <message>``
on stderr, Ctrl-C gives 130, anything else one line and 15. A traceback is printed only with ``-v``.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import importlib
import logging
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from schemas.errors import ExitCode, HosoError

Step = Callable[[argparse.Namespace], Any]

# Prefect reads its settings when first imported: the commands that run flows set up its local
# environment before their module (which imports Prefect) is loaded.
PREPARE_PREFECT = "hoso.commands.early:prepare_prefect"


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    configure_logging(args.verbose - args.quiet)
    if not hasattr(args, "handler"):
        parser.print_help(sys.stderr)
        return ExitCode.usage
    if argv is None and args.prepare == PREPARE_PREFECT:  # the command itself, not a caller in this process
        atexit.register(_leave_without_teardown)  # registered first, so run last
    global _exit_code
    code = _run_main(args)
    _exit_code = int(code)
    return code


_exit_code: int | None = None  # what main returned: the status the command exits with


def _leave_without_teardown() -> None:
    """The last exit step of a flow command: once every other exit step has run (Prefect's logs and events sent,
    the temporary server stopped), leave without the interpreter's teardown, which only frees memory and took
    0.5-0.9 s after Prefect, SQLAlchemy and OpenCV were loaded. Files are written with ``with`` or closed by their
    owners; what is left open is flushed here (the log handlers, stdout, stderr). Not under coverage measurement,
    whose data is written by such a step."""
    code = _exit_code
    if code is None or "coverage" in sys.modules:
        return  # main did not finish: Python's own exit, with its report
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe: nothing more can be said there
            stream.flush()
    os._exit(code)


def _run_main(args: argparse.Namespace) -> ExitCode:
    try:
        return ExitCode(run_command(args))
    except HosoError as error:
        return _fail(error.message, error.exit_code, args.verbose)
    except KeyboardInterrupt:
        print("hoso: interrupted", file=sys.stderr)
        return ExitCode.interrupted
    except Exception as error:  # a bug or a fault nobody foresaw: one line, the traceback with -v
        hint = "" if args.verbose else " (hoso -v … shows the traceback)"
        return _fail(f"unexpected error: {type(error).__name__}: {error}{hint}", ExitCode.other_error, args.verbose)


def run_command(args: argparse.Namespace) -> ExitCode:
    """Import the chosen command's module and run its handler.

    The one place where the CLI loads code lazily: Prefect, FastAPI, OpenCV and Tesseract take
    seconds to import, and `hoso --help` or `hoso extract` must stay quick, so only the module of
    the command asked for is imported. A command may name a ``prepare`` step that runs before that
    import (Prefect's environment: ``hoso.commands.early``; the speculative OCR of ``extract``:
    ``hoso.commands.speculate``).
    """
    if args.prepare:
        load_step(args.prepare)(args)
    return ExitCode(load_step(args.handler)(args))


def load_step(target: str) -> Step:
    """The function a "module:function" target names (its module imported now)."""
    module_name, _, function_name = target.partition(":")
    function: Step = getattr(importlib.import_module(module_name), function_name)
    return function


def _fail(message: str, code: ExitCode, verbose: int) -> ExitCode:
    if verbose:
        traceback.print_exc()
    print(f"hoso: {' '.join(message.split())}", file=sys.stderr)
    return code


def configure_logging(verbosity: int) -> None:
    """-q: errors only; default: warnings; -v: progress (info); -vv: debug.

    The level is set on the console handler too: libraries' loggers (Prefect's) set their own levels
    and pass their records up, which the root logger's level alone would not stop.
    """
    if verbosity < 0:
        level = logging.ERROR
    else:
        level = [logging.WARNING, logging.INFO, logging.DEBUG][min(verbosity, 2)]
    logging.basicConfig(level=level, format="hoso: %(levelname)s %(name)s: %(message)s")
    for handler in logging.getLogger().handlers:
        handler.setLevel(level)


def package_version() -> str:
    try:
        return version("hoso")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hoso", description="hồ sơ số: dossier scans to structured records")
    parser.add_argument("--version", action="version", version=f"hoso {package_version()}")
    parser.add_argument("-q", "--quiet", action="count", default=0, help="errors only")
    parser.add_argument("-v", "--verbose", action="count", default=0,
                        help="more log output (-vv: debug); tracebacks of unexpected errors")
    parser.set_defaults(prepare=None)
    # -q/-v also after the command name; SUPPRESS keeps a sub-command from resetting them to 0
    levels = argparse.ArgumentParser(add_help=False)
    levels.add_argument("-q", "--quiet", action="count", default=argparse.SUPPRESS, help="errors only")
    levels.add_argument("-v", "--verbose", action="count", default=argparse.SUPPRESS, help="more log output")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    def command(parent: Any, name: str, handler: str, help: str, prepare: str | None = None) -> argparse.ArgumentParser:
        sub: argparse.ArgumentParser = parent.add_parser(name, help=help, description=help, parents=[levels])
        sub.set_defaults(handler=handler, prepare=prepare)
        return sub

    # ------------------------------------------------------------ one file at a time (no database)
    extract = command(commands, "extract", "hoso.commands.extract:run_extract", "read files and print what was extracted",
                      prepare="hoso.commands.speculate:start_speculative_ocr")
    extract.add_argument("files", nargs="+", type=Path)
    extract.add_argument("--json", action="store_true", help="one ExtractionResult JSON line per input")
    extract.add_argument("--workers", type=int, default=None, help="pages read in parallel (default: cores)")

    ocr = command(commands, "ocr", "hoso.commands.extract:run_ocr", "print the text of a file's pages, for a person")
    ocr.add_argument("file", type=Path)

    show = command(commands, "show", "hoso.commands.extract:run_show",
                   "draw each extracted field's box and name on its page")
    show.add_argument("file", type=Path)
    show.add_argument("--out", type=Path, required=True, help="PNG to write (one per page: NAME-N.png)")

    # ------------------------------------------------------------ flows (Prefect)
    run = command(commands, "run", "hoso.commands.flows:run_batch_command",
                  "ingest every document file of a folder (the batch flow)", prepare=PREPARE_PREFECT)
    run.add_argument("source", nargs="?", default="samples/",
                     help="a folder, or store:<prefix> for files already in the object store (default samples/)")
    run.add_argument("--workers", type=int, default=None, help="files read at once (default: cores)")
    run.add_argument("--dask", metavar="ADDRESS", default=None,
                     help="run the tasks on a Dask cluster: tcp://host:8786, or 'local' for one on this machine")
    run.add_argument("--no-resume", dest="resume", action="store_false",
                     help="do not finish originals a killed run left unprocessed")
    run.add_argument("--no-progress", dest="progress", action="store_false", help="no progress bar")
    run.add_argument("--json", action="store_true", help="print the run report as JSON")

    reprocess = command(commands, "reprocess", "hoso.commands.flows:run_reprocess_command",
                        "re-extract stored originals (after an extractor improved)", prepare=PREPARE_PREFECT)
    reprocess.add_argument("--original", dest="original_ids", type=int, action="append", default=None,
                           metavar="ID", help="only this original (repeatable); default: every processed one")
    reprocess.add_argument("--ocr", dest="reuse_ocr", action="store_false",
                           help="OCR again instead of reusing the stored words")
    reprocess.add_argument("--workers", type=int, default=None)
    reprocess.add_argument("--json", action="store_true")

    command(commands, "serve-flows", "hoso.commands.flows:run_serve_command",
            "serve the batch, branch-upload and reprocess deployments", prepare=PREPARE_PREFECT)

    # ------------------------------------------------------------ records
    records = commands.add_parser("records", help="reusable records held for citizens")
    records_sub = records.add_subparsers(dest="records_command", required=True, metavar="COMMAND")
    records_show = command(records_sub, "show", "hoso.commands.records:show_records", "a citizen's held documents")
    records_show.add_argument("id_number", metavar="ID_NUMBER", help="12-digit personal identification number")
    records_show.add_argument("--all", action="store_true", help="also expired / needs_review latest versions")
    records_show.add_argument("--json", action="store_true", help="JSON instead of a table")

    needs = command(commands, "requirements", "hoso.commands.records:show_requirements",
                    "which components of a procedure are already held")
    needs.add_argument("procedure", metavar="PROCEDURE", help="procedure code (see `procedures list`)")
    needs.add_argument("--id", dest="id_number", required=True, metavar="ID_NUMBER", help="requester's id number")
    needs.add_argument("--json", action="store_true", help="JSON instead of a table")

    registry = commands.add_parser("registry", help="population-registry stand-in")
    registry_sub = registry.add_subparsers(dest="registry_command", required=True, metavar="COMMAND")
    load = command(registry_sub, "import", "hoso.commands.records:import_registry", "import citizens from CSV or JSON")
    load.add_argument("file", metavar="FILE", type=Path)
    load.add_argument("--json", action="store_true")

    procedures = commands.add_parser("procedures", help="the procedure catalogue")
    procedures_sub = procedures.add_subparsers(dest="procedures_command", required=True, metavar="COMMAND")
    listing = command(procedures_sub, "list", "hoso.commands.records:list_procedures",
                      "procedures and their required components")
    listing.add_argument("--json", action="store_true")

    quarantine = commands.add_parser("quarantine", help="originals set aside: list them, release one")
    quarantine_sub = quarantine.add_subparsers(dest="quarantine_command", required=True, metavar="COMMAND")
    quarantine_list = command(quarantine_sub, "list", "hoso.commands.quarantine:list_quarantine",
                              "originals set aside, oldest first, with their reasons")
    quarantine_list.add_argument("--json", action="store_true")
    quarantine_release = command(quarantine_sub, "release", "hoso.commands.quarantine:release",
                                 "take originals back into the queue: the next run reads them again (audited)")
    quarantine_release.add_argument("original_ids", metavar="ID", type=int, nargs="+")

    # ------------------------------------------------------------ query service
    serve = command(commands, "serve", "hoso.commands.serve:run_serve", "run the query service (FastAPI under uvicorn)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1,
                       help="uvicorn worker processes (default 1; 2 on a 2-core machine for lookups)")
    serve.add_argument("--log-level", default="warning", choices=["debug", "info", "warning", "error"],
                       help="'info' adds one access line per request (route templates, never raw paths)")

    keys = commands.add_parser("keys", help="API keys of the query service's clients")
    keys_sub = keys.add_subparsers(dest="keys_command", required=True, metavar="COMMAND")
    create = command(keys_sub, "create", "hoso.commands.keys:create_key", "create a key; prints its token ONCE")
    create.add_argument("--name", required=True, help="the client's name (shown in the audit log)")
    create.add_argument("--scope", dest="scopes", action="append", required=True, metavar="SCOPE",
                        help="repeatable: records:read, records:full, originals:read, upload, admin")
    keys_list = command(keys_sub, "list", "hoso.commands.keys:list_keys",
                        "keys, their scopes and whether revoked (never tokens)")
    keys_list.add_argument("--json", action="store_true")
    revoke = command(keys_sub, "revoke", "hoso.commands.keys:revoke_key", "revoke a key by name")
    revoke.add_argument("name")

    # ------------------------------------------------------------ the review queue
    review = commands.add_parser("review", help="documents waiting for a person: list, show, correct, reject")
    review_sub = review.add_subparsers(dest="review_command", required=True, metavar="COMMAND")
    review_list = command(review_sub, "list", "hoso.commands.review:list_queue",
                          "documents waiting for a person, oldest first")
    review_list.add_argument("--branch", default=None, help="only those from dossiers of this branch")
    review_list.add_argument("--procedure", default=None, help="only those from dossiers of this procedure")
    review_list.add_argument("--type", dest="document_type", default=None, help="only this document type")
    review_list.add_argument("--limit", type=int, default=50)
    review_list.add_argument("--json", action="store_true")
    review_show = command(review_sub, "show", "hoso.commands.review:show_document",
                          "a document's fields (doubtful ones marked) and its pages drawn with their boxes")
    review_show.add_argument("document_id", metavar="ID", type=int)
    review_show.add_argument("--out", type=Path, default=None,
                             help="PNG to write (one per page: NAME-N.png; default review-ID.png)")
    review_show.add_argument("--json", action="store_true", help="the fields as JSON, no image")
    review_fix = command(review_sub, "fix", "hoso.commands.review:fix_document",
                         "correct fields (validated like extracted values) and/or confirm: a new version")
    review_fix.add_argument("document_id", metavar="ID", type=int)
    review_fix.add_argument("assignments", nargs="*", metavar="FIELD=VALUE")
    review_fix.add_argument("--confirm", action="store_true",
                            help="confirm every other doubtful field: the document becomes verified")
    review_reject = command(review_sub, "reject", "hoso.commands.review:reject_document",
                            "reject a document (wrong type, unreadable, not this citizen): never used again")
    review_reject.add_argument("document_id", metavar="ID", type=int)
    review_reject.add_argument("--reason", required=True)
    for sub in (review_list, review_show, review_fix, review_reject):
        sub.add_argument("--reviewer", default=None, help="who reviews (default cli:<login name>)")
        sub.add_argument("--purpose", default=None, help="why, for the audit log")
    for sub in (review_fix, review_reject):
        sub.add_argument("--version", type=int, default=None,
                         help="the version you looked at: refused (exit 4) if the document changed since")

    # ------------------------------------------------------------ settings
    config = command(commands, "config", "hoso.commands.config:show_config",
                     "the settings in effect (HOSO_* variables and defaults; secrets hidden)")
    config.add_argument("--json", action="store_true")
    return parser


if __name__ == "__main__":
    sys.exit(main())
