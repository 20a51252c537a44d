"""Running text: sentences printed after a label ("Tình trạng hôn nhân: Đã đăng ký kết hôn, nhưng …").

A sentence is long, wraps over lines and is printed on forms with dotted leaders, so its OCR
carries more damage than a short value: leader dots read as stray full stops or colons between
words ("ly hôn theo. Bản án"), specks glued to words ("„.thành phố"), tone marks misread
("nhân đân", "Chựa"), a "/" read as "I" in a case number ("89/1988IHNGĐ-ST"). These helpers tidy
such text and restore the fixed legal phrases it is made of from a closed vocabulary the caller
gives (matched on the unmarked letters, tolerant of a few misread letters); what is not a known
phrase (names, numbers, places) is left as read, apart from the marks of unit names.

The helpers know nothing about a document type: the caller passes the phrases.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache

from rapidfuzz import fuzz

from extractors.readers.addresses import province_names
from pipeline.text import clean_value, fold

# --- joining the lines of a wrapped value --------------------------------------------------------

_LINE_END_JUNK = re.compile(r"(?:\s*[.…·_:;,'\"`„~|]){2,}\s*$")  # leaders at the end of a printed line


def join_lines(lines: Iterable[str]) -> str:
    """The printed lines of one value as one text: leader runs at each line's edges dropped; a line
    that ends inside a code ("104/1998/", "HNGĐ-") or a hyphenated word joined without a space."""
    text = ""
    for line in lines:
        line = _LINE_END_JUNK.sub(_keep_separator, unicodedata.normalize("NFC", line)).strip()
        unspecked = _LEADING_SPECKS.sub("", line).strip()
        if unspecked != line and text.endswith(".") and not text.endswith(".."):
            text = text[:-1]  # "… chị Đinh." over ".Phương Diệp": one leader run across the wrap, no full stop
        line = unspecked
        if not line:
            continue
        if text and (text.endswith("/") or (re.search(r"[\w]-$", text) and not text.endswith(" -"))):
            text += line  # a code or a hyphenated word cut at the line's end
        else:
            text = f"{text} {line}" if text else line
    return text


_LEADING_SPECKS = re.compile(r"^[\s.…·_:;,'\"`„~|]+(?=\w)")


def _keep_separator(junk: re.Match[str]) -> str:
    """Leaders at a line's end go; a comma or semicolon printed right after the last word stays ("Thành, ....")."""
    return junk.group(0)[0] if junk.group(0)[0] in ",;" else ""

# --- tidying ---------------------------------------------------------------------------------------

# words that never end a sentence: prepositions, conjunctions, titles and unit words (a unit word
# is always followed by its name). A full stop read after one of them is a leader dot or a speck.
# (Words that are also names — Ly, Thành, Nhân, An — are not among them: "bà Vũ Thùy Ly." may end one.)
_NO_SENTENCE_END = {
    "theo", "của", "với", "và", "là", "do", "tại", "cho", "từ", "đến", "về", "số", "ngày", "tháng", "nhưng",
    "đã", "đang", "có", "chưa", "không", "kết", "đăng", "ông", "bà", "chị", "các", "những", "hoặc",
    "phường", "xã", "quận", "huyện", "tỉnh", "phố", "trấn", "vực", "thị", "án", "bản",
}
# shortened words that keep their full stop ("Tp. Hồ Chí Minh", "TM.", "KT.")
_ABBREVIATED = {"tp", "tx", "tt", "tm", "kt", "q", "p", "h", "ths", "ts", "bs"}
_GLUED_SPECKS = re.compile(r"(?<![\w)])[.…·_:;'\"`„~|]+(?=\w)")  # ".Phương", "„.thành", "...định"
_SPACED_SPECKS = re.compile(r"[.…·_:;]\s+[.…·_:;]+")  # "Đinh. .Phương": two leader dots read apart
_COMMA_GLUED = re.compile(r",(?=[^\W\d_])")  # ",thành phố": a comma and the next word run together
_TRAILING_LEADERS = re.compile(r"(?<=\w)[.…·_:;'\"`„~|]{2,}(?=\s|$)")  # "theo...", "Thạnh,.."
_LONE_SPECK = re.compile(r"(?<=\s)[.…·_:;'\"`„~|]+(?=\s)")  # a speck standing alone between words
_SPACE_BEFORE = re.compile(r"\s+([,;:.)\]])")
_SPACE_AFTER = re.compile(r"([(\[])\s+")
_DOUBLED = re.compile(r"([,;])[\s,;.]*[,;.]")  # ", ." or ",," : one separator
# words a comma never follows in a sentence (a preposition, "kết" of "kết hôn", a title, a unit word):
# a comma read after one is a speck ("đăng ký kết, hôn")
_NO_COMMA_AFTER = {"của", "với", "tại", "cho", "theo", "kết", "đăng", "ông", "bà", "chị", "anh", "phường", "xã",
                   "quận", "huyện", "tỉnh", "thị", "trấn"}
