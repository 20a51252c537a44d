"""Cross-checks between fields, and the rule that sends a document to review.

A value that fails a check keeps its value but loses its confidence, and the
document says why: a wrong value stated with confidence is worse than none.
"""

from __future__ import annotations

import re
from itertools import product

from rapidfuzz.distance import Levenshtein

from extractors.calibration import CORROBORATED, DERIVED, DIFFERS
from extractors.engine import letters_of
from extractors.kinds import LETTERS_CHECKED, NEAREST, name_syllables, read_address
from extractors.readers.dates import date_in_words_variants, only_date_words, parse_date_in_words, spelled_as_printed
from extractors.readers.ids import check_id_number, decode_id_number
from extractors.spec import FieldSpec, TypeSpec
from pipeline.text import fold
from schemas import BBox, Document, Field, Word

TRUSTED = 0.9  # below this a value is not put into a record without a person's look
FAILED_CHECK = 0.3
MACHINE_READ = ("qr", "mrz")  # sources whose values their codes' own checks vouch for
# what two printings that agree add to a value's raw confidence, and the most they raise it to
AGREEMENT, AGREED_MOST = 0.15, 0.97


def distrust(document: Document, name: str, reason: str) -> None:
    """Lower a field's confidence after a failed check and route the document to review."""
    field = document.fields.get(name)
    if field is not None:
        field.confidence = min(field.confidence, FAILED_CHECK)
        field.note = "; ".join(filter(None, [field.note, reason]))
    document.flag(reason)


def is_iso_date(value: object) -> bool:
    """Whether a field's value is a date in the normal form (yyyy-mm-dd)."""
    return isinstance(value, str) and bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", value))


def value(document: Document, name: str | None) -> str | None:
    field = document.fields.get(name) if name else None
    return field.value if field is not None and isinstance(field.value, str) else None


def check_id_numbers(document: Document, spec: TypeSpec) -> None:
    """Each id number's digits must agree with its holder's birth date and sex.

    Where they do, the sex and a birth *year* read elsewhere on the paper are a second, independent reading of
    what the digits encode, and are trusted more (a full date agrees only in its year: not raised). A 9-digit
    number encodes neither."""
    for check in spec.id_checks:
        id_number = value(document, check.id_number)
        if not id_number:
            continue
        sex = check.sex_is or value(document, check.sex)
        born = value(document, check.date_of_birth)
        problems = check_id_number(id_number, born, sex)
        for problem in problems:
            distrust(document, check.id_number, problem.replace("id_number", check.id_number, 1))
            # the digits and the other value disagree: either may be the misread one (not a machine code's, checked)
            other = check.sex if "sex digit" in problem else check.date_of_birth if "birth year" in problem else None
            if other is not None and other in document.fields and document.fields[other].source not in MACHINE_READ:
                distrust(document, other, f"{other}: disagrees with {check.id_number}'s digits")
            if "sex digit" in problem and check.sex_is:
                distrust_section(document, spec, check.id_number)
        if problems or len(id_number) != 12:
            continue
        if check.sex and sex:
            agreed(document.fields[check.sex])
            settled_by_digit(document.fields[check.sex], document.fields[check.id_number])
        if check.date_of_birth and born and re.fullmatch(r"\d{4}", born):
            agreed(document.fields[check.date_of_birth])


def sex_unread_from_id_numbers(document: Document, spec: TypeSpec) -> None:
    """A sex OCR did not read at all (its line lost, or neither Nam nor Nữ in it: a display face's "Nữ") is the
    one digit 4 of a fairly sure id number encodes, where that number agrees with the birth date: derived, below
    the trust line, for a person to confirm."""
    for check in spec.id_checks:
        sex = document.fields.get(check.sex) if check.sex else None
        if check.sex is None or sex is not None and sex.value is not None:
            continue
        id_field = document.fields.get(check.id_number)
        if (digit_sex := sex_of_a_sure_id_number(id_field, value(document, check.date_of_birth))) is not None:
            document.fields[check.sex] = Field(value=digit_sex, confidence=SEX_FROM_ID, source="ocr",
                                               page=id_field.page if id_field else None,
                                               note=f"{DERIVED}the sex unread, taken from {check.id_number}'s digit 4")


