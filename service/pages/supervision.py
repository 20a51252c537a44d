"""The supervisor's page at ``/supervision`` (scope ``supervise``; signed in as for the other pages, ``web``): where
dossiers stall, with filters (branch, procedure, received since), charts drawn here as SVG (no script, no CDN),
and the list of what waits longest, each waiting document opening the review page. Vietnamese; no personal data.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date, datetime, time
from html import escape
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from markupsafe import Markup

from records.procedures import load_catalogue
from service import audit
from service.pages.auth import signed_in
from service.pages.review import DOCUMENT_PATH as REVIEW_DOCUMENT_PATH
from service.pages.web import form_text, render, services_of
from usecases import supervision as uc
from usecases.review import type_title

router = APIRouter(include_in_schema=False)
SCOPE = "supervise"
NO_SCOPE = "giám sát"  # what a key without SCOPE may not do, on its 403 page
PAGE_PATH = "/supervision"
PURPOSE = "supervision page"
REFRESH_SECONDS = 60
LISTED = 25
WIDTH = 480  # the charts' drawing width; two side by side fill the page at 1280 px

STATE_LABELS: dict[str, str] = {
    "received": "Chờ đọc", "read": "Đã đọc", "awaiting_review": "Chờ xem xét", "verified": "Đã xác nhận",
    "used": "Đã sử dụng", "quarantined": "Không đọc được", "rejected": "Bị từ chối"}
STATE_HINTS: dict[str, str] = {
    "received": "đã tiếp nhận, chưa đọc (OCR)", "read": "đã đọc, dùng được không cần người xem",
    "awaiting_review": "trong hàng đợi xem xét", "verified": "người xem xét đã xác nhận",
    "used": "thủ tục đã dùng thay cho giấy tờ công dân nộp", "quarantined": "tệp bị tạm giữ, cần bản khác",
    "rejected": "người xem xét đã từ chối"}
NO_BRANCH = "Xử lý lô (không qua chi nhánh)"
NO_PROCEDURE = "Xử lý lô (không theo thủ tục)"
MEDIA_LABELS = {"application/pdf": "Tệp PDF", "image/jpeg": "Ảnh JPEG", "image/png": "Ảnh PNG",
                "image/tiff": "Ảnh TIFF", "image/webp": "Ảnh WebP"}
AGE_BUCKETS: tuple[tuple[float, str], ...] = ((15 * 60, "< 15 phút"), (3600, "15–60 phút"), (4 * 3600, "1–4 giờ"),
                                              (8 * 3600, "4–8 giờ"), (86400, "8–24 giờ"), (3 * 86400, "1–3 ngày"),
                                              (math.inf, "> 3 ngày"))


@router.get(PAGE_PATH)
def supervision_page(request: Request) -> Response:
    user, refusal = signed_in(request, SCOPE, NO_SCOPE)
    if refusal is not None:
        return refusal
    assert user is not None
    request.state.audit = audit.AuditRecord(client=user.name, method=request.method, endpoint=PAGE_PATH,
                                            purpose=PURPOSE)
    services = services_of(request)
    settings = services.settings.settings
    zone = settings.zone
    filters = {name: value for name in ("branch", "procedure", "since")
               if (value := form_text(request.query_params.get(name)))}
    since_day = _day(filters.get("since"))
    if "since" in filters and since_day is None:
        filters.pop("since")
    since = datetime.combine(since_day, time.min, zone) if since_day else None
    view = uc.overview(services.db, settings, branch=filters.get("branch"), procedure=filters.get("procedure"),
                       since=since, oldest=10**6)
    procedures = {p.code: p.name for p in load_catalogue().procedures}
    waiting = view.oldest_waiting
    oldest = view.oldest_in_review
    context = {
        "view": view, "filters": filters, "labels": STATE_LABELS, "hints": STATE_HINTS, "states": uc.STATES,
        "procedures": procedures, "no_branch": NO_BRANCH, "refresh": REFRESH_SECONDS,
        "generated": _when(view.generated_at, zone),
        "received_waiting": sum(1 for item in waiting if item.state == "received"),
        "oldest": _row(oldest, view.generated_at, zone, procedures) if oldest else None,
        "rows": [_row(item, view.generated_at, zone, procedures) for item in waiting[:LISTED]],
        "more": max(0, len(waiting) - LISTED),
        "levels": {state: _hours(hours) for state, hours in view.service_levels.items()},
        "branch_rows": [_group(g, g.name or NO_BRANCH) for g in view.branches],
        "procedure_rows": [_group(g, procedures.get(g.name or "", g.name or NO_PROCEDURE)) for g in view.procedures],
        "chart_branches": Markup(states_by_group(view.branches, "Xử lý lô")),
        "chart_durations": Markup(durations_chart(view.states)),
        "chart_ages": Markup(ages_chart(waiting)),
        "chart_dossiers": Markup(dossier_bar(view.dossier_states)),
        "clear_url": PAGE_PATH, "duration": duration,
    }
    response = render(request, "supervision.html", context, user=user)
    response.headers["Refresh"] = str(REFRESH_SECONDS)
    return response


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _when(moment: datetime, zone: Any) -> str:
    return moment.astimezone(zone).strftime("%d/%m/%Y %H:%M")


def _row(item: uc.WaitingItem, now: datetime, zone: Any, procedures: dict[str, str]) -> dict[str, Any]:
    review = REVIEW_DOCUMENT_PATH.format(document_id=item.document_id) \
        if item.state == "awaiting_review" and item.document_id is not None else None
    if item.document_type is None:
        what = MEDIA_LABELS.get(item.media_type or "", "Tệp")
    elif item.document_type == "unknown":
        what = "Giấy tờ chưa nhận diện được"
    else:
        what = type_title(item.document_type)
    return {"item": item, "what": what, "label": STATE_LABELS[item.state], "since": _when(item.since, zone),
            "since_iso": item.since.isoformat(), "age": duration(item.age_seconds),
            "worked": duration(item.working_seconds, working=True), "review_url": review,
            "branch": item.branch or NO_BRANCH, "procedure": procedures.get(item.procedure_code or "", "—"),
            "ref": f"#{item.document_id}" if item.document_id else f"tệp {item.sha256_prefix or item.original_id}"}


def _group(group: uc.GroupSummary, name: str) -> dict[str, Any]:
    return {"name": name, "components": group.components, "dossiers": group.dossiers, "waiting": group.waiting,
            "late": group.past_service_level,
            "oldest": duration(group.oldest_waiting_seconds) if group.oldest_waiting_seconds is not None else "—"}


def _hours(hours: float) -> str:
    return f"{hours:g} giờ làm việc"


def duration(seconds: float | None, *, working: bool = False) -> str:
    """``2 giờ 5 phút``, ``3 ngày 4 giờ``: a duration for people (working time counts 24 h as a day too)."""
    if seconds is None:
        return "—"
    seconds = max(0.0, seconds)
    if seconds < 60:
        return f"{int(seconds)} giây"
    minutes = int(seconds // 60)
    if minutes < 60:
        return f"{minutes} phút"
    hours, minutes = divmod(minutes, 60)
    if hours < 48 or working:
        return f"{hours} giờ {minutes} phút" if minutes and hours < 10 else f"{hours} giờ"
    days, hours = divmod(hours, 24)
    return f"{days} ngày {hours} giờ" if hours else f"{days} ngày"


# ---------------------------------------------------------------- charts (SVG, drawn here)


def _text(x: float, y: float, text: str, css: str = "", anchor: str = "start") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" class="{css}" text-anchor="{anchor}">{escape(text)}</text>')


def _svg(width: int, height: int, label: str, body: Iterable[str]) -> str:
    return (f'<svg class="chart" viewBox="0 0 {width} {height}" preserveAspectRatio="xMinYMin meet" role="img" '
            f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">' + "".join(body) + "</svg>")


def _short(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def states_by_group(groups: list[uc.GroupSummary], no_name: str) -> str:
    """One bar per branch, its components stacked by state."""
    if not groups:
        return '<p class="empty">Chưa có dữ liệu.</p>'
    width, label_w, row_h, top = WIDTH, 178, 30, 8
    bar_w = width - label_w - 34
    most = max(sum(g.components.values()) for g in groups) or 1
    height = top + row_h * len(groups) + 6
    parts = []
    for index, group in enumerate(groups):
        y = top + index * row_h
        name = group.name or no_name
        parts.append(_text(label_w - 8, y + 19, _short(name, 27), "label", "end"))
        x = float(label_w)
        total = sum(group.components.values())
        for state in uc.STATES:
            count = group.components.get(state, 0)
            if not count:
                continue
            w = bar_w * count / most
            parts.append(f'<rect x="{x:.1f}" y="{y + 4}" width="{max(w, 1.5):.1f}" height="{row_h - 10}" '
                         f'class="st st-{state}"><title>{escape(name)}: {escape(STATE_LABELS[state])} {count}</title>'
                         "</rect>")
            if w >= 22:
                parts.append(_text(x + w / 2, y + 19.5, str(count), "in", "middle"))
            x += w
        parts.append(_text(x + 6, y + 19, str(total), "total"))
    return _svg(width, height, "Thành phần theo trạng thái và chi nhánh", parts)


_TICKS = ((1, "1 giây"), (10, "10 giây"), (60, "1 phút"), (600, "10 phút"), (3600, "1 giờ"), (4 * 3600, "4 giờ"),
          (86400, "1 ngày"), (7 * 86400, "1 tuần"), (30 * 86400, "30 ngày"))


def durations_chart(states: list[uc.StateSummary]) -> str:
    """Time spent in each state: p50 (dark) and p90 (light) of the stays that ended, on a log scale."""
    rows = [s for s in states if s.completed.count]
    if not rows:
        return '<p class="empty">Chưa có lượt nào kết thúc.</p>'
    width, label_w, row_h, top, axis_h = WIDTH, 100, 40, 8, 26
    plot_w = width - label_w - 118
    low = 1.0
    high = max(60.0, max((s.completed.p90_seconds or 0) for s in rows) * 1.3)
    span = math.log10(high) - math.log10(low)

    def x_of(seconds: float) -> float:
        return label_w + plot_w * (math.log10(max(seconds, low)) - math.log10(low)) / span

    height = top + row_h * len(rows) + axis_h
    parts = []
    for tick, name in _TICKS:
        if tick > high:
            break
        x = x_of(tick)
        parts.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{height - axis_h + 2}" class="grid"/>')
        parts.append(_text(x, height - 8, name, "axis", "middle"))
    for index, summary in enumerate(rows):
        y = top + index * row_h
        p50, p90 = summary.completed.p50_seconds or 0, summary.completed.p90_seconds or 0
        parts.append(_text(label_w - 8, y + 24, STATE_LABELS[summary.state], "label", "end"))
        parts.append(f'<rect x="{label_w}" y="{y + 8}" width="{max(1.5, x_of(p90) - label_w):.1f}" height="{row_h - 18}" '
                     f'class="st st-{summary.state} light"><title>p90 {escape(duration(p90))}</title></rect>')
        parts.append(f'<rect x="{label_w}" y="{y + 8}" width="{max(1.5, x_of(p50) - label_w):.1f}" height="{row_h - 18}" '
                     f'class="st st-{summary.state}"><title>p50 {escape(duration(p50))}</title></rect>')
        parts.append(_text(width - 110, y + 18, f"p50 {duration(p50)}", "value"))
        parts.append(_text(width - 110, y + 32, f"p90 {duration(p90)} · {summary.completed.count} lượt", "note"))
    return _svg(width, height, "Thời gian ở mỗi trạng thái (p50, p90)", parts)


def ages_chart(waiting: list[uc.WaitingItem]) -> str:
    """How long the waiting items have waited, in age bands, stacked by the state they wait in."""
    if not waiting:
        return '<p class="empty">Không có gì đang chờ.</p>'
    counts = [{state: 0 for state in uc.WAITING_STATES} for _ in AGE_BUCKETS]
    for item in waiting:
        band = next(i for i, (bound, _) in enumerate(AGE_BUCKETS) if item.age_seconds < bound)
        counts[band][item.state] += 1
    width, height, left, bottom, top = WIDTH, 210, 30, 36, 16
    plot_h = height - bottom - top
    col_w = (width - left - 10) / len(AGE_BUCKETS)
    most = max(sum(c.values()) for c in counts) or 1
    parts = [f'<line x1="{left}" y1="{height - bottom}" x2="{width - 10}" y2="{height - bottom}" class="axis-line"/>']
    step = max(1, math.ceil(most / 4))
    for value in range(0, most + 1, step):
        y = height - bottom - plot_h * value / most
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - 10}" y2="{y:.1f}" class="grid"/>')
        parts.append(_text(left - 6, y + 4, str(value), "axis", "end"))
    for index, ((_, name), column) in enumerate(zip(AGE_BUCKETS, counts)):
        x = left + index * col_w + col_w * 0.18
        y = float(height - bottom)
        for state in uc.WAITING_STATES:
            count = column[state]
            if not count:
                continue
            h = plot_h * count / most
            y -= h
            parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{col_w * 0.64:.1f}" height="{h:.1f}" '
                         f'class="st st-{state}"><title>{escape(name)}: {escape(STATE_LABELS[state])} {count}'
                         "</title></rect>")
        total = sum(column.values())
        if total:
            parts.append(_text(x + col_w * 0.32, y - 4, str(total), "value", "middle"))
        parts.append(_text(left + index * col_w + col_w / 2, height - bottom + 18, name, "axis", "middle"))
    return _svg(width, height, "Tuổi của những gì đang chờ", parts)


def dossier_bar(states: dict[str, int]) -> str:
    """The dossiers in one bar, by state."""
    total = sum(states.values())
    if not total:
        return '<p class="empty">Chưa có hồ sơ nào qua chi nhánh.</p>'
    width, height = WIDTH, 34
    parts = []
    x = 0.0
    for state in uc.DOSSIER_ORDER:
        count = states.get(state, 0)
        if not count:
            continue
        w = width * count / total
        parts.append(f'<rect x="{x:.1f}" y="2" width="{w:.1f}" height="26" class="st st-{state}"><title>'
                     f'{escape(STATE_LABELS[state])}: {count}</title></rect>')
        if w >= 100:
            parts.append(_text(x + 8, 20, f"{STATE_LABELS[state]} {count}", "in"))
        elif w >= 22:
            parts.append(_text(x + w / 2, 20, str(count), "in", "middle"))
        x += w
    return _svg(width, height, "Hồ sơ theo trạng thái", parts)

