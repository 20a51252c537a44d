"""`hoso samples generate --out DIR --count N --seed S [--conditions ...] [--types ...]`."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from .dossier import ALL_CONDITIONS, CONDITIONS, DOCUMENT_TYPES, generate


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hoso samples generate",
                                     description="Render fictitious sample dossiers with ground truth (<name>.truth.json).")
    parser.add_argument("--out", type=Path, required=True, help="output directory (created if missing)")
    parser.add_argument("--count", type=int, default=16, help="number of items (a card_sides_separate item is two files)")
    parser.add_argument("--seed", type=int, default=0, help="same seed, same files")
    parser.add_argument("--conditions", nargs="+", choices=ALL_CONDITIONS, metavar="CONDITION",
                        help=f"capture conditions to cycle through (default: {' '.join(CONDITIONS)}; also: "
                             f"{' '.join(c for c in ALL_CONDITIONS if c not in CONDITIONS)})")
    parser.add_argument("--types", nargs="+", choices=DOCUMENT_TYPES, metavar="TYPE",
                        help=f"document types to cycle through (default all: {' '.join(DOCUMENT_TYPES)})")
    parser.add_argument("--compact", action="store_true",
                        help="small files (200-dpi grayscale scans, JPEG quality <= 80), e.g. for committed samples")
    parser.add_argument("--workers", type=int, default=None, help="processes (default: CPU count, at most 4)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.count < 1:
        build_parser().error("--count must be at least 1")
    started = time.perf_counter()
    files = generate(args.out, args.count, args.seed, args.conditions, args.types, args.compact, args.workers)
    # Counts only: the content is fictitious, but logs stay free of personal-looking data anyway.
    print(f"wrote {len(files)} files (+ .truth.json) to {args.out} in {time.perf_counter() - started:.1f} s")
    return 0
