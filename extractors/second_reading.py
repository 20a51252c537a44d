"""Second, independent readings of a doubtful value: its crop prepared on its own and read as one line.

The page is read as a block (Tesseract's page segmentation over the whole normalised page); a
value's crop, thresholded with Otsu on just its own pixels and read as a single line (``--psm
7``), fails differently. Where the second reading gives the same value through the same reader,
the field is marked corroborated, and the calibration table (``extractors.calibration``) says how
sure such values are; where it differs, one of the two readings is wrong: the field says so and is
never accepted without a look, whatever its own reading's confidence.

Where it differs, or where the page's reading gave no valid value at all, the crop is read twice
more, enlarged (pages are read at a small glyph size that suits clean print; a misread name's
"II" for "H" or "X" for "N", a tone mark lost on a noisy rendering, often read right at two or three
times the size). The four readings vote: a value that more readings give than the page's own, and
that reads well-formed (a name of known syllables, a valid date), replaces it, marked as read
again, which calibration keeps below the trust line: a person confirms it. The crop starts where
the label ends, not at the first word kept: a word OCR misread as a speck ("Ö" for "HỒ") is read
again with the rest.

A date, an id number or a year is read twice more by Tesseract's English model (enlarged as above): a model of
another training reads a display face's figures the Vietnamese one misreads at every size (its 4 as 1); where its
reading alone contradicts two Vietnamese ones alike, the full vote settles the value, and an id number read surely
enough to go unseen is read once by it too, and disputed where it reads another. Readings of an id number that
disagree with its holder's birth date and sex as the paper gives them never outvote a page's value that agrees.

Only single-line values of kinds OCR confuses (names, dates, numbers, short vocabulary) are read
again, and only when doubtful (below 0.9, or below what calibration accepts of the kind read once: a date
read at 0.93): a sure value costs nothing, but for a sure id number's one reading by the English model. The readings are kept on the page
(``Page.readings``) like a QR payload, so a re-extraction from stored words gives the same answer
without the image.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from extractors.calibration import CORROBORATED, DIFFERS, READ_AGAIN, accept_point
from extractors.engine import GLUED, is_speck, keep_reading, kept_reading, letters_key, letters_of, words_within
from extractors.kinds import DOUBTFUL, READERS, REPAIRED, Reading
from extractors.readers.phrases import snap_code_parts
from extractors.readers.ids import check_id_number
from extractors.spec import TypeSpec
from extractors.validate import value
from pipeline.read import TesseractEngine
from pipeline.text import fold
from schemas import BBox, Document, Field, Page, Word

KINDS = {"name", "date", "id_number", "code", "year", "sex", "ethnicity", "nationality"}
DOUBTFUL_FROM = 0.4  # below this a value is too unsure for agreement to mean much
SURE = 0.9
PAD = 0.3  # of the crop's height, on every side
LABEL_MARGIN = 2  # px left of the crop kept clear of the label's last letter
ENLARGED = (2, 3)  # the scales a disputed value is read again at (gray, cubic: binarising enlarged print lost strokes)
# An enlarged crop's gray levels raised to this power: a display face's hairlines, printed or scanned pale, turn dark
# enough for Tesseract's own threshold to keep them (a bold didone's A faded to its thick stroke reads as a backslash
# or "LV"). Measured on 110 doubtful names of development seeds 93-95: enlarged twice and left gray, 56 read right;
# darkened, 83 (the page itself 60); on 43 doubtful dates, 16 and 25.
DARKEN = 3.0

_ENGINE = TesseractEngine()
# Figures read again by the English model too: an independent reader of the same pixels (trained on far more Latin
# print than the Vietnamese one, and on no tone marks to mistake a stroke for) that reads a display face's 4 with its
# hairline crossbar, which the Vietnamese model reads as 1 at every size.
FIGURE_KINDS = {"date", "id_number", "year"}
FIGURES_LANGUAGE = "eng"
_ENGINES = {_ENGINE.language: _ENGINE, FIGURES_LANGUAGE: TesseractEngine(language=FIGURES_LANGUAGE)}


@dataclass(frozen=True)
class Vote:
    value: str
    factor: float  # how well-formed the reader found it
    sure: float = 0.0  # OCR's confidence in the reading it came from


def corroborate(document: Document, spec: TypeSpec, pages: list[Page], images: Mapping[int, np.ndarray]) -> None:
    """Read each doubtful single-line OCR value of the document again (in place)."""
    by_number = {page.number: page for page in pages}
    kinds = {name: field_spec.kind for name, field_spec in spec.fields.items()}
    if spec.issuer is not None and spec.issuer.date_field:
        kinds[spec.issuer.date_field] = "date"  # the signature's date, read by the issuer step
    for name, field in document.fields.items():
        kind = kinds.get(name)
        field_spec = spec.fields.get(name)
        if (kind not in KINDS or field.source != "ocr"
                or not (field.value is None or isinstance(field.value, str)) or field.bbox is None
                or field.page not in by_number or field.no_expiry):
            continue
        page = by_number[field.page]
        if len(lines_within(page, field.bbox)) != 1:
            continue  # a value that wrapped: one line's reading cannot confirm it
        if field.confidence >= max(SURE, accept_point(kind, field.value)):
            if kind == "id_number" and _other_model_dissents(field, kind, after_label(page, field.bbox), page, images,
                                                               reader_of(kind)):
                # a sure number is read once more, by the other model: a figure misread with confidence ("…10518"
                # for …10318) is the one error a person would not look for; where it reads another, one looks
                disputed(field)
            continue
        reread(field, kind, page, images, field_spec.symbols if field_spec is not None else (),
               fits=holder_fits(document, spec, name))
        if field.value is not None and (missing := f"{name}: not found") in document.review_reasons:
            document.review_reasons.remove(missing)  # found by the readings again; its confidence says the rest


def holder_fits(document: Document, spec: TypeSpec, name: str) -> Callable[[str], bool] | None:
    """For an id number, whether a reading of it agrees with its holder's birth date and sex as the paper gives them
    (the digits encode both); None for other fields."""
    check = next((check for check in spec.id_checks if check.id_number == name), None)
    if check is None:
        return None
    born, sex = value(document, check.date_of_birth), check.sex_is or value(document, check.sex)
    return lambda number: not check_id_number(number, born, sex)


def reread(field: Field, kind: str, page: Page, images: Mapping[int, np.ndarray],
           symbols: Sequence[str] = (), in_a_cell: bool = False, fits: Callable[[str], bool] | None = None) -> None:
    """Corroborate ``field`` by a second reading of its crop, or let enlarged readings outvote it (``symbols``:
    the parts of a code's symbol, put right in every reading as in the page's; ``in_a_cell``: a table's cell, read
    within its own words' box: the words beside it are other cells; ``fits``: what the paper's other values say a
    reading must agree with: one that does not never outvotes a page's value that does)."""
    assert field.bbox is not None
    box = field.bbox if in_a_cell else after_label(page, field.bbox)
    if kind == "name" and not in_a_cell:
        box = with_name_tail(page, box)
    reader = reader_of(kind, symbols)
    reading = crop_reading(page, box, images)
    if reading is None:
        return
    first = reader(reading.text)
    if first.value is not None and first.value == field.value and not _other_model_dissents(field, kind, box, page,
                                                                                                images, reader):
        # two readings alike: halfway to the surer line's (the page's hesitation over a word, "NGUYÊN" at 0.0
        # for NGUYỄN, may be a mark both lost); not over a doubt of the page's (a name the signatures print
        # longer), and not two guesses alike ("Nưưn" as Nữ)
        sure = max(field.confidence, (field.confidence + (reading.confidence or 0.0) * first.factor) / 2)
        if field.note is None and not first.problems and sure >= DOUBTFUL_FROM:
            field.confidence = round(sure, 3)
            field.note = CORROBORATED
        return
    votes = [_vote(first.value, first.factor, reading.confidence)]
    unsure_enlarged = False  # an enlarged reading OCR itself doubted agrees by chance as much as by evidence
    for scale in ENLARGED:
        again = crop_reading(page, box, images, scale)
        if again is not None:
            enlarged = reader(again.text)
            votes.append(_vote(enlarged.value, enlarged.factor, again.confidence))
            unsure_enlarged |= again.confidence is None or again.confidence < DOUBTFUL_FROM
    other_model = [crop_reading(page, box, images, scale, FIGURES_LANGUAGE) for scale in ENLARGED] \
        if kind in FIGURE_KINDS else []
    other_votes = [_vote(read.value, read.factor, r.confidence)
                   for r, read in ((r, reader(r.text)) for r in other_model if r is not None)]
    winner = outvoted_by(_page_vote(field, reader), [v for v in votes + other_votes if v is not None])
    if winner is None and _enlarged_agree(votes, field) and not unsure_enlarged and field.note is None \
            and field.confidence >= DOUBTFUL_FROM:
        # binarising the small crop broke a stroke ("HLỲNH" for HUỲNH); read gray at two sizes, the crop gives the
        # page's value both times: three readings of four alike
        field.note = CORROBORATED
        return
    votes += other_votes
    if winner is None:
        read = {v.value for v in votes if v is not None}  # a reading that gave no valid value neither agrees nor differs
        # nor does one the reader found damaged with the value's own figures ("I90/UBND-XNTTHN", "190" cut short of
        # its symbol): it is no other value
        other_values = {v.value for v in votes if v is not None and v.value != field.value
                        and (v.factor >= 1.0 or not _same_figures(v.value, field.value))}
        if read == {field.value} and field.confidence >= DOUBTFUL_FROM:
            field.note = CORROBORATED  # the crop binarised was unreadable; an enlarged reading agrees
        elif other_values and field.value is not None:
            if field.note is None and field.confidence >= DOUBTFUL_FROM and _dissent_unsure(votes, field.value):
                field.note = CORROBORATED
            else:
                disputed(field)
        return
    if fits is not None and isinstance(field.value, str) and fits(field.value) and not fits(winner.value):
        disputed(field)  # "038060…" for the page's 038066… of a 1966 birth
        return
    count = sum(v is not None and v.value == winner.value for v in votes)
    field.value = winner.value
    field.confidence = round(REPAIRED * winner.factor * count / (len(votes) + 1), 3)
    field.note = READ_AGAIN


def disputed(field: Field) -> None:
    """Say on ``field`` that a second reading gave another value (calibration then keeps it for a person)."""
    field.note = "; ".join(filter(None, [field.note, DIFFERS]))


def _other_model_dissents(field: Field, kind: str, box: BBox, page: Page, images: Mapping[int, np.ndarray],
                          reader: Callable[[str], Reading]) -> bool:
    """Whether the English model, reading a figure value's crop enlarged, gives another well-formed value: the two
    Vietnamese readings alike may share a slip ("4/02/1999" for 14/02/1999, a figure lost at the same edge), and
    the full vote then settles it."""
    if kind not in FIGURE_KINDS:
        return False
    other = crop_reading(page, box, images, ENLARGED[0], FIGURES_LANGUAGE)
    read = reader(other.text) if other is not None else None
    return read is not None and read.value not in (None, field.value) and read.factor >= 1.0


_FIGURE_LIKE = str.maketrans({"I": "1", "l": "1", "|": "1", "!": "1", "O": "0", "o": "0"})
_FIGURES_RUN = re.compile(r"[\dIl|!Oo/.,\s-]*")  # up to a symbol's letters ("308/UBND-VNTTIHX": not its I)


def _same_figures(read: str, value: object) -> bool:
    """Whether ``read`` bears the figures of ``value``, letters OCR reads for figures ("I90") taken as those, up to
    the first other letter (a symbol's)."""
    run = _FIGURES_RUN.match(read)
    figures = "".join(ch for ch in (run[0] if run else "").translate(_FIGURE_LIKE) if ch.isdigit())
    return isinstance(value, str) and bool(figures) and figures == "".join(ch for ch in value if ch.isdigit())


def _dissent_unsure(votes: list[Vote | None], value: object) -> bool:
    """Whether two or more readings give ``value`` well formed and surely, and OCR was less sure of every reading of
    another value than of any of them: a stroke lost at one size ("1974-01-05" at 0.49 beside 1974-04-05 twice at
    0.95) is no second opinion."""
    agreeing = [vote.sure for vote in votes if vote is not None and vote.value == value and vote.factor > DOUBTFUL]
    dissenting = [vote.sure for vote in votes if vote is not None and vote.value != value]
    return len(agreeing) >= 2 and min(agreeing) >= DOUBTFUL_FROM and max(dissenting, default=0.0) < min(agreeing)


def _enlarged_agree(votes: list[Vote | None], field: Field) -> bool:
    """Whether every enlarged reading (all but the first vote) was made and gave the field's value, well formed,
    where the first (binarised) reading does not differ in marks alone: a mark it kept that the others lost ("THỊ"
    for THI) is as likely the print's."""
    binarised, enlarged = votes[0], votes[1:]
    if binarised is not None and isinstance(field.value, str) and binarised.value != field.value \
            and fold(binarised.value) == fold(field.value):
        return False
    return len(enlarged) == len(ENLARGED) and all(
        vote is not None and vote.value == field.value and vote.factor > DOUBTFUL for vote in enlarged)


def _vote(value: str | None, factor: float, sure: float | None = None) -> Vote | None:
    return Vote(value, factor, sure or 0.0) if value is not None else None


def reader_of(kind: str, symbols: Sequence[str] = ()) -> Callable[[str], Reading]:
    """The reader of a value of ``kind``; for a code with known ``symbols``, after its symbol's parts are put right."""
    if not symbols:
        return READERS[kind]
    return lambda text: READERS[kind](snap_code_parts(text, symbols)[0])


def _page_vote(field: Field, reader: Callable[[str], Reading]) -> Vote | None:
    """The page's own reading as a vote; its well-formedness judged again where the reader can (names)."""
    if not isinstance(field.value, str):
        return None
    again = reader(field.value)
    return Vote(field.value, again.factor if again.value == field.value else 1.0)


def outvoted_by(page_vote: Vote | None, votes: list[Vote]) -> Vote | None:
    """The re-read value that replaces the page's reading, if any: the well-formed value most re-readings
    give (the better formed on a tie, then the one OCR was surer of), where more readings give it than the page's value (which counts
    itself), or where the page read nothing valid or nothing well-formed."""
    counts = Counter(v.value for v in votes)
    formed: dict[str, Vote] = {}
    for vote in votes:
        if vote.factor > DOUBTFUL and vote.factor > formed.get(vote.value, Vote(vote.value, 0.0)).factor:
            formed[vote.value] = vote
    if not formed:
        return None
    sure: dict[str, float] = {}
    for vote in votes:
        sure[vote.value] = sure.get(vote.value, 0.0) + vote.sure
    # as many readings for two values, as well formed: the one OCR was surer of ("18 04/2018" at 0.64 by one model
    # against "18012018" at 0.14 by the other)
    best = max(formed.values(), key=lambda v: (counts[v.value], v.factor, sure[v.value]))
    if page_vote is None or page_vote.factor <= DOUBTFUL:
        return best if page_vote is None or best.value != page_vote.value else None
    if best.value == page_vote.value:
        return None
    return best if counts[best.value] > 1 + counts[page_vote.value] else None


def after_label(page: Page, bbox: BBox) -> BBox:
    """The value's box widened left to where the label (or whatever precedes it on its line) ends, past
    specks: a letter read as one (``is_speck``) belongs to the value."""
    x0, y0, x1, y1 = bbox
    middle = (y0 + y1) / 2
    before = [w for w in page.words if w.bbox[2] <= x0 and w.bbox[1] <= middle <= w.bbox[3]]
    solid = [w for w in before if not is_speck(w)]
    left = max((w.bbox[2] for w in solid), default=None)
    if left is None or left + LABEL_MARGIN >= x0:
        return bbox
    return left + LABEL_MARGIN, y0, x1, y1


TAIL_GAP = 1.5  # of the value's height: a wider blank after a name ends its line's part


def with_name_tail(page: Page, bbox: BBox) -> BBox:
    """The name's box widened right over the words that follow it on its line with no lowercase letter: a last
    word the page's reading left out as a speck ("KHỔNG HẾY \\NH" for KHỔNG TIẾN ANH, "NGUY ỶN TRỌNG HH") is read
    again with the rest, while a label after the name ("Ngày, tháng, năm sinh:") is not."""
    x0, y0, x1, y1 = bbox
    inside = words_within(page, bbox)
    lines = {w.line for w in inside}
    following = sorted((w for w in page.words if w.line in lines and w.bbox[0] >= x1 and w not in inside),
                       key=lambda w: w.bbox[0])
    for word in following:
        if word.bbox[0] - x1 > TAIL_GAP * (y1 - y0) or any(ch.islower() for ch in word.text) or ":" in word.text:
            break
        x1, y0, y1 = word.bbox[2], min(y0, word.bbox[1]), max(y1, word.bbox[3])
    return x0, y0, x1, y1


@dataclass(frozen=True)
class LineReading:
    text: str
    confidence: float | None  # Tesseract's for the crop's least sure word; None: kept before it was kept too


def crop_reading(page: Page, bbox: BBox, images: Mapping[int, np.ndarray], scale: int = 1,
                 language: str = _ENGINE.language) -> LineReading | None:
    """A crop of ``page`` read as one line (``read_line``), once: kept in the page's readings under the crop's box,
    scale and model, with its confidence, so a re-extraction from stored words reads the same. None: no reading and
    no image."""
    model = "" if language == _ENGINE.language else f"/{language}"
    key = f"line{'' if scale == 1 else f'×{scale}dark'}{model}:{','.join(map(str, bbox))}"
    kept = kept_reading(page, key)
    image = images.get(page.number)
    if (kept is None or kept[1] is None) and image is not None:
        keep_reading(page, key, *read_line(image, bbox, page.dpi, scale, _ENGINES[language]))
        kept = kept_reading(page, key)
    return LineReading(*kept) if kept is not None else None


def lines_within(page: Page, bbox: BBox) -> set[int]:
    return {w.line for w in words_within(page, bbox)}


def read_line(image: np.ndarray, bbox: BBox, dpi: int, scale: int = 1,
              engine: TesseractEngine = _ENGINE) -> tuple[str, float]:
    """The text of one value's crop read as a single line, and the confidence of its least sure word (signs
    alone aside: a label's colon): binarised on its own at the page's size, or enlarged ``scale`` times, left gray
    and darkened (``DARKEN``)."""
    x0, y0, x1, y1 = bbox
    pad = int(PAD * max(1, y1 - y0))
    height, width = image.shape[:2]
    crop = image[max(0, y0 - pad):min(height, y1 + pad), max(0, x0 - pad):min(width, x1 + pad)]
    if crop.size == 0:
        return "", 0.0
    gray = cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY) if crop.ndim == 3 else crop
    if scale == 1:
        _, prepared = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    else:
        prepared = darkened(cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC))
    words = engine.read(np.ascontiguousarray(prepared), psm=7, dpi=dpi * scale).words
    confidences = [word.confidence for word in words if any(ch.isalnum() for ch in word.text)]
    return " ".join(word.text for word in words), min(confidences, default=0.0)