_SPECK_BEFORE_DATE = re.compile(r"(?<=\bngày) \d(?= \d{1,2}/\d{1,2}/\d{4}\b)")  # "ngày 1 25/08/2018": a speck


# "làm thủ tục.đăng ký": a full stop glued between two words, the second in lower case, is a speck (no
# sentence goes on in lower case; "Tp.Hồ Chí Minh" and "v.v." are left alone)
_STOP_BETWEEN_WORDS = re.compile(r"(?<=[^\W\d_]{2})\.([^\W\d_]{2})")


def _stop_as_blank(match: re.Match[str]) -> str:
    return f" {match[1]}" if match[1].islower() else match[0]


def tidy_running_text(text: str) -> str:
    """NFC, single spaces, punctuation where print puts it, leader dots and specks gone.

    ``tidy_running_text("đã ly hôn theo. Bản án số 5 ngày. 11/09/2008 ,„.thành phố")`` ==
    "đã ly hôn theo Bản án số 5 ngày 11/09/2008, thành phố". A full stop stays where a sentence
    may end: after a word that can end one, before a capital.
    """
    text = _words_apart(clean_value(text))
    text = _STOP_BETWEEN_WORDS.sub(_stop_as_blank, text)
    text = _SPACED_SPECKS.sub(" ", text)
    text = _GLUED_SPECKS.sub("", text)
    text = _COMMA_GLUED.sub(", ", text)
    text = _TRAILING_LEADERS.sub("", text)
    text = _LONE_SPECK.sub(" ", f" {text} ").strip()
    text = _SPACE_BEFORE.sub(r"\1", text)
    text = _SPACE_AFTER.sub(r"\1", text)
    text = _DOUBLED.sub(r"\1", text)
    text = _SPECK_BEFORE_DATE.sub("", text)
    words = text.split()
    for index, word in enumerate(words[:-1]):
        if word.endswith(",") and not word.endswith(",,") and word[:-1] in _NO_COMMA_AFTER \
                and words[index + 1][:1].islower():
            words[index] = word[:-1]
            continue
        if not word.endswith(".") or word.endswith(".."):
            continue
        bare = word[:-1]
        following = words[index + 1]
        folded = fold(bare).strip("()")
        if folded in _ABBREVIATED or not bare or not bare[-1].isalnum():
            continue
        if _inside_province_name(words, index):
            words[index] = bare  # "thành phố Hồ. Chí Minh": a speck inside a name, no sentence's end
            continue
        # compared with its marks: "Nghệ An." ends a sentence, "Bản án." does not; a stop between two words of a
        # name in capitals ("anh PHẠM. DUY TUẤN") is a speck: no sentence ends inside a name
        inside_name = len(bare) > 1 and bare.isupper() and following.rstrip(",.;:").isupper() \
            and following.rstrip(",.;:").isalpha()
        if following[:1].islower() or following[:1].isdigit() or bare.lower().strip("()") in _NO_SENTENCE_END \
                or inside_name:
            words[index] = bare  # no sentence starts in lower case or a figure
    return " ".join(words).strip()


_COUNTRY_NAMES = frozenset({"viet nam", "cong hoa xa hoi chu nghia viet nam"})  # "Ngân hàng … Việt. Nam"


def _words_apart(text: str) -> str:
    """ "thành phốĐàNẵng" → "thành phố Đà Nẵng": a capitalised syllable glued after two small letters or more
    opens a word whose space OCR lost. A capital read alone inside a word ("kÝ", "aiI") is a misread case,
    not a word."""
    out: list[str] = []
    for index, character in enumerate(text):
        if 2 <= index < len(text) - 1 and character.isupper() and text[index + 1].islower() \
                and text[index - 1].islower() and text[index - 2].isalpha():
            out.append(" ")
        out.append(character)
    return "".join(out)


