"""Branch uploads: check a dossier's files BEFORE anything is stored, then run the ingest.

Checks (in this order, each a clear 4xx): field values (422), file count (413 above the limit,
422 for none), each file's size (413), each file's type from its bytes (415: empty, or not a PDF or
an image we read). Only when every file passes does ``ingest_dossier`` see them, so a refused
upload leaves no original, no object and no dossier behind.

Runners: ``direct`` calls ``usecases.intake.ingest_dossier`` in a worker thread; ``flow`` runs the
Prefect branch-upload flow in-process (its ephemeral API server started once by ``warm_up`` at
service start-up, so no upload pays Prefect's cold start).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from schemas.errors import HosoError
from pipeline.load import detect_media_type

if TYPE_CHECKING:
    from usecases.intake import DossierOutcome
    from records.db import Database
    from records.storage.objects import ObjectStore

log = logging.getLogger(__name__)
ID_NUMBER = re.compile(r"^(\d{12}|\d{9})$")
MAX_NAME_CHARS = 255


class UploadRejected(Exception):
    """A refused upload: HTTP status, a stable code and a reason a clerk can act on."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


@dataclass(frozen=True)
class Upload:
    """A checked upload, ready to ingest."""

    procedure_code: str
    branch: str
    id_number: str | None
    files: list[tuple[str, bytes]]


def check_fields(procedure_code: str | None, branch: str | None, id_number: str | None) -> tuple[str, str, str | None]:
    from records.procedures import load_catalogue

    if not procedure_code or not procedure_code.strip():
        raise UploadRejected(422, "missing_field", "procedure_code is required")
    if not branch or not branch.strip():
        raise UploadRejected(422, "missing_field", "branch is required")
    try:
        load_catalogue().procedure(procedure_code.strip())
    except KeyError:
        raise UploadRejected(422, "unknown_procedure", "procedure_code is not in the catalogue "
                             "(GET /v1/procedures/{code}/requirements lists the codes on error)") from None
    id_number = id_number.strip() if id_number else None
    if id_number and not ID_NUMBER.match(id_number):
        raise UploadRejected(422, "invalid_id_number", "id_number must be 12 digits (or a 9-digit CMND number)")
    return procedure_code.strip(), branch.strip()[:MAX_NAME_CHARS], id_number or None


def check_count(count: int, max_files: int) -> None:
    if count == 0:
        raise UploadRejected(422, "no_files", "send the dossier's files as multipart parts named 'files'")
    if count > max_files:
        raise UploadRejected(413, "too_many_files", f"at most {max_files} files per upload")


# Files are cited by position ("#2"), not by name: a branch's file name may hold a citizen's name.
def check_size(label: str, size: int | None, max_bytes: int) -> None:
    if size is not None and size > max_bytes:
        raise UploadRejected(413, "file_too_large",
                             f"file {label} is larger than {max_bytes // (1024 * 1024)} MiB")


def check_content(label: str, data: bytes, max_bytes: int) -> None:
    check_size(label, len(data), max_bytes)
    try:
        detect_media_type(data)
    except HosoError as error:
        raise UploadRejected(415, error.code, f"file {label}: {error.message}") from None


class DossierRunner(Protocol):
    def warm_up(self) -> None: ...

    def close(self) -> None: ...

    def run(self, upload: Upload, actor: str) -> DossierOutcome: ...


class DirectRunner:
    """``ingest_dossier`` in the calling (worker) thread."""

    def __init__(self, db: Database, store: ObjectStore) -> None:
        self.db, self.store = db, store

    def warm_up(self) -> None:
        import usecases.intake  # noqa: F401  # the first upload should not pay the imports
        import usecases.process  # noqa: F401

    def close(self) -> None:
        pass

    def run(self, upload: Upload, actor: str) -> DossierOutcome:
        from usecases.intake import ingest_dossier

        return ingest_dossier(self.db, self.store, upload.files, procedure_code=upload.procedure_code,
                              branch=upload.branch, id_number=upload.id_number, actor=actor)


class FlowRunner:
    """The Prefect branch-upload flow (``flows.branch_upload``) run in-process."""

    def __init__(self, db: Database, store: ObjectStore, data_dir: Path) -> None:
        self.db, self.store, self.data_dir = db, store, data_dir

    def warm_up(self) -> None:
        from flows.common import use_local_prefect

        use_local_prefect(self.data_dir)  # before prefect is imported: its home under our data dir
        from flows.branch_upload import warm_up

        log.warning("branch-upload flow warmed up in %.1f s", warm_up())

    def close(self) -> None:
        """Stop the Prefect API server the warm-up started. Prefect stops it at exit, but uvicorn's
        worker processes end with os._exit (no atexit): without this each left an orphan server."""
        from prefect.server.api.server import SubprocessASGIServer

        for server in list(SubprocessASGIServer._instances.values()):
            server.stop()

    def run(self, upload: Upload, actor: str) -> DossierOutcome:
        from flows.branch_upload import run_branch_upload

        return run_branch_upload(self.db, self.store, upload.files, procedure_code=upload.procedure_code,
                                 branch=upload.branch, id_number=upload.id_number, actor=actor)


def make_runner(kind: str, db: Database, store: ObjectStore, data_dir: Path) -> DossierRunner:
    return FlowRunner(db, store, data_dir) if kind == "flow" else DirectRunner(db, store)


def outcome_summary(outcome: DossierOutcome) -> dict[str, Any]:
    """What the service logs about an upload: counts and statuses, no names or numbers."""
    return {"dossier_id": outcome.dossier_id, "files": [f.status for f in outcome.files],
            "documents": len(outcome.documents)}
