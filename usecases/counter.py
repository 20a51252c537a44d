"""The counter: a citizen hands papers over at a branch and waits while the clerk uploads them.

Plain functions (no server, no Prefect): ``service/counter.py`` and the counter page call them, in the
upload worker processes (``service/uploads.py``).

- ``check_files``: each file's and page's capture-quality verdicts (``pipeline.quality``), nothing stored:
  what the page shows as soon as a photo is taken, so a bad one is retaken while the citizen is there.
- ``receive``: an upload. Quality is judged on the files as they came, beside and independently of the
  extraction (a blurred photo is reported blurred, not merely "not recognised"); then the dossier's view.
- ``dossier_view``: each required component of the dossier's procedure, ``held`` (by the population registry,
  or by a held record that is reused, with a preview of it for the citizen), ``received`` (read from this
  dossier's files, perhaps awaiting review) or ``missing``. It builds on ``records.requirements``; what this
  dossier's own files hold comes first, and a held record the citizen refused is not reused for this dossier
  (another usable one is, if any; else the component is missing).
- ``decide_reuse``: the citizen confirms or refuses the reuse of one held record; kept with the dossier
  (``records.dossiers``: an event on it); the service audits the request.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Literal, Protocol

import cv2
import numpy as np

from extractors.spec import record_spec
from pipeline.quality import assess_file
from records.dossiers import Consent, Decision, consents, digitised, dossier_documents, dossier_facts, record_consent
from records.dossiers import roles_of
from records.ingest import held_documents
from records.procedures import Component, load_catalogue
from records.refs import DocumentRef
from records.requirements import ComponentStatus, requirements
from schemas import UNKNOWN_TYPE
from schemas.errors import InvalidValue, NotFound
from schemas.quality import FileQuality
from usecases import review as documents
from usecases.intake import DossierOutcome, ingest_dossier

if TYPE_CHECKING:
    from records.db import Database
    from records.storage.objects import ObjectStore

Status = Literal["held", "received", "missing"]
THUMBNAIL_QUALITY = 80
UNKNOWN_TITLE = "Giấy tờ chưa nhận dạng được"
# fields no label of their type's YAML names (read by a hook or an issuer step), as a person reads them
FIELD_LABELS = {"issuing_authority": "Cơ quan cấp", "issue_date": "Ngày cấp", "expiry_date": "Có giá trị đến",
                "mrz": "Vùng đọc máy (MRZ)", "qr": "Mã QR", "household_members": "Thành viên hộ gia đình",
                "personal_identification": "Đặc điểm nhận dạng", "place_of_issue": "Nơi cấp"}
CLOSED_STATUSES = ("rejected", "superseded")


class Ingest(Protocol):
    """``usecases.intake.ingest_dossier``, or the branch-upload flow that runs it (``flows.branch_upload``)."""

    def __call__(self, db: Database, store: ObjectStore, files: list[tuple[str, bytes]], *, procedure_code: str,
                 branch: str | None, id_number: str | None = None, actor: str = "hoso") -> DossierOutcome: ...


@dataclass(frozen=True)
class ShownField:
    """A field as a person reads it: its printed label, its value (normal form), how sure."""

    name: str
    label: str
    section: str | None
    value: Any
    confidence: float | None
    doubtful: bool


@dataclass(frozen=True)
class ShownDocument:
    """A document version with its fields in the type's order: one just read, or a held record to reuse."""

    id: int
    document_type: str
    title: str
    version: int
    status: str
    reasons: tuple[str, ...]
    fields: tuple[ShownField, ...]
    pages: int  # page images (thumbnails) there are of it
    subject_id_number: str | None = field(default=None, repr=False)  # whom it is about (the audit's subject)


@dataclass(frozen=True)
class Preview:
    """A held record the dossier would reuse, as the citizen is shown it before agreeing."""

    document: ShownDocument
    digitised_at: datetime | None
    digitised_branch: str | None
    consent: Consent | None


