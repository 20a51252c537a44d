"""The review loop, measured on the bundled samples: keystrokes to clear a document and the document view's load
time, in real Chromium against a real ``hoso serve`` on loopback.

    .venv/bin/python -m tools.bench_review [--samples samples/dossiers] [--loads 20] [--screenshot docs/review.png]

1. The sample files are uploaded as branch dossiers (files of one item together, so a card's two sides join)
   into a fresh data dir: ``usecases.intake.ingest_dossier``, OCR and all.
2. ``hoso serve`` starts on loopback with a ``review`` key; Debian's Chromium (Playwright, nothing but 127.0.0.1
   reachable) signs in on ``/review``.
3. The queue is cleared as a reviewer clears it: Enter on the queue opens the oldest document; each document
   is loaded ``--loads`` times more (the view's load time: navigation start to the load event, HTML,
   stylesheet, scripts and page images; p50/p95, with the server's time to first byte), then cleared with the
   keyboard: Enter to each doubtful field after the first (which has the focus when the view opens), the
   right value typed where the sample's ground truth says the reading is wrong, then Ctrl+Enter (confirm and
   open the next). Keys are counted as pressed; the characters of typed values are reported apart. Goal: a
   document with one doubtful field in at most 3 keys, and the view's p95 at most 300 ms. The time from a
   decision's key to the next document loaded is reported too.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import cycle
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text

from records.db import open_database
from records.procedures import load_catalogue
from records.review import review_queue
from records.storage.objects import LocalObjectStore
from service.keys import create_key
from usecases import review as uc
from usecases.intake import ingest_dossier

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update"]
BRANCHES = ("Chi nhánh số 1 - Hoàn Kiếm", "Chi nhánh số 5 - Cầu Giấy", "Chi nhánh số 9 - Hà Đông")
VIEWPORT: Any = {"width": 1400, "height": 900}
GOAL_KEYS, GOAL_P95_MS = 3, 300.0


@dataclass
class Cleared:
    document_id: int
    document_type: str
    doubtful: int
    keys: int  # keys pressed: navigation and confirmation
    typed: int  # characters of corrected values
    corrected: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # corrections the validators refused


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.bench_review", description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples", type=Path, default=REPO / "samples" / "dossiers")
    parser.add_argument("--loads", type=int, default=20, help="loads of each document view")
    parser.add_argument("--screenshot", type=Path, default=None, help="save the first document view here")
    parser.add_argument("--keep", type=Path, default=None, help="use (and keep) this data dir instead of a temp one")
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"no browser at {CHROMIUM}: apt-get install -y chromium (never playwright install)")
    with tempfile.TemporaryDirectory(prefix="hoso-review-") as temp:
        data_dir = args.keep or Path(temp)
        data_dir.mkdir(parents=True, exist_ok=True)
        return run(args, data_dir)


def run(args: argparse.Namespace, data_dir: Path) -> int:
    database_url = f"sqlite:///{data_dir / 'hoso.db'}"
    started = time.perf_counter()
    files, documents = ingest(args.samples, data_dir, database_url)
    db = open_database(database_url)
    prepared = one_doubt(db, LocalObjectStore(data_dir / "objects"))
    queued = review_queue(db, limit=200).items
    token = create_key(db, "bench-reviewer", ["review"])
    db.close()
    print(f"ingested {files} files of {args.samples} in {time.perf_counter() - started:.0f} s: {documents} "
          f"documents, {len(queued)} waiting for review")
    if prepared is not None:
        print(f"document {prepared[0]} left with one doubtful field ({prepared[1]}): every other one confirmed "
              "first, as a reviewer's earlier save would")
    truth = truth_values(args.samples)
    process, base = serve(data_dir, database_url)
    try:
        loads, ttfb, arrivals, cleared = browse(base, token, database_url, data_dir,
                                                [item.document_id for item in queued], truth, args)
    finally:
        process.terminate()
        process.wait(timeout=30)
    report(loads, ttfb, arrivals, cleared)
    one = [c for c in cleared if c.doubtful == 1]
    ok = bool(loads) and percentile(loads, 95) <= GOAL_P95_MS and all(c.keys <= GOAL_KEYS for c in one)
    return 0 if ok else 1


# ---------------------------------------------------------------- the samples, as branch uploads


def ingest(samples: Path, data_dir: Path, database_url: str) -> tuple[int, int]:
    groups: dict[str, list[Path]] = defaultdict(list)
    for path in sorted(samples.iterdir()):
        if path.is_file() and not path.name.endswith(".json") and not path.name.startswith("."):
            groups[path.name.split("_", 1)[0]].append(path)
    db = open_database(database_url)
    store = LocalObjectStore(data_dir / "objects")
    procedures = cycle([procedure.code for procedure in load_catalogue().procedures])
    branches = cycle(BRANCHES)
    files = documents = 0
    try:
        for _, paths in sorted(groups.items()):
            outcome = ingest_dossier(db, store, [(path.name, path.read_bytes()) for path in paths],
                                     procedure_code=next(procedures), branch=next(branches), actor="bench")
            files += len(paths)
            documents += len(outcome.documents)
    finally:
        db.close()
    return files, documents


def one_doubt(db: Any, store: LocalObjectStore) -> tuple[int, str] | None:
    """A document with exactly one doubtful field, made from the queued sample with the fewest when none has
    one: all its other doubtful values given again as they are (a reviewer's earlier save confirms them)."""
    candidates = []
    for queued in review_queue(db, limit=200).items:
        view = uc.open_document(db, store, queued.document_id)
        if len(view.doubtful) == 1:
            return None  # the samples have one already
        required = [f for f in view.doubtful if f.required]
        if required and all(f.editable for f in view.doubtful):
            candidates.append((len(view.doubtful), view, required[0]))
    if not candidates:
        return None
    _, view, keep = min(candidates, key=lambda candidate: candidate[0])
    saved = uc.review(db, view.document_id, reviewer="bench-earlier-save",
                      corrections={f.name: shown(f) for f in view.doubtful if f.name != keep.name})
    return saved.id, keep.name


def truth_values(samples: Path) -> dict[str, list[dict[str, Any]]]:
    """Ground truth by sample file name: its documents' types and field values."""
    found: dict[str, list[dict[str, Any]]] = {}
    for path in samples.glob("*.truth.json"):
        truth = json.loads(path.read_text(encoding="utf-8"))
        found[truth["file"]] = truth.get("documents", [])
    return found


# ---------------------------------------------------------------- the service and the browser


def serve(data_dir: Path, database_url: str) -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {key: value for key, value in os.environ.items() if not key.startswith("HOSO_")}
    env.update({"HOSO_DATA_DIR": str(data_dir), "HOSO_DATABASE_URL": database_url, "HOSO_UPLOAD_RUNNER": "direct",
                "OMP_THREAD_LIMIT": "1"})
    log = (data_dir / "server.log").open("wb")
    process = subprocess.Popen([sys.executable, "-m", "hoso.cli", "serve", "--port", str(port)], cwd=REPO,
                               env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"hoso serve exited: {(data_dir / 'server.log').read_text()[-2000:]}")
        try:
            if httpx.get(f"{base}/v1/health", timeout=1).status_code == 200:
                return process, base
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    process.kill()
    raise SystemExit("hoso serve did not become healthy")


def browse(base: str, token: str, database_url: str, data_dir: Path, queued: list[int],
           truth: dict[str, list[dict[str, Any]]], args: argparse.Namespace
           ) -> tuple[list[float], list[float], list[float], list[Cleared]]:
    """The reviewer's flow: from the queue, Enter opens the oldest; each document is loaded ``--loads`` more
    times (the view's load time), then cleared with the keyboard, which opens the next one."""
    from playwright.sync_api import sync_playwright  # heavy and optional: only this tool drives a browser

    loads: list[float] = []
    ttfb: list[float] = []
    arrivals: list[float] = []  # Enter on the queue, or Ctrl+Enter on the previous document → this one loaded
    cleared: list[Cleared] = []
    db = open_database(database_url)
    store = LocalObjectStore(data_dir / "objects")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        context = browser.new_context(viewport=VIEWPORT, locale="vi-VN")
        context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base)
                      else route.abort("internetdisconnected"))
        page = context.new_page()
        try:
            page.goto(f"{base}/review")
            page.fill("#key", token)
            with page.expect_navigation():
                page.keyboard.press("Enter")  # signed in: the queue
            if page.locator("#open-oldest").count():
                with page.expect_navigation():
                    page.keyboard.press("Enter")  # open the oldest
            while "/review/documents/" in page.url:
                arrivals.append(_timing(page)[0])
                for _ in range(args.loads):
                    page.reload(wait_until="load")
                    total, first_byte = _timing(page)
                    loads.append(total)
                    ttfb.append(first_byte)
                if not cleared and args.screenshot:
                    args.screenshot.parent.mkdir(parents=True, exist_ok=True)
                    page.screenshot(path=str(args.screenshot))
                document_id = int(page.url.split("/review/documents/")[1].split("?")[0])
                view = uc.open_document(db, store, document_id)
                cleared.append(clear(page, view, expected(view, db, truth)))
        finally:
            db.close()
            browser.close()
    return loads, ttfb, arrivals, cleared


