"""Cross-checks between fields, and the rule that sends a document to review.

A value that fails a check keeps its value but loses its confidence, and the
document says why: a wrong value stated with confidence is worse than none.
"""

from __future__ import annotations

from extractors.readers.dates import parse_date_in_words
from extractors.readers.ids import check_id_number
from extractors.spec import TypeSpec
from schemas import Document, Field

TRUSTED = 0.9  # below this a value is not put into a record without a person's look
FAILED_CHECK = 0.3


def distrust(document: Document, name: str, reason: str) -> None:
    """Lower a field's confidence after a failed check and route the document to review."""
    field = document.fields.get(name)
    if field is not None:
        field.confidence = min(field.confidence, FAILED_CHECK)
        field.note = "; ".join(filter(None, [field.note, reason]))
    document.flag(reason)


def value(document: Document, name: str | None) -> str | None:
    field = document.fields.get(name) if name else None
    return field.value if field is not None and isinstance(field.value, str) else None


def check_id_numbers(document: Document, spec: TypeSpec) -> None:
    """Each id number's digits must agree with its holder's birth date and sex."""
    for check in spec.id_checks:
        id_number = value(document, check.id_number)
        if not id_number:
            continue
        sex = check.sex_is or value(document, check.sex)
        for problem in check_id_number(id_number, value(document, check.date_of_birth), sex):
            distrust(document, check.id_number, problem.replace("id_number", check.id_number, 1))


def check_dates_agree(document: Document, spec: TypeSpec) -> None:
    """A date printed in figures and again in words must be the same date."""
    for figures, words in spec.same_dates:
        date, spelled = value(document, figures), value(document, words)
        if not date or not spelled:
            continue
        reading = parse_date_in_words(spelled)
        if reading is None or reading.iso != date:
            distrust(document, figures, f"{figures}: disagrees with {words}")
            distrust(document, words, f"{words}: disagrees with {figures}")
        else:
            # two independent printings agree: trust both more than either alone
            for name in (figures, words):
                field = document.fields[name]
                field.confidence = max(field.confidence, min(0.97, field.confidence + 0.15))


def apply_review_policy(document: Document, spec: TypeSpec) -> None:
    """Missing required fields and values below TRUSTED send the document to a reviewer."""
    for name, field_spec in spec.fields.items():
        field: Field | None = document.fields.get(name)
        if field is None or (field.value is None and not field.no_expiry):
            if field_spec.required:
                document.flag(f"{name}: not found")
        elif field.confidence < TRUSTED:
            document.flag(f"{name}: low confidence")
