"""Text helpers shared by the readers: folding for comparison, cleaning of values."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_SPACES = re.compile(r"\s+")
# A Vietnamese syllable without its marks (see ``fold``): onset, vowel nucleus, coda.
SYLLABLE = re.compile(r"^(ngh|ng|gh|gi|kh|nh|ph|th|tr|ch|qu|[bcdghklmnprstvx])?[aeiouy]{1,3}(ch|ng|nh|[cmnpt])?$")
# Combining marks (all of Vietnamese's tones and vowel marks are in the first block).
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
# Dotted leaders and blanks of printed forms ("Họ và tên: ........"), colons, and
# punctuation OCR leaves at the ends of a value.
_EDGE_JUNK = re.compile(r"^[\s.:;,\-_…·•|/\\'\"“”‘’`~*‹›„«»‚ˆ˜¨°]+|[\s.:;,\-_…·•|/\\'\"“”‘’`~*‹›„«»‚ˆ˜¨°]+$")
_LEADERS = re.compile(r"(?:\s*[.…·_]){3,}\s*")


def nfc(text: str) -> str:
    """Unicode NFC with single spaces, trimmed."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower-case, no diacritics (đ→d), single spaces: the form labels and names are
    compared in. ``fold("HỌ VÀ TÊN")`` == ``fold("Hộ và tến")`` == "ho va ten"."""
    bare = _COMBINING.sub("", unicodedata.normalize("NFD", text.lower()))
    return " ".join(bare.replace("đ", "d").split())


def clean_value(text: str) -> str:
    """A printed value without the form around it: dotted leaders, ':' and stray
    punctuation at the ends removed, leaders inside collapsed to one space, NFC,
    single spaces. ``clean_value(": NGUYỄN VĂN AN .......")`` == "NGUYỄN VĂN AN"."""
    text = unicodedata.normalize("NFC", text)
    text = _LEADERS.sub(" ", text)
    text = _EDGE_JUNK.sub("", text)
    return nfc(text)


def respell(word: str, spellings: dict[str, list[str]]) -> str | None:
    """The one spelling of a closed vocabulary that ``word`` folds to (its marks restored), or None.

    ``spellings`` maps folded forms to their spellings; a form with several spellings ("mot": một,
    mốt) is left to the caller's context rules (None), as is a word outside the vocabulary.
    """
    options = spellings.get(fold(word), [])
    if word.lower() in options:
        return word.lower()
    return options[0] if len(options) == 1 else None


def spellings_of(words: list[str]) -> dict[str, list[str]]:
    """A closed vocabulary by folded form, for ``respell``."""
    by_form: dict[str, list[str]] = {}
    for word in words:
        by_form.setdefault(fold(word), []).append(word)
    return by_form
