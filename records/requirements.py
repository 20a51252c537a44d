"""What a procedure needs from a citizen, and which of it hoso already holds."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel
from sqlalchemy import select

from records.db import Database
from records.events import record_event
from records.ingest import DEFAULT_ACTOR, held_documents
from records.models import Event
from records.population import in_population_registry
from records.procedures import Component, load_catalogue
from records.refs import DocumentRef


ComponentState = Literal["held", "received", "missing"]


class ComponentStatus(BaseModel):
    """One required component: ``held`` (usable: from the population registry or a held document),
    ``received`` (a document of it is in hand, waiting for a reviewer: not to be asked for again) or
    ``missing`` (to be submitted)."""

    code: str
    name: str
    condition: str | None = None
    status: ComponentState
    held_by: Literal["population_registry", "document"] | None = None
    document_id: int | None = None
    document_type: str | None = None
    document_version: int | None = None
    role: str | None = None


class RequirementsReport(BaseModel):
    procedure_code: str
    procedure_name: str
    id_number: str
    in_population_registry: bool
    checked_on: date
    components: list[ComponentStatus]

    @property
    def to_submit(self) -> list[ComponentStatus]:
        """The components the citizen must still hand over (``missing``)."""
        return [c for c in self.components if c.status == "missing"]

    @property
    def received(self) -> list[ComponentStatus]:
        return [c for c in self.components if c.status == "received"]

    @property
    def held(self) -> list[ComponentStatus]:
        return [c for c in self.components if c.status == "held"]


def requirements(
    db: Database, procedure_code: str, id_number: str, *, on: date | None = None
) -> RequirementsReport:
    """For each component the procedure requires: held (population registry, or which document
    id/version), received (a document of it waits for a reviewer) or missing. Registry coverage wins:
    what it covers is never requested."""
    procedure = load_catalogue().procedure(procedure_code)
    today = on or date.today()
    registered = in_population_registry(db, id_number)
    held = held_documents(db, id_number, on=today)
    waiting = [document for document in held_documents(db, id_number, on=today, include_unusable=True)
               if document.status == "needs_review" and not _expired(document, today)]
    statuses: list[ComponentStatus] = []
    for component in procedure.components:
        status = ComponentStatus(code=component.code, name=component.name, condition=component.condition,
                                 status="missing")
        if "population_registry" in component.satisfied_by and registered:
            status = status.model_copy(update={"status": "held", "held_by": "population_registry"})
        elif "held_document" in component.satisfied_by:
            for state, documents in (("held", held), ("received", waiting)):
                match = _first_match(component, documents)
                if match is not None:
                    document, role = match
                    status = status.model_copy(update={
                        "status": state, "held_by": "document", "document_id": document.id,
                        "document_type": document.document_type, "document_version": document.version, "role": role,
                    })
                    break
        statuses.append(status)
    return RequirementsReport(
        procedure_code=procedure.code, procedure_name=procedure.name, id_number=id_number,
        in_population_registry=registered, checked_on=today, components=statuses,
    )


USED_EVENT = "document.used"


def record_uses(db: Database, report: RequirementsReport, *, dossier_id: int | None = None,
                actor: str = DEFAULT_ACTOR) -> list[int]:
    """Log that a procedure used the held documents of ``report`` instead of asking the citizen again
    (``document.used``, once per document and dossier): supervision's ``used`` state. Returns their ids."""
    used = sorted({c.document_id for c in report.components if c.status == "held" and c.document_id is not None})
    if not used:
        return []
    with db.transaction() as session:
        seen = {(row.entity_id, (row.details or {}).get("dossier_id")) for row in session.execute(
            select(Event.entity_id, Event.details).where(Event.entity == "document", Event.action == USED_EVENT,
                                                          Event.entity_id.in_(used)))}
        for document_id in used:
            if (document_id, dossier_id) not in seen:
                record_event(session, USED_EVENT, "document", document_id, actor, dossier_id=dossier_id,
                             procedure_code=report.procedure_code)
    return used


def _first_match(component: Component, documents: list[DocumentRef]) -> tuple[DocumentRef, str] | None:
    """The newest document of one of the component's types in which the person has one of its roles."""
    return next(((document, role) for document in documents  # newest first
                 if document.document_type in component.document_types
                 for role in document.roles if role in component.roles), None)


def _expired(document: DocumentRef, on: date) -> bool:
    return not document.no_expiry and document.valid_until is not None and document.valid_until < on
