"""Dates as printed on Vietnamese documents, read from OCR text.

Figures: ``28/04/1993``, ``28-04-1993``, ``28.04.1993``, ``ngày 05 tháng 3 năm 2024``
and the damage Tesseract ``vie`` does to them: slashes dropped or read as ``1``,
``I``, ``l`` or ``|`` ("280411993", "28I04I2033"), letters for digits (O/0, I/1,
B/8, S/5, Z/2, G/6). Every reading is checked against the calendar.

Words (birth certificates, "ghi bằng chữ"): ``Ngày mười lăm tháng ba năm hai nghìn
không trăm hai mươi`` → 2020-03-15, and the inverse :func:`date_to_words`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from itertools import product

from rapidfuzz import fuzz, process

from pipeline.text import respell, spellings_of, fold, nfc

MIN_YEAR, MAX_YEAR = 1880, 2125  # birth dates of the elderly .. expiry of a child's card

# Letters OCR reads in place of digits (only used where a digit must be).
_DIGIT_LIKE = {"O": "0", "o": "0", "Q": "0", "D": "0", "Ø": "0", "ø": "0", "I": "1", "l": "1", "i": "1",
               "L": "1", "|": "1", "!": "1", "B": "8", "S": "5", "s": "5", "Z": "2", "z": "2",
               "G": "6", "b": "6", "g": "9", "q": "9", "A": "4", "T": "7"}
# Characters a printed separator becomes: itself, or a stroke read as 1/I/l/|.
_SEPARATORS = set("/-.,\\")
_SEPARATOR_LIKE = set("1Il|!i")
MAX_PENALTY = 4.0  # two separators read as strokes plus two letters for digits
_RUN = re.compile(r"[0-9OoQDØøILliBSsZzGbgqAT|!/\\\-.,]+")
_SPACED = re.compile(r"(?<![0-9])(\S{1,2})\s*[/\-.]\s*(\S{1,2})\s*[/\-.]\s*(\S{4})(?![0-9])")
# "ngày", "tháng", "năm" folded, as OCR misreads them ("neay", "thang")
_NGAY, _THANG, _NAM = r"ng\w{0,2}y", r"th\w{0,2}ng", r"n\w{0,2}m"
# a comma, stop or dash may follow the day's or month's figures ("ngày 25-tháng 06": a speck glued to them)
_NGAY_THANG_NAM = re.compile(rf"{_NGAY}\s*(\S{{1,2}}?)\s*[,.\-–]?\s*{_THANG}\s*(\S{{1,2}}?)\s*[,.\-–]?\s*{_NAM}\s*(\S{{4}})")
DATE_WORD = re.compile(f"{_NGAY}|{_THANG}|{_NAM}")  # one of the words between a date's figures, folded
# the same with a signature line's worse misreads: n read as h, y as v ("hgày", "ngdv 27 thang 08", "năm" as "hãm");
# tried only where the words as above are not all there, and a date so read is a repair
_NGAY_THANG_NAM_LOOSE = re.compile(
    rf"[nh]g\w{{0,2}}[yv]\s*(\S{{1,2}}?)\s*[,.\-–]?\s*{_THANG}\s*(\S{{1,2}}?)\s*[,.\-–]?\s*[nh]\w{{0,2}}m\s*(\S{{4}})")
_GAPPED = re.compile(r"(?<![0-9])([0-9]{2})(?:\s+|\s*[/\-.]\s*)([0-9]{2})(?:\s+|\s*[/\-.]\s*)([0-9]{4})(?![0-9])")
_HALF_GAPPED = re.compile(r"(?<![0-9])([0-9]{2})(?:\s+([0-9]{2})((?:19|20)[0-9]{2})|([0-9]{2})\s+((?:19|20)[0-9]{2}))(?![0-9])")
_YEAR = re.compile(r"(?<![0-9])(1[89][0-9]{2}|20[0-9]{2}|21[0-2][0-9])(?![0-9])")


@dataclass(frozen=True)
class DateReading:
    iso: str  # "YYYY-MM-DD", or "YYYY" for a year alone
    repaired: bool  # separators or digits had to be inferred/repaired
    text: str  # the part of the input that was read


def _digits(raw: str) -> tuple[str, int] | None:
    """Digits of ``raw`` with letter-for-digit repairs, and how many repairs."""
    out, repairs = [], 0
    for ch in raw:
        if ch.isdigit() and ch.isascii():
            out.append(ch)
        elif ch in _DIGIT_LIKE:
            out.append(_DIGIT_LIKE[ch])
            repairs += 1
        else:
            return None
    return "".join(out), repairs


def _valid(day: int, month: int, year: int) -> str | None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def _read_run(run: str) -> tuple[str, float, bool] | None:
    """Best calendar date in a compact run like "28/04/1993", "280411993", "28I04I2033":
    tries day/month of 1-2 digits with each separator present (real or read as a
    stroke) or missing, and keeps the valid reading with the least damage assumed."""
    best: tuple[float, str, bool] | None = None
    for dlen, mlen, sep1, sep2 in product((2, 1), (2, 1), (True, False), (True, False)):
        if len(run) != dlen + mlen + 4 + sep1 + sep2:
            continue
        pos = 0
        penalty = (dlen == 1) * 1.0 + (mlen == 1) * 1.0
        parts: list[str] = []
        ok = True
        for length, sep_after in ((dlen, sep1), (mlen, sep2), (4, False)):
            parts.append(run[pos:pos + length])
            pos += length
            if sep_after:
                ch = run[pos]
                if ch in _SEPARATORS:
                    pass
                elif ch in _SEPARATOR_LIKE:
                    penalty += 1.5
                else:
                    ok = False
                pos += 1
            elif length != 4:
                penalty += 1.0  # a separator lost
        # Tesseract drops slashes of zero-padded dates; a lost separator next to a
        # one-digit day or month is a guess too far ("123/2024" is no date).
        if not ok or ((not sep1 or not sep2) and (dlen == 1 or mlen == 1)):
            continue
        read = [_digits(p) for p in parts]
        if any(r is None for r in read):
            continue
        penalty += 0.5 * sum(r[1] for r in read)  # type: ignore[index,misc]
        d, m, y = (int(r[0]) for r in read)  # type: ignore[index]
        iso = _valid(d, m, y)
        if iso is None or penalty > MAX_PENALTY:
            continue
        clean = sep1 and sep2 and all(run[i] in _SEPARATORS for i in (dlen, dlen + mlen + 1)) \
            and all(r[1] == 0 for r in read)  # type: ignore[index]
        if best is None or penalty < best[0]:
            best = (penalty, iso, not clean)
    return (best[1], best[0], best[2]) if best else None


def _read_ngay_thang_nam(text: str) -> DateReading | None:
    """"ngày 05 tháng 3 năm 2024" (folded, so "ngay 05 thang 3 nam 2024" too)."""
    folded = fold(text)  # same length as the NFC text for Vietnamese letters
    strict = list(_NGAY_THANG_NAM.finditer(folded))
    for m in strict or _NGAY_THANG_NAM_LOOSE.finditer(folded):
        # digits are read from the original text: fold lower-cases "O"/"I"/"B"
        groups = [text[m.start(i):m.end(i)] if len(folded) == len(text) else m.group(i)
                  for i in (1, 2, 3)]
        read = [_digits(g) for g in groups]
        if any(r is None for r in read):
            continue
        d, mo, y = (int(r[0]) for r in read)  # type: ignore[index]
        iso = _valid(d, mo, y)
        if iso is None:
            continue
        # a figure glued after the year's four ("năm 20235"): which four were printed is a guess
        glued = folded[m.end(3):m.end(3) + 1].isdigit()
        repaired = glued or not strict or any(r[1] for r in read)  # type: ignore[index]
        return DateReading(iso, repaired, nfc(text[m.start():m.end()]))
    return None


def parse_date(text: str) -> DateReading | None:
    """The first date in ``text`` as ISO, repaired from OCR damage where the calendar
    allows exactly that reading; a year alone gives "YYYY"; None when nothing valid
    ("31/02/2020", "2020" inside a longer number) is there."""
    if not text:
        return None
    text = nfc(text)
    reading = _read_ngay_thang_nam(text)
    if reading:
        return reading
    # The earliest date: separators with spaces around them ("28 / 04 / 1993") or a
    # compact run ("28/04/1993", "280411993").
    found: list[tuple[int, DateReading]] = []
    for m in _SPACED.finditer(text):
        got = _read_run("/".join(m.groups()))
        if got:
            found.append((m.start(), DateReading(got[0], got[2], m.group(0))))
            break
    for m in _RUN.finditer(text):
        run = m.group(0).strip("/\\-.,")
        if sum(ch.isdigit() for ch in run) < 4:
            continue
        got = _read_run(run)
        if got:
            found.append((m.start(), DateReading(got[0], got[2], run)))
            break
    if found:
        return min(found, key=lambda f: f[0])[1]
    gapped = _GAPPED.search(text)  # "22 06 1980": OCR read a thin "/" as a space
    if gapped and (iso := _valid(int(gapped[1]), int(gapped[2]), int(gapped[3]))):
        return DateReading(iso, True, gapped.group(0))
    half = _HALF_GAPPED.search(text)  # "06 041989", "0604 1989": one "/" read as a space, the other lost
    if half:
        day, month, year = (half[1], half[2], half[3]) if half[2] else (half[1], half[4], half[5])
        if iso := _valid(int(day), int(month), int(year)):
            return DateReading(iso, True, half.group(0))
    year = _YEAR.search(text)
    if year and not re.search(r"[0-9]", text[:year.start()] + text[year.end():]):
        return DateReading(year.group(1), False, year.group(1))
    return None


def parse_year(text: str) -> str | None:
    """A four-digit year ("Năm sinh: 1965", "l965") as "YYYY", else None."""
    for m in re.finditer(r"[^\s/\\\-.,]+", nfc(text)):
        read = _digits(m.group(0))
        if read and len(read[0]) == 4 and MIN_YEAR <= int(read[0]) <= MAX_YEAR:
            return read[0]
    return None


# --- dates in words -----------------------------------------------------------

_UNITS = {"khong": 0, "mot": 1, "hai": 2, "ba": 3, "bon": 4, "tu": 4, "nam": 5, "lam": 5,
          "nham": 5, "sau": 6, "bay": 7, "tam": 8, "chin": 9}
_MONTH_NAMES = {"gieng": 1, "chap": 12}
_KEYWORDS = {"ngay", "thang", "muoi", "tram", "nghin", "ngan", "linh", "le", "mong", "mung"}
_VOCAB = sorted(set(_UNITS) | set(_MONTH_NAMES) | _KEYWORDS)


@lru_cache(maxsize=4096)
def _word(token: str) -> tuple[str, bool] | None:
    """A number word after folding, fuzzily repaired when OCR damaged it."""
    if token in _UNITS or token in _MONTH_NAMES or token in _KEYWORDS:
        return token, False
    if len(token) >= 4:
        hit = process.extractOne(token, _VOCAB, scorer=fuzz.ratio, score_cutoff=75)
        if hit:
            return hit[0], True
    return None


def words_to_number(tokens: list[str]) -> int | None:
    """0..9999 from folded Vietnamese number words ("hai nghin khong tram hai muoi")."""
    if not tokens:
        return None
    total, current, pending = 0, 0, None
    for tok in tokens:
        if tok in _UNITS:
            if pending is not None:
                return None  # two digits in a row: not a number we can read
            pending = _UNITS[tok]
        elif tok == "muoi":  # mười (10) and mươi (×10) fold alike
            current += (pending if pending is not None else 1) * 10
            pending = None
        elif tok == "tram":
            if pending is None:
                return None
            current += pending * 100
            pending = None
        elif tok in ("nghin", "ngan"):
            total += (current + (pending if pending is not None else 0)) * 1000
            current, pending = 0, None
        elif tok in ("linh", "le", "mong", "mung"):
            continue
        else:
            return None
    return total + current + (pending or 0)


# the number words a date in words prints, with their marks; "bảy" and "bẩy", "một" and "mốt" after "mươi" are both
# printed and a misread mark turns one into the other: a date holding them is never checked by its words' spelling
_SPELLED = {"ngày", "tháng", "năm", "không", "một", "mốt", "hai", "ba", "bốn", "tư", "lăm", "sáu", "tám", "chín",
            "mười", "mươi", "trăm", "nghìn", "linh", "mồng", "giêng", "chạp"}


def spelled_as_printed(text: str) -> bool:
    """Whether every word of a date in words is a number word with its marks, and in its place as
    ``respell_date_words`` places "mười"/"mươi" and "một"/"mốt": a misread mark makes a word no such word, or one
    out of its place. The date's value is not checked here (``parse_date_in_words``: it ignores marks)."""
    words = [word.lower() for word in re.findall(r"\w+", nfc(text))]
    return bool(words) and all(word in _SPELLED for word in words) and respell_date_words(" ".join(words)).split() == words


