"""The procedure catalogue (``procedures.yml``): each procedure's components and what may satisfy them."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml

from pydantic import BaseModel, ConfigDict, field_validator

from extractors.spec import document_types
from schemas.errors import UnknownProcedure

CATALOGUE_PATH = Path(__file__).resolve().parent / "procedures.yml"
Satisfier = Literal["population_registry", "held_document"]


class UnknownProcedureCode(UnknownProcedure, KeyError):
    """``UnknownProcedure``, still a ``KeyError`` for the callers that caught one before the error tree
    (``service/app.py``, ``service/uploads.py``); the ``KeyError`` base goes once they catch ``UnknownProcedure``."""


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
        unknown = set(value) - set(document_types())
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

    procedures: tuple[Procedure, ...]

    def procedure(self, code: str) -> Procedure:
        for procedure in self.procedures:
            if procedure.code == code:
                return procedure
        raise UnknownProcedureCode(f"unknown procedure {code!r}; known: {', '.join(p.code for p in self.procedures)}")


@lru_cache(maxsize=4)
def load_catalogue(path: Path = CATALOGUE_PATH) -> Catalogue:
    return Catalogue.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


def list_procedures() -> list[Procedure]:
    return list(load_catalogue().procedures)
