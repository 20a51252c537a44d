"""The JSON contract of hoso: what other services and the evaluation read.

Field names and normal forms follow ``shared/spec/document-types.md``. Boxes are
``[x0, y0, x1, y1]`` in pixels of the normalised page image; pages are 1-based.
"""

from __future__ import annotations

import unicodedata
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, StringConstraints, field_validator
from pydantic import Field as PydanticField

BBox = tuple[int, int, int, int]

# A document type's name: one of the types whose YAML files ``extractors`` loads, or "unknown". The
# contract does not list them: adding a type adds a file, not a change here.
DocumentType = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
UNKNOWN_TYPE = "unknown"
FieldSource = Literal["ocr", "text_layer", "qr", "mrz", "population_registry", "review"]
PageSource = Literal["ocr", "text_layer"]



def nfc(text: str) -> str:
    """Unicode NFC with single spaces, trimmed: the normal form of every text value."""
    return " ".join(unicodedata.normalize("NFC", text).split())


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Word(_Model):
    """One word as read from a page, with where and how sure."""

    text: str
    confidence: float = PydanticField(ge=0.0, le=1.0)
    bbox: BBox
    line: int = PydanticField(description="index of the text line on its page, in reading order")

    @field_validator("text")
    @classmethod
    def _nfc(cls, value: str) -> str:
        return unicodedata.normalize("NFC", value)


class Page(_Model):
    """A normalised page: the geometry applied to it and the words read from it."""

    number: int = PydanticField(ge=1)
    width: int
    height: int
    dpi: int
    source: PageSource
    rotation: int = PydanticField(0, description="clockwise degrees turned to make it upright")
    skew: float = PydanticField(0.0, description="clockwise degrees turned to remove skew")
    cropped: bool = PydanticField(False, description="a document quadrilateral was found and warped")
    source_page: int | None = PydanticField(
        None, ge=1,
        description="the file's page this image was cut from, when a page of the file held several documents "
                    "(card sides on one sheet: each is a page of its own, numbered in order); absent: the page "
                    "`number` of the file itself")
    region: list[tuple[float, float]] | None = PydanticField(
        None, min_length=4, max_length=4,
        description="where this image lies on its source page: the image's top-left, top-right, bottom-right and "
                    "bottom-left corners in pixels of the source page as loaded (boxes map back through the "
                    "perspective between them); absent when the image has the source page's own geometry")
    quality: list[str] = PydanticField(default_factory=list, description="retake/rescan hints")
    words: list[Word] = PydanticField(default_factory=list)
    readings: dict[str, str] = PydanticField(
        default_factory=dict,
        description="machine zones read from the page image (a QR payload, an MRZ band), kept with the words "
                    "so that re-extraction reads them again from neither pixels nor lossy page artefacts")

    @property
    def text(self) -> str:
        return words_to_text(self.words)


def words_to_text(words: list[Word]) -> str:
    """Reading-order text: words of one line joined by spaces, lines by newlines."""
    lines: dict[int, list[str]] = {}
    for word in words:
        lines.setdefault(word.line, []).append(word.text)
    return "\n".join(" ".join(parts) for _, parts in sorted(lines.items()))


FieldValue = str | list[dict[str, str | None]] | None


class Field(_Model):
    """One extracted value with its evidence.

    ``value`` is in the spec's normal form (text NFC, dates ISO, sex Nam/Nữ,
    id numbers 12 ASCII digits); ``household_members`` is a list of row dicts.
    """

    value: FieldValue
    confidence: float = PydanticField(ge=0.0, le=1.0)
    page: int | None = None
    bbox: BBox | None = None
    source: FieldSource = "ocr"
    province: str | None = PydanticField(None, description="addresses: resolved province")
    ward: str | None = PydanticField(None, description="addresses: resolved ward/commune")
    no_expiry: bool | None = PydanticField(None, description="expiry_date: 'Không thời hạn'")
    note: str | None = PydanticField(None, description="why the confidence is what it is")


class Document(_Model):
    """One dossier component found in an input file."""

    document_type: DocumentType = "unknown"
    variant: str | None = None
    pages: list[int] = PydanticField(default_factory=list, description="1-based page numbers")
    classification_confidence: float = 0.0
    title: str | None = PydanticField(None, description="the heading that named the type, as printed")
    family: str | None = PydanticField(
        None, description="unknown documents: application, declaration, authorisation, register …")
    candidates: dict[str, float] = PydanticField(
        default_factory=dict, description="unknown documents: the types whose vocabulary they share, with scores")
    fields: dict[str, Field] = PydanticField(default_factory=dict)
    needs_review: bool = False
    review_reasons: list[str] = PydanticField(default_factory=list)
    text: str = ""

    def flag(self, reason: str) -> None:
        """Route this document to a reviewer, saying why (once per reason)."""
        self.needs_review = True
        if reason not in self.review_reasons:
            self.review_reasons.append(reason)


class ProcessingError(_Model):
    """Why an input (or one of its pages) could not be processed."""

    code: str
    message: str
    page: int | None = None


class ExtractionResult(_Model):
    """Everything hoso learned from one input file: one JSON line of ``hoso extract``."""

    source: str
    sha256: str
    media_type: str | None = None
    pages: list[Page] = PydanticField(default_factory=list)
    documents: list[Document] = PydanticField(default_factory=list)
    errors: list[ProcessingError] = PydanticField(default_factory=list)
    warnings: list[ProcessingError] = PydanticField(
        default_factory=list, description="read, but a person should know: a PDF with JavaScript, launch actions or "
        "embedded files; a photo read at a lower resolution; transparency ignored")
    timings: dict[str, float] = PydanticField(default_factory=dict, description="seconds per stage")

    @property
    def ok(self) -> bool:
        return not self.errors or any(self.documents)

    def field_values(self) -> list[dict[str, Any]]:
        """Plain ``{name: value}`` per document, for quick looks and tests."""
        return [{name: f.value for name, f in doc.fields.items()} for doc in self.documents]
