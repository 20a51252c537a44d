"""Masking of personal fields for clients without the ``records:full`` scope; ``MASKING_RULES`` is
also shown in the API docs. Each document type declares its personal fields and their kind in its
YAML (``masking:`` in ``extractors/types/<type>.yml``); a field a type does not declare is masked by
its name, as below (a safety net for fields a hook adds and rows of a table).

| kind | fields | masked form |
|---|---|---|
| name | ``*full_name``, ``household_head_name`` | family and middle names to initials, the given name hidden: ``NGUYỄN VĂN AN`` → ``N. V. ***`` |
| id number | ``*id_number`` | only the last 3 digits: ``*********345`` (9-digit numbers alike) |
| date of birth | ``date_of_birth``, ``*_date_of_birth`` | the year: ``1990-05-12`` → ``1990`` |
| address | ``place_of_*``, ``*residence`` | the province only (as resolved, else the last part after a comma; else hidden) |
| withheld | ``mrz``, ``qr``, ``personal_identification``, ``date_of_birth_in_words`` | ``null`` (they repeat the above in clear) |

The same rules apply inside ``household_members`` rows, to a document's ``number`` (id cards and
CT07 are numbered by the id number), to the ``ward`` of an address's provenance (dropped) and to
the ``id_number`` a requirements report echoes, and to the value a reviewer's correction replaced (kept in its
provenance). Other fields (sex, nationality, registration
places, authorities, dates of issue) are not masked.
"""

from __future__ import annotations

import re
from typing import Any

from extractors.spec import spec_for

MASK = "***"
WITHHELD_FIELDS = frozenset({"mrz", "qr", "personal_identification", "date_of_birth_in_words"})
_ADDRESS_NAMES = re.compile(r"^(place_of_.+|.*residence)$")
_DIGIT_RUN = re.compile(r"\d{9,}")

MASKING_RULES = __doc__.split("\n\n")[1] if __doc__ else ""


def field_kind(name: str, document_type: str | None = None) -> str | None:
    """``name`` | ``id_number`` | ``date_of_birth`` | ``address`` | ``withheld`` | None (not masked)."""
    spec = spec_for(document_type) if document_type else None
    if spec is not None and name in spec.masking:
        return spec.masking[name]
    if name in WITHHELD_FIELDS:
        return "withheld"
    if name.endswith("full_name") or name == "household_head_name":
        return "name"
    if name.endswith("id_number"):
        return "id_number"
    if name == "date_of_birth" or name.endswith("_date_of_birth"):
        return "date_of_birth"
    if _ADDRESS_NAMES.match(name):
        return "address"
    return None


def mask_name(value: str) -> str:
    words = value.split()
    return " ".join([f"{word[0]}." for word in words[:-1]] + [MASK]) if words else MASK


def mask_id_number(value: str) -> str:
    digits = value.strip()
    return "*" * max(len(digits) - 3, 0) + digits[-3:] if len(digits) > 3 else MASK


def mask_date_of_birth(value: str) -> str:
    year = value.strip()[:4]
    return year if year.isdigit() else MASK


def mask_address(value: str, province: str | None = None) -> str | None:
    if province:
        return province
    parts = [part.strip() for part in value.split(",") if part.strip()]
    return parts[-1] if len(parts) >= 2 else None


def mask_value(name: str, value: Any, province: str | None = None, document_type: str | None = None) -> Any:
    """The masked form of one field value (``value`` as held: text, list of rows, or None)."""
    if value is None:
        return None
    if isinstance(value, list):
        return [mask_fields(row) if isinstance(row, dict) else MASK for row in value]
    kind = field_kind(name, document_type)
    if kind is None or not isinstance(value, str):
        return value
    if kind == "withheld":
        return None
    if kind == "name":
        return mask_name(value)
    if kind == "id_number":
        return mask_id_number(value)
    if kind == "date_of_birth":
        return mask_date_of_birth(value)
    return mask_address(value, province)


def mask_fields(fields: dict[str, Any], provinces: dict[str, str] | None = None,
                document_type: str | None = None) -> dict[str, Any]:
    """All fields of a document (or of one household member) masked; ``provinces`` maps an address
    field to its resolved province (from provenance)."""
    provinces = provinces or {}
    return {name: mask_value(name, value, provinces.get(name), document_type) for name, value in fields.items()}


def mask_number(number: str | None) -> str | None:
    """A document number with any embedded id number cut to its last 3 digits."""
    if number is None:
        return None
    return _DIGIT_RUN.sub(lambda match: mask_id_number(match.group()), number)


def mask_evidence(entry: dict[str, Any], name: str | None = None, document_type: str | None = None) -> dict[str, Any]:
    """A provenance entry without the ward (finer than the province a masked address keeps); the value a
    reviewer's correction replaced is masked as the field's value is (withheld when the field is unknown)."""
    masked = {key: value for key, value in entry.items() if key != "ward"}
    if masked.get("replaced") is not None:
        masked["replaced"] = mask_value(name, masked["replaced"], entry.get("province"), document_type) if name \
            else None
    return masked
