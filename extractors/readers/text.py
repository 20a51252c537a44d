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
_EDGE_JUNK = re.compile(r"^[\s.:;,\-_…·•|/\\'\"“”‘’`~*]+|[\s.:;,\-_…·•|/\\'\"“”‘’`~*]+$")
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
