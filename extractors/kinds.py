"""Value kinds: turn the words printed after a label into the spec's normal form, and judge them.

Each reader returns a ``Reading``: the normalised value (or None), how much it
can be trusted relative to the OCR (``factor``), and what is wrong with it.
"""

from __future__ import annotations

import json
import unicodedata
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from collections.abc import Callable, Iterable, Iterator

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from extractors.readers.addresses import (AddressReading, province_names, province_short_names, province_spellings,
                                         resolve_address)
from extractors.readers.dates import (parse_date, parse_date_in_words, parse_year, respell_date_words,
                                     up_to_its_last_number_word)
from extractors.readers.ids import normalise_id_number
from extractors.readers.names import normalise_name
from pipeline.text import SYLLABLE, clean_value, fold, respell, spellings_of

DATA = Path(__file__).parent / "data"
REPAIRED = 0.8  # a value that needed OCR repairs (a lost slash, O for 0) is plausible, not certain
DOUBTFUL = 0.5

_CODE = re.compile(r"[0-9A-Za-zĐđ][0-9A-Za-zĐđ/\-.]*")


@dataclass
class Reading:
    value: str | None
    factor: float = 1.0
    problems: list[str] = field(default_factory=list)
    extra: dict[str, object] = field(default_factory=dict)


def read_text(raw: str) -> Reading:
    value = clean_value(raw)
    if value.count("(") != value.count(")"):  # a sentence cut inside its brackets: the rest was not read
        return Reading(value, DOUBTFUL, ["text: brackets do not close"])
    return Reading(value or None)


_OFFICE_NAMES = {fold(name): name for name in ("Ủy ban nhân dân", "UBND", "Công an", "Bệnh viện", "Trạm y tế")}
_UNITS_OFFICES = ("uy ban nhan dan ", "ubnd ", "cong an ")  # offices a unit's name follows: "UBND xã Hoằng Đạo"


# a full stop between a word's last letter and the next word's first ("Ủy ban.nhân dân", "Long.Bình"): a speck
# read where a space was; not after an abbreviation ("Tp.Hồ Chí Minh", "Q.1")
_DOT_BETWEEN_WORDS = re.compile(r"(?<=[a-zà-ỹđ])\.(?=[^\W\d_])")
_ABBREVIATION_BEFORE = re.compile(r"(?:^|\s)(?:tp|tx|tt|q|p|h|x)$", re.IGNORECASE)


# a speck read as a sign inside a unit's name: "Thành. phố" (a unit word's two words), " :„thành phố" (glued before
# a word inside the value, a wrapped line's start): no place or address prints a stop, a colon or a low quote there
_SPECK_IN_A_UNIT = re.compile(r"(?<=\bthành)\.(?= phố\b)|(?<=\bthị)\.(?= (?:xã|trấn)\b)|(?<= )[:;„“”\"`]+(?=[^\W\d_])",
                              re.IGNORECASE)


# "huyện Hoằng Hóa„tỉnh Thanh Hóa": a comma read as a low quote, its blank lost
_LOW_QUOTE_FOR_A_COMMA = re.compile(r"(?<=[^\W\d_])„(?=[^\W\d_])")


def _specks_between_words(text: str) -> str:
    text = _LOW_QUOTE_FOR_A_COMMA.sub(", ", text)
    text = _SPECK_IN_A_UNIT.sub("", text)
    return _DOT_BETWEEN_WORDS.sub(lambda m: m.group(0) if _ABBREVIATION_BEFORE.search(text[:m.start()]) else " ", text)


def read_place(raw: str) -> Reading:
    """A place named in prose ("Ủy ban nhân dân phường Cát Dài, quận Lê Chân, ..."), unit names spelled right."""
    cleaned = clean_value(raw)
    specked = _specks_between_words(cleaned)
    respelled: list[tuple[str, str]] = []
    value, _ = correct_address_spelling(specked, respelled)
    value = _COMMA_AFTER_OFFICES_UNIT.sub(_comma_before_a_name_dropped, _office_name(value))
    if fold(value).startswith(_OFFICE_TAIL) and value[:1].islower():
        # "bản nhân dân phường …": the office's first word lost at the line's start (a hole, a stamp), the rest its own
        return doubted(read_place("Ủy ban nhân dân" + value[len(_OFFICE_TAIL) - 1:]), OFFICE_HEAD_NOTE)
    unended = "," in value and not _ends_at_a_province(value)
    if unended and _ends_at_a_province(cut := _up_to_last_province(value)):
        # a stamp's or a signature's words after the province
        reading = doubted(_judge_place(cut, specked != cleaned), AFTER_PROVINCE_NOTE)
    elif unended and (completed := province_cut_short(value) or province_name_lost(value)) is not None:
        reading = doubted(_judge_place(completed, specked != cleaned), PROVINCE_COMPLETED_NOTE)
    elif unended and _ends_at_a_province(snapped := snap_misread_units(value)[0]):
        reading = doubted(_judge_place(snapped, specked != cleaned), UNIT_REPAIRED)  # "…, Eỉnh Đắk Lắk"
    else:
        reading = _judge_place(value, specked != cleaned)
    if respelled:
        reading.extra[RESPELLED] = respelled
    return doubted(reading, ENDS_ON_A_COMMA_NOTE) if reading.value and before_a_last_comma(raw) is not None else reading


# "Ủy ban nhân dân xã, Tân Thông Hội": a speck after the office's unit word read as a comma (no office's unit word
# stands alone before its name)
_UNIT_WORD_NAMES = r"(?:phường|xã|quận|huyện|tỉnh|thị xã|thị trấn|thành phố|đặc khu)"
_COMMA_AFTER_OFFICES_UNIT = re.compile(rf"^((?:ủy ban nhân dân|ubnd|công an) {_UNIT_WORD_NAMES}),(?= (\w))",
                                       re.IGNORECASE)


def _comma_before_a_name_dropped(match: re.Match[str]) -> str:
    """A unit's word matched before a comma, without it where a name (capitalised, or a number) follows."""
    return match[1] if match[2].isupper() or match[2].isdigit() else match[0]


_OFFICE_TAIL = "ban nhan dan "  # "Ủy ban nhân dân" folded, without its first word
OFFICE_HEAD_NOTE = "place: the office's first word lost, put back"


def _judge_place(value: str, specked: bool) -> Reading:
    if value[:1].islower():  # a place opens with its office or a capitalised unit: words before it were lost
        return Reading(value, DOUBTFUL, ["place: opens in lower case (its first words lost?)"])
    if value and _ends_on_unit_word(value):
        return Reading(value, DOUBTFUL, ["place: ends on a unit word without its name (cut short?)"])
    if value and specked:
        return Reading(value, REPAIRED, ["place: a full stop between words taken for a speck"])
    units = _without_office(value) if value else ""
    if units and units == value and _misread_office(value):
        return Reading(value, DOUBTFUL, ["place: the office before its units misread or cut"])
    if units and _unit_marks_differ(units):
        return Reading(value, DOUBTFUL, ["place: a unit name's marks differ from the register"])
    if units and _unknown_district(units):
        return Reading(value, DOUBTFUL, ["place: a district the register does not know (a word lost?)"])
    if value and _glued_words(value):
        return Reading(value, DOUBTFUL, ["place: two words run together (a space lost?)"])
    if value and (respelled := _facility_respelled(value)) is not None:
        return Reading(respelled, DOUBTFUL, ["place: a health facility's name with other marks or a letter misread (its spelling given)"])
    if value and _province_marks_differ(value):
        return Reading(value, DOUBTFUL, ["place: a province's name with other marks (\"Hai Phòng\" for Hải Phòng?)"])
    if value and _GLUED_HYPHEN.search(value):
        return Reading(value, DOUBTFUL, ["place: a hyphen between words (a space misread?)"])
    if value and _ADDRESS_SIGNS.search(value):
        return Reading(value, DOUBTFUL, ["place: a sign no place prints (a speck?)"])  # "Ủy ban nhân dân = phường …"
    if value and stop_inside_a_name(value):
        return Reading(value, DOUBTFUL, ["place: a full stop inside a name (a speck?)"])
    if value and "," in value and not _ends_at_a_province(value):
        return Reading(value, DOUBTFUL, ["place: does not end at its province (cut or misread?)"])  # "…, tính Thừa"
    return Reading(value or None)


_STOP_BEFORE_A_WORD = re.compile(r"(?<=[^\W\d_])\. (?=[^\W\d_])")


def stop_inside_a_name(text: str) -> bool:
    """ "tỉnh Nam. Định": a full stop and a space between two words of a place, after no abbreviation ("Tp. Hồ Chí
    Minh"): a speck, as no place's name holds a sentence's end."""
    return any(not _ABBREVIATION_BEFORE.search(text[:stop.start()]) for stop in _STOP_BEFORE_A_WORD.finditer(text))


@lru_cache(maxsize=1)
def _multiword_provinces() -> dict[str, str]:
    """The provinces' names of two words or more without their unit word ("Hải Phòng", "Thừa Thiên Huế"), current
    and former, by folded form: a one-word name folds like other words ("Huế", "Huệ")."""
    return {fold(name): name for name in province_short_names() if len(name.split()) >= 2}


def _province_marks_differ(text: str) -> bool:
    """A run of capitalised words spelling a province's name with other marks, as a facility's or a unit's name holds
    it ("Bệnh viện Phụ sản Hai Phòng"): a mark misread, where the register would not respell it."""
    words = [word.strip(",.;:") for word in text.split()]
    for size in (2, 3, 4):
        for start in range(len(words) - size + 1):
            run = " ".join(words[start:start + size])
            spelled = _multiword_provinces().get(fold(run))
            if spelled is not None and run[:1].isupper() and run != spelled and run.lower() != spelled.lower():
                return True
    return False


def _without_office(place: str) -> str:
    """The units of a place named in prose, the office before them dropped ("Ủy ban nhân dân xã Cẩm Văn, …" →
    "xã Cẩm Văn, …"), so each comma-separated part can be checked against the register."""
    folded = fold(place)
    for office in _OFFICE_NAMES:
        if folded.startswith(office + " "):
            return place[len(office) + 1:]
    return place


_OFFICE_WORDS = {word for name in _OFFICE_NAMES for word in name.split() if len(word) > 2}  # not "an", "y": names


def _misread_office(place: str) -> bool:
    """"bản nhân đân phường Hàng Bạc": words of an office's name before the first unit, yet no office's name."""
    words = place.split()
    first_unit = next((i for i in range(len(words)) if fold(words[i]) in UNIT_WORDS
                       or fold(" ".join(words[i:i + 2])) in UNIT_WORDS), 0)
    return any(fold(word) in _OFFICE_WORDS for word in words[:first_unit])


def _ends_on_unit_word(text: str) -> bool:
    """"…, huyện Hải Hậu, tỉnh", "Ủy ban nhân dân phường": the name of the last unit was not read (it went on
    below, or was lost). A capitalised last word is a name ("Xã Vân Xá" ends on one that folds like "xã")."""
    last = fold(text.rsplit(",", 1)[-1]).strip(" .")
    words = text.rstrip(" .,").split()
    tail = [" ".join(words[-size:]) for size in (1, 2) if len(words) >= size]
    return last in UNIT_WORDS or any(t.islower() and fold(t) in UNIT_WORDS for t in tail)


def _unit_marks_differ(text: str) -> bool:
    """A part that folds to a registered unit's name but is spelled otherwise ("Xã Cấm Văn" for "Xã Cẩm Văn"):
    the spelling could not be restored (several units fold alike), so a mark is wrong or the unit another.
    A part's longest ending that names a unit is checked: words before it (an office's "UBND", a house
    number whose comma was lost) are not the unit's."""
    for part in text.split(", "):
        words = part.split()
        for size in range(len(words), 0, -1):
            ending = " ".join(words[-size:])
            spellings = unit_spellings().get(fold(ending), set())
            if spellings:
                if not any(ending.lower() == name.lower() for name in spellings):
                    return True
                break
    return False


def _office_name(text: str) -> str:
    """The fixed name of an office that opens a place ("Ủy bạn nhân dân" → "Ủy ban nhân dân")."""
    words = text.split()
    for size in (4, 3, 2, 1):
        head = " ".join(words[:size])
        folded = fold(head)
        official = _OFFICE_NAMES.get(folded) or _office_misread(folded)
        if official and head != official:
            return " ".join([_in_case_of(head, official) if size > 1 else official, *words[size:]])
    return text


def _office_misread(folded: str) -> str | None:
    """An office's name with one letter misread ("Ủv ban nhân dân", "LBND"), or two in a name of three words or more
    ("Frạm v tế", "Trạm v (tế": a speck aside): its words too long and too fixed to be another's."""
    letters = " ".join("".join(ch for ch in word if ch.isalnum()) for word in folded.split())
    near = [name for key, name in _OFFICE_NAMES.items()
            if len(key) >= len("ubnd") and folded[:1].isalpha() and len(key.split()) == len(letters.split())
            and folded != key and Levenshtein.distance(letters, key) <= (2 if len(key.split()) >= 3 else 1)]
    return near[0] if len(near) == 1 else None


@lru_cache(maxsize=2)
def name_syllables(kind: str = "syllables") -> dict[str, list[str]]:
    """Common name syllables ("syllables") or surnames ("surnames") in capitals, by unmarked form."""
    data = json.loads((DATA / "name_syllables.json").read_text(encoding="utf-8"))
    by_fold: dict[str, list[str]] = {}
    for syllable in data[kind]:
        by_fold.setdefault(fold(syllable), []).append(syllable)
    return by_fold