def _inside_province_name(words: list[str], index: int) -> bool:
    """The word at ``index`` (read with a full stop) and its neighbours spell a province's or the country's
    name of several words ("Hồ. Chí Minh", "Bà Rịa. Vũng Tàu", "Việt. Nam")."""
    for before in range(0, min(2, index) + 1):
        for after in range(1, 4):
            span = words[index - before:index + 1 + after]
            if len(span) < before + 1 + after:
                break
            name = fold(" ".join(w.strip(".,;:") for w in span))
            if name in province_names() or name in _COUNTRY_NAMES:
                return True
    return False


# "/" read as "I", "l", "|" or "!" inside dates and case numbers: "27I11/1988", "89/1988IHNGĐ-ST"
_SLASH_LIKE = "Il|!"
_DATE_LIKE = re.compile(rf"\b(\d{{1,2}})[/{_SLASH_LIKE}](\d{{1,2}})[/{_SLASH_LIKE}]((?:19|20)\d\d)\b")
_NUMBER_YEAR_SYMBOL = re.compile(rf"\b(\d{{1,5}})[/{_SLASH_LIKE}]((?:19|20)\d\d)[/{_SLASH_LIKE}]([A-ZĐ]{{2,}})")


# the same with the slashes read as blanks, where the sentence's words say what the figures are:
# "ngày 18 08 2015", "quyển số 03 1989", "số 410 2015 QDST-HNGD" (a symbol's parts apart: "HNGĐ ST")
# (or as full stops: "ngày 09.06.2019", "ngày 08.07 2003", "quyển số 01.2002"; the words say a date or a book follows)
_DATE_APART = re.compile(r"\b(ngày:?\s+)(\d{1,2})[.\s](\d{1,2})[.\s]((?:19|20)\d\d)\b", re.IGNORECASE)
_BOOK_APART = re.compile(r"\b(quyển số:?\s+)(\d{1,3})[.\s]((?:19|20)\d\d)\b", re.IGNORECASE)
# "ngày 1704/2017": the day's "/" lost (a valid day and month only)
_DAY_MONTH_RUN = re.compile(r"\b(ngày:?\s+)(\d\d)(\d\d)/((?:19|20)\d\d)\b", re.IGNORECASE)
# "349/2005HNGĐ-ST": the "/" before a symbol lost; "số69/2017": the blank after "số" lost
_YEAR_SYMBOL_RUN = re.compile(r"\b(\d{1,5}/(?:19|20)\d\d)(?=[A-ZĐ]{2,}-[A-ZĐ])")
_NUMBER_GLUED = re.compile(r"\b([Ss]ố)(?=\d)")
_REFERENCE_APART = re.compile(r"\b(số:?\s+)(\d{1,5})\s((?:19|20)\d\d)\s([A-ZĐ]{2,})(?:[\s-]([A-ZĐ]{2,4})\b)?",
                              re.IGNORECASE)


def repair_numbers(text: str) -> tuple[str, bool]:
    """Dates and "number/year/SYMBOL" references with their slashes back; whether anything changed."""
    repaired = _DATE_LIKE.sub(r"\1/\2/\3", text)
    repaired = _NUMBER_YEAR_SYMBOL.sub(r"\1/\2/\3", repaired)
    repaired = _DATE_APART.sub(r"\1\2/\3/\4", repaired)
    repaired = _DAY_MONTH_RUN.sub(_day_and_month_apart, repaired)
    repaired = _BOOK_APART.sub(r"\1\2/\3", repaired)
    repaired = _REFERENCE_APART.sub(_reference_with_slashes, repaired)
    repaired = _YEAR_SYMBOL_RUN.sub(r"\1/", repaired)
    repaired = _NUMBER_GLUED.sub(r"\1 ", repaired)
    return repaired, repaired != text


def _day_and_month_apart(match: re.Match[str]) -> str:
    day, month = int(match[2]), int(match[3])
    return f"{match[1]}{match[2]}/{match[3]}/{match[4]}" if 1 <= day <= 31 and 1 <= month <= 12 else match[0]


def _reference_with_slashes(match: re.Match[str]) -> str:
    if not match[4].isupper() or match[5] is not None and not match[5].isupper():
        return match[0]  # a symbol is printed in capitals
    symbol = match[4] + (f"-{match[5]}" if match[5] else "")
    return f"{match[1]}{match[2]}/{match[3]}/{symbol}"


# --- a closed vocabulary of phrases ----------------------------------------------------------------

