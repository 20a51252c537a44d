"""The append-only event log: who did what, when, to which row. Ids only, never personal data."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy.orm import Session

from records.models import Event

# Id numbers are 9 or 12 digits: anything that long in a detail string is cut out, as a last guard.
_LONG_DIGITS = re.compile(r"\d{9,}")


def _scrub(value: Any) -> Any:
    if isinstance(value, str):
        return _LONG_DIGITS.sub("[redacted]", value)
    if isinstance(value, dict):
        return {key: _scrub(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_scrub(item) for item in value]
    return value


def record_event(
    session: Session, action: str, entity: str, entity_id: int | None, actor: str, **details: Any
) -> None:
    """Append one event. ``details`` hold ids, counts and codes only."""
    session.add(Event(actor=actor, action=action, entity=entity, entity_id=entity_id, details=_scrub(details)))
