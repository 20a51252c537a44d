"""OCR-tolerant label finding over the words of a page.

A label ("Họ và tên / Full name", "Ngày sinh") is looked for in each OCR line after
folding (lower case, no diacritics), so "HỌ VÀ TÊN", "Ho va ten" and the OCR-damaged
"Hộ và tến" all hit exactly; damaged spellings ("Ngàv sỉnh", "Hovà tên") are found
with rapidfuzz over windows of the label's length ±1 tokens.

Two paths give the same hits:

* rapidfuzz alone (always available, no start-up cost): exact hits are its 100-score
  windows;
* spaCy's ``PhraseMatcher(attr="NORM")`` for the exact hits, once spaCy is loaded.
  spaCy is the optional extra ``hoso[nlp]`` (in ``dev``, so that the tests hold the two
  paths to the same hits): ``import spacy`` costs ~0.5 s and ~90 MB, so it is never
  imported at module import: call :func:`warm_up_spacy` in a background thread, and
  :func:`find_label` uses it only when it is ready (or when asked with ``use_spacy=True``).
  Where spaCy is not installed, both fall back to rapidfuzz.

Overlaps: when variants overlap on a line, the longest label wins ("Số định danh cá
nhân" over "Số"); pass ``avoid=[...]`` to drop hits that sit inside a longer or
better other label ("Nơi sinh" when looking for "Ngày sinh").
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any
from collections.abc import Iterable, Sequence

from rapidfuzz import fuzz, process

from schemas.models import BBox, Word
from pipeline.text import clean_value, fold
from pipeline.geometry import union_bbox

DEFAULT_MIN_SCORE = 0.8
STRONG_SCORE = 0.95
# Folded labels this short ("so", "no") are noise to fuzzy matching: exact only.
_EXACT_ONLY_LEN = 4


@dataclass(frozen=True)
class Token:
    """An alphanumeric run of a word, folded, with where it sits in that word."""

    norm: str
    word: int  # index of the word in its line
    start: int  # character offsets in the word's text
    end: int


@dataclass
class PreparedLine:
    words: list[Word]
    tokens: list[Token]


@dataclass
class PreparedPage:
    """Lines tokenised once; reuse it across many label look-ups on one page."""

    lines: list[PreparedLine]
    _windows: dict[int, tuple[list[str], list[tuple[int, int]]]] = field(default_factory=dict)
    _docs: list[Any] | None = None  # spaCy Docs of the lines, built once when used
    _glued: dict[int, list[str]] = field(default_factory=dict)

    def windows(self, size: int) -> tuple[list[str], list[tuple[int, int]]]:
        """Every run of ``size`` consecutive tokens: (texts, (line, first token))."""
        if size not in self._windows:
            texts: list[str] = []
            where: list[tuple[int, int]] = []
            for li, line in enumerate(self.lines):
                norms = [t.norm for t in line.tokens]
                for start in range(len(norms) - size + 1):
                    texts.append(" ".join(norms[start:start + size]))
                    where.append((li, start))
            self._windows[size] = (texts, where)
        return self._windows[size]

    def glued_windows(self, size: int) -> list[str]:
        """The texts of ``windows(size)`` without their blanks: a label whose spaces OCR lost is one word."""
        if size not in self._glued:
            self._glued[size] = [text.replace(" ", "") for text in self.windows(size)[0]]
        return self._glued[size]


@dataclass(frozen=True)
class LabelHit:
    """Where a label was found and what follows it on its line."""

    label: str  # the variant that matched, as given
    line_index: int  # index into the lines given
    word_start: int  # first word of the label in its line
    word_end: int  # one past the last word of the label
    bbox: BBox  # union of the label's words
    score: float  # 0..1; 1.0 is an exact match after folding
    value_words: list[Word]  # the words after the label on that line (value candidates)
    token_count: int  # tokens in the label variant (longest label wins overlaps)

    @property
    def exact(self) -> bool:
        return self.score >= 1.0

    @property
    def value_text(self) -> str:
        """The words after the label, cleaned (leaders, ':' and stray punctuation off)."""
        return clean_value(" ".join(w.text for w in self.value_words))

    @property
    def value_bbox(self) -> BBox | None:
        return union_bbox(w.bbox for w in self.value_words)


def tokenize_word(text: str, word_index: int) -> list[Token]:
    """Split a word into folded alphanumeric runs ("tên/Full" → "ten", "full"); in a run of letters, a 1 or a 0 is
    the i or the o OCR read as one ("G1ö1" → "gioi": no label holds a figure)."""
    tokens: list[Token] = []
    current: list[str] = []
    start = 0
    for pos, ch in enumerate(text):
        folded = fold(ch)
        if folded and folded.isalnum():
            if not current:
                start = pos
            current.append(folded)
        elif current:
            tokens.append(Token(_letters_for_figures("".join(current)), word_index, start, pos))
            current = []
    if current:
        tokens.append(Token(_letters_for_figures("".join(current)), word_index, start, len(text)))
    return tokens


_FIGURES_AS_LETTERS = str.maketrans("10", "io")


def _letters_for_figures(run: str) -> str:
    return run.translate(_FIGURES_AS_LETTERS) if sum(ch.isalpha() for ch in run) >= 2 else run


def label_tokens(label: str) -> tuple[str, ...]:
    return tuple(t.norm for t in tokenize_word(label, 0))


def prepare(lines: Sequence[Sequence[Word]] | PreparedPage) -> PreparedPage:
    if isinstance(lines, PreparedPage):
        return lines
    prepared = []
    for words in lines:
        words = list(words)
        tokens = [t for wi, w in enumerate(words) for t in tokenize_word(w.text, wi)]
        prepared.append(PreparedLine(words, tokens))
    return PreparedPage(prepared)


def lines_from_words(words: Iterable[Word]) -> list[list[Word]]:
    """Group a page's words into lines (by ``Word.line``), in reading order."""
    by_line: dict[int, list[Word]] = {}
    for word in words:
        by_line.setdefault(word.line, []).append(word)
    return [by_line[k] for k in sorted(by_line)]