FUZZY_MIN_WORDS = 3  # shorter phrases are restored only when their letters are read exactly
FUZZY_SCORE = 88  # rapidfuzz ratio of the unmarked phrase and the unmarked words read
WORD_SCORE, LONG_WORD_SCORE = 50, 60  # each word of a fuzzy match must still resemble its phrase word
LONG_PHRASE, LONG_PHRASE_SCORE = 5, 92


@dataclass
class PhraseReading:
    text: str
    respelled: int = 0  # phrases whose marks were restored (letters read right)
    repaired: int = 0  # phrases whose letters were repaired (a fuzzy match)
    phrases: list[str] = field(default_factory=list)  # the vocabulary phrases found, in order


@dataclass(frozen=True)
class _Word:
    prefix: str
    core: str
    suffix: str

    def render(self, core: str | None = None) -> str:
        return f"{self.prefix}{self.core if core is None else core}{self.suffix}"


_WORD_PARTS = re.compile(r"^(\W*)(.*?)(\W*)$", re.S)


def _split(word: str) -> _Word:
    prefix, core, suffix = _WORD_PARTS.match(word).groups()  # type: ignore[union-attr]
    return _Word(prefix, core, suffix)


@lru_cache(maxsize=64)
def _prepared(phrases: tuple[str, ...]) -> list[tuple[str, list[str], str]]:
    """(phrase, its words, its unmarked form), longest first."""
    out = [(p, p.split(), fold(p)) for p in dict.fromkeys(unicodedata.normalize("NFC", p) for p in phrases)]
    return sorted(out, key=lambda item: (-len(item[1]), -len(item[2])))


def restore_phrases(text: str, phrases: Sequence[str]) -> PhraseReading:
    """``text`` with every phrase of the vocabulary it contains spelled as the vocabulary spells it.

    A phrase is found where the same number of words read folds to it (tone marks may be wrong:
    "nhân đân" → "nhân dân"), or, for phrases of three words or more, where the unmarked texts
    differ by a few letters ("Cư đăng ký kết hôn với ai" → "Chưa đăng ký kết hôn với ai").
    Punctuation read around the words is kept; the case of a word's first letter is kept as printed
    where that letter was read right. Longer phrases win; words take part in one phrase at most.
    """
    words, unglued = _unglued(_stray_brackets_as_letters([_split(w) for w in text.split()]), tuple(phrases))
    taken = [False] * len(words)
    reading = PhraseReading(text, repaired=unglued)
    found: list[tuple[int, str]] = []
    for phrase, phrase_words, unmarked in _prepared(tuple(phrases)):
        size = len(phrase_words)
        start = 0
        while start + size <= len(words):
            window = words[start:start + size]
            if any(taken[start:start + size]) or not _letters_only(window):
                start += 1
                continue
            read = fold(" ".join(w.core for w in window))
            exact = read == unmarked
            if not exact and not _fuzzy_match(read, unmarked, window, phrase_words):
                start += 1
                continue
            for offset, (word, spelled) in enumerate(zip(window, phrase_words)):
                words[start + offset] = _Word(word.prefix, _in_printed_case(word.core, spelled, inside=offset > 0),
                                              word.suffix)
                taken[start + offset] = True
            if exact:
                reading.respelled += any(w.core != p for w, p in zip(window, phrase_words))
            else:
                reading.repaired += 1
            found.append((start, phrase))
            start += size
    reading.text = " ".join(w.render() for w in words)
    reading.phrases = [phrase for _, phrase in sorted(found)]
    return reading


def _unglued(words: list[_Word], phrases: tuple[str, ...]) -> tuple[list[_Word], int]:
    """Two words of the wording OCR read as one ("vớiai", "kếthôn": a space lost) parted where their letters
    fold to two words that follow each other in a phrase; how many were parted (a repair: a person confirms)."""
    pairs, known = _word_pairs(phrases)
    out: list[_Word] = []
    parted = 0
    for word in words:
        core = word.core
        cut = next((i for i in range(1, len(core)) if (fold(core[:i]), fold(core[i:])) in pairs), None) \
            if core.isalpha() and fold(core) not in known else None
        if cut is None:
            out.append(word)
            continue
        out += [_Word(word.prefix, core[:cut], ""), _Word("", core[cut:], word.suffix)]
        parted += 1
    return out, parted