def only_surname_of_letters(word: str) -> str | None:
    """The one surname spelled with ``word``'s letters ("NGUYEN", "NGUYÊN": NGUYỄN), or None (none, or several):
    where there is one, the list settles the word's marks."""
    known = name_syllables("surnames").get(fold(word), [])
    return known[0] if len(known) == 1 else None


UNCOMMON_NAME = 0.8  # a well-formed syllable that is not a common name part: plausible, have it checked
MARKS_AMBIGUOUS = 0.97  # a common syllable whose marks OCR could have swapped with another's (YÊN / YẾN)


def read_name(raw: str) -> Reading:
    """A person's name, with OCR'd tone marks checked against common name syllables.

    A syllable that is not a name part but has exactly one name part with the
    same letters ("DIÊU" → "DIỆU", "TRẤN" → "TRẦN") is repaired; anything
    uncertain lowers the confidence so a person looks at it.
    """
    value = normalise_name(raw)
    if not value:
        return Reading(None, problems=["no name found"])
    words, factor, problems, extra = [], 1.0, [], dict[str, object]()
    unusual = False
    read = _without_row_number(_name_words(value))
    kept = _without_stray_tail(read)
    if any(word.isalpha() and SYLLABLE.match(fold(word)) for word, _ in read[len(kept):]):
        problems.append(SHORT_TAIL_NOTE)  # "TRẦN TIẾN VỀ": a misread short name part (VŨ), not a speck
    for position, (word, repaired) in enumerate(kept):
        # the first word is a surname, a short closed list: "NGUYÊN" there can only be NGUYỄN
        spelled, word_factor = _name_syllable(word, "surnames" if position == 0 else "syllables")
        if repaired:  # trusted as far as the repaired word is a common name part
            word_factor = REPAIRED if word_factor > UNCOMMON_NAME else DOUBTFUL
        elif position == 0 and spelled != word:
            extra[MARKS_RESPELLED] = word  # its OCR confidence measured the marks it misread, not the letters
        elif position == 0 and only_surname_of_letters(word) is not None:
            extra[SURNAME_BY_LETTERS] = word  # its marks the list settles: a reading of its letters alike vouches
        elif 0 < position < len(kept) - 1 and (fuller := _TONE_LOST_ON_A_HAT.get(word)) is not None:
            words.append(fuller)  # a middle "NGUYÊN": NGUYỄN, its tone lost over the hat
            factor = min(factor, DOUBTFUL)
            problems.append(TONE_LOST_NOTE)
            continue
        words.append(spelled)
        factor = min(factor, word_factor)
        unusual = unusual or word_factor <= DOUBTFUL
    if unusual:
        problems.append("name: unusual spelling for a Vietnamese name")
    if any(not _known_name_part(word) and _a_misread(word) for word in value.split()):
        problems.append(A_MISREAD_NOTE)  # a reading again misreads the same face alike: no corroboration
    if len(words) < 2:
        factor, problems = DOUBTFUL, problems + ["name: a single word"]
    return Reading(" ".join(words), factor, problems, extra)


# a name's word far rarer than the one a tone lost over its hat makes it (Tesseract drops the tone stacked on a
# capital's circumflex): a middle name "NGUYÊN" is nearly always the surname NGUYỄN carried as a middle name
_TONE_LOST_ON_A_HAT = {"NGUYÊN": "NGUYỄN", "Nguyên": "Nguyễn"}
TONE_LOST_NOTE = "name: a middle word's tone lost over its hat put back (NGUYÊN → NGUYỄN), for a person to confirm"


# Reading.extra's key: a surname read with marks no surname bears, whose letters only one surname has
# ("NGUYÊN" → NGUYỄN): Tesseract's doubt about that word was its stacked marks, which the surname list settles
MARKS_RESPELLED = "marks_respelled"
# Reading.extra's key: a surname only one surname's letters match ("NGUYỄN"): its letters read again on their own
# with other marks ("NGUYÊN") still read it (engine.letters_confidence)
SURNAME_BY_LETTERS = "surname_by_letters"
PRINTED = "printed"  # the text a value was read from, where the value reads otherwise (a date's figures)


# letters OCR reads for a capital A whose bar a display face draws thin ("KHÍNH" for KHÁNH, "TRVNG" for TRANG)
# capitals a display face's strokes make others of: an A's apex or a Y's arms read as V, an Á's bar lost
_A_MISREAD = {"Í": ("Á",), "V": ("A", "Y")}
A_MISREAD_NOTE = "name: a letter read for a capital A or Y put right (a person confirms it)"


def _a_misread(word: str) -> str | None:
    """The one name part a single such letter of ``word`` read for an A or a Y gives ("VẾN": YẾN), if exactly one
    does."""
    found = {word[:i] + meant + word[i + 1:] for i, ch in enumerate(word) for meant in _A_MISREAD.get(ch, ())}
    named = {candidate for candidate in found if _known_name_part(candidate)}
    return named.pop() if len(named) == 1 else None


def _name_words(value: str) -> list[tuple[str, bool]]:
    """A name's words, each with whether it was repaired: letters foreign to Vietnamese dropped
    ("NÑGÔ" → "NGÔ") and run-together syllables split where both halves are common name parts
    ("LÊHOÀNG" → "LÊ", "HOÀNG")."""
    words: list[tuple[str, bool]] = []
    for printed in value.split():
        # "NGUYŸN", "HUYŸN": Tesseract draws Y and the hatted, toned E after it as one Ÿ; its E's tone is the name
        # list's to settle (a repair)
        word = printed.replace("Ÿ", "YÊ").replace("ÿ", "yê")
        cleaned = "".join(ch for ch in word if _vietnamese_letter(ch))
        if not _known_name_part(cleaned):
            # dropping letters is a repair only when it leaves a name part (or name parts run together)
            cleaned = _a_misread(word) or _vowel_read_twice(word) or word
        parts = _split_run_together(cleaned)
        words.extend((part, cleaned != printed or len(parts) > 1) for part in parts)
    return _joined_where_split(words)


def _vowel_read_twice(word: str) -> str | None:
    """``word`` with one of two like vowels side by side dropped ("HUYỆỀN" → HUYỀN, "PHAẠM" → PHẠM, "NGỌOC" →
    NGỌC): no syllable writes a vowel twice (but "oo", as in "XOONG"), so OCR read one mark's letter twice. What is
    left must be a name part, or name parts run together; a name part first, then the one keeping more marks. Vowels
    alike but for a horn, a breve or a hat are two ("LƯU")."""
    found = []
    for i in range(len(word) - 1):
        if _vowel_without_tone(word[i]) == _vowel_without_tone(word[i + 1]) and fold(word[i]) in _VOWELS:
            for candidate in (word[:i] + word[i + 1:], word[:i + 1] + word[i + 2:]):
                if _known_name_part(candidate) or _fewest_name_parts(candidate) is not None:
                    found.append(candidate)
    found.sort(key=lambda c: (not _known_name_part(c), -len(unicodedata.normalize("NFD", c))))
    return found[0] if found else None


TONE_MARKS = frozenset({"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"})  # grave, acute, tilde, hook, dot below


def _vowel_without_tone(character: str) -> str:
    """The letter with its tone mark dropped and its hat, breve or horn kept ("Ữ" → "ư", "Ạ" → "a")."""
    return "".join(ch for ch in unicodedata.normalize("NFD", character.lower()) if ch not in TONE_MARKS)