_DARKENED_LEVELS = (np.linspace(0.0, 1.0, 256) ** DARKEN * 255).round().astype(np.uint8)


def darkened(gray: np.ndarray) -> np.ndarray:
    """``gray`` with its levels raised to the power ``DARKEN``: white stays white, pale strokes grow dark."""
    return cv2.LUT(gray, _DARKENED_LEVELS)


TALL = 0.35  # of a word's height: a mark at least this tall is a letter or a figure, not a dot, a comma or a dash


def read_letters_again(page: Page, image: np.ndarray) -> None:
    """Read again, on their own, the letters of each doubtful word that has dots, specks or signs glued to
    them (a form's dotted line runs into the name written on it): kept in ``page.readings`` under
    ``letters_key``, with their confidence, for ``engine.letters_confidence``. Cheap: a few small crops a page."""
    gray: np.ndarray | None = None  # made for the first word that needs it: most pages were read before
    for word in page.words:
        key = letters_key(word)
        letters = letters_of(word.text)
        if (word.confidence >= SURE or letters == word.text or not any(ch.isalnum() for ch in letters)
                or kept_reading(page, key) is not None):
            continue
        if gray is None:
            gray = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
        # a comma or full stop the letters keep ("„Đức,") is read with them: it may be the value's own
        box = letters_box(gray, word.bbox, to_the_end=letters[-1] in GLUED)
        keep_reading(page, key, *(read_word(gray, box, page.dpi) if box is not None else ("", 0.0)))


