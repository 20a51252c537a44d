"""Review state per field: does a value need a person, and why; who reviewed it.

A document version keeps it in ``documents.review_state``::

    {"fields": {name: {"needs_review": bool,
                       "reasons": [{"kind": KIND, "detail": "full_name: low confidence"}, ...],
                       "review": null | {"by": reviewer, "at": ISO time, "action": "confirmed" | "corrected"}}},
     "document": ["not recognised as a known document type", ...]}

``document`` holds the reasons no field carries. Kinds (``REASON_KINDS``): ``low_confidence``, ``not_found``,
``disagreement`` (two sources differ: QR and MRZ, figures and words, the population registry, another
document with the same number) and ``failed_check`` (a value's own structure: an id number's digits, check
digits). The extractors state reasons as text that starts with the field's name; this module is where that
text is read.

A version needs a person (status ``needs_review``, in the review queue) while the document has a reason of its
own or one of its type's REQUIRED fields needs review; a doubtful optional field is shown to reviewers but does
not hold the document back. When two scans make one version (a card's back joining its front), each field keeps
the state of the scan its value came from, and what depends on several fields (missing required fields, id
numbers against birth dates and sexes, dates against the same dates in words) is judged again on the merged
values: nothing is copied from the newest scan alone.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from copy import deepcopy
from typing import TYPE_CHECKING, Any, Literal

from extractors.readers.dates import parse_date_in_words
from extractors.readers.ids import check_id_number
from extractors.spec import spec_for
from extractors.validate import TRUSTED
from records.models import utcnow

if TYPE_CHECKING:
    from datetime import datetime

    from records.models import DocumentRecord
    from schemas import Document

ReasonKind = Literal["low_confidence", "not_found", "disagreement", "failed_check"]
REASON_KINDS: tuple[ReasonKind, ...] = ("low_confidence", "not_found", "disagreement", "failed_check")
ReviewAction = Literal["confirmed", "corrected"]

_LEADING_NAME = re.compile(r"^([a-z][a-z0-9_]*)(?:\[\d+\][a-z0-9_.]*)?(?=[: ])")
# what readers.ids.check_id_number says about an id number's digits, after the field's name
_ID_CHECK = re.compile(r"^[a-z0-9_]+: (not 12 digits|unknown province code|sex digit|century digit|digits 5-6)")
_DATES_DISAGREE = re.compile(r"^[a-z0-9_]+: disagrees with [a-z0-9_]+$")


def empty_state() -> dict[str, Any]:
    return {"fields": {}, "document": []}


# ---------------------------------------------------------------- reading the extractors' reasons


def reason_kind(detail: str) -> ReasonKind:
    """The kind of one reason as the extractors, the registry check and ingest word it."""
    text = detail.lower()
    if text.endswith(": not found") or "not found" in text:
        return "not_found"
    if text.endswith("low confidence"):
        return "low_confidence"
    if _ID_CHECK.match(text) or "check digit" in text:
        return "failed_check"
    if any(word in text for word in ("disagree", "does not match", "differs from")):
        return "disagreement"
    return "failed_check"


def reason_field(detail: str, names: Collection[str]) -> str | None:
    """The field a reason is about (its leading name, ``household_members[0].full_name`` → the table), or None."""
    match = _LEADING_NAME.match(detail)
    return match.group(1) if match and match.group(1) in names else None


def _reason(detail: str) -> dict[str, str]:
    return {"kind": reason_kind(detail), "detail": detail}


def _field(reasons: Iterable[dict[str, str]] = (), review: dict[str, str] | None = None) -> dict[str, Any]:
    unique: list[dict[str, str]] = []
    for reason in reasons:
        if reason["detail"] not in {r["detail"] for r in unique}:
            unique.append(reason)
    return {"needs_review": bool(unique), "reasons": unique, "review": review}


# ---------------------------------------------------------------- from an extraction


def scan_state(document: Document) -> dict[str, Any]:
    """The state an extracted document gives its fields: each reason filed under the field it names, a value
    below the trusted confidence doubted (``low_confidence``) even if nothing said so."""
    names = _ordered(document.document_type, document.fields, every_field=True)
    reasons: dict[str, list[dict[str, str]]] = {name: [] for name in names}
    own: list[str] = []
    for detail in document.review_reasons:
        name = reason_field(detail, names)
        if name is None:
            own.append(detail)
        else:
            reasons[name].append(_reason(detail))
    for name, field in document.fields.items():
        if field.value not in (None, "", []) and field.confidence < TRUSTED and not reasons[name]:
            reasons[name].append(_reason(f"{name}: low confidence"))
    fields = {name: _field(found) for name, found in reasons.items()
              if found or name in document.fields}
    return {"fields": fields, "document": own}


def legacy_state(document_type: str, values: Mapping[str, Any], review_reasons: Iterable[str]) -> dict[str, Any]:
    """The state of a version recorded before states were kept: its reasons filed under their fields."""
    names = _ordered(document_type, values, every_field=True)
    state = empty_state()
    for name in values:
        state["fields"][name] = _field()
    for detail in review_reasons:
        add_reason(state, reason_field(detail, names), detail)
    return state


def state_of(document_type: str, values: Mapping[str, Any], stored: Mapping[str, Any] | None,
             review_reasons: Iterable[str]) -> dict[str, Any]:
    """A version's state: as stored, or read from its reasons for a version older than states."""
    if stored and "fields" in stored:
        return deepcopy(dict(stored))
    return legacy_state(document_type, values, review_reasons)