def _joined_where_split(words: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    """Two words one of which is no name part, joined where together they are one ("PH AN" → PHAN, "QU ANG" →
    QUANG): OCR put a blank inside a syllable whose letters a display face draws apart. Marked repaired."""
    joined: list[tuple[str, bool]] = []
    for word, repaired in words:
        if joined:
            before = joined[-1][0]
            together = before + word
            if not (_known_name_part(before) and _known_name_part(word)) and _known_name_part(together):
                joined[-1] = (together, True)
                continue
        joined.append((word, repaired))
    return joined


def _without_row_number(words: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    """A table's row number read into the name ("I NGUYỄN ĐỨC CƯỜNG", "II TRẦN KIM VÂN", "L Ụ NGUYỄN HOÀNG AN"):
    words of one or two letters that are no surname, before a surname, are dropped."""
    surnames = name_syllables("surnames")
    for lost in (1, 2):
        head = words[:lost]
        if len(words) > lost + 1 and fold(words[lost][0]) in surnames \
                and all(len(word) <= 2 and fold(word) not in surnames for word, _ in head):
            return [(words[lost][0], True), *words[lost + 1:]]
    return words


SHORT_TAIL_NOTE = "name: a short last word dropped (a misread name part?)"


def _without_stray_tail(words: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    """Specks read after a name ("HUỲNH THÙY HẠNH - KI", "... TOÀN ÔÕ"): last words of one or two
    characters that are no name part are dropped (the name is then marked repaired)."""
    while len(words) > 2 and len(words[-1][0]) <= 2 and fold(words[-1][0]) not in name_syllables():
        words = [*words[:-2], (words[-2][0], True)]
    return words


def _vietnamese_letter(character: str) -> bool:
    """A letter of the Vietnamese alphabet: marks sit on vowels only (Ñ, Ç, Ø are foreign)."""
    base, *marks = list(unicodedata.normalize("NFD", character.lower()))
    if base == "đ":
        return not marks
    return base in _VOWELS or (base in _CONSONANTS and not marks)


_VOWELS, _CONSONANTS = set("aeiouy"), set("bcdghklmnpqrstvx")


def _known_name_part(word: str) -> bool:
    return bool(word) and word.upper() in name_syllables().get(fold(word), [])


def _split_run_together(word: str) -> list[str]:
    """The fewest name parts a word with lost spaces is made of ("MAIMINHLAN" → MAI MINH LAN).

    A part may carry a wrong mark (it is repaired later) but must fold to a name part; a word
    that is itself a name part, or that splits no way, stays whole.
    """
    if len(word) > MAX_RUN_TOGETHER:
        return [word]
    return _fewest_name_parts(word) or [word]


MAX_RUN_TOGETHER = 24  # four or five syllables; longer is not a name that lost its spaces


@lru_cache(maxsize=4096)
def _fewest_name_parts(word: str) -> list[str] | None:
    if fold(word) in name_syllables():
        return [word]
    best: list[str] | None = None
    for cut in range(2, len(word) - 1):  # no one-letter parts: "Y" would split almost anything
        head, rest = word[:cut], _fewest_name_parts(word[cut:])
        if fold(head) in name_syllables() and rest and (best is None or len(rest) + 1 < len(best)):
            best = [head, *rest]
    return best


def _name_syllable(word: str, kind: str) -> tuple[str, float]:
    known = name_syllables(kind).get(fold(word), [])
    if word.upper() in known:
        return word, MARKS_AMBIGUOUS if len(known) > 1 else 1.0
    if len(known) == 1:
        return (known[0] if word.isupper() else known[0].capitalize()), REPAIRED
    if known:  # the letters of common name parts with the marks of none ("NGẠ": NGA or NGÀ): a mark misread, which?
        return word, DOUBTFUL
    return word, UNCOMMON_NAME if SYLLABLE.match(fold(word)) else DOUBTFUL


def read_date(raw: str) -> Reading:
    reading = parse_date(raw)
    if reading is None:
        return Reading(None, problems=["date: no valid date"])
    if len(reading.iso) == 4:  # "năm 2019": a date's day and month lost (a year alone is the "year" kind's)
        return Reading(reading.iso, DOUBTFUL, ["date: a year alone (its day and month lost?)"], {PRINTED: reading.text})
    return Reading(reading.iso, REPAIRED if reading.repaired else 1.0, extra={PRINTED: reading.text})


def read_date_in_words(raw: str) -> Reading:
    reading = parse_date_in_words(raw)
    if reading is None:
        return Reading(clean_value(raw) or None, DOUBTFUL, ["date in words: not understood"])
    # the value is the words as printed (stray dots and commas dropped, number words' marks restored);
    # the date they spell is for cross-checks
    words = respell_date_words(" ".join(re.findall(r"\w+", clean_value(raw))))
    if (date_words := up_to_its_last_number_word(words)) != words:
        return Reading(date_words, DOUBTFUL, ["date in words: what was read after it dropped"], {"iso": reading.iso})
    return Reading(words, REPAIRED if reading.repaired else 1.0, extra={"iso": reading.iso})


# The words of a card's identifying marks ("Nốt ruồi C:2cm dưới sau mép phải", "Sẹo chấm C:1cm trên đầu mày
# trái"): the marks, where they sit and the parts of the face. "chấm" (a dot scar) and "chàm" (a birthmark) fold
# alike: the mark before them tells (``_respell_by_word_before``), else they are left as read.
_MARK_WORDS = spellings_of([
    "nốt", "ruồi", "sẹo", "chấm", "chàm", "lồi", "vết", "bớt", "tàn", "nhang", "xăm", "hình", "cách",
    "trên", "dưới", "trước", "sau", "giữa", "ngang", "đầu", "đuôi", "cuối", "gốc", "chân", "lông", "mày", "mắt",
    "khóe", "mí", "mép", "môi", "miệng", "cằm", "má", "gò", "trán", "thái", "dương", "tai", "dái", "vành", "mũi",
    "cánh", "sống", "cổ", "gáy", "bên", "phải", "trái", "và", "dài",
])


def _respell_by_next_word(bare: str, following: str) -> str | None:
    """"dái" (lobe) is only ever the ear's ("dái tai"); "dài" (long) measures a scar: the next word tells."""
    if fold(bare) != "dai":
        return None
    spelled = "dái" if fold(following.rstrip(".,;")) == "tai" else "dài"
    return spelled[:1].upper() + spelled[1:] if bare[:1].isupper() else spelled


_DIRECTIONS = {"tren", "duoi", "truoc", "sau"}
_TAILED_PARTS = {"mat", "may", "long"}  # "đuôi" (the tail) is only ever an eye's or a brow's


def _respell_below_or_tail(bare: str, preceding: str, following: str) -> str | None:
    """"dưới" (below) and "đuôi" (the tail of an eye or a brow) fold alike; a description's order tells: a distance,
    then up or down, then forward or back, then the part ("C:2cm dưới trước đuôi mắt phải"). None where it does not."""
    if fold(bare) != "duoi":
        return None
    before, after = fold(preceding.rstrip(".,;")), fold(following.rstrip(".,;"))
    if _MEASURE.match(preceding) or (after not in _TAILED_PARTS and before not in _DIRECTIONS):
        spelled = "dưới"
    elif after in _TAILED_PARTS and before in _DIRECTIONS:
        spelled = "đuôi"
    else:
        return None
    return spelled[:1].upper() + spelled[1:] if bare[:1].isupper() else spelled


_CHAM_AFTER = {"seo": "chấm", "vet": "chàm", "bot": "chàm"}  # a dot scar ("Sẹo chấm"); a birthmark ("Vết chàm")


def _respell_by_word_before(bare: str, preceding: str) -> str | None:
    """"chấm" and "chàm" fold alike; the mark they follow tells: a scar is a dot ("Sẹo chấm"), a birthmark
    is a patch or a stain ("Vết chàm", "Bớt chàm")."""
    return _CHAM_AFTER.get(fold(preceding.rstrip(".,;"))) if fold(bare) == "cham" else None  # cased by the caller


MARK_WORD_GUESSED = "personal identification: a word a letter off the one descriptions use, put right"
_COMPOUND_HEADS = {"ruoi": "not"}  # "nốt ruồi" (a mole): the word before "ruồi" is "nốt"


def _one_letter_from_a_mark_word(word: str, following: str = "") -> str | None:
    """The one word of the descriptions' vocabulary (spelled one way) whose letters are one edit from the word's
    (the head of a compound its next word closes, "Nất ruồi", first)."""
    folded = fold(word)
    if len(folded) < 3 or not folded.isalpha():
        return None
    head = _COMPOUND_HEADS.get(fold(following.rstrip(".,;")))
    if head is not None and Levenshtein.distance(folded, head) == 1:
        return _MARK_WORDS[head][0]
    near = [spellings for key, spellings in _MARK_WORDS.items() if Levenshtein.distance(folded, key) == 1]
    return near[0][0] if len(near) == 1 and len(near[0]) == 1 else None


_MARK_NOUNS = {fold(word) for word in ("nốt", "sẹo", "vết", "bớt", "chàm", "tàn", "xăm")}
# "C: 1cm", "C-:2cm" (a speck before its colon), "€:1cm" (the C read as a sign) → "C:1cm"
_MEASURE_SPACE = re.compile(r"(?:\bC|€)[-–]?([:.])\s*(\d)")
_MEASURE = re.compile(r"^(?:C[:.]\s?)?\d+(?:[.,]\d+)?(?:cm|mm)$|^C[:.]\d+(?:[.,]\d+)?$", re.IGNORECASE)
# "C:0 5cm": a distance's figures split by a blank, where OCR lost the decimal comma (or read a speck)
_SPLIT_MEASURE = re.compile(r"\bC[:.]\d+\s+\d+(?:[.,]\d+)?(?:cm|mm)\b", re.IGNORECASE)


def read_identifying_marks(raw: str) -> Reading:
    """A card's identifying marks, each word's marks checked against the words such descriptions use.

    OCR drops or swaps tone marks here as anywhere ("Nồt ruôi", "Seo", "mép trải"); a word that folds to
    exactly one word of the vocabulary takes its spelling. A word outside it, a word folding to several of
    its words but spelled as none of them, or a stray figure makes the value doubtful.
    """
    words: list[str] = []
    unknown = []
    guessed: list[int] = []  # where words one letter off the vocabulary's were put right
    spaced = _MEASURE_SPACE.sub(r"C\1\2", clean_value(raw))
    if _SPLIT_MEASURE.search(spaced):  # which figure is lost is not known: a person reads the distance
        unknown.append("distance")
    read = spaced.split()
    starts = [index for index, word in enumerate(read) if fold(word.rstrip(".,;")) in _MARK_NOUNS]
    read = read[starts[0] if starts else 0:]  # what precedes the first mark is the photo or the frame
    for index, word in enumerate(read):
        bare = word.rstrip(".,;") if word[:-1].isalpha() else word  # "đuôi." : a speck after the word
        following = read[index + 1] if index + 1 < len(read) else ""
        preceding = words[-1] if words else ""
        spelled = (_respell_by_next_word(bare, following) or _respell_by_word_before(bare, preceding)
                   or respell(bare, _MARK_WORDS) or _respell_below_or_tail(bare, preceding, following))
        if spelled is None and (spelled := _one_letter_from_a_mark_word(bare, following)) is not None:
            guessed.append(len(words))  # "Nất ruôõi": a letter misread, added or lost; the one word it can be
        if spelled is not None:
            words.append(spelled[:1].upper() + spelled[1:] if bare[:1].isupper() else spelled)
            continue
        words.append(bare)
        if fold(bare) in _MARK_WORDS or not _MEASURE.match(bare):
            # a word folding to several ("đưới": dưới or đuôi? "châm": chấm or chàm?) is none of them as read
            unknown.append(bare)
    doubtful = bool(unknown) or bool(guessed)  # a tail dropped below still leaves the value doubtful
    # a tail from beside the value ("Độc lập - Tự do", "Ngày tháng năm" guessed as "Gáy nhang"), not a description
    while words and (words[-1] in unknown or len(words) - 1 in guessed):
        if words[-1] in unknown:
            unknown.remove(words[-1])
        words.pop()
    value = " ".join(words)
    if not value:
        return Reading(None, problems=["personal identification: nothing read is a description"] if doubtful else [])
    if doubtful:
        return Reading(value, DOUBTFUL, ["personal identification: words such descriptions do not use" if unknown
                                         else MARK_WORD_GUESSED])
    if fold(words[-1]) in _NEVER_LAST_MARK_WORDS or _MEASURE.match(words[-1]):
        return Reading(value, DOUBTFUL, ["personal identification: ends before the place it locates (cut short?)"])
    if _part_lost(words):
        return Reading(value, DOUBTFUL, ["personal identification: a part of the face lost after its word"])
    return Reading(value)


# the words that name a part of a part of the face, and the parts they may be of ("đuôi mắt", "đuôi lông mày",
# "cánh mũi"), as the vocabulary spells them (folded, "đuôi" would be "dưới")
_PART_OF = {"đuôi": {"mắt", "mày", "lông"}, "cánh": {"mũi"}, "sống": {"mũi"}, "gò": {"má"}, "khóe": {"mắt", "miệng", "môi"},
            "vành": {"tai"}, "dái": {"tai"}}


def _part_lost(words: list[str]) -> bool:
    """Whether a word naming part of a part of the face is not followed by a part it can be of ("… sau đuôi trái":
    the eye lost)."""
    spelled = [word.rstrip(".,;").lower() for word in words]
    return any(word in _PART_OF and (index + 1 == len(spelled) or spelled[index + 1] not in _PART_OF[word])
               for index, word in enumerate(spelled))


# a description ends on the place of the mark ("… dưới cằm", "… mép trái"), never on a word locating it or a distance
_NEVER_LAST_MARK_WORDS = {fold(word) for word in ("cách", "trên", "dưới", "trước", "sau", "giữa", "ngang", "bên", "và", "dài")}


def read_year(raw: str) -> Reading:
    year = parse_year(raw)
    return Reading(year) if year else Reading(None, problems=["year: no valid year"])


# a closed list's value guessed from other letters: the list vouches for nothing (extractors.calibration)
NEAREST = "{what}: the list's value nearest to what was read"


def read_sex(raw: str) -> Reading:
    folded = re.sub(r"[^a-z]", "", fold(raw))[:4]
    if folded in ("nam", "male", "m"):
        return Reading("Nam")
    if folded in ("nu", "female", "f"):
        return Reading("Nữ")
    match = process.extractOne(folded, {"Nam": "nam", "Nữ": "nu"}, scorer=fuzz.ratio, score_cutoff=60)
    if match:  # "Nưưn": the nearer of two, not a reading of either
        return Reading(match[2], REPAIRED, [NEAREST.format(what="sex")])
    return Reading(None, problems=["sex: neither Nam nor Nữ"])


_TABLE_RULES = re.compile(r"[|\[\]{}()_]")  # ruling and brackets glued to numbers in scanned tables


def read_id_number(raw: str) -> Reading:
    raw = _TABLE_RULES.sub(" ", raw)
    value = normalise_id_number(raw)
    if value is None:
        return Reading(None, problems=["id number: not 12 (or 9) digits"])
    digits_as_printed = sum(ch.isdigit() for ch in raw)
    return Reading(value, 1.0 if digits_as_printed >= len(value) else REPAIRED)


def read_code(raw: str) -> Reading:
    """Certificate and book numbers as printed: '123/2024', '01/2024-KS'.

    Anything read after the number makes it doubtful: OCR may have split it ("06 2019" for
    "06/2019", which is read so) or taken a speck for part of it.
    """
    text = clean_value(raw).replace("⁄", "/")  # a fraction slash, as OCR reads a slanted one
    match = _CODE.search(text)
    if not match:
        return Reading(None, problems=["number: not found"])
    rest = text[match.end():]
    value = match.group(0).strip(".-")
    if "//" in value:  # "275⁄⁄UBND-XNTTHN": no number has two slashes running; one slash read twice, or a 1 as one
        return Reading(_DOUBLED_SLASH.sub("/", value), DOUBTFUL, ["number: a '/' read twice?"])
    # "145UBND-XNTTHN", "99.UBND-XNTTHN": a "number/symbol" whose "/" OCR lost or read as a stop
    if lost_slash := _LOST_SLASH.match(value):
        return Reading(f"{lost_slash[1]}/{lost_slash[2]}", DOUBTFUL, [SLASH_RESTORED])
    if lost_slashes := _LOST_SLASHES.match(value):  # "112024XNTTHN": "number/year/symbol", both "/" lost
        return Reading("/".join(lost_slashes.groups()), DOUBTFUL, [SLASH_RESTORED])
    if not rest.strip() and (lost_year_slash := _LOST_YEAR_SLASH.match(value)):  # "042018": a book "04/2018"
        return Reading(f"{lost_year_slash[1]}/{lost_year_slash[2]}", DOUBTFUL, ["number: '/' before its year restored"])
    if not rest.strip() and (slash_as_figure := _SLASH_READ_AS_FIGURE.match(value)):  # "0172019": "01/2019"
        return Reading(f"{slash_as_figure[1]}/{slash_as_figure[2]}", DOUBTFUL, ["number: a '/' read as a 1 or 7?"])
    if _CUT_YEAR.search(value):
        return Reading(value, DOUBTFUL, ["number: its year looks cut short"])
    if _LETTER_AMONG_FIGURES.fullmatch(value):
        return Reading(value, DOUBTFUL, ["number: a letter among its figures (a figure misread?)"])
    if value[:1].isdigit() and text[:match.start()].endswith(_SIGNS_FOR_FIGURES):  # "(1" for "01"
        return Reading(value, DOUBTFUL, ["number: a sign glued before its figures (a figure misread?)"])
    if not value.strip("0"):  # "0": no paper is numbered nought; the rest of "05" was lost
        return Reading(value, DOUBTFUL, ["number: nought alone (its other figures lost?)"])
    if not any(ch.isalnum() for ch in rest):
        return Reading(value)
    split_year = _SPLIT_BOOK_YEAR.match(text)
    return Reading(f"{split_year[1]}/{split_year[2]}" if split_year else value, DOUBTFUL, ["number: more printed after it"])


_DOUBLED_SLASH = re.compile(r"/{2,}")
SLASH_RESTORED = "number: '/' restored"  # the problem of a number whose "/" OCR lost or misread, put back
# an official paper's number and symbol ("số, ký hiệu"): digits, "/", then capitals ("69/UBND-XNTTHN")
# "145UBND-XNTTHN", "324XNTTHN": a symbol of parts, or of one part of three letters or more (a shorter one may be a
# number's own letter)
_LOST_SLASH = re.compile(r"^(\d{1,5})[.,]?([A-ZĐ]{2,}(?:-[A-ZĐ0-9]+)+|[A-ZĐ]{3,})$")
_LOST_SLASHES = re.compile(r"^(\d{1,4})((?:19|20)\d\d)([A-ZĐ]{3,}(?:-[A-ZĐ0-9]+)*)$")
_LOST_YEAR_SLASH = re.compile(r"^(\d{1,2})((?:19|20)\d\d)$")  # a book number and its year run together
_SLASH_READ_AS_FIGURE = re.compile(r"^(0\d)[17]((?:19|20)\d\d)$")  # a book "01/2019" whose "/" was read as 7
_LETTER_AMONG_FIGURES = re.compile(r"\d*[BDOQISZGTl]\d*(?:/.*)?")  # "B0" for 80: no number opens with a lone letter
_SIGNS_FOR_FIGURES = ("(", "[", "{", "|", "!")  # what OCR reads for a 0 or a 1 at a number's start
_CUT_YEAR = re.compile(r"[/-](?:19|20)\d$")  # "04-202": a book year missing its last digit
_SPLIT_BOOK_YEAR = re.compile(r"^(\d{1,3})\s+((?:19|20)\d\d)$")  # "06 2019": a book number whose "/" was lost


@lru_cache(maxsize=1)
def unit_spellings() -> dict[str, set[str]]:
    """Every official administrative-unit name (current and former), by its folded form."""
    data = json.loads((DATA / "admin_units.json").read_text(encoding="utf-8"))
    names: dict[str, set[str]] = {}

    def add(name: str) -> None:
        names.setdefault(fold(name), set()).add(name)

    for province in data["provinces"]:
        add(province["name"])
        for ward in province["wards"]:
            add(ward["name"])
    for province in data["former_provinces"]:
        add(province["name"])
        for alias in province.get("aliases", []):
            if fold(alias).startswith(UNIT_WORDS):
                add(alias)  # a name it bore before its last one ("Tỉnh Thừa Thiên Huế", Thành phố Huế from 2025)
        for district in province.get("districts", []):
            add(district["name"])
            for ward in district.get("wards", []):
                add(ward["name"])
    # a name with an apostrophe ("Huyện Cư M'gar", "Xã Ea H'leo") read without it: OCR drops the thin mark
    for key, spellings in list(names.items()):
        if "'" in key:
            names.setdefault(key.replace("'", ""), set()).update(spellings)
    return names


@lru_cache(maxsize=1)
def unit_name_words() -> frozenset[str]:
    """Every word of every official unit name, as spelled ("Nà", "Hang", "Nội"): a word none of them spells so
    ("Nôi") was misread, not printed in another spelling."""
    return frozenset(word for spellings in unit_spellings().values() for name in spellings for word in name.split())


_STREET_WORDS = {"duong": "đường", "pho": "phố", "ngo": "ngõ", "ngach": "ngách", "hem": "hẻm", "thon": "thôn"}


UNIT_WORDS = ("phuong", "xa", "quan", "huyen", "thi xa", "thi tran", "thanh pho", "tinh", "dac khu")  # unmarked
# a speck glued before a word (".Phường", "„Số"), or standing alone between words; " - " is kept (Bà Rịa - Vũng Tàu)
_STRAY_PUNCTUATION = re.compile(r"(?<!\w)[.„\"'`_~-]+(?=\w)|(?<=\s)[.;:„\"'`_~]+(?=\s)")


# shortened unit and road words that keep their full stop ("Tp. Hồ Chí Minh", "KP. 3", "QL. 1A")
_ABBREVIATIONS = {"tp", "tx", "tt", "kp", "tdp", "kdc", "kcn", "ql", "tl", "dt", "ct"}


def keeps_its_stop(letters: str) -> bool:
    """Whether a word whose full stop follows ``letters`` is shortened and keeps it: a unit or road word ("Tp.",
    "KP.") or a word in capitals ("TMCP."); after another word a stop is a speck or a misread comma."""
    return fold(letters) in _ABBREVIATIONS or letters.isupper()


def tidy_address_punctuation(text: str) -> str:
    """Commas where OCR read the parts' separators as other marks, and no specks glued to words.

    "Ấp. Tân Lập; Xã Văn Lăng. Tỉnh Thái Nguyên" → "Ấp Tân Lập, Xã Văn Lăng, Tỉnh Thái Nguyên".
    """
    text = _STRAY_PUNCTUATION.sub("", text.replace(";", ","))
    words = text.split()
    for index, word in enumerate(words[:-1]):
        if not word.endswith("."):
            continue
        following = fold(" ".join(words[index + 1:index + 3]))
        if any(following.startswith(unit + " ") or following == unit for unit in UNIT_WORDS):
            words[index] = word[:-1] + ","  # a misread comma before the next unit
        elif fold(word[:-1]) in _LEADING_PLACE_WORDS and words[index + 1][:1].isupper():
            words[index] = word[:-1]  # "Ấp. Tân Lập": a speck after a place word
        elif len(word) > 2 and not keeps_its_stop(word[:-1]) and words[index + 1][:1].isalpha():
            words[index] = word[:-1]  # "Phường. Trung Hòa", "Lý. Thường Kiệt": abbreviations ("Tp.", "P.") keep theirs
    return " ".join(words)


def correct_address_spelling(text: str, respelled: list[tuple[str, str]] | None = None) -> tuple[str, bool]:
    """Restore the marks OCR got wrong in unit names ("Quân Tân Bình" → "Quận Tân Bình").

    In each comma-separated part, the longest ending that folds to exactly one
    official unit name takes that name's spelling, in the part's own case
    ("UBND phường Cát Dài", "CÔNG AN PHƯỜNG BẠCH ĐẰNG"); lower-case street-type
    words before a capitalised name take theirs ("đương Lê Lợi" → "đường Lê Lợi").
    Returns the text and whether it changed; ``respelled`` (when given) collects each word of a unit's
    name whose marks the register's spelling changed, as (read, registered) ("Na", "Nà").
    """
    tidied = tidy_address_punctuation(text)
    parts = [part.strip() for part in tidied.split(",") if part.strip()]
    corrected = ", ".join(_street_words(_unit_name(_leading_place_word(part), respelled)) for part in parts)
    return corrected, corrected != " ".join(text.split())


def _unit_name(part: str, respelled: list[tuple[str, str]] | None = None) -> str:
    words = part.split()
    for size in range(len(words), 1, -1):
        ending = " ".join(words[-size:])
        spellings = unit_spellings().get(fold(ending), set())
        if len(spellings) == 1:
            official = _in_case_of(ending, next(iter(spellings)))
            if respelled is not None:
                respelled.extend(_name_words_respelled(ending, official))
            return " ".join(words[:-size] + [official])
    return part


def _name_words_respelled(read: str, official: str) -> list[tuple[str, str]]:
    """The words of a unit's name (not its unit word, whose spelling the law fixes) that the register
    spells with other marks than were read: ("Na", "Nà") for "Xã Na Hang" → "Xã Nà Hang"."""
    read_words, official_words = read.split(), official.split()
    skip = next((len(unit.split()) for unit in sorted(_UNIT_TYPES, key=len, reverse=True)
                 if fold(" ".join(official_words[:len(unit.split())])) == fold(unit)), 0)
    return [(a, b) for a, b in zip(read_words[skip:], official_words[skip:]) if a.lower() != b.lower()]


def _in_case_of(printed: str, official: str) -> str:
    if printed.isupper():
        return official.upper()
    if printed[:1].islower():
        return official[:1].lower() + official[1:]
    return official


# words that open a part of an address ("Tổ dân phố 5", "Số 12 ngõ 3"), by their unmarked form
_LEADING_PLACE_WORDS = {fold(w): w for w in ("Tổ dân phố", "Khu phố", "Thôn", "Xóm", "Ấp", "Bản", "Số", "Phòng", "Tòa")}
_LEADING_PLACE_WORDS.update({"5o": "Số", "s0": "Số", "1o dan pho": "Tổ dân phố"})  # OCR's digits for letters


# "Tổ" (a numbered residential group) with its T misread as a letter or a stroke: "Iổ 23", "Fổ 20"
GROUP_WORD_MISREAD = re.compile(r"^[IlJF7\[|1]ổ$")
GROUP_WORD_NOTE = "address: its opening 'Tổ' read with another first letter, put right"
_HAMLET_MISREAD = re.compile(r"[\[|(FfIlL1]hôn")


def _leading_place_word(part: str) -> str:
    words = part.split()
    if len(words) > 1 and fold(words[0]).strip(".:") == "to" and words[1][:1].isdigit():
        return " ".join([_in_case_of(words[0], "Tổ"), *words[1:]])  # "Tố 15": a numbered residential group
    if len(words) > 1 and _HAMLET_MISREAD.fullmatch(words[0]) and words[1][:1].isupper():
        return " ".join(["Thôn", *words[1:]])  # "[hôn Đông", "Fhôn Hạ": a hamlet whose T OCR misread
    for size in (3, 2, 1):
        head = " ".join(words[:size])
        official = _LEADING_PLACE_WORDS.get(fold(head).strip(".:"))
        if official and len(words) > size and head != official:
            return " ".join([_in_case_of(head, official), *words[size:]])
    return part


def _street_words(part: str) -> str:
    words = part.split()
    for index, word in enumerate(words[:-1]):
        official = _STREET_WORDS.get(fold(word))
        if official and word.islower() and word != official and words[index + 1][:1].isupper():
            words[index] = official
    return " ".join(words)


# no field prints a backslash: OCR reads one for the left stroke of a V ("\\ ới ai" for "với ai", "\\ iệt Nam");
# an OCR value holding one is kept below the trust line (extractors.calibration)
BACKSLASH_NOTE = "a backslash, which no field prints (a misread letter)"
UNIT_REPAIRED = "address: a misread unit name repaired"
# Reading.extra's key: the unit-name words whose marks the register's spelling changed, as (read, registered)
RESPELLED = "respelled"
# the note of a value whose unit name took the register's marks over a word read clearly otherwise
# (extractors.engine.respelling_doubt): the paper may print that spelling ("Xã Na Hang" read at 0.97, the
# register's "Xã Nà Hang"); calibration keeps such a value below the trust line
RESPELLED_NOTE = "address: the register's spelling replaced marks read clearly"
# the note of a text layer's value whose unit name the register spells with other marks: a text layer is the
# print itself, so the value keeps the print's spelling, and a person settles which is right
PRINTED_OTHERWISE_NOTE = "address: a unit's name printed with other marks than the register's"


# a value whose print ends on a comma goes on below: its next line was not found with it (printed out of order, or
# lost), however complete the rest looks ("Phường Vĩnh Ninh, Thành phố Huế," / "Tỉnh Thừa Thiên Huế")
ENDS_ON_A_COMMA_NOTE = "address: ends on a comma (its next line lost?)"


def before_a_last_comma(raw: str) -> str | None:
    """The print before the comma it ends on (leader dots after it aside), or None where it ends on none."""
    text = raw.rstrip(" .…·_-")
    return text[:-1] if text.endswith(",") else None


def read_address(raw: str, respelled: list[tuple[str, str]] | None = None) -> Reading:
    if (opening := raw.split(maxsplit=1)) and GROUP_WORD_MISREAD.match(opening[0]) and opening[1:] \
            and opening[1][:1].isdigit():
        return doubted(read_address("Tổ " + opening[1], respelled), GROUP_WORD_NOTE)
    if (cut := before_a_last_comma(raw)) is not None and (reading := read_address(cut, respelled)).value:
        return doubted(reading, ENDS_ON_A_COMMA_NOTE)
    respelled = list(respelled or [])
    text, _ = correct_address_spelling(lost_unit_commas(SIGN_FOR_S.sub("S", clean_value(raw))), respelled)
    text = lost_unit_commas(text)  # again, once a speck glued before a unit word is gone ("Hưng „.Huyện")
    text, snapped = snap_misread_units(text)
    if not text:
        return Reading(None, problems=["address: empty"])
    tidied = tidy_address_specks(text)
    if tidied != text:
        return doubted(read_address(tidied, respelled), TIDIED_NOTE)
    spelled = letters_no_word_spells(text)
    if spelled != text:
        return doubted(read_address(spelled, respelled), SPELLED_NOTE)
    resolved = resolve_address(text)
    extra: dict[str, object] = {"province": resolved.province, "ward": resolved.ward}
    if respelled:
        extra[RESPELLED] = respelled
    if (cut := _up_to_last_province(text)) != text and resolve_address(cut).province is not None:
        if (named := province_its_units_name(text)) not in (None, cut):  # "…, Thành phố Huế, Lính Ihữa hiên Huế"
            return doubted(read_address(named, respelled), PROVINCE_MISREAD_NOTE)
        # words from beside or below the value ("… Thành phố Hà Nội Vi", "… Thành phố Hồ Chí Minh Ko")
        return doubted(read_address(cut, respelled), AFTER_PROVINCE_NOTE)
    if resolved.province is not None and not ends_on_a_province_as_spelled(text) \
            and (named := province_its_units_name(text)) not in (None, text):  # "…, Thành phố Hồ Chí NHH"
        return doubted(read_address(named, respelled), PROVINCE_MISREAD_NOTE)
    if resolved.province is None:
        if (completed := province_cut_short(text) or province_name_lost(text)) is not None:
            return doubted(read_address(completed, respelled), PROVINCE_COMPLETED_NOTE)
        if (named := province_its_units_name(text)) is not None:
            return doubted(read_address(named, respelled), PROVINCE_MISREAD_NOTE)
        return Reading(text, DOUBTFUL, ["address: province not recognised"], extra)
    # a unit spelled as one elsewhere but not as the one the address resolves to ("Xã Quang Phú" in Huyện Cư
    # M'gar, whose commune is Quảng Phú) has misread marks as surely as one no unit is spelled as
    if (marked := _marks_of_resolved_units(text, resolved)) != text and address_glitch(marked) is None:
        return Reading(marked, DOUBTFUL, [UNIT_MARKS_RESTORED], extra)  # restored, not trusted more than as read
    if _unknown_district(text) and (kept := without_stray_words(text)) is not None:
        return Reading(kept, DOUBTFUL, [STRAY_WORDS_NOTE], extra)  # which words were specks is a guess
    if glitch := address_glitch(text):
        restored = house_number_slashes(text)
        if restored != text and address_glitch(restored) is None:
            return Reading(restored, DOUBTFUL, ["address: a house number's '/' restored"], extra)
        return Reading(text, DOUBTFUL, [f"address: {glitch}"], extra)
    if _unknown_part_between_units(text):
        return Reading(text, DOUBTFUL, [UNKNOWN_UNIT_NOTE], extra)
    if snapped:
        return Reading(text, REPAIRED, [UNIT_REPAIRED], extra)
    if (respelled_street := street_marks_misread(text)) is not None:
        return Reading(respelled_street, DOUBTFUL, [STREET_MARKS_NOTE], extra)
    if (recased_street := street_case_misread(text)) is not None:
        return Reading(recased_street, DOUBTFUL, [STREET_CASE_NOTE], extra)
    if _BARE_HOUSE_NUMBER.match(text):
        return Reading(text, DOUBTFUL, [BARE_HOUSE_NUMBER_NOTE], extra)
    if unmarked := unmarked_name_word(text):
        extra[UNMARKED] = unmarked
    elif units_registered(text) or street_registered(text):
        extra[LETTERS_CHECKED] = True
    elif unit_words := registered_unit_words(text):
        # the street's or hamlet's words and the figures are OCR's alone; a unit's word the register respelled
        # ("Nghỉ" for Nghi) had its letters checked as it was read, its marks settled (one read clearly otherwise is
        # doubted by the engine: extractors.engine.respelling_doubt)
        extra[LETTERS_CHECKED] = unit_words | {read for read, registered in respelled if registered in unit_words}
    return Reading(text, 1.0, [], extra)


def registered_unit_words(text: str) -> frozenset[str]:
    """The words of the address's parts that name a unit exactly as the register spells it ("Phường Láng Hạ",
    "Thành phố Hà Nội", or in prose "phường Láng Hạ"), as printed with their commas stripped; none where no province
    part is one."""
    parts = text.split(", ")
    units = [part for part in parts if part[:1].upper() + part[1:] in unit_spellings().get(fold(part), set())]  # prose
    if not units or units[-1] != parts[-1]:
        return frozenset()  # the units run to the province, the last part: a unit named inside a street's name is none
    return frozenset(word for part in units for word in part.split())


# Reading.extra's key: every word of letters in the value is one the register or the name lists spell so (its units,
# its street's name, a hamlet's): OCR's doubt about such a word counts half (a misread letter would have failed them);
# or the set of such words, where only the units are (the street's name, a hamlet's, the house number unchecked)
LETTERS_CHECKED = "letters_checked"


STRAY_WORDS_NOTE = "address: words read from specks inside a district's name dropped"


# a house number opening the address with no "Số" before it ("—- 49 ngõ 26 đường …": the word read as a dash and
# dropped with it); papers print the word, so a person looks whether it was lost
_BARE_HOUSE_NUMBER = re.compile(r"\d+[A-Za-z]?(?:/\d+[A-Za-z]?)*\s+(?:ngõ|ngách|hẻm|kiệt|đường|phố)\s")
BARE_HOUSE_NUMBER_NOTE = "address: a house number without 'Số' before it (the word lost?)"


def doubted(reading: Reading, note: str) -> Reading:
    """``reading`` of a value put right first, no surer than doubtful, the repair noted before its own problems."""
    return Reading(reading.value, min(reading.factor, DOUBTFUL), [note, *reading.problems], reading.extra)


AFTER_PROVINCE_NOTE = "address: words after its province dropped (from beside or below it?)"
PROVINCE_COMPLETED_NOTE = "address: the province's last words, lost at the line's end, put back"
PROVINCE_MISREAD_NOTE = "address: a misread province put right, the one its district and commune lie in"
PROVINCE_FITS = 0.95  # the register's score from which an address's units lie in the province named


def province_its_units_name(text: str) -> str | None:
    """ "…, Huyện Bảo Thắng, Fỉnh ao Cai" with its last part the province it misread: the one province whose name (with
    its unit word) is a few letters from that part, or starts a letter from it where the line cut it short ("Eỉnh
    Nghệ"), and holds the address's district and commune as the register has them; None where not one does."""
    head, _, last = text.rpartition(", ")
    folded = fold(last)
    if not head or len(folded) < 5:
        return None
    near = {spelled for key, spelled in province_spellings().items() if " " in spelled and key.startswith(("tinh ", "thanh pho "))
            and (Levenshtein.distance(folded, key) <= max(2, len(key) // 4)
                 or len(folded) >= 0.6 * len(key) and Levenshtein.distance(folded, key[:len(folded)]) <= 1)}
    fits = [province for province in near if resolve_address(f"{head}, {province}").score >= PROVINCE_FITS]
    return f"{head}, {fits[0]}" if len(fits) == 1 else None
_PROVINCE_WORDS = ("thành phố", "tỉnh")


def province_cut_short(text: str) -> str | None:
    """ "…, thành phố Hồ Chí" with the province's last words put back ("Hồ Chí Minh"): a province's type word and the
    first words of exactly one province's name of that type; None where the last part is no such start."""
    head, _, last = text.rpartition(", ")
    words = last.split()
    for size in (2, 1):
        unit, name = " ".join(words[:size]), " ".join(words[size:])
        if unit.lower() not in _PROVINCE_WORDS or not name:
            continue
        started = fold(f"{unit} {name}") + " "
        completions = {spelled.split(maxsplit=size)[-1] for folded, spelled in province_spellings().items()
                       if folded.startswith(started)}
        if len(completions) == 1:
            return f"{head}{', ' if head else ''}{unit} {completions.pop()}"
    return None


def province_name_lost(text: str) -> str | None:
    """ "…, Huyện Hải Hậu, Tỉnh" with the province's name the line lost put back (or what OCR made of it, a speck of one
    or two letters: "Tỉnh mu"): the one province of that type word in which the register has the address's commune
    in its district, as named; None where not one has (or the address names no district: since 2025 a commune's
    name may stand in several provinces)."""
    head, _, last = text.rpartition(", ")
    words = last.split()
    for size in (2, 1):
        unit, rest = " ".join(words[:size]), words[size:]
        if not head or len(words) < size or unit.lower() not in _PROVINCE_WORDS or len(rest) > 1 \
                or (rest and len(rest[0]) > 2):
            continue
        fits = {spelled.split(maxsplit=size)[-1] for key, spelled in province_spellings().items()
                if key.startswith(fold(unit) + " ") and _holds_its_district(head, spelled)}
        return f"{head}, {unit} {fits.pop()}" if len(fits) == 1 else None
    return None


def _holds_its_district(head: str, province: str) -> bool:
    """Whether the register has the units of ``head`` (a commune, then its district) in ``province``, as named."""
    units = _without_office(head) if fold(head).startswith(_UNITS_OFFICES) else head  # "Ủy ban nhân dân xã …"
    resolved = resolve_address(f"{units}, {province}")
    parts = {fold(part) for part in units.split(", ")}
    return resolved.score >= PROVINCE_FITS and resolved.former_province == province \
        and resolved.former_district is not None and fold(resolved.former_district) in parts
TIDIED_NOTE = "address: specks between its parts or letters, or a '/' read as a letter, tidied"
SPELLED_NOTE = "address: letters no Vietnamese word has put right ('\\nh' for Anh, 'Tâv' for Tây, a unit word's case)"
_VOWELS = set("aăâeêioôơuưy")
_BACKSLASH_A = re.compile(r"(?<![^\s,])\\(?=[a-zđ]+\b)")  # "\nh": a capital A whose thin bar was lost ("Λnh")
_UNIT_WORD_AT_PART = re.compile(r"(?:^|(?<=, ))(Phường|phường|Xã|xã|Thị trấn|thị trấn|Quận|quận|Huyện|huyện|"
                                r"Thị xã|thị xã|Thành phố|thành phố|Tỉnh|tỉnh)(?= )")


def letters_no_word_spells(text: str) -> str:
    """The address with what no Vietnamese word spells put right: a word-initial backslash for a capital A
    ("Xã Hải \\nh"), a final "v" for "y" (no syllable ends in v: "đường Tâv Sơn"), and a unit word in the other case
    from all the address's other unit words ("Phường …, Thành phố Huế, tỉnh Thừa Thiên Huế": a capital misread)."""
    text = _BACKSLASH_A.sub("A", text)
    text = " ".join(_final_v_as_y(word) for word in text.split(" "))
    units = [match.group(1) for match in _UNIT_WORD_AT_PART.finditer(text)]
    capitals = sum(unit[0].isupper() for unit in units)
    if len(units) >= 3 and capitals in (1, len(units) - 1):
        upper = capitals > 1
        text = _UNIT_WORD_AT_PART.sub(lambda m: m.group(1)[:1].upper() + m.group(1)[1:] if upper
                                      else m.group(1)[:1].lower() + m.group(1)[1:], text)
    return text


def _final_v_as_y(word: str) -> str:
    """``word`` with a final "v" after a vowel read as the "y" it is ("Tâv" → "Tây"), its punctuation kept."""
    letters = word.rstrip(",.;")
    if len(letters) >= 2 and letters[-1] == "v" \
            and unicodedata.normalize("NFD", letters[-2].lower())[0] in _VOWELS:
        return letters[:-1] + "y" + word[len(letters):]
    return word


_SPECKS_PART = re.compile(r",(?:\s*[^\w\s,]+)+\s*(?=,)|(?<=\w)[.;:]+(?=,)")  # ", .," and "Láng Hạ.,"
_SLASH_AS_LETTER = re.compile(r"(?<=\d)[Il](?=\d)")  # "ngách 73I13"
# a part opening with a unit word, a comma, then its name ("Phường, Xuân Khánh"): no unit's word stands alone
_COMMA_AFTER_UNIT_WORD = re.compile(rf"((?:^|, ){_UNIT_WORD_NAMES}),(?= (\w))", re.IGNORECASE)
_STOP_BETWEEN_LETTERS = re.compile(r"(?<=[^\W\d_])\.(?=[^\W\d_])")
# "Sô.20 ngách …": a speck read as a stop between a house number's word and its figures
_STOP_BEFORE_HOUSE_NUMBER = re.compile(r"\b([^\W\d_]{2,5})\.?(?=\d)")  # "Sô.20", "Số69", "số4": a blank lost
_STOP_IN_A_HOUSE_NUMBER = re.compile(r"\b([Ss]ố \d+)\.(\d+\b)")  # "Số 51.22": its "/" read as a stop
_HOUSE_WORDS_FOLDED = {"so", "nha", "ngo", "ngach", "hem", "kiet"}
_CAPITAL_UNIT_WORD = re.compile(r", (?:Xã|Phường|Thị trấn|Quận|Huyện|Thị xã|Thành phố|Tỉnh)\b")
_ADDRESS_OPENINGS = {"thon", "xom", "ap", "to", "so", "khu", "ban", "khom", "doi", "cum", "nha", "can"}
_MARK_AFTER_A_FIGURE = re.compile(r"(?<=\d)['’‘`](?=[^\W\d_])")  # "Số 21'ngõ 40": a speck read as a quote


def tidy_address_specks(text: str) -> str:
    """An address with what OCR made of specks and strokes put right: a part of specks alone dropped, an "I" or
    "l" between a house number's figures read as its "/", a comma between a unit's word and its name dropped, a full stop
    between small letters read as a space."""
    text = _SPECKS_PART.sub("", _SPECK_IN_A_UNIT.sub("", text))
    text = _STOP_BEFORE_HOUSE_NUMBER.sub(lambda m: f"{m[1]} " if fold(m[1]) in _HOUSE_WORDS_FOLDED else m[0], text)
    text = _MARK_AFTER_A_FIGURE.sub(" ", text)
    text = _STOP_IN_A_HOUSE_NUMBER.sub(r"\1/\2", text)
    text = _unglued(text)  # "Thành phốHồ ChíMinh": spaces OCR lost
    if text[:1].islower() and fold(text.split(" ", 1)[0]) in _ADDRESS_OPENINGS and _CAPITAL_UNIT_WORD.search(text):
        # "thôn An Lạc, Xã …": an address whose units open with capitals opens with one too; OCR read it small
        text = text[:1].upper() + text[1:]
    text = _SLASH_AS_LETTER.sub("/", text)
    text = _COMMA_AFTER_UNIT_WORD.sub(_comma_before_a_name_dropped, text)
    # "Căn.hộ", "Huyện.Đông Anh", not "TP.HCM": an abbreviation's stop stands between capitals
    return _STOP_BETWEEN_LETTERS.sub(lambda stop: " " if _a_blank_read_as_a_stop(text, stop) else ".", text)


def _a_blank_read_as_a_stop(text: str, stop: re.Match[str]) -> bool:
    """Whether a full stop between letters stands for a blank: between small letters, or between a unit's word and
    its name's capital ("Huyện.Đông Anh")."""
    before, after = text[stop.start() - 1], text[stop.end()]
    word_before = re.split(r"[^\w]", text[:stop.start()])[-1]
    return before.islower() and (after.islower() or word_before.lower() in _UNIT_LAST_WORDS)


def lost_unit_commas(text: str) -> str:
    """A comma OCR lost before a capitalised unit word ("Huyện Bảo Thắng Tỉnh Lào Cai", a wrapped line's
    end) put back: a unit's name ends with a capitalised word or a figure ("Phường 12 Quận 5"). Not after a
    street or place word ("phố Xã Đàn", "Đường Xã Đàn") nor after another unit's word."""
    words = text.split()
    for index in range(1, len(words)):
        previous, following = words[index - 1], fold(" ".join(words[index:index + 2]))
        if not words[index][:1].isupper() or previous.endswith(",") or not _spelled_as_a_unit_word(words[index]) \
                or not any(following == unit or following.startswith(unit + " ") for unit in UNIT_WORDS):
            continue
        if fold(f"{previous} {words[index]}") in UNIT_WORDS:
            continue  # the first word of a unit's own two ("Thị Xã"), not a name's end ("Quận Bình Thạnh Thành phố")
        if (previous[:1].isupper() or previous.isdigit()) \
                and (fold(previous) not in _NOT_A_NAME_END or _inside_a_name(words, index - 1)):
            words[index - 1] = previous + ","
    return " ".join(words)


def _spelled_as_a_unit_word(word: str) -> bool:
    """A word with a unit word's marks, or none (OCR lost them): "Quán" of Huyện Định Quán is no "Quận"."""
    bare = word.strip(",.").lower()
    return bare in _UNIT_FIRST_WORDS or bare == fold(bare)


def _inside_a_name(words: list[str], index: int) -> bool:
    """Whether ``words[index]`` follows a unit's word or another capitalised word of a name in its part ("Xã Hòa
    Phong", "Phường Tân An"): a name's word, however it folds ("Phong" as "phòng"), not a street's or a place's word
    opening the part ("Đường Xã Đàn", "Phòng 301")."""
    before = words[index - 1] if index else ""
    return before[:1].isupper() and before.isalpha() and fold(before) not in _LEADING_PLACE_WORDS \
        and fold(before) not in _STREET_WORDS


# words after which a unit word is part of a name or of another unit, not a new part; the first words of a
# unit's two are left out, as names end with them too ("Châu Thành", "Bình Thạnh")
_NOT_A_NAME_END = ({word for unit in UNIT_WORDS for word in unit.split()[-1:]} | set(_STREET_WORDS)
                   | set(_LEADING_PLACE_WORDS) | {"ubnd", "an"})


# Reading.extra's key: a word of a street's or a hamlet's name read without marks, or with marks, that no place or
# person is named so, though some are with others ("đường Xuân Thuy": Thủy, Thúy, …; "Xóm Chủa": Chùa); an OCR
# value carrying one is noted
# and kept below the trust line (extractors.engine.field_from_words): a printed text layer is as printed
UNMARKED = "unmarked"
UNMARKED_NOTE = "address: a name's word read with marks (or none) that no place or person bears (a mark lost or misread?)"


@lru_cache(maxsize=1)
def place_and_name_syllables() -> frozenset[str]:
    """Every word (lower case) of a registered unit's name, a listed street's name, a hamlet's name by its position
    ("Thượng", "Chùa") and every common syllable of people's names."""
    words = {word.lower() for names in unit_spellings().values() for name in names for word in name.split()}
    words |= {word.lower() for name in (*common_street_names(), *_HAMLET_WORDS) for word in name.split()}
    return frozenset(words | {syllable.lower() for spellings in name_syllables().values() for syllable in spellings})


@lru_cache(maxsize=1)
def _folded_syllables() -> frozenset[str]:
    return frozenset(fold(word) for word in place_and_name_syllables())


def unmarked_name_word(text: str) -> str | None:
    """A capitalised word in a part no register checks (a street's, a hamlet's name: "đường Xuân Thuy", "Xóm
    Chủa") that no unit's or common person's name has with its marks (or none), while some have its letters with
    others: streets and hamlets are named after people and places, and OCR reads a lost or misread tone mark as
    sure as a printed one."""
    for part in text.split(", "):
        if unit_spellings().get(fold(part)) or any(fold(part).startswith(unit + " ") for unit in UNIT_WORDS):
            continue  # a unit's name: the register checks it
        hamlet = fold(part.split()[0]) in _HAMLET_OPENINGS if part else False
        for word in part.split()[1:]:
            core = word.strip(".,;:()")
            if len(core) < 2 or not core.isalpha() or not (core[:1].isupper() and core[1:].islower()):
                continue
            if impossible_tone(core):
                return core
            # read without marks (or, in a hamlet's name, with marks: "Xóm Chủa") that no place or person bears,
            # while some bear its letters with marks: a mark lost or misread; a street's name may be an event's or
            # an ideal's ("Cách Mạng Tháng Tám"), whose words no list holds
            if (fold(core) == core.lower() or hamlet) and core.lower() not in place_and_name_syllables() \
                    and fold(core) in _folded_syllables():
                return core
    return None


_HAMLET_OPENINGS = {"thon", "xom", "ap", "ban", "lang"}
_STOP_ENDINGS = ("p", "t", "c", "ch")
_STOP_TONES = {"\u0301", "\u0323"}  # sắc, nặng: the only tones a syllable ending in a stop consonant takes


def impossible_tone(word: str) -> bool:
    """A Vietnamese syllable ending in p, t, c or ch without a sắc or nặng tone ("Lâp", "Bàc"): no word is so
    spelled, so OCR lost or misread its tone mark."""
    folded = fold(word)
    if not folded.endswith(_STOP_ENDINGS) or folded not in _folded_syllables():
        return False
    return not _STOP_TONES & set(unicodedata.normalize("NFD", word))


UNIT_MARKS_RESTORED = "address: a unit name's marks restored from the units it lies in"


def _marks_of_resolved_units(text: str, resolved: AddressReading) -> str:
    """The address with each part that folds to a unit it resolved to (its ward, district, province, former or
    current) spelled as that unit is: "Xã Cấm Văn, Huyện Cẩm Giàng" → "Xã Cẩm Văn", the one commune of that district
    folding so, where nationwide "Xã Cẩm Vân" folds alike."""
    names = [name for name in (resolved.former_ward, resolved.former_district, resolved.former_province,
                               resolved.ward, resolved.province) if name]
    parts = []
    for part in text.split(", "):
        same = {name for name in names if fold(name) == fold(part)}
        parts.append(_in_case_of(part, next(iter(same))) if len(same) == 1 else part)
    return ", ".join(parts)


UNIT_SNAP_EDITS = 2  # letters (unmarked) a misread unit word or name may be from the known one
_UNIT_TYPE_SIZES = ((2, ("Thành phố", "Thị trấn", "Thị xã", "Đặc khu")), (1, ("Phường", "Xã", "Quận", "Huyện", "Tỉnh")))


def snap_misread_units(text: str) -> tuple[str, bool]:
    """Each comma-separated part that is a known unit but for a misread letter or two: its unit word
    ("Tùth Đồng Nai", "Lỉnh Hòa Bình" → "Tỉnh …") or its name ("Thành phố Hồ Chí Winh" → "… Minh").
    Parts with figures (numbered wards, house numbers) and parts near two known units stay as read."""
    parts = [part.strip() for part in text.split(",")]
    snapped = [_snap_unit_word(part) or _snap_unit_name(part) or part for part in parts]
    return ", ".join(p for p in snapped if p), snapped != parts


def _snap_unit_word(part: str) -> str | None:
    words = part.split()
    if any(ch.isdigit() for ch in part) or fold(part) in unit_spellings() or not words \
            or fold(words[0]) in _STREET_WORDS or fold(words[0]) in _LEADING_PLACE_WORDS:
        return None  # "đường Lê Lợi" is a street, two letters from "phường Lê Lợi"
    found: list[tuple[int, str]] = []
    for size, types in _UNIT_TYPE_SIZES:
        head, rest = " ".join(words[:size]), words[size:]
        if not rest:
            continue
        for unit in types:
            edits = Levenshtein.distance(re.sub(r"[^a-z ]", "", fold(head)), fold(unit))
            spellings = unit_spellings().get(fold(" ".join([unit, *rest])), set())
            if 0 < edits <= min(UNIT_SNAP_EDITS, len(fold(unit)) // 2) and len(spellings) == 1 \
                    and abs(len(head) - len(unit)) <= 1:
                found.append((edits, _in_case_of(" ".join([head[:1], *rest]), next(iter(spellings)))))
    found.sort()
    return found[0][1] if found and (len(found) == 1 or found[1][0] > found[0][0]) else None


def _snap_unit_name(part: str) -> str | None:
    folded = fold(part)
    if len(folded) < UNIT_NAME_MIN or any(ch.isdigit() for ch in part) or folded in unit_spellings() \
            or not any(folded.startswith(unit + " ") for unit in UNIT_WORDS):
        return None
    near = process.extract(folded, unit_spellings().keys(), scorer=Levenshtein.distance, limit=2, score_cutoff=1)
    if len(near) != 1 or len(unit_spellings()[near[0][0]]) != 1:
        return None
    return _in_case_of(part, next(iter(unit_spellings()[near[0][0]])))


UNIT_NAME_MIN = 12  # unmarked letters: a shorter unit's name one letter away is another unit's as often as not


SIGN_FOR_S = re.compile(r"(?<!\w)§(?=[ốỐ]\b)")  # "§ố": "Số" as OCR reads it now and then (no paper prints § so)


# what OCR leaves in an address where it lost a mark: "283 11" for "283/11" (two numbers in a row), "Số-317"
# and "Tây-Sơn" for a space (a hyphen glued between words: the hyphens of unit names stand apart, "Bà Rịa -
# Vũng Tàu"), "§7" for "87" (a sign no address prints)
_LOST_SLASH_IN_ADDRESS = re.compile(r"(?<![\w/])\d+ \d+(?![\w/])")
_GLUED_HYPHEN = re.compile(r"(?<=[^\W\d])-(?=\w)|(?<=\w)-(?=[^\W\d])")  # "12-14": a range of house numbers
_ADDRESS_SIGNS = re.compile(r"[^\w\s,./()'’-]")
_EMPTY_PART = re.compile(r",[^\w,]*,")  # "Thủ Đức, ., Thành phố": specks read as a part of their own


# "Số 227 2 đường …", "ngách 37 11 ngõ …", "ngách 52!15": after a house-number word two numbers in a row
# can only be one number with its "/" (a "!" or "|" between figures is one misread)
_HOUSE_WORDS = r"(?:[Ss]ố|[Nn]hà|[Nn]gõ|[Nn]gách|[Hh]ẻm|[Kk]iệt)"
_HOUSE_NUMBER_APART = re.compile(rf"\b({_HOUSE_WORDS}\s+\d+)\s(\d+)(?![\w/])")
_SLASH_BETWEEN_FIGURES = re.compile(r"(?<=\d)[!|](?=\d)")
_HOUSE_WORD_GLUED = re.compile(rf"\b{_HOUSE_WORDS}\d")  # "Số66": the space before the number lost


def house_number_slashes(text: str) -> str:
    """The address with a house number's lost "/" restored where its words say it is one."""
    return _HOUSE_NUMBER_APART.sub(r"\1/\2", _SLASH_BETWEEN_FIGURES.sub("/", text))


def _unglued(text: str) -> str:
    """The text with a space where a capital letter follows a small one inside a word (see ``_glued_words``)."""
    return "".join(f" {b}" if a.islower() and b.isupper() else b for a, b in zip(" " + text, text))


def _glued_words(text: str) -> bool:
    """A capital letter straight after a small one inside a word ("ThanhHóa"): two words whose space OCR lost."""
    return _unglued(text) != text


# a figure beside a letter with Vietnamese marks in one word ("7ổ 5" for "Tổ 5"): no house number or block code
# ("12A", "CT1") bears marks
_FIGURE_IN_A_WORD = re.compile(r"\b(?=\w*\d)(?=\w*[À-ỹĐđ])\w+\b")


_STOP_GLUED_AFTER_FIGURE = re.compile(r"\d[.,](?=\w)")  # "85.13", "Số 70.ngõ": a stop with no space after it
# the words an address opens with: a hamlet, a group, a house or a lane
_OPENING_WORDS = ("thôn", "tổ", "xóm", "ấp", "bản", "buôn", "làng", "khóm", "khu", "số", "nhà", "ngõ", "ngách", "hẻm",
                  "kiệt", "đường", "phố", "căn", "lô")


def _first_letter_lost(text: str) -> bool:
    """ "hôn Thượng, Xã Cẩm Văn …": the address's first word is an opening word without its first letter."""
    first = text.split(maxsplit=1)[0].rstrip(",.") if text.strip() else ""
    return first.islower() and first not in _OPENING_WORDS and any(word[1:] == first for word in _OPENING_WORDS)


def address_glitch(text: str) -> str | None:
    """What in an address looks like an OCR slip in its punctuation or digits, or None.

    Unit names are checked against the register; the house number and the street are not, and OCR's
    usual slips there are punctuation: such a value is doubtful however sure each word was."""
    if _LOST_SLASH_IN_ADDRESS.search(text):
        return "two numbers in a row (a '/' lost?)"
    if _first_letter_lost(text):
        return "opens with a place word missing its first letter (a letter lost?)"
    if _STOP_GLUED_AFTER_FIGURE.search(text):  # no address prints a decimal, nor a stop without a space after it
        return "a full stop glued after a figure (a '/' or a space misread?)"
    if _GLUED_HYPHEN.search(text):
        return "a hyphen between words (a space misread?)"
    if _ADDRESS_SIGNS.search(text):
        return "a sign no address prints"
    if _EMPTY_PART.search(text):
        return "a part with no letters or figures (specks read as one?)"
    if _STOP_BETWEEN_LETTERS.search(text) or stop_inside_a_name(text):  # "TP.HCM", "Nam. Định"
        return "a full stop between letters (a speck?)"
    if _unit_words_in_two_cases(text):
        return "unit words in two cases (a capital misread?)"
    if _glued_words(text) or _HOUSE_WORD_GLUED.search(text):
        return "two words run together (a space lost?)"
    if _FIGURE_IN_A_WORD.search(text):
        return "a figure inside a marked word (a letter misread: '7ổ' for Tổ)"
    if _ends_on_unit_word(text):
        return "ends on a unit word without its name (cut short?)"
    if _UNIT_WORD_BEFORE_COMMA.search(text):
        return "a unit word with a comma before its name (a speck read as one?)"
    if _a_name_alone(text):
        return "a place's name alone, without its unit word (its start lost?)"  # "Hồ Chí Minh" of a cut address
    if _BUILDING_CODE_LETTER.search(text):
        return "a building's code ending on a letter like a figure (a 1 or a 0 misread?)"  # "tòa CTI" for CT1
    if _unit_marks_differ(text):
        return "a unit name's marks differ from the register"
    if _unknown_district(text):
        return "a district the register does not know (a word lost?)"
    return None


_BUILDING_CODE_LETTER = re.compile(r"\b[Tt]òa [A-Z]{1,4}[IlO]\b")


def _a_name_alone(text: str) -> bool:
    """One part of names only: no unit's, street's or place's word, no figure ("Hồ Chí Minh")."""
    words = [fold(word.strip(",.;:")) for word in text.split()]
    pairs = [" ".join(pair) for pair in zip(words, words[1:])]
    return "," not in text and not any(ch.isdigit() for ch in text) \
        and not any(w in UNIT_WORDS or w in _STREET_WORDS or w in _LEADING_PLACE_WORDS for w in words + pairs)


# "Phường, Xuân Khánh": a part that is a unit's word alone, its name the next part
_UNIT_WORD_BEFORE_COMMA = re.compile(r"(?:^|, )(?:phường|xã|quận|huyện|tỉnh|thị xã|thị trấn|thành phố|đặc khu),", re.I)


def _unit_words_in_two_cases(text: str) -> bool:
    """"Phường 1, Thành phố Đà Lạt, tỉnh Lâm Đồng": a form writes its unit words in one case, so one in the
    other case was misread."""
    cases = set()
    for part in text.split(", "):
        words = part.split()
        if words and any(fold(" ".join(words[:size])) in UNIT_WORDS for size in (1, 2)):
            cases.add(words[0][:1].isupper())
    return len(cases) > 1


_DISTRICT = re.compile(r"^(?:quan|huyen|thi xa)\s+(.+)$")  # folded; "thành phố" is also a province's word


@lru_cache(maxsize=1)
def district_names() -> frozenset[str]:
    """The folded names of every district-level unit the register knows, without their unit word."""
    return frozenset(m.group(1) for name in unit_spellings() if (m := _DISTRICT.match(name)))


def _unknown_district(text: str) -> bool:
    """A part "Quận Đa" (for "Quận Đống Đa"): a district by its unit word, but no district bears its name
    (of whatever kind: "Huyện An Dương" became a quận), so a word of it was lost or misread."""
    for part in text.split(","):
        match = _DISTRICT.match(fold(part.strip(" .")))
        if match and not match.group(1).isdigit() and match.group(1) not in district_names():
            return True
    return False


UNKNOWN_UNIT_NOTE = "address: a part between its units that names no unit (words lost or misread?)"


def _unknown_part_between_units(text: str) -> bool:
    """A part between the ward and the province that names no unit the register knows ("Phường 1, Thành Lạt,
    Tỉnh Lâm Đồng": "phố Đà" lost): between two units stand only units, so its words were lost or misread."""
    parts = text.split(", ")
    registered = [_names_a_unit(part) for part in parts]
    if len(parts) < 3 or not registered[-1] or True not in registered[:-1]:
        return False
    return not all(registered[registered.index(True):])


def _names_a_unit(part: str) -> bool:
    """Whether the part names a unit of the register, whatever its marks or case, or a district by another kind
    ("Huyện An Dương", now a quận)."""
    folded = fold(part.strip(" ."))
    match = _DISTRICT.match(folded)
    return folded in unit_spellings() or bool(match and match.group(1) in district_names())


def without_stray_words(text: str) -> str | None:
    """A district's name with what OCR read from specks inside it dropped ("Quận Ngô TƯ G X1 Quyền", "Huyện Lạng
    HƠI Giang", "Quận Sản Hoàn Kiếm"), or a comma read inside it ("Quận Hoàn, Kiếm"): the address with that part
    named as the one district whose words stand in it in order, up to three words apart, where the address then
    resolves to a ward; None where no such district is."""
    parts = text.split(", ")
    for index, part in enumerate(parts):
        joined = f"{part} {parts[index + 1]}" if index + 1 < len(parts) else None
        for candidate, size in ((part, 1), (joined, 2)):
            match = _DISTRICT.match(fold(candidate)) if candidate else None
            if match is None or size == 1 and match.group(1) in district_names() \
                    or size == 2 and _DISTRICT.match(fold(parts[index + 1])):
                continue
            words = candidate.split()  # type: ignore[union-attr]
            unit_size = len(fold(candidate).split()) - len(match.group(1).split())
            kept = words[unit_size:] if match.group(1) in district_names() else _district_within(words[unit_size:])
            if kept is None:
                continue
            repaired = ", ".join([*parts[:index], " ".join([*words[:unit_size], *kept]), *parts[index + size:]])
            if resolve_address(repaired).ward is not None:
                return repaired
    return None


STRAY_WORDS = 3  # at most this many words read from specks inside a district's name


def _district_within(words: list[str]) -> list[str] | None:
    """The words of the one district name of two words or more that stands in ``words`` in order, the rest at most
    ``STRAY_WORDS``; None where none or several do."""
    found = []
    for name in district_names():
        wanted = name.split()
        if len(wanted) < 2 or not 0 < len(words) - len(wanted) <= STRAY_WORDS:
            continue
        kept, at = [], 0
        for word in words:
            if at < len(wanted) and fold(word) == wanted[at]:
                kept.append(word)
                at += 1
        if at == len(wanted):
            found.append(kept)
    return found[0] if len(found) == 1 else None


def units_registered(text: str) -> bool:
    """Whether every comma-separated part of an address is an administrative unit spelled exactly as the
    register does and the units resolve to one current ward: nothing in it is left unchecked. A place of birth
    named as a public health facility of a unit ("Bệnh viện Đa khoa tỉnh Lạng Sơn, Tỉnh Lạng Sơn", "Trạm y tế
    phường Tràng Tiền, Thành phố Hà Nội") counts as that unit: its other words are the facility's fixed name; a
    place an office's name opens ("Ủy ban nhân dân phường Điện Biên, thành phố Thanh Hóa, …") counts as its units."""
    if fold(text).startswith(_UNITS_OFFICES):
        text = _without_office(text)  # the units' own office: its name is a fixed wording (a facility's: below)
    facility_unit = _unit_of_facility(text)
    if facility_unit is not None:
        rest = text.partition(", ")[2]
        if facility_unit == rest:  # a province's hospital, then the same province
            return _a_province_as_spelled(rest)
        text = f"{facility_unit}, {rest}"
    parts = text.split(", ")
    if len({part[:1].islower() for part in parts}) == 1:  # prose writes "phường 12, quận 5": one case throughout
        parts = [part[:1].upper() + part[1:] for part in parts]
    if len(parts) < 2 or any(part not in unit_spellings().get(fold(part), set()) for part in parts):
        return False
    spelled = ", ".join(parts)
    resolved = resolve_address(spelled)
    return resolved.ward is not None and resolved.score >= 1.0 and _marks_of_resolved_units(spelled, resolved) == spelled


# a street part of an address: house, lane and alley numbers ("Số 9 ngõ 72", "Số 160/38", "ngách 28/20"),
# then the street; or a hamlet or residents' group by number or by name
_HOUSE_NUMBERS = r"(?:(?:Số|số|ngõ|ngách|hẻm|kiệt) \d{1,4}[A-Z]?(?:/\d{1,4}[A-Z]?)* )*"
_STREET_PART = re.compile(_HOUSE_NUMBERS + r"(?:đường|phố|Đường|Phố) (?P<name>[^\d,][^,]*|\d{1,2} Tháng \d{1,2})")
# streets named after a day of the nation's history ("đường 30 Tháng 4", "đường Cách Mạng Tháng Tám")
_DAY_NAMED = re.compile(r"(?P<day>\d{1,2}) Tháng (?P<month>\d{1,2})")
_EVENT_NAMES = {"Cách Mạng Tháng Tám"}
_HAMLET_PART = re.compile(r"(?:Thôn|Xóm|Ấp|Bản|Tổ dân phố|Khu phố|Tổ)(?: số)? (?:\d{1,3}|(?P<name>[^\d,]+))")
# a hamlet named by where it lies or what stands in it ("Thôn Thượng", "Xóm Chùa", "Thôn Đông Hạ"): a closed
# set of words, as a village's hamlets are named all over the country; one misread mark makes another word
_HAMLET_WORDS = {"Thượng", "Hạ", "Trung", "Đông", "Tây", "Nam", "Bắc", "Đoài", "Mới", "Cũ", "Chùa", "Đình",
                 "Chợ", "Giữa", "Ngoài", "Trong", "Tiền", "Hậu", "Nội", "Ngoại", "Cầu", "Đồng", "Bến", "Bãi"}


# a flat in a block, before the street: "Căn hộ 1307 tòa B", or as two parts "Phòng 1205", "tòa B3"; its
# number and the block's code are figures and letters nothing checks, as nothing checks a house number
_APARTMENT_PART = re.compile(r"(?:(?:Căn hộ|căn hộ|Phòng|phòng) \d{1,4}[A-Z]?)?(?:(?:^| )(?:[Tt]òa|[Tt]oà)(?: nhà)? "
                             r"[A-Z]{1,3}\d{0,3}[A-Z]?)?")


def street_registered(text: str) -> bool:
    """Whether an address is street parts whose every letter something checks, then registered units
    (``units_registered``): a street or hamlet named exactly as some administrative unit is ("phố Láng Hạ",
    "đường Trần Hưng Đạo": streets are named after places and people that also name wards) or as a person
    is (a surname, then common name syllables: "đường Ngô Xuân Quảng"), or a hamlet or residents' group by
    number ("Tổ 7, đường Thanh Niên, …") or by where it lies ("Thôn Thượng"). House numbers are figures: nothing checks them, as nothing checks a
    ward's number."""
    parts = text.split(", ")
    if _named_facility_checked(parts):
        return True
    for split in range(1, len(parts) - 1):
        if units_registered(", ".join(parts[split:])):
            flat = 0
            while flat < split - 1 and parts[flat] and _APARTMENT_PART.fullmatch(parts[flat]):
                flat += 1  # a flat's parts count only before a street or hamlet part checked below
            return all(_street_part_checked(part) for part in parts[flat:split])
    return False


def _street_part_checked(part: str) -> bool:
    match = _STREET_PART.fullmatch(part) or _HAMLET_PART.fullmatch(part)
    if match is None:
        return False
    name = match.group("name")
    return name is None or _named_as_streets_are(name) or _named_after_a_day(name) \
        or (match.re is _STREET_PART and name in common_street_names()) \
        or (match.re is _HAMLET_PART and _named_by_position(name))


def _named_as_streets_are(name: str) -> bool:
    return name in unit_names() or _named_as_a_person(name)


# a place of birth at a hospital named, as streets are, after a place or a person ("Bệnh viện Bạch Mai", "Bệnh viện
# Phụ sản Hải Phòng", "Bệnh viện Hùng Vương"), after the words that say what kind of hospital it is
_NAMED_FACILITY = re.compile(r"(?:Bệnh viện|Nhà hộ sinh)(?: (?:Đa khoa|Phụ sản - Nhi|Phụ sản|Sản - Nhi|Sản Nhi|Nhi|"
                             r"Hữu nghị|Quốc tế|Trung ương))* (?P<name>[^\d,][^,]*)")


def _named_facility_checked(parts: list[str]) -> bool:
    """Whether a place is a hospital whose name is checked as a street's is, then registered units or a province."""
    match = _NAMED_FACILITY.fullmatch(parts[0])
    if match is None or len(parts) < 2:
        return False
    name = match.group("name")
    if not (_named_as_streets_are(name) or name in common_street_names()):
        return False
    rest = ", ".join(parts[1:])
    return units_registered(rest) or (len(parts) == 2 and _a_province_as_spelled(rest))


def _a_province_as_spelled(part: str) -> bool:
    """Whether ``part`` is a province, with its unit word, spelled exactly as the register does."""
    return fold(part) in province_names() and part in unit_spellings().get(fold(part), set())


@lru_cache(maxsize=1)
def common_street_names() -> frozenset[str]:
    """Names streets bear all over the country (``data/street_names.json``): the founders, kings and heroes
    ("Hùng Vương", "Hai Bà Trưng", "Lê Thánh Tôn") and the events and ideals ("Thanh Niên", "Điện Biên Phủ") that
    the person-name rule does not cover (no surname first, or syllables no given name uses)."""
    return frozenset(json.loads((DATA / "street_names.json").read_text(encoding="utf-8"))["names"])


def _named_by_position(name: str) -> bool:
    words = name.split()
    return 1 <= len(words) <= 2 and all(word in _HAMLET_WORDS for word in words)


def _named_after_a_day(name: str) -> bool:
    day = _DAY_NAMED.fullmatch(name)
    if day is None:
        return name in _EVENT_NAMES
    return 1 <= int(day["month"]) <= 12 and 1 <= int(day["day"]) <= 31


def _named_as_a_person(name: str) -> bool:
    """A street's name that is a person's: a surname, then one to three common name syllables, each capitalised
    and spelled as the name lists do."""
    words = name.split()
    return 2 <= len(words) <= 4 and all(word.istitle() for word in words) \
        and words[0].upper() in name_syllables("surnames").get(fold(words[0]), []) \
        and all(word.upper() in name_syllables().get(fold(word), []) for word in words[1:])


STREET_MARKS_NOTE = "address: the street's name is a registered place's with other marks (its spelling given; a mark misread?)"


def street_marks_misread(text: str) -> str | None:
    """The address with its street's name respelled as the one registered place or listed street name whose letters it
    has, where the marks differ ("đường Trường Chỉnh" → "Trường Chinh", "phố Trán Thái Tông" → "Trần Thái Tông"):
    streets are named after places and people that also name wards, so the register's spelling is the likely print.
    None when no street's name is so (registered as read, unknown, or ambiguous)."""
    for parts, index, before, name in _unlisted_streets(text):
        spellings = street_names_by_letters().get(fold(name), set())
        if len(spellings) == 1:
            spelling = next(iter(spellings))
            if spelling.lower() == name.lower():
                continue  # a letter's case, not a mark: street_case_misread's
            if any(read != registered and fold(read) == read.lower()
                   for read, registered in zip(name.split(), spelling.split(), strict=True)):
                return None  # marks lost, not misread: unmarked_name_word's case, the value kept as read
            parts[index] = before + spelling
            return ", ".join(parts)
    return None


def _unlisted_streets(text: str) -> Iterator[tuple[list[str], int, str, str]]:
    """Each street part of an address whose name neither the register nor the street list spells so: the address's
    parts, the street part's index among them, what precedes the name in it, and the name."""
    parts = text.split(", ")
    for index, part in enumerate(parts):
        match = _STREET_PART.fullmatch(part)
        name = match.group("name") if match is not None else None
        if match is not None and name is not None and name not in unit_names() and name not in common_street_names():
            yield parts, index, part[:match.start("name")], name


STREET_CASE_NOTE = "address: a word of the street's name in the other case from the list's (its spelling given)"


def street_case_misread(text: str) -> str | None:
    """The address with its street's name spelled as the list or the register does where only a letter's case
    differs ("đường Giải phóng" → "Giải Phóng": p, o, s and the like look alike in both cases); None otherwise."""
    for parts, index, before, name in _unlisted_streets(text):
        if (listed := _street_names_by_case().get(name.lower())) is not None:
            parts[index] = before + listed
            return ", ".join(parts)
    return None


@lru_cache(maxsize=1)
def _street_names_by_case() -> dict[str, str]:
    return {name.lower(): name for name in (*unit_names(), *common_street_names())}


@lru_cache(maxsize=1)
def street_names_by_letters() -> dict[str, set[str]]:
    """The registered units' and the listed streets' names by their letters without marks."""
    return by_letters((*unit_names(), *common_street_names()))


def by_letters(words: Iterable[str]) -> dict[str, set[str]]:
    """Words grouped by their letters without marks ("quang": {"Quang", "Quảng"})."""
    found: dict[str, set[str]] = {}
    for word in words:
        found.setdefault(fold(word), set()).add(word)
    return found


@lru_cache(maxsize=1)
def unit_names() -> frozenset[str]:
    """The registered units' names without their unit word ("Láng Hạ" of "Phường Láng Hạ")."""
    return frozenset(spelling.split(" ", len(unit.split()))[-1] for spellings in unit_spellings().values()
                     for spelling in spellings for unit in _UNIT_TYPES if spelling.startswith(unit + " "))


# public health facilities named after their unit ("Bệnh viện Đa khoa tỉnh X", "Trạm y tế xã Y")
_FACILITIES = ("Bệnh viện Đa khoa", "Trạm y tế", "Trung tâm y tế")


def _facility_respelled(text: str) -> str | None:
    """ "Bệnh viện Da khoa thành phố Hà Nội": a public health facility's fixed name read with other marks (or a general
    hospital's "Đa" with another letter), given as it is spelled; None where the place opens with no such name, or
    spells it right."""
    words = text.split()
    for facility in _FACILITIES:
        size = len(facility.split())
        head = " ".join(words[:size])
        if head.lower() != facility.lower() and fold(head) == fold(facility):
            spelled = [word if word.lower() == right.lower() else right  # the case as printed where only marks differ
                       for word, right in zip(head.split(), facility.split(), strict=True)]
            return " ".join([*spelled, *words[size:]])
    if len(words) > 3 and fold(" ".join(words[:2])) == "benh vien" and fold(words[3]) == "khoa" \
            and Levenshtein.distance(fold(words[2]), "da") == 1:
        return " ".join([*words[:2], "Đa", *words[3:]])  # "Bệnh viện Ba khoa Tâm Anh": no hospital is a "Ba khoa"
    return None


def _unit_of_facility(text: str) -> str | None:
    """The unit a place's first part names a public health facility of, as a unit is written ("Tỉnh Lạng Sơn"),
    where the facility's name is spelled exactly and a unit word in lower case follows it."""
    head, comma, _ = text.partition(", ")
    for facility in _FACILITIES:
        unit = head.removeprefix(facility + " ")
        if comma and unit != head and any(unit.startswith(word.lower() + " ") for word in _UNIT_TYPES):
            return unit[:1].upper() + unit[1:]
    return None


_UNIT_TYPES = ("Phường", "Xã", "Thị trấn", "Quận", "Huyện", "Thị xã", "Thành phố", "Tỉnh", "Đặc khu")
_UNIT_FIRST_WORDS = frozenset(unit.split()[0].lower() for unit in _UNIT_TYPES)  # "phường", "thị", "thành" …
_UNIT_LAST_WORDS = frozenset(unit.split()[-1].lower() for unit in _UNIT_TYPES)  # "phường", "trấn", "phố" …
_PLACE_OPENERS = {fold(word) for word in _UNIT_TYPES} | set(_LEADING_PLACE_WORDS)


def read_unit_address(raw: str) -> Reading:
    """An address of administrative units only (a card's place of origin or of birth registration).

    Words OCR'd from the photo or the fingerprint box beside the value are dropped: before the first
    capitalised place word ("Phường", "Xã", "Thôn", ...) and after the province.
    """
    if (cut := before_a_last_comma(raw)) is not None and (reading := read_unit_address(cut)).value:
        return doubted(reading, ENDS_ON_A_COMMA_NOTE)
    words = clean_value(raw).split()
    dropped: list[str] = []
    for index, word in enumerate(words):
        if word[:1].isupper() and (fold(word) in _PLACE_OPENERS or fold(" ".join(words[index:index + 2])) in _PLACE_OPENERS):
            dropped, words = words[:index], words[index:]
            break
    respelled: list[tuple[str, str]] = []
    text, _ = correct_address_spelling(" ".join(words), respelled)
    reading = read_address(_up_to_last_province(text), respelled)
    if reading.value and dropped and dropped[-1].endswith(",") and dropped[-1][:1].isupper():
        # "Quyết Thắng, Thành phố Biên Hòa, …": a part ending as parts do, whose unit word OCR lost, not the photo
        return Reading(reading.value, DOUBTFUL, ["address: a part before its first unit word dropped (its unit word "
                                                 "lost?)"], reading.extra)
    if reading.value and reading.factor > DOUBTFUL and not _ends_at_a_province(reading.value):
        # "…, Thành phố Bắc Ninh": a city the resolver places in its province, but the printed
        # province ("Tỉnh Bắc Ninh") was lost after it
        return Reading(reading.value, DOUBTFUL, ["address: does not end at its province"], reading.extra)
    return reading


def _ends_at_a_province(text: str) -> bool:
    """Whether the last part of a place made of units names a province (with or without its unit word)."""
    return fold(text.rsplit(",", 1)[-1].strip(" .")) in province_names()


def ends_on_a_province_as_spelled(text: str) -> bool:
    """Whether an address's last part is a province's full name as the register spells it, its unit word included
    (``_ends_at_a_province`` takes its name alone too, and a stop after it): "…, Thành phố Hồ Chí NHH" is not, though
    the register resolves it."""
    return fold(text.rpartition(", ")[2]) in province_spellings()


def _up_to_last_province(text: str) -> str:
    """The address up to its last province name: what follows is from beside or below the value
    ("Thành phố Hồ Chí Minh và IO Ngày, tháng, năm cấp ..."). The last, because a former district
    may bear a province's name ("Thành phố Huế, Tỉnh Thừa Thiên Huế")."""
    words = text.split()
    end = None
    for start in range(1, len(words)):
        for size in range(min(6, len(words) - start), 1, -1):
            if fold(" ".join(words[start:start + size]).rstrip(",.")) in province_names():
                end = start + size
                break
    return " ".join(words[:end]).rstrip(",") if end else text


@lru_cache(maxsize=1)
def ethnic_groups() -> dict[str, str]:
    names = json.loads((DATA / "ethnic_groups.json").read_text(encoding="utf-8"))
    return {fold(name): name for name in names}


def read_ethnicity(raw: str) -> Reading:
    return _snap(clean_value(raw), ethnic_groups(), "ethnicity")


@lru_cache(maxsize=1)
def relations() -> dict[str, str]:
    names = json.loads((DATA / "relations.json").read_text(encoding="utf-8"))
    return {fold(name): name for name in names}


def read_relation(raw: str) -> Reading:
    """A household relation ("Chủ hộ", "Con", "Cháu ruột") in its usual spelling."""
    return _snap(clean_value(raw), relations(), "relation", keep_unknown=True)


def read_nationality(raw: str) -> Reading:
    return _snap(clean_value(raw), {"viet nam": "Việt Nam", "vietnam": "Việt Nam"}, "nationality", keep_unknown=True)


def _snap(text: str, known: dict[str, str], what: str, keep_unknown: bool = False) -> Reading:
    """The official spelling of a value from a closed list, tolerating OCR damage."""
    if not text:
        return Reading(None, problems=[f"{what}: empty"])
    folded = fold(text)
    if folded in known:
        return Reading(known[folded])
    words = folded.split()
    unspaced = {key.replace(" ", ""): value for key, value in known.items()}
    for size in (3, 2, 1):  # a known value followed by specks of dirt: "Kinh ` —", its space lost too: "Chủhộ ` j"
        prefix = " ".join(words[:size]).strip(" .,:;`'\"")
        if len(words) > size and (prefix in known or prefix.replace(" ", "") in unspaced):
            return Reading(known.get(prefix) or unspaced[prefix.replace(" ", "")], REPAIRED)
    endings = [value for key, value in known.items() if key.endswith(" " + folded)]
    if len(endings) == 1:  # "Đê" of "Ê Đê": a one-letter first word taken for a speck
        return Reading(endings[0], REPAIRED, [NEAREST.format(what=what)])
    match = process.extractOne(folded, known.keys(), scorer=fuzz.ratio, score_cutoff=75)
    if match:
        return Reading(known[match[0]], REPAIRED, [NEAREST.format(what=what)])
    if keep_unknown:
        return Reading(text, DOUBTFUL, [f"{what}: not a common value"])
    return Reading(text, DOUBTFUL, [f"{what}: not in the list"])


NO_EXPIRY = "khong thoi han"


def read_expiry(raw: str) -> Reading:
    folded = fold(raw)
    # partial_ratio scores a short reading by its best-matching stretch: "T" alone would be 100
    if NO_EXPIRY in folded or len(folded) >= len(NO_EXPIRY) - 4 and fuzz.partial_ratio(NO_EXPIRY, folded) >= 85:
        return Reading(None, 1.0, extra={"no_expiry": True})
    return read_date(raw)


READERS: dict[str, Callable[[str], Reading]] = {
    "text": read_text,
    "name": read_name,
    "date": read_date,
    "date_in_words": read_date_in_words,
    "year": read_year,
    "sex": read_sex,
    "id_number": read_id_number,
    "code": read_code,
    "address": read_address,
    "nationality": read_nationality,
    "ethnicity": read_ethnicity,
    "expiry": read_expiry,
    "place": read_place,
    "relation": read_relation,
    "identifying_marks": read_identifying_marks,
    "unit_address": read_unit_address,
}
