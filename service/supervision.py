"""Supervision (scope ``supervise``): where dossiers stall, per state, branch, procedure and age. No personal data:
ids, document types, media types, branches, procedure codes, states and times (``usecases.supervision``).

| endpoint | what |
|---|---|
| ``GET /v1/supervision/overview?branch=&procedure=&since=`` | counts, time in each state, the oldest waiting, past service level |
| ``GET /metrics`` | Prometheus metrics (``service.metrics``), a ``supervise`` key as bearer token |
| ``GET /supervision`` | the supervisor's page (``service.pages.supervision``, signed in as for the other pages) |

``service/app.py`` calls ``add_supervision(app)`` once: the router, and the middleware that times uploads.
The overview is audited like every read (``X-Purpose`` is optional: it holds no personal data); a scrape of
``/metrics`` is audited only when refused.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.responses import Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field

from service import audit
from service.access import authorise
from service.keys import Client
from service.metrics import CONTENT_TYPE, UploadMetrics, exposition
from service.models import ModelResponse
from service.params import Instant
from service.params import TEXT_PATTERN as TEXT
from service.pages.review import DOCUMENT_PATH as REVIEW_DOCUMENT_PATH
from service.pages.supervision import router as page_router
from service.problems import problems
from usecases import supervision as uc

SCOPE = "supervise"
PREFIX = "/v1/supervision"
OVERVIEW_PATH = f"{PREFIX}/overview"
METRICS_PATH = "/metrics"

router = APIRouter(tags=["supervision"])
bearer = HTTPBearer(auto_error=False, description="an API key with the `supervise` scope")

StateName = Literal["received", "read", "awaiting_review", "verified", "used", "quarantined", "rejected"]


def add_supervision(app: FastAPI) -> None:
    """The supervision API, ``/metrics``, the supervisor's page, and the timing of uploads."""
    app.include_router(router)
    app.add_middleware(UploadMetrics)


# ---------------------------------------------------------------- bodies


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_serialization_defaults_required=True)


class Durations(_Body):
    count: int = Field(description="how many stays")
    p50_seconds: float | None = Field(description="median, seconds (null: none)")
    p90_seconds: float | None = Field(description="90th percentile, seconds")


class StateCounts(_Body):
    """One state: how many are in it now, and how long things stay in it."""

    state: StateName
    components: int = Field(description="components in this state now")
    dossiers: int = Field(description="dossiers in this state now (their slowest component's)")
    completed: Durations = Field(description="time spent in this state by the stays that ended (wall clock)")
    current: Durations = Field(description="the ages of the stays under way")
    oldest_seconds: float | None = Field(description="the longest stay under way")
    past_service_level: int = Field(description="components in it longer than its service level")


class Group(_Body):
    """A branch or a procedure: its components and dossiers by state."""

    name: str | None = Field(description="the branch or procedure code; null: files of no dossier (a batch)")
    components: dict[str, int] = Field(description="state → components")
    dossiers: dict[str, int] = Field(description="state → dossiers")
    waiting: int = Field(description="components waiting to be read or for a reviewer")
    past_service_level: int
    oldest_waiting_seconds: float | None


class WaitingItem(_Body):
    """A component waiting for the centre (ids and codes only)."""

    kind: Literal["document", "file"] = Field(description="a document, or a file not yet read")
    document_id: int | None = Field(description="its newest version (`GET /v1/review/{document_id}`)")
    original_id: int | None = Field(description="the file it was read from")
    original_sha256_prefix: str | None = Field(description="the first 12 hex of that file's sha256 (Prefect's task "
                                                           "runs are named by it)")
    document_type: str | None
    media_type: str | None
    dossier_id: int | None = Field(description="its first dossier; null: a back-office batch")
    branch: str | None
    procedure: str | None
    state: StateName = Field(description="the state it waits in: received (to be read) or awaiting_review")
    since: datetime
    age_seconds: float = Field(description="wall-clock seconds since")
    working_seconds: float = Field(description="working seconds since (the centre's working hours)")
    service_level_seconds: float | None = Field(description="the state's service level, in working seconds")
    past_service_level: bool
    review_url: str | None = Field(description="the review page of a document waiting for a reviewer")


class ReviewQueue(_Body):
    depth: int = Field(description="documents waiting for a reviewer (as `GET /v1/review/queue` lists them)")
    oldest: WaitingItem | None = Field(description="the one waiting longest")


class PastServiceLevel(_Body):
    count: int
    items: list[WaitingItem] = Field(description="the first 100, longest waiting first")


class Filters(_Body):
    branch: str | None
    procedure: str | None
    since: datetime | None


class WorkingTime(_Body):
    hours: str = Field(description="HOSO_WORKING_HOURS")
    days: str = Field(description="HOSO_WORKING_DAYS")
    timezone: str = Field(description="HOSO_TIMEZONE")


class Overview(_Body):
    """Where dossiers stall: counts per state, branch and procedure; time in each state; the oldest waiting items;
    those past their service level."""

    generated_at: datetime
    filters: Filters
    service_levels_hours: dict[str, float] = Field(description="state → working hours (HOSO_*_SERVICE_LEVEL_HOURS)")
    working_time: WorkingTime
    components: int
    dossiers: int
    states: list[StateCounts]
    dossier_states: dict[str, int]
    branches: list[Group]
    procedures: list[Group]
    review_queue: ReviewQueue
    oldest_waiting: list[WaitingItem] = Field(description="the longest waiting first")
    past_service_level: PastServiceLevel
    options: dict[str, list[str]] = Field(description="the branches and procedures there are, for filters")