# ---------------------------------------------------------------- combining and judging


def merge(document_type: str, values: Mapping[str, Any], earlier: Mapping[str, Any] | None,
          scan: Mapping[str, Any], read_now: Collection[str]) -> dict[str, Any]:
    """The state of a version made of an earlier version's values and a new scan's: fields read now take the
    scan's state, the others keep the earlier one's; then what spans fields is judged on ``values``."""
    state = empty_state()
    earlier_fields = (earlier or {}).get("fields", {})
    for name in values:
        if name in read_now:
            state["fields"][name] = deepcopy(scan["fields"].get(name) or _field())
        elif name in earlier_fields:
            state["fields"][name] = deepcopy(earlier_fields[name])
        else:
            state["fields"][name] = _field()
    for name in dict.fromkeys([*scan["fields"], *earlier_fields]):  # fields with no value (not found)
        if name in state["fields"]:
            continue
        before, now = earlier_fields.get(name), scan["fields"].get(name)
        state["fields"][name] = deepcopy(before if _reviewed(before) or now is None else now)
    state["fields"] = {name: state["fields"][name] for name in _ordered(document_type, state["fields"])}
    state["document"] = list(dict.fromkeys([*(earlier or {}).get("document", []), *scan.get("document", [])]))
    # one scan alone was judged whole by the extractors; values from two scans are judged together here
    return judge(document_type, values, state, checks=earlier is not None)


def judge(document_type: str, values: Mapping[str, Any], state: dict[str, Any], *, checks: bool = True
          ) -> dict[str, Any]:
    """Judge again what depends on the values together: a field one scan did not find but another did is found;
    each id number against its holder's birth date and sex, each date against the same date in words. Fields a
    person reviewed keep their review. ``checks=False``: only the first."""
    spec = spec_for(document_type)
    if spec is None:
        return state
    fields = state["fields"]
    present = {name for name, value in values.items() if value not in (None, "", [])}
    if values.get("no_expiry"):
        present.add("expiry_date")
    for name in present:  # found now, by this scan or an earlier one
        if name in fields:
            _drop(fields[name], lambda reason: reason["kind"] == "not_found")
    if not checks:
        return state
    for check in spec.id_checks:
        current = fields.get(check.id_number)
        if current is None or _reviewed(current):
            continue
        _drop(current, lambda reason: bool(_ID_CHECK.match(reason["detail"])))
        id_number = _text(values.get(check.id_number))
        if id_number:
            sex = check.sex_is or _text(values.get(check.sex or ""))
            for problem in check_id_number(id_number, _text(values.get(check.date_of_birth or "")), sex):
                _add(current, problem.replace("id_number", check.id_number, 1))
    for figures, words in spec.same_dates:
        date, spelled = _text(values.get(figures)), _text(values.get(words))
        pair = [fields.get(figures), fields.get(words)]
        if any(field is None or _reviewed(field) for field in pair):
            continue
        for field in pair:
            _drop(field, lambda reason: bool(_DATES_DISAGREE.match(reason["detail"])))
        if date and spelled:
            reading = parse_date_in_words(spelled)
            if reading is None or reading.iso != date:
                _add(pair[0], f"{figures}: disagrees with {words}")
                _add(pair[1], f"{words}: disagrees with {figures}")
    return state