def _timing(page: Any) -> tuple[float, float]:
    """Navigation start → load event (HTML, stylesheet, scripts, page images), and the server's time to first byte."""
    page.wait_for_load_state("load")
    return page.evaluate("() => { const t = performance.getEntriesByType('navigation')[0];"
                         " return [t.loadEventEnd - t.startTime, t.responseStart - t.requestStart]; }")


def clear(page: Any, view: uc.ReviewDocument, right: dict[str, str]) -> Cleared:
    """Clear one document from its view with the keyboard; count the keys."""
    done = Cleared(view.document_id, view.document_type, len(view.doubtful), 0, 0)
    doubtful = [f for f in view.doubtful if f.editable]
    for position, item in enumerate(doubtful):
        if position:
            page.keyboard.press("Enter")  # to the next doubtful field
            done.keys += 1
        value = right.get(item.name)
        if value is not None and not same(value, shown(item)):
            page.keyboard.type(value)  # the field's text is selected: typing replaces it
            done.typed += len(value)
            done.corrected.append(item.name)
    with page.expect_navigation():
        page.keyboard.press("Control+Enter")
    done.keys += 1
    if page.url.split("?")[0].endswith(f"/review/documents/{view.document_id}"):
        # refused, the reason shown on the page: reload it (F5) and confirm the reading as it is
        done.refused = list(done.corrected)
        done.corrected = []
        page.reload()
        with page.expect_navigation():
            page.keyboard.press("Control+Enter")
        done.keys += 2
    return done


