"""The declarative description of a document type, loaded from ``extractors/types/<type>.yml``.

A new document type is one YAML file (labels, sections, value kinds) plus, only
if it has parts no label can describe (a QR code, a table), a small hook module.
"""

from __future__ import annotations

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
    side: str | None = None  # for two-sided documents: the side it is printed on


class ClassifySpec(_Spec):
    """Evidence for the type: titles weigh most; ``exclude`` phrases veto."""

    titles: list[str]
    keywords: list[str] = Field(default_factory=list)
    exclude: list[str] = Field(default_factory=list)
    # regular expressions over the page's own text (not folded) that count as much as a title:
    # printed structures OCR keeps even where it mangles the words around them (an MRZ line)
    patterns: list[str] = Field(default_factory=list)


class VariantSpec(_Spec):
    name: str
    keywords: list[str]


class IdCheck(_Spec):
    """An id number whose digits must agree with a birth date (or year) and a sex."""

    id_number: str
    date_of_birth: str | None = None
    sex: str | None = None  # a field holding the sex
    sex_is: Literal["Nam", "Nữ"] | None = None  # or the sex the role implies (mother: Nữ)


class TypeSpec(_Spec):
    document_type: str
    classify: ClassifySpec
    variants: list[VariantSpec] = Field(default_factory=list)
    # named page regions that start at an anchor phrase: {"mother": ["người mẹ"]}
    sections: dict[str, list[str]] = Field(default_factory=dict)
    fields: dict[str, FieldSpec]
    id_checks: list[IdCheck] = Field(default_factory=list)
    same_dates: list[tuple[str, str]] = Field(default_factory=list)  # a date and the same date in words
    hook: str | None = None  # module in extractors/ with extra steps: QR, MRZ, tables

    def all_labels(self) -> list[str]:
        return sorted({label for field in self.fields.values() for label in field.labels})


@lru_cache(maxsize=1)
def load_type_specs() -> tuple[TypeSpec, ...]:
    """Every document type shipped in ``extractors/types``, validated."""
    specs = []
    for path in sorted(TYPES_DIR.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        specs.append(TypeSpec.model_validate(data))
    return tuple(specs)
