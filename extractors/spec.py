"""The declarative description of a document type, loaded from ``extractors/types/<type>.yml``.

A new document type is one YAML file (labels, sections, value kinds) plus, only
if it has parts no label can describe (a QR code, a table), a small hook module.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

TYPES_DIR = Path(__file__).parent / "types"

ValueKind = Literal[
    "text", "name", "date", "date_in_words", "year", "sex", "id_number", "code",
    "address", "unit_address", "place", "nationality", "ethnicity", "expiry", "relation", "identifying_marks",
]


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FieldSpec(_Spec):
    """How to find one field: its printed labels, the kind of value, where on the page."""

    labels: list[str]
    kind: ValueKind = "text"
    section: str = "main"
    multiline: bool = False  # the value may continue on the following lines (addresses)
    required: bool = True
    # for two-sided documents: the side its labelled value is printed on, one for every variant or by variant
    # ({cccd_2021: front, can_cuoc_2024: back}); a side read alone does not miss what the other side prints
    side: Literal["front", "back"] | dict[str, Literal["front", "back"]] | None = None
    # (a date field, an ISO day): only documents dated from that day print it (a number that did not exist
    # before): on one dated earlier its absence is no review reason; a value read there is judged as any other
    printed_from: tuple[str, str] | None = None
    # (a code) the parts of the symbol its number bears ("69/UBND-XNTTHN": UBND, XNTTHN): a closed list, so a
    # part misread by a letter is put right, and only the number's figures are OCR's to doubt
    symbols: list[str] = []

    def printed_side(self, variant: str | None) -> str | None:
        """The side this field is printed on for a card of ``variant``; None: either, or not known."""
        if isinstance(self.side, dict):
            return self.side.get(variant) if variant else None
        return self.side


class ClassifySpec(_Spec):
    """Evidence for the type: titles weigh most; ``exclude`` phrases veto."""

    titles: list[str]
    keywords: list[str] = Field(default_factory=list)
    exclude: list[str] = Field(default_factory=list)
    # regular expressions over the page's own text (not folded) that count as much as a title:
    # printed structures OCR keeps even where it mangles the words around them (an MRZ line)
    patterns: list[str] = Field(default_factory=list)
    # a page cut to an ID-1 card's shape that carries the type's labels counts as the type's own evidence
    card_shaped: bool = False


class VariantSpec(_Spec):
    name: str
    keywords: list[str]
    issued_from: str | None = None  # ISO date: the first day this variant was issued (an earlier issue date is misread)


class IdCheck(_Spec):
    """An id number whose digits must agree with a birth date (or year) and a sex."""

    id_number: str
    date_of_birth: str | None = None
    sex: str | None = None  # a field holding the sex
    sex_is: Literal["Nam", "Nữ"] | None = None  # or the sex the role implies (mother: Nữ)


MaskKind = Literal["name", "id_number", "date_of_birth", "address", "withheld"]


class PersonSpec(_Spec):
    """Where one person named by a document sits in its fields (or in one row of a table)."""

    id_number: str
    full_name: str | None = None
    date_of_birth: str | None = None
    birth_year: str | None = None
    sex: str | None = None


class MembersSpec(_Spec):
    """A table of persons (a household's members): each row names one person in ``role``."""

    field: str
    role: str
    person: PersonSpec


class RecordSpec(_Spec):
    """What the records need to know about a type: identity across scans, persons, validity."""

    # fields whose values, joined by "|", identify the document across scans (all must be read)
    number: list[str] = Field(default_factory=list)
    # role → where that person sits; "subject" is the holder (the citizen the document is about)
    persons: dict[str, PersonSpec] = Field(default_factory=dict)
    members: MembersSpec | None = None
    residence: list[str] = Field(default_factory=list)  # the holder's address, in order of preference
    valid_from: str | None = None
    valid_until: str | None = None  # a date field; or:
    valid_for_days: int | None = None  # counted from valid_from
    # sides may arrive as separate files: a side without a number joins the one card of the upload it fits
    sides_join_on: list[str] = Field(default_factory=list)
    identifies_holder: bool = False  # its number is the holder's id number: it tells whose dossier it is


class IssuerSpec(_Spec):
    """The issuing office (named in the header and the opening sentence) and the date at the signature."""

    office: str  # the office's name as running text spells it: "Công an", "Ủy ban nhân dân"
    abbreviations: list[str] = Field(default_factory=list)  # as headers may print it: "UBND"
    field: str = "issuing_authority"
    date_field: str | None = "issue_date"
    local: bool = True  # the office serves a commune or ward (not the district or province a header names above it)


class TypeSpec(_Spec):
    document_type: str
    title: str  # the document's name, in Vietnamese, for people (review and counter pages)
    classify: ClassifySpec
    variants: list[VariantSpec] = Field(default_factory=list)
    # named page regions that start at an anchor phrase: {"mother": ["người mẹ"]}
    sections: dict[str, list[str]] = Field(default_factory=dict)
    fields: dict[str, FieldSpec]
    id_checks: list[IdCheck] = Field(default_factory=list)
    same_dates: list[tuple[str, str]] = Field(default_factory=list)  # a date and the same date in words
    # two places a paper prints that are often one (the spouses' residences): read alike, each a second printing
    places_often_alike: list[tuple[str, str]] = Field(default_factory=list)
    issuer: IssuerSpec | None = None
    hook: str | None = None  # module in extractors/ with extra steps: QR, MRZ, tables
    record: RecordSpec = Field(default_factory=RecordSpec)
    # personal fields and how they are shown to clients without the full scope (others are not masked)
    masking: dict[str, MaskKind] = Field(default_factory=dict)

    def all_labels(self) -> list[str]:
        return sorted({label for field in self.fields.values() for label in field.labels})


@lru_cache(maxsize=1)
def load_type_specs() -> tuple[TypeSpec, ...]:
    """Every document type shipped in ``extractors/types``, validated."""
    specs = []
    for path in sorted(TYPES_DIR.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        spec = TypeSpec.model_validate(data)
        if spec.document_type != path.stem:
            raise ValueError(f"{path.name}: document_type {spec.document_type!r} must match the file name")
        specs.append(spec)
    return tuple(specs)


def document_types() -> tuple[str, ...]:
    """The names of the types hoso extracts (``unknown`` is not one of them)."""
    return tuple(spec.document_type for spec in load_type_specs())


def spec_for(document_type: str) -> TypeSpec | None:
    return next((spec for spec in load_type_specs() if spec.document_type == document_type), None)


def record_spec(document_type: str) -> RecordSpec:
    """The record rules of a type; an unknown type has none (no number, no persons, no validity)."""
    spec = spec_for(document_type)
    return spec.record if spec is not None else RecordSpec()


@dataclass(frozen=True)
class ReadingZone:
    """The rows of a prepared card side that OCR needs to read (``top`` to ``bottom``, px), because a code on the
    side gives everything printed elsewhere; a reading of them is enough only when it is classified as
    ``document_type`` on its own words (the rows hold no title) and shows one of ``needed`` (the labels of what
    the code does not give) and the digits of each of ``shows``, else the whole side is read."""

    top: int
    bottom: int
    document_type: str
    needed: tuple[str, ...]
    shows: tuple[str, ...] = ()  # digits the reading must show too (a partner code's birth date: the same card)
    readings: tuple[tuple[str, str], ...] = ()  # kept in ``page.readings`` when the zone is read: what the hook need
    # not look for on the side again (a code that is on the card's other side)