@dataclass(frozen=True)
class ComponentView:
    code: str
    name: str
    condition: str | None
    status: Status
    held_by: Literal["population_registry", "document"] | None = None
    document_id: int | None = None  # held: the record reused; received: the document read from this dossier
    document_type: str | None = None
    document_version: int | None = None
    role: str | None = None
    preview: Preview | None = None  # a held record (or one the citizen refused): shown before it is reused
    refused: bool = False  # the citizen refused the reuse of the record in ``preview``: to be handed over


@dataclass(frozen=True)
class DossierView:
    dossier_id: int
    procedure_code: str
    procedure_name: str
    branch: str | None
    id_number: str | None
    in_population_registry: bool
    checked_on: date
    components: tuple[ComponentView, ...]

    @property
    def missing(self) -> list[str]:
        return [c.code for c in self.components if c.status == "missing"]

    @property
    def previews(self) -> list[Preview]:
        return [c.preview for c in self.components if c.preview is not None]


@dataclass
class CounterOutcome:
    """One upload at the counter: the ingest's outcome (``DossierOutcome.to_json()``), each file's quality, the
    documents just read from it (with their fields) and the dossier's components. Plain data: it crosses from
    an upload worker process to the service."""

    outcome: dict[str, Any]
    quality: list[FileQuality]
    read: list[ShownDocument]
    view: DossierView
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def dossier_id(self) -> int:
        return self.view.dossier_id

    @property
    def id_number(self) -> str | None:
        return self.view.id_number


# ---------------------------------------------------------------- quality


def check_files(files: list[tuple[str, bytes]]) -> list[FileQuality]:
    """Each file's capture quality, in order (nothing is stored)."""
    return [assess_file(data, name, index) for index, (name, data) in enumerate(files, start=1)]


# ---------------------------------------------------------------- an upload


def receive(db: Database, store: ObjectStore, files: list[tuple[str, bytes]], *, procedure_code: str,
            branch: str | None, id_number: str | None = None, actor: str = "hoso",
            ingest: Ingest | None = None) -> CounterOutcome:
    """Ingest an upload (``ingest``: ``ingest_dossier`` unless the flow is given) and judge its capture quality
    beside it, then say what the dossier holds."""
    started = time.perf_counter()
    timings: dict[str, float] = {}
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="quality") as side:
        judged = side.submit(_timed_check, files)  # OpenCV releases the GIL: beside the OCR threads
        outcome = (ingest or ingest_dossier)(db, store, files, procedure_code=procedure_code, branch=branch,
                                             id_number=id_number, actor=actor)
        quality, timings["quality"] = judged.result()
    timings["ingest"] = outcome.timings.get("total", 0.0)
    clock = time.perf_counter()
    # what was read from these files, at its current version (a card side read second joins the first's document)
    current = {ref.id for ref in outcome.documents}
    read_ids: list[int] = []
    for outcome_file in (f for f in outcome.files if f.status == "processed"):
        for ref in outcome_file.documents:
            newest = ref.id if ref.id in current else next(
                (c.id for c in outcome.documents if outcome_file.sha256 in c.sources), None)
            if newest is not None and newest not in read_ids:
                read_ids.append(newest)
    read = [show_document(db, store, document_id) for document_id in read_ids]
    view = dossier_view(db, store, outcome.dossier_id, outcome.id_number)
    timings["view"] = round(time.perf_counter() - clock, 4)
    timings["total"] = round(time.perf_counter() - started, 4)
    return CounterOutcome(outcome.to_json(), quality, read, view, timings)


def _timed_check(files: list[tuple[str, bytes]]) -> tuple[list[FileQuality], float]:
    started = time.perf_counter()
    return check_files(files), round(time.perf_counter() - started, 4)


# ---------------------------------------------------------------- documents as shown