def parse_date_in_words(text: str) -> DateReading | None:
    """"Ngày mười lăm tháng ba năm hai nghìn không trăm hai mươi" → 2020-03-15.
    Tolerates lost diacritics and small OCR damage of the number words; "mồng",
    "mốt", "tư", "lăm", "linh/lẻ", "tháng giêng/chạp" are understood."""
    repaired = False
    tokens: list[str] = []
    for raw in re.findall(r"\w+", fold(nfc(text))):
        got = _word(raw)
        if got is None:
            if tokens:  # words after the date (", tại ...") end it
                break
            continue
        tokens.append(got[0])
        repaired |= got[1]
    if "ngay" not in tokens or "thang" not in tokens:
        return None
    tokens = tokens[tokens.index("ngay") + 1:]
    if "thang" not in tokens:
        return None
    t = tokens.index("thang")
    day = words_to_number(tokens[:t])
    rest = tokens[t + 1:]
    # "năm" is both the year keyword and five: split where month and year both read.
    for k in range(1, len(rest)):
        if rest[k] != "nam":
            continue
        month_tokens = rest[:k]
        month = (_MONTH_NAMES[month_tokens[0]] if len(month_tokens) == 1
                 and month_tokens[0] in _MONTH_NAMES else words_to_number(month_tokens))
        year = words_to_number(rest[k + 1:])
        if day is None or month is None or year is None:
            continue
        iso = _valid(day, month, year)
        if iso:
            return DateReading(iso, repaired, nfc(text))
    return None


