"""``hoso extract``, ``hoso ocr``, ``hoso show``: files through the pipeline, no database, no Prefect."""

from __future__ import annotations

import argparse
import sys
import threading

from extractors.registry import warm_up
from hoso.commands import inputs_exit_code
from schemas import ExtractionResult
from schemas.errors import ConfigurationError, ExitCode
from schemas.settings import load_settings
from usecases.process import process_file
from usecases.show import draw_fields, save_drawing


def run_extract(args: argparse.Namespace) -> ExitCode:
    speculative = getattr(args, "speculative", None)  # started before this module loaded (hoso.commands.speculate)
    try:
        load_settings()  # a bad HOSO_* value stops the command here (exit 7), not as every file's error
    except ConfigurationError:
        if speculative is not None:
            speculative.cancel()
        raise
    if speculative is not None:  # while Tesseract reads, get the extractors ready on the other core
        threading.Thread(target=warm_up, daemon=True).start()

    failed = 0
    for path in args.files:
        result = process_file(path, workers=args.workers, speculative=speculative).result
        speculative = None
        if result.errors:
            failed += 1
            for error in result.errors:
                where = f" (page {error.page})" if error.page else ""
                print(f"hoso: {path}{where}: {error.message}", file=sys.stderr)
        if args.json:
            print(result.model_dump_json(), flush=True)
        else:
            print(summarise(result), flush=True)
    return inputs_exit_code(len(args.files), failed)


def summarise(result: ExtractionResult) -> str:
    """A few readable lines per file: each document's type and fields."""
    lines = [f"{result.source}: {len(result.pages)} page(s), {result.timings.get('total', 0):.2f} s"]
    for document in result.documents:
        review = f"  needs review: {'; '.join(document.review_reasons)}" if document.needs_review else ""
        lines.append(f"  {document.document_type} {document.variant or ''} pages {document.pages}{review}")
        for name, field in document.fields.items():
            lines.append(f"    {name}: {field.value} ({field.confidence:.2f}, {field.source})")
    return "\n".join(lines)


def run_ocr(args: argparse.Namespace) -> ExitCode:
    load_settings()
    result = process_file(args.file, extract=False).result
    for error in result.errors:
        print(f"hoso: {args.file}: {error.message}", file=sys.stderr)
    for page in result.pages:
        print(f"--- page {page.number} ({page.source}) ---")
        print(page.text)
    if not result.pages:
        return ExitCode.all_failed
    return ExitCode.input_failed if result.errors else ExitCode.ok


def run_show(args: argparse.Namespace) -> ExitCode:
    load_settings()
    processed = process_file(args.file)
    for error in processed.result.errors:
        print(f"hoso: {args.file}: {error.message}", file=sys.stderr)
    if not processed.result.pages:
        return ExitCode.all_failed
    for path in save_drawing(draw_fields(processed), args.out):
        print(path)
    return ExitCode.ok
