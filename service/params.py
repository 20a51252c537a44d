"""Path, query and header parameters of the query service, strict and documented as they are checked
(so that `/openapi.json` says exactly what is accepted). For any router of the service:

- ``DocumentId``: 1 to 2^63-1 in ASCII digits. Pydantic alone would also take ``' 5'``, ``'+5'``,
  ``'5.0'``, ``'1_000'`` and digits of other scripts (``'５'``).
- ``IdNumberPath`` / ``ID_NUMBER_PATTERN``: exactly 12 ASCII digits (CCCD) or 9 (CMND): no fullwidth
  digits, no final newline (``\\d`` and ``$`` in a Python pattern would let both through).
- ``Instant``: an RFC 3339 date-time with its offset, as UTC; not a Unix time, a date or a local time.
- ``PURPOSE``: the ``X-Purpose`` header, for an operation's ``openapi_extra`` (it is checked by the
  authorising dependency, which answers 400 without it, after 401 and 403).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Path
from pydantic import AfterValidator, BeforeValidator

MAX_ID = 2**63 - 1  # ids are 64-bit signed integers
ID_NUMBER_PATTERN = r"^([0-9]{12}|[0-9]{9})$"  # a Rust regex in pydantic: $ is the end of the text
KEY_NAME_PATTERN = r"^([A-Za-z0-9][A-Za-z0-9._-]{0,127}|\(anonymous\))$"  # service.keys' names, or no key
TEXT_PATTERN = r"[^\s\x00-\x1f\x7f-\x9f]"  # some text: not only blanks and control characters
PURPOSE_HEADER = "X-Purpose"

_ASCII_DIGITS = re.compile(r"[0-9]+")
_RFC3339 = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?([Zz]|[+-][0-9]{2}:[0-9]{2})")


def ascii_integer(value: Any) -> Any:
    """Before int parsing (``BeforeValidator``): ASCII digits only, and not absurdly many."""
    if isinstance(value, str):
        if not _ASCII_DIGITS.fullmatch(value):
            raise ValueError("must be a whole number in ASCII digits")
        if len(value.lstrip("0")) > len(str(MAX_ID)):  # not worth parsing
            raise ValueError(f"must be at most {MAX_ID}")
    return value


def _rfc3339(value: Any) -> Any:
    if isinstance(value, str) and not _RFC3339.fullmatch(value):
        raise ValueError("must be an RFC 3339 date-time with its offset, e.g. 2026-05-01T00:00:00+07:00")
    return value


def _utc(value: datetime | None) -> datetime | None:
    try:
        return value.astimezone(UTC) if value is not None else None
    except OverflowError:  # e.g. 9999-12-31T23:59:59-23:59 is in the year 10000
        raise ValueError("is out of range once in UTC") from None


# Path() before the validator: FastAPI then documents the bounds as minimum/maximum.
DocumentId = Annotated[int, Path(ge=1, le=MAX_ID, description="a document version's id"),
                       BeforeValidator(ascii_integer)]
IdNumberPath = Annotated[str, Path(pattern=ID_NUMBER_PATTERN,
                                   description="the citizen's id number: 12 ASCII digits, or 9 (CMND)")]
Instant = Annotated[datetime | None, BeforeValidator(_rfc3339), AfterValidator(_utc)]
PURPOSE: dict[str, Any] = {"parameters": [{
    "name": PURPOSE_HEADER, "in": "header", "required": True,
    "description": "why this personal data is read (e.g. a case number); non-ASCII text as percent-encoded "
                   "UTF-8. 400 without it.",
    "schema": {"type": "string", "pattern": TEXT_PATTERN}}]}
