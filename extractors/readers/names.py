"""Personal names as printed (capitals on cards and certificates), their MRZ form,
and comparison that tolerates lost diacritics."""

from __future__ import annotations

import re
import unicodedata

from rapidfuzz.distance import Levenshtein

from pipeline.text import clean_value, fold, nfc

MRZ_NAME_LENGTH = 30  # TD1 line 3
# Digits OCR puts in the middle of a capitalised word.
_DIGIT_TO_LETTER = str.maketrans({"0": "O", "1": "I", "4": "A", "5": "S", "6": "G", "8": "B"})
_NOT_NAME = re.compile(r"[^\w\s'\-]|_")


def _is_letter(ch: str) -> bool:
    return unicodedata.category(ch).startswith("L")


def normalise_name(text: str) -> str:
    """A name in the spec's normal form: NFC, single spaces, no leaders or stray
    punctuation; when the source is (mostly) capitals, all capitals, so a stray
    lower-case letter ("NGUYễN") is repaired; digits inside a word of letters are read
    as the letters OCR confuses them with ("H0ÀNG" → "HOÀNG", "8ÌNH" → "BÌNH"), other
    digits are dropped (names have none)."""
    text = clean_value(_NOT_NAME.sub(" ", nfc(text)))
    letters = [ch for ch in text if _is_letter(ch)]
    if not letters:
        return ""
    capitals = sum(ch.isupper() for ch in letters) / len(letters) >= 0.6
    words = []
    for word in text.split():
        n_letters = sum(_is_letter(ch) for ch in word)
        if n_letters and n_letters >= len(word) - 2 and any(ch.isdigit() for ch in word):
            word = word.translate(_DIGIT_TO_LETTER)
        word = "".join(ch for ch in word if not ch.isdigit())
        if word:
            words.append(word.upper() if capitals else word)
    return unicodedata.normalize("NFC", " ".join(words))


def fold_name_for_mrz(name: str) -> str:
    """The MRZ form of a Vietnamese name: surname (first word) ``<<`` the other names
    joined by ``<``, upper case, no diacritics (Đ→D), no padding:
    "Nguyễn Văn An" → "NGUYEN<<VAN<AN". Compare with an MRZ line 3 stripped of
    trailing ``<`` (see :func:`names_match` for truncated MRZ names)."""
    if "<" in name:  # already MRZ: just tidy it
        return re.sub(r"<+$", "", name.strip().upper())
    words = re.sub(r"[^a-z ]", " ", fold(name)).upper().split()
    if not words:
        return ""
    return words[0] + "<<" + "<".join(words[1:]) if len(words) > 1 else words[0]


def _compact(name: str) -> str:
    """Letters only, folded: "NGUYỄN VĂN AN" and "NGUYEN<<VAN<AN" both → "nguyenvanan"."""
    return re.sub(r"[^a-z]", "", fold(name.replace("<", " ")))


def name_similarity(a: str, b: str) -> float:
    """0..1 similarity after folding and dropping spaces (OCR splits and merges words)."""
    ca, cb = _compact(a), _compact(b)
    if not ca or not cb:
        return 0.0
    return 1.0 - Levenshtein.normalized_distance(ca, cb)


def names_match(a: str, b: str, *, max_edits: int = 0) -> bool:
    """Whether two renderings name the same person: equal after folding (diacritics,
    case, spacing and MRZ ``<`` do not matter), allowing ``max_edits`` OCR edits.
    An MRZ name that fills its 30 characters may be truncated: then a prefix suffices.
    ``names_match("NGUYỄN VĂN AN", "Nguyen Van An")`` is True;
    ``names_match("NGUYỄN VĂN AN", "NGUYỄN VĂN ANH")`` is False."""
    ca, cb = _compact(a), _compact(b)
    if not ca or not cb:
        return False
    for mrz, other in ((a, cb), (b, ca)):
        tidy = mrz.strip()
        if "<" in tidy and len(tidy) >= MRZ_NAME_LENGTH and not tidy.endswith("<"):
            short = _compact(tidy)
            return Levenshtein.distance(short, other[:len(short)]) <= max_edits
    return Levenshtein.distance(ca, cb) <= max_edits