@cache
def _word_pairs(phrases: tuple[str, ...]) -> tuple[set[tuple[str, str]], set[str]]:
    """The folded pairs of words that follow each other in the phrases, and the folded words."""
    pairs: set[tuple[str, str]] = set()
    for phrase in phrases:
        folded = fold(phrase).split()
        pairs.update(zip(folded, folded[1:]))
    return pairs, {word for phrase in phrases for word in fold(phrase).split()}


def _stray_brackets_as_letters(words: list[_Word]) -> list[_Word]:
    """An opening bracket that no closing one follows ("làm (hủ tục"): a misread letter, part of its word."""
    for index, word in enumerate(words):
        if word.prefix.endswith("(") and not any(")" in w.core + w.suffix for w in words[index:]):
            words[index] = _Word(word.prefix[:-1], "(" + word.core, word.suffix)
    return words


def _letters_only(window: list[_Word]) -> bool:
    """Words a phrase may cover: letters only (no figures, codes or slashes), no brackets inside."""
    for index, word in enumerate(window):
        if not word.core or not all(ch.isalpha() for ch in word.core.removeprefix("(")):
            return False
        if index and "(" in word.prefix or index < len(window) - 1 and ")" in word.suffix:
            return False
    return True


def _fuzzy_match(read: str, unmarked: str, window: list[_Word], phrase_words: list[str]) -> bool:
    if len(phrase_words) < FUZZY_MIN_WORDS or fuzz.ratio(read, unmarked) < FUZZY_SCORE:
        return False
    for word, spelled in zip(window, phrase_words):
        read_word = fold(word.core)
        # a short word is mostly lost letters ("Cư" for "Chưa"); a longer one unlike its phrase word is
        # another word ("từ năm" is no "từ ngày")
        if fuzz.ratio(read_word, fold(spelled)) < (WORD_SCORE if len(read_word) <= 2 else LONG_WORD_SCORE):
            return False
    # the ends of the window must be the phrase's ends, not a neighbouring word that looks alike (a long
    # phrase read nearly whole pins its ends: "… kết hôn với di" is "… với ai")
    if len(phrase_words) >= LONG_PHRASE and fuzz.ratio(read, unmarked) >= LONG_PHRASE_SCORE:
        return True
    return _close(window[0].core, phrase_words[0]) and _close(window[-1].core, phrase_words[-1])


def _close(read: str, spelled: str) -> bool:
    a, b = fold(read), fold(spelled)
    return a == b or (len(b) >= 3 and fuzz.ratio(a, b) >= 66) or _confusable(read, spelled)


def _confusable(read: str, spelled: str) -> bool:
    """One letter OCR takes for another ("Iy" for "ly", "rn" for "m")."""
    a = fold(read).replace("rn", "m").replace("i", "l")
    b = fold(spelled).replace("i", "l")
    return a == b


# letters whose capital is their small letter enlarged: OCR confuses their case ("đăng ký Kết hôn")
_CASE_ALIKE = set("ckosuvwxz")


def _in_printed_case(read: str, spelled: str, inside: bool = False) -> str:
    """The vocabulary's spelling in the case the word was printed in (``inside`` a phrase, a capital
    that only differs in size from the vocabulary's small letter is taken for OCR's misreading)."""
    if read.isupper() and len(read) > 1:
        return spelled.upper()
    if inside and read[:1].isupper() and read[1:].islower() and spelled[:1].islower() \
            and fold(read[:1]).lower() in _CASE_ALIKE:
        return spelled
    if read[:1] and fold(read[:1]) == fold(spelled[:1]):
        first = spelled[:1].upper() if read[:1].isupper() else spelled[:1].lower()
        return first + spelled[1:]
    return spelled


def starts_with_any(text: str, openings: Iterable[str]) -> bool:
    """Whether ``text`` opens with one of ``openings`` (unmarked, case ignored)."""
    folded = fold(text)
    return any(folded.startswith(fold(opening)) for opening in openings)


# --- codes of a closed vocabulary -------------------------------------------------------------------

_CODE_PART = re.compile(r"[^\s/\-]+")
SNAP_MIN_LEN = 4  # shorter symbol parts ("TP", "ST") are too alike to repair
SNAP_MAX_EDITS = 2
SNAP_FAR_LEN = 6  # a known part this long is told from other words even with half its letters misread