# --- spaCy, loaded lazily --------------------------------------------------------

_spacy_lock = threading.Lock()
_nlp: Any = None


def warm_up_spacy() -> bool:
    """Import spaCy and build a blank multilingual pipeline (~0.5 s); safe to call from
    a background thread, and more than once. Returns whether spaCy is usable: False
    where the optional extra ``hoso[nlp]`` is not installed."""
    global _nlp
    with _spacy_lock:
        if _nlp is None:
            try:
                import spacy  # noqa: PLC0415 - lazy and optional (~0.5 s, ~90 MB): see the module docstring
            except ImportError:
                return False
            _nlp = spacy.blank("xx")
    return True


def spacy_ready() -> bool:
    return _nlp is not None


@lru_cache(maxsize=256)
def _phrase_matcher(variants: tuple[tuple[str, ...], ...]) -> Any:
    from spacy.matcher import PhraseMatcher  # noqa: PLC0415 - lazy, as in warm_up_spacy(), which ran first
    from spacy.tokens import Doc  # noqa: PLC0415

    matcher = PhraseMatcher(_nlp.vocab, attr="NORM")
    for i, toks in enumerate(variants):
        if toks:
            doc = Doc(_nlp.vocab, words=list(toks))
            for token, norm in zip(doc, toks, strict=True):
                token.norm_ = norm
            matcher.add(str(i), [doc])
    return matcher


def _exact_hits_spacy(page: PreparedPage, variants: tuple[tuple[str, ...], ...]
                      ) -> set[tuple[int, int, int]]:
    """(variant, line, first token) of every exact hit, through the PhraseMatcher."""
    from spacy.tokens import Doc  # noqa: PLC0415 - lazy, as in warm_up_spacy(), which ran first

    matcher = _phrase_matcher(variants)
    if page._docs is None:
        page._docs = []
        for line in page.lines:
            norms = [t.norm for t in line.tokens]
            doc = Doc(_nlp.vocab, words=norms)
            for token, norm in zip(doc, norms, strict=True):
                token.norm_ = norm
            page._docs.append(doc)
    found = set()
    for li, doc in enumerate(page._docs):
        if not len(doc):
            continue
        for match_id, start, _end in matcher(doc):
            found.add((int(_nlp.vocab.strings[match_id]), li, start))
    return found


# --- matching --------------------------------------------------------------------

@dataclass(frozen=True)
class _Candidate:
    variant: int
    line: int
    tok_start: int
    tok_end: int
    score: float