def expected(view: uc.ReviewDocument, db: Any, truth: dict[str, list[dict[str, Any]]]) -> dict[str, str]:
    """The right value of each doubtful field from the samples' ground truth, as a reviewer would type it."""
    with db.engine.connect() as connection:
        names = [row[0] for row in connection.execute(text(
            "SELECT DISTINCT o.source_name FROM provenance p JOIN originals o ON o.id = p.original_id "
            "WHERE p.document_id = :id"), {"id": view.document_id})]
    candidates = [document for name in names for document in truth.get(name or "", [])
                  if document.get("document_type") == view.document_type]
    if not candidates:
        return {}
    values = {f.name: f.value for f in view.fields}
    best = max(candidates, key=lambda document: sum(
        1 for name, value in document.get("fields", {}).items() if values.get(name) == value))
    right = {}
    for item in view.doubtful:
        value = best.get("fields", {}).get(item.name)
        if item.name == "expiry_date" and best.get("fields", {}).get("expiry_no_expiry"):
            right[item.name] = uc.NO_EXPIRY_TEXT
        elif isinstance(value, str) and value:
            right[item.name] = as_typed(item.kind, value)
    return right


def as_typed(kind: str, value: str) -> str:
    if kind in ("date", "expiry") and len(value) == 10 and value[4] == "-":
        return f"{value[8:]}/{value[5:7]}/{value[:4]}"
    return value


def shown(item: uc.ReviewField) -> str:
    if item.no_expiry:
        return uc.NO_EXPIRY_TEXT
    return "" if item.value is None else as_typed(item.kind, str(item.value))


def same(a: str, b: str) -> bool:
    def norm(text: str) -> str:
        return " ".join(unicodedata.normalize("NFC", text).split())
    return norm(a) == norm(b)


# ---------------------------------------------------------------- the report


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def report(loads: list[float], ttfb: list[float], arrivals: list[float], cleared: list[Cleared]) -> None:
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; SQLite; local object store")
    if loads:
        print(f"document view load (navigation start → load event, HTML + CSS + JS + page images), "
              f"{len(loads)} loads: p50 {statistics.median(loads):.0f} ms, p95 {percentile(loads, 95):.0f} ms, "
              f"max {max(loads):.0f} ms (goal p95 ≤ {GOAL_P95_MS:.0f} ms); server time to first byte p50 "
              f"{statistics.median(ttfb):.0f} ms, p95 {percentile(ttfb, 95):.0f} ms")
    if arrivals:
        print(f"a decision's key → the next document loaded (the decision saved, the next view's first load), "
              f"{len(arrivals)} documents: p50 {statistics.median(arrivals):.0f} ms, max {max(arrivals):.0f} ms")
    by_doubt: dict[int, list[Cleared]] = defaultdict(list)
    for item in cleared:
        by_doubt[item.doubtful].append(item)
    print(f"cleared {len(cleared)} documents with the keyboard:")
    for doubtful, items in sorted(by_doubt.items()):
        keys = [item.keys for item in items]
        typed = sum(item.typed for item in items)
        corrected = sum(len(item.corrected) for item in items)
        refused = sorted({name for item in items for name in item.refused})
        print(f"  {doubtful} doubtful field(s): {len(items)} documents, keys {min(keys)}–{max(keys)} "
              f"(mean {statistics.mean(keys):.1f}); {corrected} values corrected ({typed} characters typed)"
              + (f"; refused corrections of {', '.join(refused)}" if refused else ""))
    one = [item for item in cleared if item.doubtful == 1]
    if one:
        print(f"one doubtful field: {max(item.keys for item in one)} key(s) at most, plus the characters of a "
              f"corrected value (goal ≤ {GOAL_KEYS})")


if __name__ == "__main__":
    sys.exit(main())