_DIGIT_WORDS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]
_DATE_WORDS = spellings_of(_DIGIT_WORDS + ["ngày", "mồng", "mùng", "tháng", "giêng", "chạp", "mốt", "tư", "lăm",
                                           "bẩy", "mười", "mươi", "trăm", "nghìn", "ngàn", "linh", "lẻ"])


def respell_date_words(text: str) -> str:
    """A date in words with each number word's marks as they must be: OCR's "tháng bạ", "chín trắm",
    "hai mươi lắm", "môt" become "tháng ba", "chín trăm", "hai mươi lăm", "một".

    "mười"/"mươi" and "một"/"mốt" fold alike; the word before decides (ten follows no digit,
    "-ty" follows one; "mốt" is one after "mươi"). Words outside the vocabulary stay as read;
    all but the first are lower case, as dates in words are printed (all capitals stay capitals).
    """
    words = text.split()
    out: list[str] = []
    for index, word in enumerate(words):
        previous = out[-1] if out else ""
        form = fold(word)
        spelled: str | None
        if form == "muoi":
            spelled = "mươi" if previous in _DIGIT_WORDS[2:] else "mười"
        elif form == "mot":
            spelled = "mốt" if previous == "mươi" else "một"
        else:
            spelled = respell(word, _DATE_WORDS)
        if spelled is None:
            out.append(word)
        elif index == 0 and word[:1].isupper():
            out.append(spelled[:1].upper() + spelled[1:])
        else:
            out.append(spelled)
    return " ".join(out).upper() if text.isupper() else " ".join(out)