def sex_of_a_sure_id_number(id_field: Field | None, born: str | None) -> str | None:
    """The sex digit 4 of a fairly sure 12-digit id number encodes, where the number agrees with the birth date
    (century and year digits, a known province); None otherwise."""
    if id_field is None or not isinstance(id_field.value, str) or id_field.confidence < ID_FAIRLY_SURE or not born:
        return None
    parts = decode_id_number(id_field.value)
    return None if parts is None or check_id_number(id_field.value, born) else parts.sex


ID_FAIRLY_SURE = 0.5  # an id number's raw confidence from which its sex digit stands for a sex read unclearly or not
SEX_FROM_ID = 0.5  # plausible, below the trust line


def distrust_section(document: Document, spec: TypeSpec, id_number: str) -> None:
    """An id number of the other sex than its holder's role (a husband's that says female) may be the other
    person's: the columns of the two read the wrong way round. Every value read from its section is doubted."""
    section = spec.fields[id_number].section
    for name, field_spec in spec.fields.items():
        field = document.fields.get(name)
        if section and field_spec.section == section and name != id_number and field is not None \
                and field.value is not None and field.source not in MACHINE_READ:
            distrust(document, name, f"{name}: {id_number}'s digits say another sex (the other person's?)")


def settled_by_digit(sex: Field, id_field: Field) -> None:
    """A sex whose word was read unclearly (the nearer of Nam and Nữ to what was read, or another second reading)
    that the digit of a surely read id number agrees with: two readings, of the word and of the digit, alike."""
    unclear = sex.note in (NEAREST.format(what="sex"), DIFFERS)
    if unclear and sex.source == "ocr" and id_field.confidence >= TRUSTED:
        sex.note = CORROBORATED


def agreed(field: Field) -> None:
    """A value another printing on the paper agrees with: trusted more than either alone."""
    field.confidence = max(field.confidence, min(AGREED_MOST, field.confidence + AGREEMENT))


def printed_alike(field: Field, over: tuple[str | None, ...] = (None,)) -> None:
    """A value another printing on the paper agrees with, read alike: trusted more (``agreed``), and counted as read
    twice alike (more than one printing read twice) where its note is one of ``over``: not over a doubt of its own."""
    agreed(field)
    if field.note in over:
        field.note = CORROBORATED


def check_names_printed_twice(document: Document, spec: TypeSpec, lines: dict[int, list[list[Word]]]) -> None:
    """A name the paper prints again on another line (a household's head in its members' table, a spouse under
    the signature), read there with the same letters and marks: two printings read apart agree."""
    for name, field_spec in spec.fields.items():
        field = document.fields.get(name)
        if field_spec.kind == "name" and field is not None and field.source == "ocr" and field.note is None \
                and isinstance(field.value, str) and field.bbox is not None \
                and printed_again(field.value, field.bbox, lines.get(field.page or 0, [])):
            printed_alike(field)  # not over a doubt of its own (a name the signatures print longer)


def printed_again(name: str, bbox: BBox, lines: list[list[Word]]) -> bool:
    """Whether a line other than those the value was read from holds ``name`` word for word (case aside), and
    not inside a longer name (LÊ VIỆT HÙNG is no second printing of "VIỆT HÙNG": that one was cut short)."""
    wanted = name.lower().split()
    for line in lines:
        if any(_overlap(word.bbox, bbox) for word in line):
            continue  # the value's own line
        spoken = [letters_of(word.text).strip(",.;:()").lower() for word in line]
        for start in range(len(spoken) - len(wanted) + 1):
            end = start + len(wanted)
            if spoken[start:end] == wanted and not _runs_on(line, start - 1, start) and not _runs_on(line, end, end - 1):
                return True
    return False