def show_document(db: Database, store: ObjectStore, document_id: int) -> ShownDocument:
    view = documents.open_document(db, store, document_id)
    fields = tuple(ShownField(f.name, FIELD_LABELS.get(f.name, f.label) if f.label == f.name else f.label, f.section,
                              True if f.no_expiry else f.value, f.confidence, f.needs_review) for f in view.fields)
    title = UNKNOWN_TITLE if view.document_type == UNKNOWN_TYPE else view.title
    return ShownDocument(view.document_id, view.document_type, title, view.version, view.status,
                         tuple(view.review_reasons) + tuple(view.reasons), fields, len(view.pages),
                         view.subject_id_number)


def page_thumbnail(db: Database, store: ObjectStore, document_id: int, page: int, width: int) -> bytes:
    """A page image of a document (as the reviewer sees it), reduced to ``width`` pixels (JPEG)."""
    image = cv2.imdecode(np.frombuffer(documents.page_image(db, store, document_id, page), np.uint8),
                         cv2.IMREAD_COLOR)
    if image is None:
        raise NotFound(f"page {page} of document {document_id} cannot be shown")
    if image.shape[1] > width:
        image = cv2.resize(image, (width, max(1, round(image.shape[0] * width / image.shape[1]))),
                           interpolation=cv2.INTER_AREA)
    ok, jpeg = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, THUMBNAIL_QUALITY])
    if not ok:
        raise NotFound(f"page {page} of document {document_id} cannot be shown")
    return jpeg.tobytes()


# ---------------------------------------------------------------- the dossier's components


def requester(db: Database, dossier_id: int, given: str | None = None) -> str | None:
    """Whose dossier it is: the id number given, else that of the one holder its identity documents name."""
    if given:
        return given
    numbers = {ref.number for ref in dossier_documents(db, dossier_id)
               if record_spec(ref.document_type).identifies_holder and ref.number
               and ref.status not in CLOSED_STATUSES}
    return numbers.pop() if len(numbers) == 1 else None


def dossier_view(db: Database, store: ObjectStore, dossier_id: int, id_number: str | None = None, *,
                 on: date | None = None) -> DossierView:
    """Held / received / missing for each component of the dossier's procedure (see the module's docstring)."""
    today = on or date.today()
    facts = dossier_facts(db, dossier_id)
    procedure = load_catalogue().procedure(facts.procedure_code)
    id_number = requester(db, dossier_id, id_number)
    own = [ref for ref in dossier_documents(db, dossier_id) if ref.status not in CLOSED_STATUSES]
    own_ids = {ref.id for ref in own}
    roles: dict[int, tuple[str, ...]] = {}
    usable: list[DocumentRef] = []
    statuses: dict[str, ComponentStatus] = {}
    registered = False
    if id_number:
        usable = [ref for ref in held_documents(db, id_number, on=today) if ref.id not in own_ids]
        roles = {ref.id: ref.roles for ref in usable}
        roles |= _person_roles(db, id_number, own_ids)
        report = requirements(db, facts.procedure_code, id_number, on=today)
        registered = report.in_population_registry
        statuses = {status.code: status for status in report.components}
    decided = consents(db, dossier_id)
    refused = {document_id for document_id, consent in decided.items() if consent.decision == "refused"}
    views = []
    for component in procedure.components:
        views.append(_component_view(db, store, component, statuses.get(component.code), own, roles, usable,
                                     refused, decided))
    return DossierView(dossier_id, procedure.code, procedure.name, facts.branch, id_number, registered, today,
                       tuple(views))