def _candidates(page: PreparedPage, variants: tuple[tuple[str, ...], ...], min_score: float,
                use_spacy: bool) -> list[_Candidate]:
    found: dict[tuple[int, int, int, int], float] = {}
    exact_by_spacy: set[tuple[int, int, int]] = set()
    if use_spacy:
        exact_by_spacy = _exact_hits_spacy(page, variants)
        for vi, li, start in exact_by_spacy:
            if not _crosses_colon(page.lines[li], start, start + len(variants[vi])) \
                    and not _crosses_gap(page.lines[li], start, start + len(variants[vi])):
                found[(vi, li, start, start + len(variants[vi]))] = 1.0
    for vi, toks in enumerate(variants):
        n = len(toks)
        if not n:
            continue
        target = " ".join(toks)
        exact_only = len(target) <= _EXACT_ONLY_LEN
        sizes = [n] if exact_only else [s for s in (n - 1, n, n + 1) if s >= 1]
        for size in sizes:
            texts, where = page.windows(size)
            if not texts:
                continue
            cutoff = 100.0 if exact_only else min_score * 100.0
            for _text, score, idx in process.extract_iter(target, texts, scorer=fuzz.ratio,
                                                          score_cutoff=cutoff):
                li, start = where[idx]
                if _crosses_colon(page.lines[li], start, start + size) or _crosses_gap(page.lines[li], start, start + size):
                    continue
                key = (vi, li, start, start + size)
                score = 1.0 if size == n - 1 and _wrapped_last_word(page, li, start, toks) else score / 100.0
                if score >= 1.0 and use_spacy and size == n:
                    continue  # exact hits come from the PhraseMatcher on this path
                found[key] = max(found.get(key, 0.0), score)
        if len(target) >= GLUED_LABEL_LEN:
            _glued_label_candidates(page, vi, toks, min_score, found)
    return [_Candidate(vi, li, s, e, sc) for (vi, li, s, e), sc in found.items()]


GLUED_LABEL_LEN = 12  # folded letters of a label from which it is looked for with its blanks lost
GLUED_EXCESS = 3  # letters by which a glued token outruns the label's longest word


def _glued_label_candidates(page: PreparedPage, variant: int, label: tuple[str, ...], min_score: float,
                            found: dict[tuple[int, int, int, int], float]) -> None:
    """Windows of fewer tokens than the label whose letters, blanks aside, are the label's, one token of them longer
    than any of the label's words (where the blanks were lost): "Nơiđìngkýkhaisinh/Placeofbirth" is "Nơi đăng ký khai
    sinh / Place of birth" read with its spaces lost (a photo's small print); "đệm, tên chồng" is no "Họ, chữ đệm,
    tên chồng" glued."""
    glued, longest = "".join(label), max(len(token) for token in label) + GLUED_EXCESS
    for size in range(1, len(label) - 1):
        _, where = page.windows(size)
        for _text, score, idx in process.extract_iter(glued, page.glued_windows(size), scorer=fuzz.ratio,
                                                      score_cutoff=min_score * 100.0):
            li, start = where[idx]
            line = page.lines[li]
            if max(len(token.norm) for token in line.tokens[start:start + size]) >= longest \
                    and not (_crosses_colon(line, start, start + size) or _crosses_gap(line, start, start + size)):
                key = (variant, li, start, start + size)
                found[key] = max(found.get(key, 0.0), min(score / 100.0, STRONG_SCORE - 0.01))  # never an exact read


def _wrapped_last_word(page: PreparedPage, line_index: int, start: int, label: tuple[str, ...]) -> bool:
    """Whether the window of all but the label's last word at ``start`` is those words exactly, and the last word
    opens the line below, under the label's first word: a label wrapped in its table cell ("Ngày, tháng, năm" /
    "sinh:") is the whole label."""
    line = page.lines[line_index]
    end = start + len(label) - 1
    if tuple(t.norm for t in line.tokens[start:end]) != label[:-1] \
            or (end < len(line.tokens) and line.tokens[end].norm == label[-1]):
        return False  # not those words, or the whole label on its line (the line below opens with a word alike)
    x0, _, _, bottom = line.words[line.tokens[start].word].bbox
    height = bottom - line.words[line.tokens[start].word].bbox[1]
    for below in page.lines:
        # the last word with the label's colon ("sinh:"): a value below the label ("VÕ QUANG NAM" under "Họ, chữ đệm,
        # tên chồng:" is no wrapped "tên vợ") has none
        if below.tokens and below.tokens[0].norm == label[-1] \
                and below.words[below.tokens[0].word].text.rstrip().endswith(":"):
            bx0, by0, _, _ = below.words[below.tokens[0].word].bbox
            if abs(bx0 - x0) <= height and 0 <= by0 - bottom <= height:
                return True
    return False


