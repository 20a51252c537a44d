"""Accuracy measures shared by tests, `hoso eval` and benchmarks."""

from __future__ import annotations

import unicodedata

from rapidfuzz.distance import Levenshtein


def normalise_for_cer(text: str) -> str:
    """NFC with all whitespace runs as single spaces: layout is not what CER measures."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def cer(reference: str, hypothesis: str) -> float:
    """Character error rate: edit distance over the reference length."""
    ref, hyp = normalise_for_cer(reference), normalise_for_cer(hypothesis)
    if not ref:
        return 0.0 if not hyp else 1.0
    return Levenshtein.distance(ref, hyp) / len(ref)
