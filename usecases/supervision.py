"""Supervision: where dossiers stall, per state, branch, procedure and age. Read-only, and no personal data: items
are named by ids, types, media types, branches and procedure codes, never by names, id numbers or file names.

A dossier's life, derived from the append-only event log (``records.events``) and the rows it describes:

| state | a component is here | from the event |
|---|---|---|
| ``received`` | its file is stored, not yet read | ``original.received`` |
| ``read`` | read, usable without a person | ``document.created`` / ``version_added`` with status ``extracted`` |
| ``awaiting_review`` | in the review queue | the same with ``needs_review``, ``document.needs_review`` |
| ``verified`` | a reviewer left no doubt | ``document.reviewed`` with status ``verified`` |
| ``used`` | a procedure's requirements check counted it as held | ``document.used`` (``records.requirements``) |
| ``quarantined`` | its file could not be read (a person must get a new one) | ``original.quarantined`` |
| ``rejected`` | a reviewer refused it | ``document.rejected`` |

A **component** is one document as its versions follow each other (each supersedes the one before: a re-scan, a
review), or a file that has not become a document (still ``received``, ``quarantined``, or read with nothing in it).
It belongs to the branch and procedure of the first dossier its files came with (as the review queue shows it);
files of a back-office batch (``hoso run``) belong to none. A **dossier** is as far as its slowest component:
``received`` while a file is unread, then ``awaiting_review`` while a component waits for a person, then
``quarantined``, ``rejected``, ``read``, ``verified``; ``used`` once every component is.

Time in a state is wall-clock time (p50 and p90 of the stays that ended, and the ages of those still under way);
service levels count working time only (``HOSO_WORKING_HOURS``, ``HOSO_WORKING_DAYS``, ``HOSO_TIMEZONE``): a
document waiting for a reviewer longer than ``HOSO_REVIEW_SERVICE_LEVEL_HOURS`` working hours, or a file waiting
to be read longer than ``HOSO_READING_SERVICE_LEVEL_HOURS``, is past its service level.

The queue depth and the oldest waiting document agree with the review queue (``records.review.review_queue``):
a component awaits review exactly when its newest version is ``needs_review``, since that version's
``waiting_since``.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import select

from records.models import DocumentRecord, Dossier, DossierOriginal, Event, Original, Provenance, utcnow
from schemas.settings import Settings

if TYPE_CHECKING:
    from records.db import Database

State = Literal["received", "read", "awaiting_review", "verified", "used", "quarantined", "rejected"]
STATES: tuple[State, ...] = ("received", "read", "awaiting_review", "verified", "used", "quarantined", "rejected")
# states in which an item waits for the centre (to be read, for a person): they have service levels
WAITING_STATES: tuple[State, ...] = ("received", "awaiting_review")
# a dossier's state: the first of these that one of its components is in
DOSSIER_ORDER: tuple[State, ...] = ("received", "awaiting_review", "quarantined", "rejected", "read", "verified",
                                    "used")
_BY_STATUS: dict[str, State] = {"needs_review": "awaiting_review", "extracted": "read", "verified": "verified",
                                "rejected": "rejected"}
_BIRTHS = ("document.created", "document.version_added", "document.reviewed", "document.rejected")
NEEDS_REVIEW_EVENT = "document.needs_review"
USED_EVENT = "document.used"
OLDEST_LISTED = 20
PAST_LISTED = 100


# ---------------------------------------------------------------- working time


@dataclass(frozen=True)
class WorkingTime:
    """The centre's working periods (minutes after midnight), days (ISO weekdays) and time zone."""

    periods: tuple[tuple[int, int], ...]
    weekdays: frozenset[int]
    zone: tzinfo

    @classmethod
    def of(cls, settings: Settings) -> WorkingTime:
        return cls(settings.working_periods, settings.working_weekdays, settings.zone)

    @property
    def seconds_per_day(self) -> int:
        return sum(end - start for start, end in self.periods) * 60

    def seconds_between(self, start: datetime, end: datetime) -> float:
        """Working seconds from ``start`` to ``end`` (0 when ``end`` is not later)."""
        if end <= start or not self.weekdays or not self.periods:
            return 0.0
        start, end = start.astimezone(self.zone), end.astimezone(self.zone)
        day, last = start.date(), end.date()
        total = 0.0
        weeks = max(0, ((last - day).days - 7) // 7)  # whole weeks in between, counted at once
        while day <= last:
            if weeks and day > start.date():
                total += weeks * len(self.weekdays) * self.seconds_per_day
                day += timedelta(days=7 * weeks)
                weeks = 0
                continue
            if day.isoweekday() in self.weekdays:
                total += self._seconds_on(day, start, end)
            day += timedelta(days=1)
        return total

    def _seconds_on(self, day: date, start: datetime, end: datetime) -> float:
        seconds = 0.0
        for first, last in self.periods:
            opens = datetime.combine(day, time.min, self.zone) + timedelta(minutes=first)
            closes = datetime.combine(day, time.min, self.zone) + timedelta(minutes=last)
            seconds += max(0.0, (min(closes, end) - max(opens, start)).total_seconds())
        return seconds


# ---------------------------------------------------------------- components and dossiers


@dataclass(frozen=True)
class Stay:
    state: State
    entered_at: datetime
    left_at: datetime | None  # None: still in it

    def seconds(self, now: datetime) -> float:
        return max(0.0, ((self.left_at or now) - self.entered_at).total_seconds())


@dataclass
class Component:
    """One dossier component as supervision sees it (ids and codes only)."""

    kind: Literal["document", "file"]
    document_id: int | None  # the newest version
    original_id: int | None  # the file it was first read from
    document_type: str | None
    media_type: str | None
    sha256_prefix: str | None  # the first 12 hex of that file's sha256 (as Prefect's task runs are named)
    received_at: datetime
    stays: list[Stay]
    quarantine_reason: str | None = None  # its code only (``empty``, ``processing_failed`` ...)
    dossier_id: int | None = None
    branch: str | None = None
    procedure_code: str | None = None
    originals: set[int] = field(default_factory=set)

    @property
    def state(self) -> State:
        return self.stays[-1].state

    @property
    def since(self) -> datetime:
        return self.stays[-1].entered_at

    def state_at(self, moment: datetime) -> State | None:
        current = None
        for stay in self.stays:
            if stay.entered_at > moment:
                break
            current = stay.state
        return current


@dataclass
class DossierView:
    dossier_id: int
    branch: str | None
    procedure_code: str
    received_at: datetime
    stays: list[Stay]
    components: int

    @property
    def state(self) -> State:
        return self.stays[-1].state

    @property
    def since(self) -> datetime:
        return self.stays[-1].entered_at


@dataclass(frozen=True)
class Snapshot:
    components: list[Component]
    dossiers: list[DossierView]
    now: datetime


def snapshot(db: Database, *, now: datetime | None = None) -> Snapshot:
    """Every component and dossier with its history of states (a few queries, then plain Python)."""
    with db.transaction() as session:
        versions = session.execute(select(
            DocumentRecord.id, DocumentRecord.version, DocumentRecord.status, DocumentRecord.supersedes_id,
            DocumentRecord.document_type, DocumentRecord.created_at, DocumentRecord.updated_at,
            DocumentRecord.waiting_since).order_by(DocumentRecord.id)).all()
        events = session.execute(select(Event.entity, Event.entity_id, Event.action, Event.occurred_at, Event.details)
                                 .where(Event.action.in_((*_BIRTHS, NEEDS_REVIEW_EVENT, USED_EVENT,
                                                          "original.quarantined")))
                                 .order_by(Event.occurred_at, Event.id)).all()
        originals = session.execute(select(
            Original.id, Original.sha256, Original.media_type, Original.received_at, Original.status,
            Original.quarantine_reason, Original.processed_at)).all()
        evidence = session.execute(select(Provenance.document_id, Provenance.original_id).distinct()).all()
        links = session.execute(select(DossierOriginal.dossier_id, DossierOriginal.original_id)).all()
        dossier_rows = session.execute(select(Dossier.id, Dossier.branch, Dossier.procedure_code,
                                              Dossier.received_at).order_by(Dossier.id)).all()
    now = now or utcnow()
    files = {row.id: row for row in originals}
    births: dict[int, tuple[datetime, str | None, int | None]] = {}
    later: dict[int, list[tuple[datetime, str]]] = defaultdict(list)  # document id → (time, needs_review|used)
    quarantined_at: dict[int, datetime] = {}
    for event in events:
        details = event.details or {}
        if event.entity == "document" and event.action in _BIRTHS and event.entity_id not in births:
            status = "rejected" if event.action == "document.rejected" else details.get("status")
            births[event.entity_id] = (event.occurred_at, status, details.get("original_id"))
        elif event.entity == "document" and event.action in (NEEDS_REVIEW_EVENT, USED_EVENT):
            later[event.entity_id].append((event.occurred_at, event.action))
        elif event.entity == "original":
            quarantined_at[event.entity_id] = event.occurred_at
    read_from: dict[int, set[int]] = defaultdict(set)
    for row in evidence:
        read_from[row.document_id].add(row.original_id)
    dossiers_of: dict[int, list[int]] = defaultdict(list)
    for link in links:
        dossiers_of[link.original_id].append(link.dossier_id)
    dossier_by_id = {row.id: row for row in dossier_rows}

    successor = {row.supersedes_id: row.id for row in versions if row.supersedes_id is not None}
    by_id = {row.id: row for row in versions}
    components: list[Component] = []
    with_documents: set[int] = set()
    for head in (row for row in versions if row.id not in successor):
        chain = [head]
        while chain[-1].supersedes_id is not None and chain[-1].supersedes_id in by_id:
            chain.append(by_id[chain[-1].supersedes_id])
        chain.reverse()
        component = _document_component(chain, births, later, read_from, files, now)
        with_documents |= component.originals
        components.append(component)
    for file_row in originals:
        if file_row.id not in with_documents:
            components.append(_file_component(file_row, quarantined_at.get(file_row.id)))
    for component in components:
        dossier_ids = sorted({d for original in component.originals for d in dossiers_of.get(original, ())})
        if dossier_ids:
            first = dossier_by_id[dossier_ids[0]]
            component.dossier_id, component.branch, component.procedure_code = first.id, first.branch, \
                first.procedure_code
    return Snapshot(components, _dossiers(dossier_rows, components, dossiers_of, now), now)


def _document_component(chain: list[Any], births: dict[int, tuple[datetime, str | None, int | None]],
                        later: dict[int, list[tuple[datetime, str]]], read_from: dict[int, set[int]],
                        files: dict[int, Any], now: datetime) -> Component:
    head, first = chain[-1], chain[0]
    first_birth = births.get(first.id, (first.created_at, first.status, None))
    first_file = first_birth[2] if first_birth[2] in files else min(read_from.get(first.id, ()), default=None)
    file = files.get(first_file) if first_file is not None else None
    received_at = min(file.received_at, first_birth[0]) if file is not None else first_birth[0]
    # (time, order, what): a version's birth comes before a later event of the same instant
    happenings: list[tuple[datetime, int, str]] = []
    for row in chain:
        born_at, status, _ = births.get(row.id, (row.created_at, row.status, None))
        happenings.append((born_at, 0, f"status:{status}"))
        happenings += [(at, 1, action) for at, action in later.get(row.id, ())]
    happenings.sort(key=lambda item: (item[0], item[1]))
    marks: list[tuple[State, datetime]] = [("received", received_at)]
    for at, _order, what in happenings:
        current = marks[-1][0]
        if what.startswith("status:"):
            state = _BY_STATUS.get(what.removeprefix("status:"), current)
        elif what == NEEDS_REVIEW_EVENT:
            state = "awaiting_review"
        else:  # used: only what was usable
            state = "used" if current in ("read", "verified", "used") else current
        if state != current:
            marks.append((state, max(at, marks[-1][1])))
    # the rows have the last word: a status set without an event of its own, and the queue's waiting time
    final = _BY_STATUS.get(head.status)
    if final is not None and final != marks[-1][0] and not (final in ("read", "verified") and marks[-1][0] == "used"):
        marks.append((final, max(head.updated_at or head.created_at, marks[-1][1])))
    if marks[-1][0] == "awaiting_review" and head.waiting_since is not None:
        marks[-1] = ("awaiting_review", head.waiting_since)
    originals = set().union(*(read_from.get(row.id, set()) for row in chain)) | ({first_file} if first_file else set())
    return Component("document", head.id, first_file, head.document_type, file.media_type if file else None,
                     file.sha256[:12] if file else None, received_at, _stays(marks), originals=originals)


def _file_component(row: Any, quarantined_at: datetime | None) -> Component:
    marks: list[tuple[State, datetime]] = [("received", row.received_at)]
    reason = None
    if row.status == "quarantined":
        marks.append(("quarantined", max(quarantined_at or row.processed_at or row.received_at, row.received_at)))
        reason = reason_code(row.quarantine_reason)
    elif row.status == "processed":  # read, and nothing in it became a document
        marks.append(("read", max(row.processed_at or row.received_at, row.received_at)))
    return Component("file", None, row.id, None, row.media_type, row.sha256[:12], row.received_at, _stays(marks),
                     quarantine_reason=reason, originals={row.id})


def _stays(marks: list[tuple[State, datetime]]) -> list[Stay]:
    return [Stay(state, at, marks[index + 1][1] if index + 1 < len(marks) else None)
            for index, (state, at) in enumerate(marks)]


def reason_code(reason: str | None) -> str:
    """A quarantine reason's code (its first word: ``empty``, ``processing_failed``, ``encrypted``), never its text."""
    word = (reason or "").split(":", 1)[0].strip().lower()
    code = "".join(ch if ch.isascii() and (ch.isalnum() or ch == "_") else "_" for ch in word)[:40].strip("_")
    return code or "unknown"


def _dossiers(rows: Sequence[Any], components: list[Component], dossiers_of: dict[int, list[int]],
              now: datetime) -> list[DossierView]:
    members: dict[int, list[Component]] = defaultdict(list)
    for component in components:
        for dossier_id in {d for original in component.originals for d in dossiers_of.get(original, ())}:
            members[dossier_id].append(component)
    views = []
    for row in rows:
        own = members.get(row.id, [])
        moments = sorted({row.received_at, *(stay.entered_at for c in own for stay in c.stays
                                             if stay.entered_at > row.received_at)})
        marks: list[tuple[State, datetime]] = []
        for moment in moments:
            # a file of the dossier not stored yet at that moment counts as received
            states = {c.state_at(moment) or "received" for c in own} or {"received"}
            state = next(s for s in DOSSIER_ORDER if s in states)
            if not marks or marks[-1][0] != state:
                marks.append((state, moment))
        views.append(DossierView(row.id, row.branch, row.procedure_code, row.received_at, _stays(marks), len(own)))
    return views


# ---------------------------------------------------------------- the overview


@dataclass(frozen=True)
class Durations:
    count: int
    p50_seconds: float | None
    p90_seconds: float | None


@dataclass(frozen=True)
class StateSummary:
    state: State
    components: int
    dossiers: int
    completed: Durations  # stays in this state that ended
    current: Durations  # ages of the stays under way
    oldest_seconds: float | None
    past_service_level: int


@dataclass(frozen=True)
class GroupSummary:
    """Counts of one branch or procedure (``name`` None: files of no dossier)."""

    name: str | None
    components: dict[str, int]
    dossiers: dict[str, int]
    waiting: int
    past_service_level: int
    oldest_waiting_seconds: float | None


@dataclass(frozen=True)
class WaitingItem:
    kind: Literal["document", "file"]
    document_id: int | None
    original_id: int | None
    document_type: str | None
    media_type: str | None
    sha256_prefix: str | None
    dossier_id: int | None
    branch: str | None
    procedure_code: str | None
    state: State
    since: datetime
    age_seconds: float
    working_seconds: float
    service_level_seconds: float | None
    past_service_level: bool


@dataclass(frozen=True)
class Overview:
    generated_at: datetime
    branch: str | None
    procedure: str | None
    since: datetime | None
    service_levels: dict[str, float]  # state → working hours
    working_hours: str
    working_days: str
    timezone: str
    components: int
    dossiers: int
    states: list[StateSummary]
    dossier_states: dict[str, int]
    branches: list[GroupSummary]
    procedures: list[GroupSummary]
    review_queue_depth: int
    oldest_waiting: list[WaitingItem]  # the longest waiting first
    past_service_level: list[WaitingItem]
    past_service_level_count: int
    filter_options: dict[str, list[str]] = field(default_factory=dict)  # branches and procedures seen

    @property
    def oldest_in_review(self) -> WaitingItem | None:
        return next((item for item in self.oldest_waiting if item.state == "awaiting_review"), None)


def service_levels(settings: Settings) -> dict[State, float]:
    """Working hours per waiting state."""
    return {"received": settings.reading_service_level_hours, "awaiting_review": settings.review_service_level_hours}


def overview(db: Database, settings: Settings, *, branch: str | None = None, procedure: str | None = None,
             since: datetime | None = None, now: datetime | None = None, oldest: int = OLDEST_LISTED) -> Overview:
    """Counts per state, branch and procedure; time in each state; the oldest waiting items; those past their
    service level. ``branch`` and ``procedure`` keep the components and dossiers of that branch / procedure;
    ``since`` those received at or after it."""
    return summarise(snapshot(db, now=now), settings, branch=branch, procedure=procedure, since=since, oldest=oldest)


def summarise(snap: Snapshot, settings: Settings, *, branch: str | None = None, procedure: str | None = None,
              since: datetime | None = None, oldest: int = OLDEST_LISTED) -> Overview:
    now = snap.now
    working = WorkingTime.of(settings)
    levels = service_levels(settings)
    options = {"branches": sorted({c.branch for c in snap.components if c.branch}
                                  | {d.branch for d in snap.dossiers if d.branch}),
               "procedures": sorted({d.procedure_code for d in snap.dossiers})}
    components = [c for c in snap.components if _keep(c.branch, c.procedure_code, c.received_at, branch, procedure,
                                                      since)]
    dossiers = [d for d in snap.dossiers if _keep(d.branch, d.procedure_code, d.received_at, branch, procedure, since)]
    waiting = sorted((_waiting(c, now, working, levels) for c in components if c.state in WAITING_STATES),
                     key=lambda item: (item.since, item.document_id or 0, item.original_id or 0))
    past = [item for item in waiting if item.past_service_level]
    states = []
    for state in STATES:
        ended = [stay.seconds(now) for c in components for stay in c.stays if stay.state == state and stay.left_at]
        current = [c.stays[-1].seconds(now) for c in components if c.state == state]
        states.append(StateSummary(
            state, len(current), sum(d.state == state for d in dossiers), _durations(ended), _durations(current),
            max(current) if current else None, sum(item.state == state for item in past)))
    return Overview(
        generated_at=now, branch=branch, procedure=procedure, since=since,
        service_levels={state: hours for state, hours in levels.items()}, working_hours=settings.working_hours,
        working_days=settings.working_days, timezone=settings.timezone, components=len(components),
        dossiers=len(dossiers), states=states, dossier_states=_count(d.state for d in dossiers),
        branches=_groups(components, dossiers, waiting, lambda x: x.branch),
        procedures=_groups(components, dossiers, waiting, lambda x: x.procedure_code),
        review_queue_depth=sum(c.state == "awaiting_review" for c in components),
        oldest_waiting=waiting[:max(0, oldest)], past_service_level=past[:PAST_LISTED],
        past_service_level_count=len(past), filter_options=options)


def _keep(item_branch: str | None, item_procedure: str | None, received_at: datetime, branch: str | None,
          procedure: str | None, since: datetime | None) -> bool:
    return ((branch is None or item_branch == branch) and (procedure is None or item_procedure == procedure)
            and (since is None or received_at >= since))


def _waiting(component: Component, now: datetime, working: WorkingTime, levels: dict[State, float]) -> WaitingItem:
    level = levels.get(component.state)
    worked = working.seconds_between(component.since, now)
    return WaitingItem(
        component.kind, component.document_id, component.original_id, component.document_type, component.media_type,
        component.sha256_prefix, component.dossier_id, component.branch, component.procedure_code, component.state,
        component.since, round(max(0.0, (now - component.since).total_seconds()), 3), round(worked, 3),
        level * 3600 if level is not None else None, level is not None and worked > level * 3600)


def _groups(components: list[Component], dossiers: list[DossierView], waiting: list[WaitingItem],
            key: Any) -> list[GroupSummary]:
    names = {key(c) for c in components} | {key(d) for d in dossiers}
    groups = []
    for name in sorted(names, key=lambda n: (n is None, n or "")):
        mine = [item for item in waiting if key(item) == name]
        groups.append(GroupSummary(
            name, _count(c.state for c in components if key(c) == name),
            _count(d.state for d in dossiers if key(d) == name), len(mine),
            sum(item.past_service_level for item in mine), max((item.age_seconds for item in mine), default=None)))
    return groups


def _count(states: Iterable[str]) -> dict[str, int]:
    counted: dict[str, int] = defaultdict(int)
    for state in states:
        counted[state] += 1
    return {state: counted[state] for state in STATES if counted[state]}


def _durations(seconds: list[float]) -> Durations:
    return Durations(len(seconds), percentile(seconds, 50), percentile(seconds, 90))


def percentile(values: list[float], p: float) -> float | None:
    """The p-th percentile by linear interpolation between closest ranks; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low, high = math.floor(rank), math.ceil(rank)
    return round(ordered[low] + (ordered[high] - ordered[low]) * (rank - low), 3)


# ---------------------------------------------------------------- for metrics


@dataclass(frozen=True)
class Gauges:
    """What ``/metrics`` exports, from one snapshot (every branch, no filter)."""

    overview: Overview
    completed_stays: dict[str, list[float]]  # state → seconds of each stay that ended
    quarantines: dict[str, int]  # reason code → files quarantined (ever: the event log keeps them)
    dossiers_by_branch: dict[str | None, int]


def gauges(db: Database, settings: Settings, *, now: datetime | None = None) -> Gauges:
    snap = snapshot(db, now=now)
    summary = summarise(snap, settings, oldest=10**9)
    ended: dict[str, list[float]] = {state: [] for state in STATES}
    for component in snap.components:
        for stay in component.stays:
            if stay.left_at is not None:
                ended[stay.state].append(stay.seconds(snap.now))
    quarantines: dict[str, int] = defaultdict(int)
    for component in snap.components:
        if any(stay.state == "quarantined" for stay in component.stays):
            quarantines[component.quarantine_reason or "unknown"] += 1
    by_branch: dict[str | None, int] = defaultdict(int)
    for dossier in snap.dossiers:
        by_branch[dossier.branch] += 1
    return Gauges(summary, ended, dict(quarantines), dict(by_branch))



# ---------------------------------------------------------------- for Prefect's task runs


def dossier_of_file(db: Database, sha256: str) -> tuple[str | None, str | None]:
    """The branch and procedure of the first dossier a file (by its sha256) came with; (None, None) for a file not
    seen yet or of no dossier (a back-office batch)."""
    with db.transaction() as session:
        row = session.execute(
            select(Dossier.branch, Dossier.procedure_code).join(DossierOriginal, DossierOriginal.dossier_id == Dossier.id)
            .join(Original, Original.id == DossierOriginal.original_id).where(Original.sha256 == sha256)
            .order_by(Dossier.id).limit(1)).one_or_none()
    return (row.branch, row.procedure_code) if row is not None else (None, None)