def _crosses_colon(line: PreparedLine, first: int, end: int) -> bool:
    """Whether a colon stands between two tokens of the window: the printed label ended there.

    No label holds a colon, so "tên: VÕ ANH ĐẠT" is the label "tên" and a value, never
    the label "tên vợ" (both fold to "ten vo").
    """
    tokens = line.tokens[first:end]
    for before, after in zip(tokens, tokens[1:]):
        text = line.words[before.word].text
        between = text[before.end:after.start] if before.word == after.word else text[before.end:]
        if ":" in between:
            return True
    return False


LABEL_GAP = 1.5  # word heights: a wider gap inside a window is a column's gutter, not a space in a label
SHRUNK_GAP = 4.0  # word heights: beside a shrunken box, only a gap wider than this is surely a gutter


def _crosses_gap(line: PreparedLine, first: int, end: int) -> bool:
    """Whether the window's words stand wide apart somewhere: "… số | Giấy tờ tùy thân:" is a value's last word
    in one column and the next column's label, never the label "Số giấy tờ tùy thân"."""
    boxes = [line.words[index].bbox for index in sorted({token.word for token in line.tokens[first:end]})]
    height = max((box[3] - box[1] for box in boxes), default=1)
    for left, right in zip(boxes, boxes[1:]):
        gap = right[0] - left[2]
        if min(left[3] - left[1], right[3] - right[1]) < height / 2 and gap <= SHRUNK_GAP * height:
            continue  # a box OCR shrank to a few pixels ("giá" 4 px wide) says little of the gap beside it
        if gap > LABEL_GAP * height:
            return True
    return False


def _resolve_overlaps(cands: list[_Candidate], variants: tuple[tuple[str, ...], ...]
                      ) -> list[_Candidate]:
    """Greedy: strong hits first, longest label first, then best score, then tightest
    window; a candidate overlapping an accepted one on its line is dropped, and a weak one yields to an
    overlapping weak one that matches clearly better."""
    # a strong hit (exact, or nearly: "người chát" for "người cha") beats a weak one however
    # long: "Số định danh cá nhân" read exactly must not lose to a loose fuzzy "Số định danh
    # cá nhân của chủ hộ" over the same words; among strong hits the longest label wins; a weak one that only its
    # length ranks first yields: "Ngày, tháng, năm ‡iDN)" is the birth date's label misread (0.92), not the
    # registration date's (0.85); a bilingual label matched about as well as its half stays whole
    order = sorted(cands, key=lambda c: (c.score < STRONG_SCORE, -len(variants[c.variant]), -c.score,
                                         c.tok_end - c.tok_start, c.line, c.tok_start))
    weak_by_line: dict[int, list[_Candidate]] = {}
    for c in cands:
        if c.score < STRONG_SCORE:
            weak_by_line.setdefault(c.line, []).append(c)
    taken: dict[int, list[tuple[int, int]]] = {}
    kept = []
    for c in order:
        spans = taken.setdefault(c.line, [])
        if any(c.tok_start < e and s < c.tok_end for s, e in spans):
            continue
        if c.score < STRONG_SCORE and any(d.tok_start < c.tok_end and c.tok_start < d.tok_end
                                          and d.score >= c.score + CLEARLY_BETTER for d in weak_by_line[c.line]):
            continue
        spans.append((c.tok_start, c.tok_end))
        kept.append(c)
    return kept


CLEARLY_BETTER = 0.02  # of a match's score: what a shorter weak label must gain to win over a longer one's words


def _to_hit(page: PreparedPage, c: _Candidate, label: str, token_count: int) -> LabelHit:
    line = page.lines[c.line]
    first, last = line.tokens[c.tok_start], line.tokens[c.tok_end - 1]
    words = line.words
    value_words: list[Word] = []
    tail = words[last.word].text[last.end:]
    if any(ch.isalnum() for ch in tail):  # value glued to the label: "tên:NGUYỄN"
        value_words.append(_tail_word(words[last.word], last.end))
    value_words.extend(words[last.word + 1:])
    while value_words and not any(ch.isalnum() for ch in value_words[0].text):
        value_words.pop(0)  # a lone ":" or "/" between label and value
    return LabelHit(
        label=label, line_index=c.line, word_start=first.word, word_end=last.word + 1,
        bbox=union_bbox(w.bbox for w in words[first.word:last.word + 1]),  # type: ignore[arg-type]
        score=round(c.score, 4), value_words=value_words, token_count=token_count,
    )