def overview_body(view: uc.Overview) -> Overview:
    return Overview(
        generated_at=view.generated_at, filters=Filters(branch=view.branch, procedure=view.procedure, since=view.since),
        service_levels_hours=dict(view.service_levels),
        working_time=WorkingTime(hours=view.working_hours, days=view.working_days, timezone=view.timezone),
        components=view.components, dossiers=view.dossiers,
        states=[StateCounts(state=s.state, components=s.components, dossiers=s.dossiers,
                            completed=_durations(s.completed), current=_durations(s.current),
                            oldest_seconds=s.oldest_seconds, past_service_level=s.past_service_level)
                for s in view.states],
        dossier_states=view.dossier_states, branches=[_group(g) for g in view.branches],
        procedures=[_group(g) for g in view.procedures],
        review_queue=ReviewQueue(depth=view.review_queue_depth,
                                 oldest=_item(view.oldest_in_review) if view.oldest_in_review else None),
        oldest_waiting=[_item(item) for item in view.oldest_waiting],
        past_service_level=PastServiceLevel(count=view.past_service_level_count,
                                            items=[_item(item) for item in view.past_service_level]),
        options=view.filter_options)


def review_url(item: uc.WaitingItem) -> str | None:
    if item.state == "awaiting_review" and item.document_id is not None:
        return REVIEW_DOCUMENT_PATH.format(document_id=item.document_id)
    return None


def _durations(d: uc.Durations) -> Durations:
    return Durations(count=d.count, p50_seconds=d.p50_seconds, p90_seconds=d.p90_seconds)


def _group(g: uc.GroupSummary) -> Group:
    return Group(name=g.name, components=g.components, dossiers=g.dossiers, waiting=g.waiting,
                 past_service_level=g.past_service_level, oldest_waiting_seconds=g.oldest_waiting_seconds)


def _item(item: uc.WaitingItem) -> WaitingItem:
    return WaitingItem(
        kind=item.kind, document_id=item.document_id, original_id=item.original_id,
        original_sha256_prefix=item.sha256_prefix, document_type=item.document_type, media_type=item.media_type,
        dossier_id=item.dossier_id, branch=item.branch, procedure=item.procedure_code, state=item.state,
        since=item.since, age_seconds=item.age_seconds, working_seconds=item.working_seconds,
        service_level_seconds=item.service_level_seconds, past_service_level=item.past_service_level,
        review_url=review_url(item))


# ---------------------------------------------------------------- access


@dataclass
class Supervisor:
    client: Client
    record: audit.AuditRecord | None
    services: Any


def supervisor(endpoint: str, *, audited: bool = True) -> Callable[..., Supervisor]:
    """Dependency: a valid key (401) with the ``supervise`` scope (403). An audited endpoint leaves its row for
    ``service.middleware.AuditTrail``; refusals are audited anyway."""

    def dependency(request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> Supervisor:
        client, record = authorise(request, credentials, SCOPE, endpoint, audited=audited, purpose=False)
        return Supervisor(client, record if audited else None, request.app.state.services)

    return dependency


COMMON = problems(401, 403, 422, 500, 503)


# ---------------------------------------------------------------- endpoints


@router.get(OVERVIEW_PATH, response_model=Overview, responses=COMMON,
            summary="Where dossiers stall: per state, branch, procedure and age (scope supervise)")
def supervision_overview(
    branch: Annotated[str | None, Query(max_length=200, pattern=TEXT, description="only this branch")] = None,
    procedure: Annotated[str | None, Query(max_length=64, pattern=TEXT, description="only this procedure code")] = None,
    since: Annotated[Instant, Query(description="only what was received at or after this instant (RFC 3339, "
                                                "with offset)")] = None,
    limit: Annotated[int, Query(ge=1, le=200, description="how many of the oldest waiting items to list")] = 20,
    caller: Supervisor = Depends(supervisor(OVERVIEW_PATH)),
) -> ModelResponse:
    settings = caller.services.settings.settings
    view = uc.overview(caller.services.db, settings, branch=branch, procedure=procedure, since=since, oldest=limit)
    return ModelResponse(overview_body(view))


@router.get(METRICS_PATH, response_class=Response, responses={
    200: {"description": "Prometheus text exposition format",
          "content": {CONTENT_TYPE.split(";")[0]: {"schema": {"type": "string"}}}}, **problems(401, 403, 500)},
    summary="Prometheus metrics: states, review queue, time in state, uploads, quarantines (scope supervise)")
def metrics(caller: Supervisor = Depends(supervisor(METRICS_PATH, audited=False))) -> Response:
    gauges = uc.gauges(caller.services.db, caller.services.settings.settings)
    return Response(exposition(gauges), media_type=CONTENT_TYPE, headers={"Cache-Control": "no-store"})


# the supervisor's page rides on this router: one call in app.py
router.include_router(page_router)