def only_date_words(text: str) -> bool:
    """Whether every word of a date in words is a word dates are spelled with, marks aside (a misread letter is not)."""
    words = re.findall(r"\w+", text)
    return bool(words) and all(fold(word) in _DATE_WORDS for word in words)


def up_to_its_last_number_word(text: str) -> str:
    """A date in words without what OCR read after it ("… mười chín vsE2 27 EC2A3077…": the line's next value, or
    specks, figures among them): up to its last date word."""
    words = text.split()
    last = max((i for i, word in enumerate(words) if fold(word) in _DATE_WORDS), default=len(words) - 1)
    if not any(ch.isdigit() for word in words[last + 1:] for ch in word):
        return text  # letters alone after it may be a number word misread ("Inười ám"): a person reads them
    return " ".join(words[:last + 1])


def number_to_words(n: int) -> str:
    """0..9999 in Vietnamese words as written on civil-status documents."""
    if not 0 <= n <= 9999:
        raise ValueError("0..9999 only")
    if n == 0:
        return "không"
    parts: list[str] = []
    thousands, rest = divmod(n, 1000)
    if thousands:
        parts += [_DIGIT_WORDS[thousands], "nghìn"]
    hundreds, rest = divmod(rest, 100)
    if thousands and (hundreds or rest) or hundreds:
        parts += [_DIGIT_WORDS[hundreds], "trăm"]
    tens, units = divmod(rest, 10)
    if tens == 0 and units and (thousands or hundreds):
        parts.append("linh")
    if tens == 1:
        parts.append("mười")
    elif tens > 1:
        parts += [_DIGIT_WORDS[tens], "mươi"]
    if units:
        if units == 1 and tens > 1:
            parts.append("mốt")
        elif units == 4 and tens > 1:
            parts.append("tư")
        elif units == 5 and tens >= 1:
            parts.append("lăm")
        else:
            parts.append(_DIGIT_WORDS[units])
    return " ".join(parts)


