"""``hoso extract``'s step before its module loads (its ``prepare`` in ``hoso.cli``): on one image,
Tesseract starts reading the file as it is before OpenCV, the extractors and the rest are imported
(``pipeline.speculate``), so our start-up hides behind the OCR. Only the lightest imports here.
"""

from __future__ import annotations

import argparse

from pipeline.speculate import SpeculativeOcr, can_speculate


def start_speculative_ocr(args: argparse.Namespace) -> None:
    """``args.speculative``: Tesseract already reading the one image given, or None."""
    args.speculative = None
    if len(args.files) != 1:
        return
    try:
        data = args.files[0].read_bytes()
    except OSError:
        return  # the command reports it
    if can_speculate(data):
        args.speculative = SpeculativeOcr(data)
