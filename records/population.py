"""A stand-in for the national population data: import citizens' core identity data, and
cross-check extracted records against it (names tolerant to case, dates and sex exact)."""

from __future__ import annotations

import csv
import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from extractors.spec import PersonSpec, record_spec
from records import fieldstate
from records.events import record_event
from records.models import Citizen, DocumentPerson, DocumentRecord, utcnow

if TYPE_CHECKING:
    from records.db import Database
    from records.refs import DocumentRef

REGISTRY = "population_registry"
_ID_NUMBER = re.compile(r"^\d{12}$")
_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_COLUMN_ALIASES = {
    "id_number": "id_number", "so_dinh_danh": "id_number", "cccd": "id_number",
    "full_name": "full_name", "ho_ten": "full_name", "name": "full_name",
    "date_of_birth": "date_of_birth", "ngay_sinh": "date_of_birth", "birth_date": "date_of_birth",
    "sex": "sex", "gioi_tinh": "sex",
    "residence": "residence", "noi_thuong_tru": "residence", "place_of_residence": "residence",
}
_SEX = {"nam": "Nam", "nữ": "Nữ", "nu": "Nữ", "m": "Nam", "male": "Nam", "f": "Nữ", "female": "Nữ"}


@dataclass
class ImportReport:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[str] = field(default_factory=list)  # "row N: reason", never the values
    rechecked_documents: int = 0


# ---------------------------------------------------------------- import


def import_population(db: Database, path: str | Path, *, actor: str = "hoso") -> ImportReport:
    """Import (upsert) citizens from a CSV (header row) or JSON (a list, or ``{"citizens": [...]}``)
    file, then cross-check the current documents of the imported people."""
    report = ImportReport()
    rows = _read_rows(Path(path))
    imported: set[str] = set()
    with db.transaction() as session:
        for line, raw in rows:
            try:
                person = _normalise_person(raw)
            except ValueError as error:
                report.rejected.append(f"row {line}: {error}")
                continue
            citizen = session.scalars(select(Citizen).where(Citizen.id_number == person["id_number"])).one_or_none()
            if citizen is None:
                session.add(Citizen(**person, source=REGISTRY))
                report.inserted += 1
            elif citizen.source == REGISTRY and all(getattr(citizen, k) == v for k, v in person.items()):
                report.unchanged += 1
            else:
                for key, value in person.items():
                    setattr(citizen, key, value)
                citizen.source = REGISTRY  # the registry outranks what was read from documents
                citizen.updated_at = utcnow()
                report.updated += 1
            imported.add(person["id_number"])
        session.flush()
        record_event(session, "registry.imported", "citizen", None, actor, inserted=report.inserted,
                     updated=report.updated, unchanged=report.unchanged, rejected=len(report.rejected))
        if imported:
            concerned = select(DocumentPerson.document_id).where(DocumentPerson.id_number.in_(imported))
            documents = session.scalars(select(DocumentRecord).where(
                DocumentRecord.id.in_(concerned), DocumentRecord.status != "superseded"))
            for document in documents:
                check_against_registry(session, document, actor)
                report.rechecked_documents += 1
    return report


def _read_rows(path: Path) -> list[tuple[int, dict[str, Any]]]:
    text = path.read_text(encoding="utf-8-sig")  # Excel writes a BOM
    if path.suffix.lower() == ".json" or text.lstrip().startswith(("[", "{")):
        data = json.loads(text)
        items = data.get("citizens", []) if isinstance(data, dict) else data
        return [(index + 1, item if isinstance(item, dict) else {}) for index, item in enumerate(items)]
    reader = csv.DictReader(text.splitlines())
    return [(index + 2, row) for index, row in enumerate(reader)]  # line 1 is the header


def _normalise_person(raw: dict[str, Any]) -> dict[str, Any]:
    person: dict[str, Any] = {}
    for key, value in raw.items():
        column = _COLUMN_ALIASES.get(str(key).strip().lower())
        if column and value not in (None, ""):
            person[column] = _nfc(str(value))
    id_number = person.get("id_number", "")
    if not _ID_NUMBER.match(id_number):
        raise ValueError("id_number must be 12 digits")
    if "date_of_birth" in person:
        person["date_of_birth"] = _iso_date(person["date_of_birth"])
    if "sex" in person:
        sex = _SEX.get(person["sex"].lower())
        if sex is None:
            raise ValueError("sex must be Nam or Nữ")
        person["sex"] = sex
    return {key: person.get(key) for key in ("id_number", "full_name", "date_of_birth", "sex", "residence")}