def apply(record: DocumentRecord, state: dict[str, Any], *, waiting_since: datetime | None = None,
          reviewed: bool = False) -> None:
    """Keep ``state`` on a version and derive its reasons and status from it: ``needs_review`` while a person
    must look (in the queue since ``waiting_since``, or from now), ``verified`` after a review that left no
    doubt on any field, else ``extracted``."""
    record.review_state = state
    record.review_reasons = reasons(state)
    if needs_person(record.document_type, state):
        record.status = "needs_review"
        record.waiting_since = waiting_since or utcnow()
    else:
        record.status = "verified" if reviewed and not any_doubt(state) else "extracted"
        record.waiting_since = None


def add_reason(state: dict[str, Any], name: str | None, detail: str) -> bool:
    """File one more reason (under ``name``, or the document's own); False if it was there already."""
    if name is None:
        if detail in state["document"]:
            return False
        state["document"].append(detail)
        return True
    field = state["fields"].setdefault(name, _field())
    return _add(field, detail)


def needs_person(document_type: str, state: Mapping[str, Any]) -> bool:
    """In the queue: a reason of the document's own, or a required field that needs review."""
    if state.get("document"):
        return True
    return any(field["needs_review"] for field in required_fields(document_type, state))


def required_fields(document_type: str, state: Mapping[str, Any]) -> list[dict[str, Any]]:
    spec = spec_for(document_type)
    if spec is None:  # an unknown type: every field counts
        return list(state["fields"].values())
    return [field for name, field in state["fields"].items()
            if name in spec.fields and spec.fields[name].required]


def any_doubt(state: Mapping[str, Any]) -> bool:
    return bool(state.get("document")) or any(field["needs_review"] for field in state["fields"].values())


def reasons(state: Mapping[str, Any]) -> list[str]:
    """Every reason, the document's own first, as one list (``documents.review_reasons``)."""
    found = list(state.get("document", []))
    for field in state["fields"].values():
        found += [reason["detail"] for reason in field["reasons"] if reason["detail"] not in found]
    return found


def doubtful(state: Mapping[str, Any]) -> list[str]:
    return [name for name, field in state["fields"].items() if field["needs_review"]]


def mark_reviewed(state: dict[str, Any], names: Iterable[str], *, by: str, at: str, action: ReviewAction) -> None:
    """A person corrected or confirmed these fields: no doubt is left on them."""
    for name in names:
        state["fields"][name] = _field(review={"by": by, "at": at, "action": action})


def clear_document_reasons(state: dict[str, Any]) -> None:
    state["document"] = []


# ---------------------------------------------------------------- helpers


def _ordered(document_type: str, names: Iterable[str], *, every_field: bool = False) -> list[str]:
    """``names`` in the type's order, then the others in theirs (reasons are listed in a stable order); with
    ``every_field`` the type's fields not among them too."""
    spec = spec_for(document_type)
    given = list(dict.fromkeys(names))
    if spec is None:
        return given
    chosen = set(given)
    return [*(name for name in spec.fields if every_field or name in chosen),
            *(name for name in given if name not in spec.fields)]


def _add(field: dict[str, Any], detail: str) -> bool:
    if detail in {reason["detail"] for reason in field["reasons"]}:
        return False
    field["reasons"].append(_reason(detail))
    field["needs_review"] = True
    return True


def _drop(field: dict[str, Any], which: Any) -> None:
    field["reasons"] = [reason for reason in field["reasons"] if not which(reason)]
    field["needs_review"] = bool(field["reasons"])


def _reviewed(field: Mapping[str, Any] | None) -> bool:
    return bool(field and field.get("review") and not field["needs_review"])


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None
