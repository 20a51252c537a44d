"""Prometheus metrics at ``/metrics`` (``service.supervision`` serves them).

Two kinds, so that every worker process answers the same:

- **from the database, at scrape time** (``DatabaseCollector``): components and dossiers by state, the review
  queue's depth and its oldest waiting document per branch, items past their service level, the time spent in
  each state (a histogram of the stays that ended: the event log only grows, so its counts only grow), files
  quarantined by reason and dossiers received per branch (counters, from the append-only event log and the
  dossiers table). Any worker computes the same values from the same rows.
- **in the process, as requests are answered** (``UPLOADS``, ``UPLOAD_SECONDS``: uploads by status and their
  latency): with several uvicorn workers ``hoso serve`` sets ``PROMETHEUS_MULTIPROC_DIR`` before they start
  (``multiprocess_dir``), each worker writes its samples there and a scrape sums every worker's; with one
  worker they live in that process.

Labels carry states, branch names, procedure codes and reason codes: no personal data.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Receive, Scope, Send

from service.middleware import Answer, route_template
from usecases.supervision import STATES, Gauges

if TYPE_CHECKING:
    from prometheus_client.metrics_core import Metric

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
CONTENT_TYPE = CONTENT_TYPE_LATEST
UPLOAD_ROUTE = ("POST", "/v1/dossiers")
NO_BRANCH = "none"  # the label of files that came with no dossier (a back-office batch)
# time in a state: a minute to a week
STAY_BUCKETS = (1.0, 5.0, 15.0, 60.0, 300.0, 900.0, 1800.0, 3600.0, 2 * 3600.0, 4 * 3600.0, 8 * 3600.0, 86400.0,
                2 * 86400.0, 7 * 86400.0)
UPLOAD_BUCKETS = (0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 8.0, 13.0, 20.0, 30.0, 60.0, 120.0)

# registry=None: registered per scrape (one process), or read back from the workers' files (several)
UPLOADS = Counter("hoso_uploads", "Uploads of dossiers (POST /v1/dossiers) answered, by HTTP status",
                  ["status"], registry=None)
UPLOAD_SECONDS = Histogram("hoso_upload_duration_seconds", "Time to answer an upload of a dossier, from its "
                           "first byte to the answer (seconds)", buckets=UPLOAD_BUCKETS, registry=None)


def multiprocess_mode() -> bool:
    return bool(os.environ.get(MULTIPROC_ENV))


@contextmanager
def multiprocess_dir(workers: int) -> Iterator[None]:
    """For ``hoso serve`` with several workers, before they start: a fresh folder for their samples (removed
    afterwards). A folder already set in ``PROMETHEUS_MULTIPROC_DIR`` is used as it is."""
    if workers < 2 or multiprocess_mode():
        yield
        return
    folder = tempfile.mkdtemp(prefix="hoso-metrics-")
    os.environ[MULTIPROC_ENV] = folder  # inherited by the workers, which import prometheus_client afresh
    try:
        yield
    finally:
        os.environ.pop(MULTIPROC_ENV, None)
        shutil.rmtree(folder, ignore_errors=True)


def exposition(gauges: Gauges) -> bytes:
    """The text exposition format: the database's metrics and the uploads (all workers' when there are several)."""
    registry = CollectorRegistry(auto_describe=False)
    if multiprocess_mode():
        MultiProcessCollector(registry)
    else:
        registry.register(UPLOADS)
        registry.register(UPLOAD_SECONDS)
    registry.register(DatabaseCollector(gauges))
    return generate_latest(registry)


class DatabaseCollector(Collector):
    """The metrics computed from the database for one scrape (``usecases.supervision.gauges``)."""

    def __init__(self, gauges: Gauges) -> None:
        self.gauges = gauges

    def collect(self) -> Iterator[Metric]:
        overview = self.gauges.overview
        components = GaugeMetricFamily("hoso_components", "Dossier components (documents, and files not read or "
                                       "quarantined) by state", labels=["state"])
        dossiers = GaugeMetricFamily("hoso_dossiers", "Dossiers by state (the state of their slowest component)",
                                     labels=["state"])
        for summary in overview.states:
            components.add_metric([summary.state], summary.components)
            dossiers.add_metric([summary.state], summary.dossiers)
        yield components
        yield dossiers

        depth = GaugeMetricFamily("hoso_review_queue_depth", "Documents waiting for a reviewer, by the branch of "
                                  f"their first dossier ('{NO_BRANCH}': none)", labels=["branch"])
        oldest = GaugeMetricFamily("hoso_review_queue_oldest_age_seconds", "How long the oldest document waiting "
                                   "for a reviewer has waited, by branch", labels=["branch"])
        since = GaugeMetricFamily("hoso_review_queue_oldest_waiting_since_seconds", "Since when (Unix time) the "
                                  "oldest document waiting for a reviewer waits, by branch", labels=["branch"])
        oldest_id = GaugeMetricFamily("hoso_review_queue_oldest_document_id", "The id of the document waiting "
                                      "longest for a reviewer, by branch", labels=["branch"])
        waiting = GaugeMetricFamily("hoso_waiting", "Items waiting for the centre (to be read, for a reviewer), "
                                    "by state and branch", labels=["state", "branch"])
        past = GaugeMetricFamily("hoso_past_service_level", "Items waiting longer than their service level (working "
                                 "hours), by state and branch", labels=["state", "branch"])
        branches = sorted({_branch(g.name) for g in overview.branches})
        per_state: dict[tuple[str, str], list[Any]] = {}
        for item in overview.oldest_waiting:  # every waiting item, oldest first
            per_state.setdefault((item.state, _branch(item.branch)), []).append(item)
        for branch in branches:
            queue = per_state.get(("awaiting_review", branch), [])
            depth.add_metric([branch], len(queue))
            if queue:
                oldest.add_metric([branch], queue[0].age_seconds)
                since.add_metric([branch], queue[0].since.timestamp())
                oldest_id.add_metric([branch], queue[0].document_id or 0)
        for (state, branch), items in sorted(per_state.items()):
            waiting.add_metric([state, branch], len(items))
            past.add_metric([state, branch], sum(item.past_service_level for item in items))
        yield from (depth, oldest, since, oldest_id, waiting, past)

        stays = HistogramMetricFamily("hoso_state_duration_seconds", "Time spent in each state, by the stays that "
                                      "ended", labels=["state"])
        for state in STATES:
            seconds = self.gauges.completed_stays.get(state, [])
            buckets = [(_bound(bound), sum(s <= bound for s in seconds)) for bound in STAY_BUCKETS]
            stays.add_metric([state], buckets + [("+Inf", len(seconds))], sum(seconds))
        yield stays

        quarantines = CounterMetricFamily("hoso_quarantines", "Files quarantined, by the code of their reason",
                                          labels=["reason"])
        for reason, count in sorted(self.gauges.quarantines.items()):
            quarantines.add_metric([reason], count)
        yield quarantines
        received = CounterMetricFamily("hoso_dossiers_received", "Dossiers received (one per upload), by branch",
                                       labels=["branch"])
        for name, count in sorted(self.gauges.dossiers_by_branch.items(), key=lambda item: _branch(item[0])):
            received.add_metric([_branch(name)], count)
        yield received


def _branch(name: str | None) -> str:
    return name if name else NO_BRANCH


def _bound(value: float) -> str:
    return str(int(value)) if value == int(value) else str(value)


class UploadMetrics:
    """ASGI middleware: counts each upload (``POST /v1/dossiers``) by status and times it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != UPLOAD_ROUTE[0] \
                or not scope.get("path", "").startswith(UPLOAD_ROUTE[1]):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        answer = Answer(send)
        try:
            await self.app(scope, receive, answer.send)
        finally:
            if route_template(scope) == UPLOAD_ROUTE[1]:
                UPLOADS.labels(status=str(answer.status)).inc()
                UPLOAD_SECONDS.observe(time.perf_counter() - started)
