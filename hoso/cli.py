"""The ``hoso`` command. Sub-commands import their heavy parts only when they run."""

from __future__ import annotations

import argparse
import logging
import threading
import sys
from pathlib import Path
from collections.abc import Sequence

from schemas.errors import ExitCode

# modules that add their own sub-commands through ``register(subparsers)``
COMMAND_MODULES: tuple[str, ...] = ("hoso.commands.records", "hoso.commands.service", "hoso.commands.flows")


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="hoso: %(levelname)s %(name)s: %(message)s")
    arguments = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    args = parser.parse_args(arguments)
    if not hasattr(args, "handler"):
        parser.print_help()
        return ExitCode.usage
    return int(args.handler(args))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hoso", description="hồ sơ số: dossier scans to structured records")
    commands = parser.add_subparsers(title="commands")

    extract = commands.add_parser("extract", help="read files and print what was extracted")
    extract.add_argument("files", nargs="+", type=Path)
    extract.add_argument("--json", action="store_true", help="one ExtractionResult JSON line per input")
    extract.add_argument("--workers", type=int, default=None, help="pages read in parallel (default: cores)")
    extract.set_defaults(handler=run_extract)

    ocr = commands.add_parser("ocr", help="print the text of a file's pages, for a person")
    ocr.add_argument("file", type=Path)
    ocr.set_defaults(handler=run_ocr)

    show = commands.add_parser("show", help="draw each extracted field's box and name on its page")
    show.add_argument("file", type=Path)
    show.add_argument("--out", type=Path, required=True, help="PNG to write (one per page: NAME-N.png)")
    show.set_defaults(handler=run_show)

    for module_name in COMMAND_MODULES:
        __import__(module_name, fromlist=["register"]).register(commands)
    return parser


def run_extract(args: argparse.Namespace) -> int:
    speculative = start_speculative_ocr(args.files)
    from usecases.process import process_file

    if speculative is not None:  # while Tesseract reads, get the extractors ready on the other core
        from extractors.registry import warm_up

        threading.Thread(target=warm_up, daemon=True).start()

    failed = False
    for path in args.files:
        result = process_file(path, workers=args.workers, speculative=speculative).result
        speculative = None
        if result.errors:
            failed = True
            for error in result.errors:
                where = f" (page {error.page})" if error.page else ""
                print(f"hoso: {path}{where}: {error.message}", file=sys.stderr)
        if args.json:
            print(result.model_dump_json(), flush=True)
        else:
            print(summarise(result), flush=True)
    return ExitCode.input_failed if failed else ExitCode.ok


def start_speculative_ocr(paths: list[Path]):
    """For one image, start Tesseract before our own imports load (see pipeline.speculate)."""
    from pipeline.speculate import SpeculativeOcr, can_speculate

    if len(paths) != 1:
        return None
    try:
        data = paths[0].read_bytes()
    except OSError:
        return None
    return SpeculativeOcr(data) if can_speculate(data) else None


def summarise(result) -> str:
    """A few readable lines per file: each document's type and fields."""
    lines = [f"{result.source}: {len(result.pages)} page(s), {result.timings.get('total', 0):.2f} s"]
    for document in result.documents:
        review = f"  needs review: {'; '.join(document.review_reasons)}" if document.needs_review else ""
        lines.append(f"  {document.document_type} {document.variant or ''} pages {document.pages}{review}")
        for name, field in document.fields.items():
            lines.append(f"    {name}: {field.value} ({field.confidence:.2f}, {field.source})")
    return "\n".join(lines)


def run_ocr(args: argparse.Namespace) -> int:
    from usecases.process import process_file

    result = process_file(args.file, extract=False).result
    for error in result.errors:
        print(f"hoso: {args.file}: {error.message}", file=sys.stderr)
    for page in result.pages:
        print(f"--- page {page.number} ({page.source}) ---")
        print(page.text)
    return ExitCode.input_failed if result.errors else ExitCode.ok


def run_show(args: argparse.Namespace) -> int:
    from usecases.process import process_file
    from usecases.show import draw_fields, save_drawing

    processed = process_file(args.file)
    for error in processed.result.errors:
        print(f"hoso: {args.file}: {error.message}", file=sys.stderr)
    if not processed.result.pages:
        return ExitCode.input_failed
    for path in save_drawing(draw_fields(processed), args.out):
        print(path)
    return ExitCode.ok


if __name__ == "__main__":
    sys.exit(main())
