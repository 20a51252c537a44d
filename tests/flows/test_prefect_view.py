"""What Prefect shows of our runs: task runs named by a file's sha256 prefix and media type (never its name),
tagged with branch and procedure; the batch's run report as a markdown artifact without file names; and which
API server a command's runs use (a running one, else a temporary one started early)."""

from __future__ import annotations

import http.server
import os
import re
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey, FlowRunFilter, FlowRunFilterId
from prefect.client.schemas.sorting import FlowRunSort

import rendered
from flows.batch import ARTIFACT_KEY, run_batch
from flows.branch_upload import run_branch_upload, warm_up
from flows.common import connections
from flows.environment import choose_api_server, running_server_url
from records.ingest import open_dossier, register_original
from records.storage.objects import sha256_hex

REPO = Path(__file__).resolve().parents[2]
LABEL = re.compile(r"^[0-9a-f]{12} (image/png|image/jpeg|application/pdf|application/octet-stream)$")


def latest_flow_run(name: str):  # type: ignore[no-untyped-def]
    with get_client(sync_client=True) as client:
        runs = client.read_flow_runs(sort=FlowRunSort.START_TIME_DESC, limit=20)
        return next(run for run in runs if client.read_flow(run.flow_id).name == name)


def task_runs_of(flow_run_id):  # type: ignore[no-untyped-def]
    with get_client(sync_client=True) as client:
        return client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id])))


def test_batch_task_runs_are_named_by_file_and_tagged_and_the_report_is_an_artifact(
        batch_folder: Path, settings) -> None:  # type: ignore[no-untyped-def]
    db, store = connections(settings)
    front = (batch_folder / "front.png").read_bytes()
    dossier = open_dossier(db, "ket-hon", "Chi nhánh số 3 - Đống Đa")
    # came with a dossier, never processed: pending in the store AND in the folder, it is read once
    register_original(db, store, front, "front.png", dossier)
    report = run_batch(str(batch_folder), settings=settings, workers=2)
    assert report.files == 5 and report.counts["skipped"] == 1, "four document files and notes.json"
    flow_run = latest_flow_run("hoso-batch")
    runs = task_runs_of(flow_run.id)
    names = sorted(run.name for run in runs)
    assert len(names) == 4 and all(LABEL.match(name) for name in names), names
    assert names.count(f"{sha256_hex(front)[:12]} image/png") == 1
    for run in runs:
        if run.name.startswith(sha256_hex(front)[:12]):
            assert {"branch:Chi nhánh số 3 - Đống Đa", "procedure:ket-hon"} <= set(run.tags)
        else:
            assert {"branch:none", "procedure:none"} <= set(run.tags)
    assert not any(word in " ".join(names) for word in ("front", "back", "broken", "cut"))

    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[ARTIFACT_KEY])))
    mine = [artifact for artifact in artifacts if artifact.flow_run_id == flow_run.id]
    assert len(mine) == 1 and mine[0].type == "markdown"
    markdown = mine[0].data
    assert "| processed | reused |" in markdown and "| `" in markdown
    assert "corrupt" in markdown, "reasons by their code"
    assert not any(word in markdown for word in ("front", "back", "broken", "cut", str(batch_folder)))


def test_branch_upload_runs_are_tagged_with_branch_and_procedure(settings) -> None:  # type: ignore[no-untyped-def]
    db, store = connections(settings)
    warm_up()
    outcome = run_branch_upload(db, store, [("scan.png", rendered.card_front())], procedure_code="ket-hon",
                                branch="Chi nhánh số 5 - Cầu Giấy")
    flow_run = latest_flow_run("hoso-branch-upload")
    assert {"branch:Chi nhánh số 5 - Cầu Giấy", "procedure:ket-hon"} <= set(flow_run.tags)
    runs = {run.name: set(run.tags) for run in task_runs_of(flow_run.id)}
    assert f"ingest-dossier-{outcome.dossier_id}" in runs
    assert all("procedure:ket-hon" in tags for tags in runs.values())


# ---------------------------------------------------------------- which API server


class _Health(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802
        self.send_response(200 if self.path == "/api/health" else 404)
        self.end_headers()
        self.wfile.write(b"true")

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture
def prefect_server_answering() -> Iterator[int]:
    """Something answering Prefect's health check on a free port."""
    server = http.server.HTTPServer(("127.0.0.1", 0), _Health)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()


def test_a_running_server_is_found_on_the_configured_address(prefect_server_answering: int,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PREFECT_SERVER_API_PORT", str(prefect_server_answering))
    assert running_server_url() == f"http://127.0.0.1:{prefect_server_answering}/api"
    assert choose_api_server() == "inherited", "Prefect is imported here: too late to point it elsewhere"
    monkeypatch.setenv("PREFECT_SERVER_API_PORT", "1")  # nothing there
    assert running_server_url() is None


SCRIPT = """
import os, time
from flows.environment import choose_api_server, wait_for_api_server, _healthy
how = choose_api_server()
url = os.environ["PREFECT_API_URL"]
started = time.perf_counter()
wait_for_api_server()
print(how, url, _healthy(url, 5), "prefect" in __import__("sys").modules)
"""


@pytest.mark.integration  # starts Prefect servers
def test_a_command_uses_the_running_server_else_starts_a_temporary_one_early(
        prefect_server_answering: int, tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PREFECT_")}
    env.update(PREFECT_SERVER_API_PORT=str(prefect_server_answering), PREFECT_HOME=str(tmp_path / "prefect"),
               PREFECT_SERVER_ANALYTICS_ENABLED="false")

    def run() -> list[str]:
        done = subprocess.run([sys.executable, "-c", SCRIPT], cwd=REPO, env=env, capture_output=True, text=True,
                              timeout=300)
        assert done.returncode == 0, done.stderr
        return done.stdout.split()

    assert run() == ["running", f"http://127.0.0.1:{prefect_server_answering}/api", "True", "False"]
    env["PREFECT_SERVER_API_PORT"] = "1"
    how, url, healthy, imported = run()
    assert (how, healthy, imported) == ("temporary", "True", "False"), "the server never needed our process to " \
                                                                       "import Prefect"
    assert url.startswith("http://127.0.0.1:") and not url.endswith(":1/api")


@pytest.mark.integration  # starts Prefect servers
def test_keep_leaves_a_lasting_server_that_the_next_command_finds(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {key: value for key, value in os.environ.items() if not key.startswith("PREFECT_")}
    env.update(PREFECT_SERVER_API_PORT=str(port), PREFECT_HOME=str(tmp_path / "prefect"),
               PREFECT_SERVER_ANALYTICS_ENABLED="false")
    script = SCRIPT.replace("choose_api_server()", "choose_api_server(keep=True)")
    try:
        first = subprocess.run([sys.executable, "-c", script], cwd=REPO, env=env, capture_output=True, text=True,
                               timeout=300)
        assert first.returncode == 0, first.stderr
        assert first.stdout.split() == ["started", f"http://127.0.0.1:{port}/api", "True", "False"]
        second = subprocess.run([sys.executable, "-c", script], cwd=REPO, env=env, capture_output=True, text=True,
                                timeout=300)
        assert second.stdout.split()[:3] == ["running", f"http://127.0.0.1:{port}/api", "True"]
    finally:
        pid = tmp_path / "prefect" / "server.pid"
        if pid.exists():
            os.kill(int(pid.read_text()), signal.SIGTERM)