def _runs_on(line: list[Word], index: int, beside: int) -> bool:
    """Whether the word at ``index`` stands right beside the name's word at ``beside`` (no wider blank than a word's
    height: two spouses' names share a signature line apart) and is one a name may hold: the name goes on."""
    if not 0 <= index < len(line):
        return False
    word, near = line[index], line[beside]
    gap = max(word.bbox[0] - near.bbox[2], near.bbox[0] - word.bbox[2])
    text = letters_of(word.text).strip(",.;:()")
    return gap <= near.bbox[3] - near.bbox[1] and text[:1].isupper() and (
        text.upper() in name_syllables().get(fold(text), []) or text.upper() in name_syllables("surnames").get(fold(text), []))


def _overlap(a: BBox, b: BBox) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def check_places_read_alike(document: Document, spec: TypeSpec) -> None:
    """Two places the paper prints apart, often one (the spouses' residences, the parents'), read letter for letter
    alike: two printings read apart agree. Not over a doubt of either's own (a repair, a respelling: one may stand
    for the other's misread marks), nor where both were read from the same words."""
    for first, second in spec.places_often_alike:
        a, b = document.fields.get(first), document.fields.get(second)
        if a is not None and b is not None and isinstance(a.value, str) and isinstance(b.value, str) \
                and a.value != b.value and (mended := one_place_of_two_misreadings(a.value, b.value)) is not None:
            for field in (a, b):
                if field.value != mended:  # the same place, each reading's misread part taken from the other's
                    field.value, field.confidence = mended, min(field.confidence, FAILED_CHECK)
                    field.note = "; ".join(filter(None, [field.note, PLACE_MENDED_NOTE]))
            continue
        if a is None or b is None or not a.value or a.value != b.value or not a.source == b.source == "ocr" \
                or a.note is not None or b.note is not None:
            continue
        if a.page == b.page and a.bbox is not None and b.bbox is not None and _overlap(a.bbox, b.bbox):
            continue
        agreed(a)
        agreed(b)


PLACE_MENDED_NOTE = "address: a part misread here read clearly in the other printing of the same place (a person confirms)"
PART_EDITS = 2  # edits by which two readings of one part may differ to be one part misread


def one_place_of_two_misreadings(first: str, second: str) -> str | None:
    """Two readings of one place (a couple's shared home) whose parts differ by a letter or two in one or two parts,
    each misread in one of them ("Thôn 1n Lạc … Huyện Cư M'gar" and "Thôn An Lạc … Huyện Cư MWgar"): the one way
    of taking each such part from either reading that the address reader finds nothing wrong with; None when the
    readings are two places or no way (or two) reads clean."""
    a, b = first.split(", "), second.split(", ")
    differing = [i for i in range(len(a)) if len(a) == len(b) and a[i] != b[i]]
    if not differing or len(differing) > 2 or any(Levenshtein.distance(a[i], b[i]) > PART_EDITS for i in differing):
        return None
    clean, checked = set(), set()  # read with nothing wrong; and with every word of letters a register's or a name's
    for choice in product((a, b), repeat=len(differing)):
        parts = list(a)
        for index, source in zip(differing, choice, strict=True):
            parts[index] = source[index]
        reading = read_address(", ".join(parts))
        if reading.value and not reading.problems and reading.factor == 1.0:
            clean.add(reading.value)
            if reading.extra.get(LETTERS_CHECKED) is True:
                checked.add(reading.value)
    best = checked if len(checked) == 1 else clean
    return best.pop() if len(best) == 1 else None


def check_dates_agree(document: Document, spec: TypeSpec) -> None:
    """A date printed in figures and again in words must be the same date."""
    for figures, words in spec.same_dates:
        date, spelled = value(document, figures), value(document, words)
        if not date or not spelled:
            continue
        reading = parse_date_in_words(spelled)
        if (reading is None or reading.iso != date) and not only_date_words(spelled) \
                and (spelling := date_spelled_near(spelled, date)) is not None:
            # words OCR garbled ("… không trăm Inười ám"), a few letters from one spelling of the figures' date:
            # that spelling, for a person to confirm with the figures
            field = document.fields[words]
            field.value, field.note = spelling, f"{DERIVED}the date in figures spelled as the words nearly read"
            distrust(document, words, f"{words}: {field.note}")
            if reading is not None:
                distrust(document, figures, f"{figures}: disagrees with {words}")
        elif reading is None or reading.iso != date:
            distrust(document, figures, f"{figures}: disagrees with {words}")
            distrust(document, words, f"{words}: disagrees with {figures}")
        else:
            printed_alike(document.fields[figures])
            # the words read alike only where spelled as printed: a misread mark ("bẩy" for "bảy", "mười" for
            # "mươi") is the same date, but no second reading of its print
            if spelled_as_printed(spelled):
                printed_alike(document.fields[words])
            else:
                agreed(document.fields[words])