def figures_confidence(page: Page, word: Word, figures: str, images: Mapping[int, np.ndarray]) -> float | None:
    """How sure OCR is of the ``figures`` that open ``word`` ("79UBND.XNTTIHN": a number glued to a symbol whose
    misread letters set the word's confidence): the word's own where it holds only them, else that of the
    figures' marks read again on their own, where that reading gives those figures; None where it does not."""
    if word.text.strip(".,:;") == figures:
        return word.confidence
    key = f"figures:{','.join(map(str, word.bbox))}"
    kept = kept_reading(page, key)
    image = images.get(page.number)
    if (kept is None or kept[1] is None) and image is not None:
        gray = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
        box = leading_marks_box(gray, word.bbox, len(figures))
        keep_reading(page, key, *(read_word(gray, box, page.dpi) if box is not None else ("", 0.0)))
        kept = kept_reading(page, key)
    if kept is None or kept[1] is None or kept[0].strip().rstrip(_AFTER_FIGURES) != figures:
        return None
    return kept[1]


_AFTER_FIGURES = "/.,:;-"  # a sliver of the sign after the figures, read as one


def leading_marks_box(gray: np.ndarray, bbox: BBox, count: int) -> BBox | None:
    """The part of a word's box its first ``count`` marks fill (those one above another taken as one), cut a third
    of the way to the next mark; None where the word has no more marks."""
    marks = tall_marks(gray, bbox)
    spans: list[list[int]] = []
    for left, right in sorted(marks or []):
        if spans and left < spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], right)  # a broken figure's pieces
        else:
            spans.append([left, right])
    if len(spans) <= count:
        return None
    cut = spans[count - 1][1] + (spans[count][0] - spans[count - 1][1]) // 3  # nearer the figure: a "/" leans back
    return max(0, bbox[0]), bbox[1], max(0, bbox[0]) + cut, bbox[3]