def _component_view(db: Database, store: ObjectStore, component: Component, status: ComponentStatus | None,
                    own: list[DocumentRef], roles: dict[int, tuple[str, ...]], usable: list[DocumentRef],
                    refused: set[int], decided: dict[int, Consent]) -> ComponentView:
    mine = next(((ref, role) for ref in own for role in _roles_in(component, ref, roles) if role), None)
    if mine is not None:
        ref, role = mine
        return _view(component, "received", held_by="document", document_id=ref.id,
                             document_type=ref.document_type, document_version=ref.version,
                             role=role if role != "?" else None)
    if status is None or status.status == "missing":
        return _view(component, "missing")
    if status.held_by == "population_registry":
        return _view(component, "held", held_by="population_registry")
    if status.status == "received":  # read from an earlier dossier, waiting for a reviewer
        return _view(component, "received", held_by="document", document_id=status.document_id,
                             document_type=status.document_type, document_version=status.document_version,
                             role=status.role)
    chosen: tuple[DocumentRef, str] | None = None
    if status.document_id not in refused:
        chosen = next(((ref, status.role or "") for ref in usable if ref.id == status.document_id), None)
    if chosen is None:  # refused (or no longer usable): another usable record of it, if any
        chosen = next(((ref, role) for ref in usable if ref.id not in refused
                       for role in ref.roles if ref.document_type in component.document_types
                       and role in component.roles), None)
    if chosen is None:
        refused_id = status.document_id
        if refused_id is None or refused_id not in refused:
            return _view(component, "missing")
        return _view(component, "missing", refused=True,
                             preview=preview(db, store, refused_id, decided.get(refused_id)))
    ref, role = chosen
    return _view(component, "held", held_by="document", document_id=ref.id,
                         document_type=ref.document_type, document_version=ref.version, role=role or None,
                         preview=preview(db, store, ref.id, decided.get(ref.id)))


def _view(component: Component, status: Status, **found: Any) -> ComponentView:
    return ComponentView(component.code, component.name, component.condition, status, **found)


def _person_roles(db: Database, id_number: str, document_ids: set[int]) -> dict[int, tuple[str, ...]]:
    """The requester's roles in the given documents (an empty tuple: named, but not them; absent: names nobody)."""
    return roles_of(db, id_number, document_ids)


def _roles_in(component: Component, ref: DocumentRef, roles: dict[int, tuple[str, ...]]) -> list[str]:
    """The requester's roles in a document of this dossier that fit the component; ``"?"`` when the document
    is of the component's type but names nobody we know (its id numbers were not read): handed over all the same."""
    if ref.document_type not in component.document_types or "held_document" not in component.satisfied_by:
        return []
    mine = [role for role in roles.get(ref.id, ()) if role in component.roles]
    if mine:
        return mine
    return ["?"] if ref.id not in roles and not ref.number else []


def preview(db: Database, store: ObjectStore, document_id: int, consent: Consent | None) -> Preview:
    shown = show_document(db, store, document_id)
    source = digitised(db, document_id)
    return Preview(shown, source.received_at if source else None, source.branch if source else None, consent)


# ---------------------------------------------------------------- the citizen's decision


def decide_reuse(db: Database, store: ObjectStore, dossier_id: int, document_id: int, decision: Decision, *,
                 actor: str, id_number: str | None = None) -> DossierView:
    """Keep the citizen's decision on one record the dossier would reuse (or did, before a refusal); returns the
    dossier's view after it."""
    component = reuse_candidate(db, store, dossier_id, document_id, id_number)
    record_consent(db, dossier_id, document_id, component.code, decision, actor=actor)
    return dossier_view(db, store, dossier_id, id_number)


def reuse_candidate(db: Database, store: ObjectStore, dossier_id: int, document_id: int,
                    id_number: str | None = None) -> ComponentView:
    """The component for which the dossier would reuse ``document_id`` (or did, before the citizen refused it);
    ``NotFound`` for a record this dossier shows no one."""
    dossier_facts(db, dossier_id)  # NotFound for no such dossier
    if requester(db, dossier_id, id_number) is None:
        raise InvalidValue("the requester is not known: give their id number")
    view = dossier_view(db, store, dossier_id, id_number)
    for component in view.components:
        if component.preview is not None and component.preview.document.id == document_id:
            return component
    raise NotFound(f"dossier {dossier_id} reuses no record {document_id}")
