"""The machine-readable zone of Vietnamese id cards: ICAO 9303 TD1, three lines of 30.

Vietnamese layout (both CCCD 2021 and Thẻ căn cước 2024)::

    IDVNM0930470641001093047064<<2   doc number (last 9 of the id) + check digit,
                                     the 12-digit id number, its check digit at [29]
    9301054M3301052VNM<<<<<<<<<<<8   birth YYMMDD + cd, sex, expiry YYMMDD + cd,
                                     nationality, filler, composite check digit
    UNG<<HOANG<HIEP<<<<<<<<<<<<<<<   surname << given names

Reading gates on the document-number, birth-date and expiry check digits; the
composite (line 1 [5:30] + line 2 [0:7] + [8:15] + [18:29]) and the id-number digit
are reported, not required (OCR of the long composite span fails more often than the
reading is wrong). Letter-for-digit repairs (O/0, I/1, B/8, S/5, Z/2, G/6) are made
only in numeric positions and kept only where the check digit then holds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from itertools import product
from typing import Literal
from collections.abc import Iterable

from extractors.readers.ids import birth_year_from_id
from pipeline.text import nfc

LINE = 30
_WEIGHTS = (7, 3, 1)
_TO_DIGIT = str.maketrans({"O": "0", "Q": "0", "D": "0", "U": "0", "I": "1", "L": "1",
                           "B": "8", "S": "5", "Z": "2", "G": "6", "T": "7", "A": "4"})
_TO_LETTER = str.maketrans({"0": "O", "1": "I", "8": "B", "5": "S", "2": "Z", "6": "G"})
# What OCR makes of the filler "<".
_FILLER_LOOKALIKES = str.maketrans({"«": "<<", "‹": "<", "〈": "<", "≤": "<", "(": "<",
                                    "{": "<", "[": "<", "£": "<", "€": "<"})


def mrz_check_digit(text: str) -> str:
    """ICAO 9303 check digit: weights 7,3,1; digits as such, A-Z 10-35, '<' 0."""
    total = 0
    for i, ch in enumerate(text):
        if ch.isdigit():
            value = int(ch)
        elif "A" <= ch <= "Z":
            value = ord(ch) - 55
        elif ch == "<":
            value = 0
        else:
            raise ValueError(f"not an MRZ character: {ch!r}")
        total += value * _WEIGHTS[i % 3]
    return str(total % 10)


@dataclass
class MrzReading:
    lines: tuple[str, str, str]  # the three lines as read after repairs
    document_code: str  # "ID"
    issuing_state: str  # "VNM"
    document_number: str
    id_number: str | None  # 12 digits from line 1's optional data
    birth_date: str | None  # ISO
    sex: Literal["Nam", "Nữ"] | None
    expiry_date: str | None  # ISO; None with no_expiry
    no_expiry: bool
    nationality: str
    surname: str
    given_names: str
    checks: dict[str, bool] = field(default_factory=dict)  # document_number, birth_date,
    # expiry_date, id_number, composite
    repaired: bool = False  # some character was changed to make a check digit hold

    @property
    def name(self) -> str:
        """Surname and given names, as the MRZ spells them ("UNG HOANG HIEP")."""
        return " ".join(p for p in (self.surname, self.given_names) if p)

    @property
    def valid(self) -> bool:
        """The three required check digits hold."""
        return all(self.checks.get(k) for k in ("document_number", "birth_date", "expiry_date"))


def _check(value: str, digit: str) -> tuple[str, bool, bool] | None:
    """(digits, holds, repaired) of a numeric field (Vietnamese document numbers are
    digits too): letters read for digits are repaired, and the repair counts only if
    the check digit then holds. None when characters are not digit look-alikes."""
    fixed, fixed_digit = value.translate(_TO_DIGIT), digit.translate(_TO_DIGIT)
    if not (fixed.isdigit() and fixed_digit.isdigit()):
        return None  # characters no repair turns into digits: not this field
    holds = mrz_check_digit(fixed) == fixed_digit
    return fixed, holds, holds and (fixed != value or fixed_digit != digit)


def _clean(line: str) -> str:
    line = nfc(line).upper().translate(_FILLER_LOOKALIKES)
    return re.sub(r"[^A-Z0-9<]", "", line)


def _fillers(segment: str) -> str:
    """K is OCR's favourite misreading of '<' in filler runs."""
    return segment.replace("K", "<")