def letters_box(gray: np.ndarray, bbox: BBox, to_the_end: bool = False) -> BBox | None:
    """The part of a word's box its letters fill: from the first to the last mark, or ``to_the_end`` of the box."""
    marks = tall_marks(gray, bbox)
    if not marks:
        return None
    x0, y0, x1, y1 = bbox
    left, right = min(m[0] for m in marks), max(m[1] for m in marks)
    return max(0, x0) + left, y0, x1 if to_the_end else max(0, x0) + right, y1


def tall_marks(gray: np.ndarray, bbox: BBox) -> list[tuple[int, int]] | None:
    """The left and right edges, in the word's box, of its marks: ink at least TALL of its height (dots, commas, a
    dotted line's run lie below that); None for a box outside the image."""
    x0, y0, x1, y1 = bbox
    crop = gray[max(0, y0):y1, max(0, x0):x1]
    if crop.size == 0:
        return None
    _, ink = cv2.threshold(crop, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    count, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    return [(int(stats[i][cv2.CC_STAT_LEFT]), int(stats[i][cv2.CC_STAT_LEFT] + stats[i][cv2.CC_STAT_WIDTH]))
            for i in range(1, count) if stats[i][cv2.CC_STAT_HEIGHT] >= TALL * crop.shape[0]]


def read_word(gray: np.ndarray, bbox: BBox, dpi: int) -> tuple[str, float]:
    """A crop read as one word (``--psm 8``), binarised on its own, with a white margin; its text and the least
    confidence of its words."""
    x0, y0, x1, y1 = bbox
    crop = gray[max(0, y0):y1, max(0, x0):x1]
    if crop.size == 0:
        return "", 0.0
    _, prepared = cv2.threshold(crop, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    margin = max(2, int(PAD * (y1 - y0)))
    prepared = cv2.copyMakeBorder(prepared, margin, margin, margin, margin, cv2.BORDER_CONSTANT, value=255)
    words: list[Word] = _ENGINE.read(np.ascontiguousarray(prepared), psm=8, dpi=dpi).words
    return " ".join(word.text for word in words), min((word.confidence for word in words), default=0.0)