def _tail_word(word: Word, offset: int) -> Word:
    """The part of a word after ``offset``, its box cut in proportion to the characters."""
    x0, y0, x1, y1 = word.bbox
    cut = x0 + round((x1 - x0) * offset / max(len(word.text), 1))
    return Word(text=word.text[offset:].lstrip(":;,./ "), confidence=word.confidence,
                bbox=(min(cut, x1), y0, x1, y1), line=word.line)


def _cut_before(words: list[Word], stop: Word) -> list[Word]:
    kept = []
    for word in words:
        if word is stop:
            break
        kept.append(word)
    return kept


def find_all_labels(
    lines: Sequence[Sequence[Word]] | PreparedPage,
    variants: Sequence[str],
    *,
    min_score: float = DEFAULT_MIN_SCORE,
    avoid: Sequence[str] = (),
    stop_at: Sequence[str] = (),
    exclude_overlaps: bool = True,
    use_spacy: bool | None = None,
) -> list[LabelHit]:
    """Every hit of any of ``variants``, in reading order (line, then position).

    ``avoid``: other labels that win over ours where they overlap and are longer or
    score better (e.g. ``avoid=["Nơi sinh"]`` for "Ngày sinh", ``avoid=["Số định danh
    cá nhân", "Quyển số"]`` for "Số"). ``exclude_overlaps=False`` keeps overlapping
    hits of different variants (each variant still keeps only its best window).
    ``stop_at``: labels of the next fields; the value words end where one of them
    starts on the same line ("Giới tính: Nam Quốc tịch: Việt Nam"). They also act as
    ``avoid``. ``use_spacy``: None = the PhraseMatcher if already warm, True = load it
    now, False = rapidfuzz only. All give the same hits.
    """
    page = prepare(lines)
    all_labels = list(variants)
    for other in (*avoid, *stop_at):
        if other not in all_labels:
            all_labels.append(other)
    toks = tuple(label_tokens(v) for v in all_labels)
    if use_spacy is None:
        use_spacy = spacy_ready()
    elif use_spacy:
        use_spacy = warm_up_spacy()
    cands = _candidates(page, toks, min_score, use_spacy)
    if exclude_overlaps:
        cands = _resolve_overlaps(cands, toks)
    else:  # overlaps between variants stay; each variant keeps its best windows
        by_variant: dict[int, list[_Candidate]] = {}
        for c in cands:
            by_variant.setdefault(c.variant, []).append(c)
        cands = [c for group in by_variant.values() for c in _resolve_overlaps(group, toks)]
    n_own = len(variants)
    stop_variants = {all_labels.index(s) for s in stop_at}
    stops: dict[int, list[int]] = {}  # line -> first token of each stop label
    for c in cands:
        if c.variant in stop_variants:
            stops.setdefault(c.line, []).append(c.tok_start)
    hits = []
    for c in cands:
        if c.variant >= n_own:
            continue
        hit = _to_hit(page, c, all_labels[c.variant], len(toks[c.variant]))
        later = [t for t in stops.get(c.line, []) if t >= c.tok_end]
        if later:
            stop_word = page.lines[c.line].tokens[min(later)].word
            stop = page.lines[c.line].words[stop_word]
            hit = replace(hit, value_words=_cut_before(hit.value_words, stop))
        hits.append(hit)
    return sorted(hits, key=lambda h: (h.line_index, h.word_start, -h.token_count))


def find_label(
    lines: Sequence[Sequence[Word]] | PreparedPage,
    variants: Sequence[str],
    *,
    min_score: float = DEFAULT_MIN_SCORE,
    avoid: Sequence[str] = (),
    stop_at: Sequence[str] = (),
    use_spacy: bool | None = None,
) -> LabelHit | None:
    """The best hit of any of ``variants``: highest score, then longest label, then
    earliest on the page. None when nothing reaches ``min_score``."""
    hits = find_all_labels(lines, variants, min_score=min_score, avoid=avoid,
                           stop_at=stop_at, use_spacy=use_spacy)
    if not hits:
        return None
    return max(hits, key=lambda h: (h.score, h.token_count, -h.line_index, -h.word_start))