def _variants(line: str) -> list[str]:
    """The line itself if 30 long, else 30-long variants: drop one character (a
    doubled filler, a speck) or add a '<' to a filler run; at most one off."""
    if len(line) == LINE:
        return [line]
    if len(line) == LINE + 1:
        return list(dict.fromkeys(line[:i] + line[i + 1:] for i in range(len(line))))
    if len(line) == LINE - 1:
        spots = [i for i in range(len(line) + 1)
                 if (i < len(line) and line[i] == "<") or (i > 0 and line[i - 1] == "<")]
        return list(dict.fromkeys(line[:i] + "<" + line[i:] for i in spots))
    return []


def _line2_variants(line: str) -> list[str]:
    """Line 2 with its filler run rebuilt: OCR often drops or doubles a few of the
    eleven '<' of the optional data, which hold nothing on Vietnamese cards."""
    variants = _variants(line)
    if 18 < len(line) < LINE + 4 and not variants:
        tail = _fillers(line[18:])
        digit = tail[-1] if tail[-1:].isdigit() else "<"
        if set(tail.rstrip("0123456789")) <= {"<"}:
            variants.append(line[:18] + "<" * 11 + digit)
    return variants


def _date(yymmdd: str, century: int) -> str | None:
    try:
        return date(century + int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:6])).isoformat()
    except ValueError:
        return None


def _read(l1: str, l2: str, l3: str) -> MrzReading | None:
    repaired = False
    doc = _check(l1[5:14], l1[14])
    opt1 = _fillers(l1[27:29])
    id_field = _check(l1[15:27], l1[29]) if l1[29] != "<" else None
    birth = _check(l2[0:6], l2[6])
    expiry_raw = _fillers(l2[8:14])
    no_expiry = expiry_raw == "<<<<<<"
    expiry = (expiry_raw, True, False) if no_expiry else _check(l2[8:14], l2[14])
    if doc is None or birth is None or expiry is None:
        return None
    doc_number, doc_ok, r1 = doc
    birth_raw, birth_ok, r2 = birth
    expiry_raw, expiry_ok, r3 = expiry
    repaired = r1 or r2 or r3
    id_number = None
    id_ok = False
    if id_field is not None:
        id_number, id_ok, r4 = id_field
        repaired |= r4
        if not id_ok:
            id_number = None  # its own check digit failed: do not pass it on
    else:
        candidate = l1[15:27].translate(_TO_DIGIT)
        # no check digit printed: trust the id only if it repeats the document number
        id_number = candidate if candidate.isdigit() and candidate[3:] == doc_number else None
    nationality = l2[15:18].translate(_TO_LETTER)
    optional2 = _fillers(l2[18:29])
    composite_digit = l2[29].translate(_TO_DIGIT)
    head = "ID" + l1[2:5] if l1[2:5] in ("VNM", "VHM") else l1[:5]
    line1 = head.replace("VHM", "VNM") + doc_number + l1[14].translate(_TO_DIGIT) + (id_number or l1[15:27]) \
        + opt1 + l1[29].translate(_TO_DIGIT)
    line2 = birth_raw + l2[6].translate(_TO_DIGIT) + l2[7] + expiry_raw \
        + l2[14].translate(_TO_DIGIT) + nationality + optional2 + composite_digit
    try:
        composite = str(mrz_check_digit(line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29]))
    except ValueError:
        composite = None
    composite_ok = composite == composite_digit
    if composite and not composite_digit.isdigit() and doc_ok and birth_ok and expiry_ok and id_ok:
        # the composite digit read as a filler: every part it covers is checked, so it is known
        line2, composite_ok, repaired = line2[:29] + composite, True, True

    century = None
    id_year = birth_year_from_id(id_number) if id_number else None
    if id_year is not None and birth_raw.isdigit() and id_year % 100 == int(birth_raw[:2]):
        century = id_year - id_year % 100  # the id's century digit settles it
    if century is None and birth_raw.isdigit():
        # no id to tell: a birth year cannot be in the future
        century = 2000 if int(birth_raw[:2]) <= date.today().year % 100 else 1900
    birth_date = _date(birth_raw, century) if birth_raw.isdigit() and century else None
    expiry_date = None if no_expiry or not expiry_raw.isdigit() else _date(expiry_raw, 2000)

    name_field = re.sub(r"K{2,}", lambda m: "<" * len(m.group()), l3)
    # K for '<' in the trailing filler run; Vietnamese syllables never end in K, so a K
    # between the last name and the fillers is a filler too ("HIEPK<<<")
    name_field = re.sub(r"[<K]*$", lambda m: "<" * len(m.group()), name_field)
    name_field = name_field.translate(_TO_LETTER)
    surname, _, given = name_field.partition("<<")
    given = given.split("<<")[0]  # a second "<<" ends the names: the rest is filler noise
    sex = {"M": "Nam", "F": "Nữ"}.get(l2[7])
    return MrzReading(
        lines=(line1, line2, name_field), document_code=line1[0:2], issuing_state=line1[2:5],
        document_number=doc_number, id_number=id_number, birth_date=birth_date,
        sex=sex, expiry_date=expiry_date, no_expiry=no_expiry,  # type: ignore[arg-type]  # "Nam"/"Nữ" or None
        nationality=nationality, surname=surname.strip("<").replace("<", " "),
        given_names=" ".join(p for p in given.split("<") if p),
        checks={"document_number": doc_ok, "birth_date": birth_ok, "expiry_date": expiry_ok,
                "id_number": id_ok, "composite": composite_ok},
        repaired=repaired,
    )


