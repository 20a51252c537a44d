"""Giấy chứng nhận kết hôn: the spouses' names are printed a second time, under their signatures.

That second printing, read on its own line far below the first, is evidence of its own: a name the
signature block spells alike (letters, marks) is trusted more than either reading alone, as any name printed
twice is (``validate.check_names_printed_twice``); one whose words the signature block continues with more of
a name ("ĐỖ MINH" over "Đỗ Minh Đức") was cut short, and a person looks.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from extractors.engine import PageView
from extractors.kinds import DOUBTFUL, name_syllables
from extractors.spec import TypeSpec
from pipeline.text import fold
from schemas import Document, Field, Word

SPOUSES = ("wife_full_name", "husband_full_name")
NAME_GAP = 1.0  # word heights: a wider blank after a name in the signature block starts another
CUT_NOTE = "name: the signature block prints more of it (cut short?)"


def finish(document: Document, spec: TypeSpec, views: list[PageView], images: Mapping[int, np.ndarray]) -> None:
    pages = {view.page.number: view for view in views}
    for name in SPOUSES:
        field = document.fields.get(name)
        if field is not None and isinstance(field.value, str) and field.source == "ocr" and field.page in pages \
                and field.bbox is not None:
            check_against_signature(field, pages[field.page].lines)


def check_against_signature(field: Field, lines: list[list[Word]]) -> None:
    """Trust ``field`` more where a line below it prints the same name, or doubt it where that line goes on
    with another syllable of the name right after it."""
    assert isinstance(field.value, str) and field.bbox is not None
    wanted = field.value.lower().split()
    letters = [fold(word) for word in wanted]
    for line in (line for line in lines if line and min(w.bbox[1] for w in line) > field.bbox[3]):
        spoken = [word.text.strip(",.;:").lower() for word in line]
        for start in range(len(line) - len(wanted) + 1):
            if [fold(word) for word in spoken[start:start + len(wanted)]] != letters:
                continue
            following = line[start + len(wanted)] if start + len(wanted) < len(line) else None
            if following is not None and _continues_the_name(line[start + len(wanted) - 1], following):
                field.confidence = round(min(field.confidence, DOUBTFUL), 3)
                field.note = "; ".join(filter(None, [field.note, CUT_NOTE]))
                return
            return  # a name printed alike there corroborates it (validate.check_names_printed_twice)


def _continues_the_name(last: Word, following: Word) -> bool:
    """The next word stands right after the name (no wider blank than a space) and is a name's later syllable."""
    height = max(1, last.bbox[3] - last.bbox[1])
    text = following.text.strip(",.;:")
    return following.bbox[0] - last.bbox[2] <= NAME_GAP * height and text[:1].isupper() \
        and text.upper() in name_syllables().get(fold(text), [])