_MONTH_WORDS = {4: "tư", 11: "mười một", 12: "mười hai"}


def date_to_words(iso: str) -> str:
    """"2020-03-15" → "Ngày mười lăm tháng ba năm hai nghìn không trăm hai mươi";
    "1993" → "Năm một nghìn chín trăm chín mươi ba". Days 1-10 take "mồng"."""
    if re.fullmatch(r"\d{4}", iso):
        return "Năm " + number_to_words(int(iso))
    d = date.fromisoformat(iso)
    day = ("mồng " if d.day <= 10 else "") + number_to_words(d.day)
    month = _MONTH_WORDS.get(d.month) or number_to_words(d.month)
    return f"Ngày {day} tháng {month} năm {number_to_words(d.year)}"


# The ways civil-status papers spell a date's numbers: "mồng" or not before days 1-10, 4 as "tư" or "bốn" (as the
# month, and after "mươi"), 1 after "mươi" as "mốt" or "một", the first month as "một" or "giêng", the last as
# "mười hai" or "chạp", a nought ten as "linh" or "lẻ"
_WORD_VARIANTS = {"tư": ("tư", "bốn"), "mốt": ("mốt", "một"), "linh": ("linh", "lẻ"), "lăm": ("lăm", "năm")}
_MONTH_VARIANTS = {1: ("một", "giêng"), 4: ("tư", "bốn"), 12: ("mười hai", "chạp")}


def date_in_words_variants(iso: str) -> list[str]:
    """Every spelling in words of the date ``iso`` ("YYYY-MM-DD") the papers use (``date_to_words`` is one)."""
    d = date.fromisoformat(iso)
    day_spellings = [f"{opener}{words}" for opener in (("mồng ", "") if d.day <= 10 else ("",))
                     for words in _spellings(number_to_words(d.day))]
    months = _MONTH_VARIANTS.get(d.month, (number_to_words(d.month),))
    return [f"Ngày {day} tháng {month} năm {year}"
            for day, month, year in product(day_spellings, months, _spellings(number_to_words(d.year)))]


def _spellings(words: str) -> list[str]:
    choices = [_WORD_VARIANTS.get(word, (word,)) for word in words.split()]
    return [" ".join(chosen) for chosen in product(*choices)]