def _iso_date(value: str) -> str:
    if match := _DMY.match(value):
        day, month, year = (int(part) for part in match.groups())
        value = f"{year:04d}-{month:02d}-{day:02d}"
    if re.fullmatch(r"\d{4}(-\d{2}-\d{2})?", value) is None:
        raise ValueError("date_of_birth must be YYYY-MM-DD, DD/MM/YYYY or YYYY")
    return value


# ---------------------------------------------------------------- cross-check


def in_population_registry(db: Database, id_number: str) -> bool:
    with db.transaction() as session:
        return _registry_citizen(session, id_number) is not None


def registry_citizen(db: Database, id_number: str) -> dict[str, Any] | None:
    """The population data held for an id number, or None."""
    with db.transaction() as session:
        citizen = _registry_citizen(session, id_number)
        if citizen is None:
            return None
        return {"id_number": citizen.id_number, "full_name": citizen.full_name,
                "date_of_birth": citizen.date_of_birth, "sex": citizen.sex, "residence": citizen.residence}


def _registry_citizen(session: Session, id_number: str) -> Citizen | None:
    return session.scalars(
        select(Citizen).where(Citizen.id_number == id_number, Citizen.source == REGISTRY)).one_or_none()


def cross_check(db: Database, document: DocumentRef | int, *, actor: str = "hoso") -> list[str]:
    """Compare a document version with the population data; a mismatch marks it needs_review
    with the reason. Returns the reasons (empty: it agrees, or nobody in it is in the registry)."""
    document_id = document if isinstance(document, int) else document.id
    with db.transaction() as session:
        record = session.get(DocumentRecord, document_id)
        if record is None:
            raise KeyError(f"no document with id {document_id}")
        return check_against_registry(session, record, actor)


def check_against_registry(session: Session, record: DocumentRecord, actor: str) -> list[str]:
    """``cross_check`` inside an open session (used while recording an extraction)."""
    reasons = registry_mismatches(session, record.document_type, record.fields)
    if record.status in ("superseded", "rejected"):
        return reasons
    state = fieldstate.state_of(record.document_type, record.fields, record.review_state, record.review_reasons)
    names = set(record.fields) | set(state["fields"])
    new_reasons = []
    for reason in reasons:
        name = fieldstate.reason_field(reason, names)
        reviewed = name is not None and (state["fields"].get(name) or {}).get("review")
        if not reviewed and fieldstate.add_reason(state, name, reason):  # a person's decision on a field stands
            new_reasons.append(reason)
    if new_reasons:
        waiting = record.waiting_since if record.status == "needs_review" else None
        # a new dict: JSON columns are not mutation-tracked
        fieldstate.apply(record, state, waiting_since=waiting)
        record.updated_at = utcnow()
        record_event(session, "document.needs_review", "document", record.id, actor,
                     check=REGISTRY, fields=[reason.split(" ", 1)[0] for reason in new_reasons])
    return reasons


def registry_mismatches(session: Session, document_type: str, fields: dict[str, Any]) -> list[str]:
    rules = record_spec(document_type)
    reasons: list[str] = []
    for person in rules.persons.values():
        reasons += _person_mismatches(session, person, fields, prefix="")
    if rules.members is not None:
        for index, member in enumerate(fields.get(rules.members.field) or []):
            if isinstance(member, dict):
                reasons += _person_mismatches(session, rules.members.person, member,
                                              prefix=f"{rules.members.field}[{index}].")
    return reasons


def _person_mismatches(session: Session, person: PersonSpec, fields: dict[str, Any], prefix: str) -> list[str]:
    id_number = fields.get(person.id_number)
    if not isinstance(id_number, str):
        return []
    citizen = _registry_citizen(session, id_number)
    if citizen is None:
        return []
    reasons = []

    def differs(field_name: str | None, registry_value: str | None, same: Any) -> None:
        value = fields.get(field_name) if field_name else None
        if field_name and value not in (None, "") and registry_value and not same(value, registry_value):
            reasons.append(f"{prefix}{field_name} does not match the population registry")

    differs(person.full_name, citizen.full_name, _same_name)
    differs(person.date_of_birth, citizen.date_of_birth, lambda a, b: a == b)
    differs(person.sex, citizen.sex, lambda a, b: a == b)
    differs(person.birth_year, citizen.date_of_birth, lambda a, b: str(a) == b[:4])
    return reasons


def _same_name(a: Any, b: str) -> bool:
    return isinstance(a, str) and _nfc(a).casefold() == _nfc(b).casefold()


def _nfc(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())
