"""The procedure catalogue (``procedures.yml``) and the question "which components are already held?"."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from schemas.models import DOCUMENT_TYPES

if TYPE_CHECKING:
    from records.db import Database

CATALOGUE_PATH = Path(__file__).resolve().parent / "procedures.yml"
Satisfier = Literal["population_registry", "held_document"]


class Component(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str
    name: str
    condition: str | None = None
    document_types: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    satisfied_by: tuple[Satisfier, ...] = ()

    @field_validator("document_types")
    @classmethod
    def _known_types(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = set(value) - set(DOCUMENT_TYPES)
        if unknown:
            raise ValueError(f"unknown document types: {sorted(unknown)}")
        return value


class Procedure(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str
    national_code: str | None = None
    name: str
    legal_basis: str | None = None
    components: tuple[Component, ...]


class Catalogue(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    document_validity_days: dict[str, int] = Field(default_factory=dict)
    procedures: tuple[Procedure, ...]

    def procedure(self, code: str) -> Procedure:
        for procedure in self.procedures:
            if procedure.code == code:
                return procedure
        raise KeyError(f"unknown procedure {code!r}; known: {', '.join(p.code for p in self.procedures)}")


@lru_cache(maxsize=4)
def load_catalogue(path: Path = CATALOGUE_PATH) -> Catalogue:
    import yaml

    return Catalogue.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


def list_procedures() -> list[Procedure]:
    return list(load_catalogue().procedures)


class ComponentStatus(BaseModel):
    """One required component: already held (and from where) or to be submitted."""

    code: str
    name: str
    condition: str | None = None
    status: Literal["held", "submit"]
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
        return [c for c in self.components if c.status == "submit"]

    @property
    def held(self) -> list[ComponentStatus]:
        return [c for c in self.components if c.status == "held"]


def requirements(
    db: Database, procedure_code: str, id_number: str, *, on: date | None = None
) -> RequirementsReport:
    """For each component the procedure requires: held (population registry, or which document
    id/version) or must be submitted. Registry coverage wins: what it covers is never requested."""
    from records.ingest import held_documents
    from records.population import in_population_registry

    procedure = load_catalogue().procedure(procedure_code)
    today = on or date.today()
    registered = in_population_registry(db, id_number)
    held = held_documents(db, id_number, on=today)
    statuses: list[ComponentStatus] = []
    for component in procedure.components:
        status = ComponentStatus(code=component.code, name=component.name, condition=component.condition,
                                 status="submit")
        if "population_registry" in component.satisfied_by and registered:
            status = status.model_copy(update={"status": "held", "held_by": "population_registry"})
        elif "held_document" in component.satisfied_by:
            match = next(
                (
                    (document, role)
                    for document in held  # newest first
                    if document.document_type in component.document_types
                    for role in document.roles
                    if role in component.roles
                ),
                None,
            )
            if match is not None:
                document, role = match
                status = status.model_copy(update={
                    "status": "held", "held_by": "document", "document_id": document.id,
                    "document_type": document.document_type, "document_version": document.version, "role": role,
                })
        statuses.append(status)
    return RequirementsReport(
        procedure_code=procedure.code, procedure_name=procedure.name, id_number=id_number,
        in_population_registry=registered, checked_on=today, components=statuses,
    )
