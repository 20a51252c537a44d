"""``hoso-tools``: the measuring tools (sample generation, evaluation, benchmarks, the load test).

Kept apart from the ``hoso`` command: nothing that runs in production imports ``tools`` or ``samples``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from samples.generator import main as generate_main
from schemas.errors import ExitCode
from tools import bench_readers, calibrate, loadtest
from tools.bench import print_directory_bench, print_page_bench
from tools.bench_run import print_run_bench
from tools.evaluate import print_evaluation
from usecases.process import default_workers


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:2] == ["samples", "generate"]:  # the generator parses its own options
        return generate_main(arguments[2:])
    if arguments[:1] == ["loadtest"]:  # so does the load generator
        return loadtest.main(arguments[1:])
    parser = build_parser()
    args = parser.parse_args(arguments)
    if not hasattr(args, "handler"):
        parser.print_help()
        return ExitCode.usage
    return int(args.handler(args))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hoso-tools", description="hoso's measuring tools")
    commands = parser.add_subparsers(title="commands")

    samples = commands.add_parser("samples", help="sample dossiers with ground truth")
    samples_commands = samples.add_subparsers(title="samples commands")
    samples_commands.add_parser("generate", help="render a sample set (--out DIR --count N --seed S; --help for more)")

    evaluation = commands.add_parser("eval", help="score the pipeline on a generated set with ground truth")
    evaluation.add_argument("directory", type=Path)
    evaluation.add_argument("--errors", action="store_true", help="list the fields most often wrong")
    evaluation.add_argument("--blockers", action="store_true",
                            help="list each document that needs a person with what stops it, then rank the blockers")
    evaluation.add_argument("--workers", type=int, default=None)
    evaluation.add_argument("--cache", type=Path, default=None,
                            help="keep each file's pages here: a second evaluation re-extracts without OCR")
    evaluation.set_defaults(handler=run_eval)

    readers = commands.add_parser("bench-readers", help="the readers' own cost per call (addresses, labels, QR)")
    readers.set_defaults(handler=lambda _args: bench_readers.main())

    calibration = commands.add_parser("calibrate", help="fit or check the confidence calibration table")
    calibration.add_argument("directories", type=Path, nargs="+", help="generated sets with ground truth")
    calibration.add_argument("--cache", type=Path, required=True, help="pages kept here by content (as for eval)")
    calibration.add_argument("--write", action="store_true", help="store the fitted table in extractors/data")
    calibration.set_defaults(handler=run_calibrate)

    bench = commands.add_parser("bench", help="speed against bare Tesseract on the same pages")
    bench.add_argument("directory", type=Path, nargs="?", help="a generated set: pipeline vs tesseract, memory, upload")
    bench.add_argument("--page", type=Path, help="one clean A4 scan: hoso extract vs tesseract")
    bench.add_argument("--workers", type=int, default=None)
    bench.add_argument("--repeats", type=int, default=5)
    bench.set_defaults(handler=run_bench)

    bench_run = commands.add_parser("bench-run", help="hoso run pages/s against bare tesseract on the same pages")
    bench_run.add_argument("source", nargs="?", default="samples/dossiers")
    bench_run.add_argument("--workers", type=int, default=None)
    bench_run.add_argument("--copies", type=int, default=1, help="repeat the set (made unique) to make a bigger batch")
    bench_run.set_defaults(handler=run_bench_run)

    commands.add_parser("loadtest", help="record look-ups at a fixed rate against hoso serve (--help for more)")
    return parser


def run_eval(args: argparse.Namespace) -> int:
    print_evaluation(args.directory, args.workers, args.errors, args.cache, args.blockers)
    return ExitCode.ok


def run_calibrate(args: argparse.Namespace) -> int:
    command = "hoso-tools calibrate " + " ".join(str(d) for d in args.directories) + " --write"
    return calibrate.main(args.directories, args.cache, args.write, command)


def run_bench(args: argparse.Namespace) -> int:
    if args.page:
        print_page_bench(args.page, args.repeats)
    if args.directory:
        print_directory_bench(args.directory, args.workers or default_workers())
    if not (args.page or args.directory):
        print("hoso-tools bench: give a DIRECTORY and/or --page IMAGE", file=sys.stderr)
        return ExitCode.usage
    return ExitCode.ok


def run_bench_run(args: argparse.Namespace) -> int:
    print_run_bench(args.source, workers=args.workers, copies=args.copies, out=sys.stdout)
    return ExitCode.ok


if __name__ == "__main__":
    sys.exit(main())