def snap_code_parts(code: str, known: Sequence[str]) -> tuple[str, bool]:
    """A document number's symbol parts ("69/UBXND-ÄNTTHN") with a letter that OCR misread, added or
    dropped put right where exactly one ``known`` part ("UBND", "XNTTHN") is one edit away (or, with a
    letter added, two: "LBXND"); letters
    foreign to Vietnamese lose their marks first (Ä → A); a number read apart from a known symbol
    ("427 UBND-XNTTHN") is joined to it by its "/". Returns the code and whether it changed."""
    from rapidfuzz.distance import Levenshtein

    def snap(match: re.Match[str]) -> str:
        digits, part = re.match(r"^(\d*)(.*)$", match.group(0)).groups()  # type: ignore[union-attr]
        return digits + snap_part(part)  # "254UBXND": a number whose "/" was lost keeps its figures

    def snap_part(part: str) -> str:
        if not part or part.isdigit() or part in known:
            return part
        plain = "".join(ch if ch == "Đ" else unicodedata.normalize("NFD", ch)[0] for ch in part)
        if not re.fullmatch(r"[A-ZĐ]{3,}", plain):
            return part  # not a symbol in capitals: a word, a figure, a date
        # an H is often read as two strokes ("XNTTIIN"): tried as H too
        readings = dict.fromkeys([plain, plain.replace("II", "H")])
        for edits in range(0, SNAP_MAX_EDITS + 1):
            # the nearest parts first (none: a D whose bar OCR lost, "QDST" for QĐST, not QĐPT one letter off);
            # two edits only for a reading longer than the part, a letter added ("LBXND": UBND), so another
            # symbol of the same length ("HĐND") is never taken for one
            near = {k for k in known for reading in readings
                    if len(k) >= SNAP_MIN_LEN and Levenshtein.distance(_bar_off(reading), _bar_off(k)) <= edits
                    and (edits <= 1 or len(reading) > len(k))}
            if near:
                return next(iter(near)) if len(near) == 1 else plain
        # a long part misread in up to half its letters by a face whose T and N OCR reads as I, E and X ("XNEIHX" for
        # XNTTHN): the one known part that long it can be
        far = {k for k in known for reading in readings if len(k) >= SNAP_FAR_LEN and abs(len(reading) - len(k)) <= 1
               and Levenshtein.distance(_bar_off(reading), _bar_off(k)) <= len(k) // 2}
        return far.pop() if len(far) == 1 else plain

    # a fraction slash read for the "/", a stop for the "-" between two symbol parts ("95 LBND.XNTTHN")
    code_read = _STOP_BETWEEN_PARTS.sub("-", _SLASH_AS_MARK.sub("/", code.replace("⁄", "/")))
    snapped = _join_parts_apart(_CODE_PART.sub(snap, code_read), known)
    apart = _NUMBER_APART.match(snapped)
    if apart and re.split(r"[/-]", apart[3])[0] in known:
        # "427 UBND-XNTTHN", "182 2021 XNTTHN": the "/" read as a blank
        snapped = "/".join(part for part in (apart[1], apart[2], apart[3]) if part)
    return snapped, snapped != code


def _bar_off(part: str) -> str:
    return part.replace("Đ", "D")  # "LBNĐ": a D read with a bar is one misread letter of UBND, as any other


def _join_parts_apart(code: str, known: Sequence[str]) -> str:
    """Two known symbol parts whose "-" OCR read as a blank ("425 UBND XNTTHN") joined by it again."""
    return _TWO_PARTS_APART.sub(lambda m: f"{m[1]}-{m[2]}" if m[1] in known and m[2] in known else m[0], code)


_TWO_PARTS_APART = re.compile(r"\b([A-ZĐ]{2,})\s+([A-ZĐ]{2,})\b")
# a "/" between a number and its symbol read as a mark ("128'XNTTHN", "7|UBND")
_SLASH_AS_MARK = re.compile(r"(?<=\d)['’‘`|](?=[A-ZĐ])")
# a number, perhaps its year, and its symbol with blanks for slashes; a speck read after them is dropped
_STOP_BETWEEN_PARTS = re.compile(r"(?<=[A-ZĐ])\.(?=[A-ZĐ])")
# ("2142023 XNTTHN": a number run into its year, the year's "/" lost too; "365 2024XNTTHN": the year run into the
# symbol, which a number without a year never is here: "254UBND" keeps its doubt, read_code's)
_NUMBER_APART = re.compile(
    r"^(\d{1,5}?)(?:(?:\s+|/)?((?:19|20)\d\d))?(?(2)\s*|\s+)([A-ZĐ]{2,}(?:[/-][A-ZĐ0-9]+)*)(?:\s+\W?\w?\W?)?$")