def _score(r: MrzReading) -> tuple[int, int, int]:
    return (sum(r.checks[k] for k in ("document_number", "birth_date", "expiry_date")),
            r.checks["composite"] + r.checks["id_number"], -r.repaired)


_LINE1_HEAD = re.compile(r"[A-Z0-9<]?[D0O][V<][N][M]")


def _line1_start(line: str) -> int | None:
    """Where line 1 begins: its "IDVNM" head, read as "TDVNM", "1DVNM", "IDVHM"... or
    any two characters before an issuing-state code."""
    m = _LINE1_HEAD.search(line[:8].replace("VHM", "VNM"))
    if m:  # "I1DVNM": the speck before "1DVNM" goes
        return max(0, m.end() - 5)
    if line[:2] in ("ID", "I<", "1D", "TD", "LD") and line[2:5].isalpha():
        return 0
    return None


def find_td1_lines(text: str | Iterable[str]) -> list[tuple[str, str, str]]:
    """Candidate triples of MRZ lines in noisy OCR output (cleaned, not yet 30 long)."""
    raw = text.splitlines() if isinstance(text, str) else list(text)
    lines = [c for c in (_clean(x) for x in raw) if c]
    triples = []
    for i, line in enumerate(lines):
        start = _line1_start(line)
        if start is not None and i + 2 < len(lines):
            triples.append((line[start:], lines[i + 1], lines[i + 2]))
    if not triples:
        # the three lines joined into one (OCR of a tight block) or split oddly
        joined = "".join(lines)
        for m in re.finditer(r"I[D<1L][A-Z<]{3}", joined):
            chunk = joined[m.start():m.start() + 3 * LINE]
            if len(chunk) == 3 * LINE:
                triples.append((chunk[:LINE], chunk[LINE:2 * LINE], chunk[2 * LINE:]))
    return triples


def parse_td1(lines_or_text: str | Iterable[str], *, require_checks: bool = True
              ) -> MrzReading | None:
    """The TD1 MRZ in ``lines_or_text`` (OCR text with newlines, or its lines).

    Cleans OCR noise (spaces, «/‹ for '<', K for '<' in fillers), fixes a line one
    character too long or short, repairs letters in numeric fields where the check
    digit then holds, and returns the best reading. With ``require_checks`` (the
    default) a reading whose document-number, birth-date or expiry check digit fails
    is refused (None)."""
    best: MrzReading | None = None
    for c1, c2, c3 in find_td1_lines(lines_or_text):
        c3 = (c3 + "<" * LINE)[:LINE] if len(c3) < LINE else c3[:LINE]  # name: pad/trim
        for l1, l2 in product(_variants(c1), _line2_variants(c2)):
            reading = _read(l1, l2, c3)
            if reading and (best is None or _score(reading) > _score(best)):
                best = reading
    if best is None or (require_checks and not best.valid):
        return None
    return best