WORDS_NEAR = 0.25  # edits per letter a garbled date in words may be from a spelling of the date in figures


def date_spelled_near(spelled: str, iso: str) -> str | None:
    """The one spelling in words of the date ``iso`` that ``spelled`` is a few letters from (marks aside), else
    None."""
    if not is_iso_date(iso):
        return None
    read = fold(spelled)
    near = sorted((Levenshtein.distance(read, fold(variant)), variant) for variant in date_in_words_variants(iso))
    best, spelling = near[0]
    if best > WORDS_NEAR * len(read) or len(near) > 1 and near[1][0] == best:
        return None
    return spelling


def apply_review_policy(document: Document, spec: TypeSpec, side: str | None = None) -> None:
    """Missing required fields and values below TRUSTED are told to the reviewer; the document waits for one only
    for a reason of its own or one about a required field (``records.fieldstate.needs_person``'s rule): a doubtful
    optional field is shown, it does not hold the document back.

    A field its type prints only on documents dated from a day (``printed_from``) is not missing from one dated
    earlier. ``side``: the one side of a two-sided document its pages show ("front", "back"): a required field its type
    prints on the other side (for the document's variant) is not missing from it, but for the fields that number
    the document (a side without them cannot be told apart: the back's machine zone prints the card's number).
    """
    for name, field_spec in spec.fields.items():
        field: Field | None = document.fields.get(name)
        if field is None or (field.value is None and not field.no_expiry):
            if field_spec.required and not not_on_this_paper(document, spec, name, side):
                document.flag(f"{name}: not found")
        elif field.confidence < TRUSTED:
            document.flag(f"{name}: low confidence")
    document.needs_review = holds_document(document, spec)


def not_on_this_paper(document: Document, spec: TypeSpec, name: str, side: str | None) -> bool:
    """A required field the paper in hand does not print: dated before the type printed it, or on a card's other
    side (but for the fields that number the document)."""
    field_spec = spec.fields[name]
    return printed_later(document, field_spec) or (
        name not in spec.record.number and printed_elsewhere(field_spec, document.variant, side))


def printed_elsewhere(field_spec: FieldSpec, variant: str | None, side: str | None) -> bool:
    """Whether a side shown alone cannot show this field: its type prints it on the other side."""
    printed = field_spec.printed_side(variant)
    return side in ("front", "back") and printed is not None and printed != side


def printed_later(document: Document, field_spec: FieldSpec) -> bool:
    """Whether the document is dated (a trusted date) before the day from which its type prints the field."""
    if field_spec.printed_from is None:
        return False
    date_field, day = field_spec.printed_from
    dated = document.fields.get(date_field)
    return (dated is not None and isinstance(dated.value, str) and len(dated.value) == len(day) and
            dated.confidence >= TRUSTED and dated.value < day)


_LEADING_NAME = re.compile(r"^([a-z][a-z0-9_]*)(?:\[\d+\][a-z0-9_.]*)?(?=[: ])")


def holds_document(document: Document, spec: TypeSpec) -> bool:
    """A reason that is the document's own (it names no field), or one about a required field of the type."""
    names = set(spec.fields) | set(document.fields)
    for reason in document.review_reasons:
        match = _LEADING_NAME.match(reason)
        name = match.group(1) if match and match.group(1) in names else None
        if name is None or (name in spec.fields and spec.fields[name].required):
            return True
    return False
