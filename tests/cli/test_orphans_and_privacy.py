"""``hoso run`` as a process: its temporary Prefect server dies with it (even under ``kill -9``), the lasting one
(``HOSO_PREFECT_TEMPORARY_SERVER=keep``) does not; its data dir is private; and neither a secret nor a citizen's
name or id number reaches Prefect's run history, the logs, the run reports or the command's output.

Each test runs the command in a process of its own (as a person does), on a fresh data dir, with Prefect pointed at
a port where nothing answers so that a server somebody runs on this machine is never used.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import stat
import subprocess
import sys
import threading
import time
import unicodedata
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from flows.environment import die_with_this_process

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "samples" / "dossiers"
sys.path.insert(0, str(REPO / "tests" / "ingest"))  # rendered.py: cards with known values

import rendered  # noqa: E402

pytestmark = pytest.mark.integration  # starts Prefect servers

S3_SECRET = "s3-secret-Zq8vK2pW9xR4"
AUDIT_SECRET = "audit-secret-Hn3Lt7Yc5mB1"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def command_env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("HOSO_", "PREFECT_"))}
    env.update(HOSO_DATA_DIR=str(data_dir), PREFECT_SERVER_API_PORT=str(free_port()),
               PREFECT_SERVER_ANALYTICS_ENABLED="false", **extra)
    return env


def start_hoso_run(folder: Path, env: dict[str, str], *options: str) -> subprocess.Popen[bytes]:
    # no pipes: a server left behind would hold them open, and reading them would hang instead of failing
    return subprocess.Popen([sys.executable, "-m", "hoso.cli", "run", str(folder), "--no-progress", *options],
                            cwd=REPO, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def card_folder(tmp_path: Path, cards: int) -> Path:
    folder = tmp_path / "scans"
    folder.mkdir()
    for index in range(cards):  # different bytes, so that none is "reused": each one is read
        person = dict(rendered.PERSON, id_number=f"0011900{index:05d}")
        (folder / f"card-{index}.png").write_bytes(rendered.card_front(person))
    return folder


def gone(process: psutil.Process) -> bool:
    try:
        return process.status() == psutil.STATUS_ZOMBIE  # dead, waiting for whoever adopted it to reap it
    except psutil.NoSuchProcess:
        return True


def wait_for(condition, timeout_s: float, what: str):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError(f"{what}: not within {timeout_s:.0f} s")


def answers(port: str) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=1) as answer:
            return answer.status == 200
    except OSError:
        return False


def server_child(hoso: subprocess.Popen[bytes]) -> psutil.Process | None:
    try:
        children = psutil.Process(hoso.pid).children()
    except psutil.NoSuchProcess:
        return None
    return next((child for child in children if "uvicorn" in " ".join(child.cmdline())), None)


# ---------------------------------------------------------------- no orphaned Prefect server


@pytest.mark.parametrize("when", ["starting", "serving"])
def test_the_temporary_server_dies_with_a_killed_hoso_run(tmp_path: Path, when: str) -> None:
    """``kill -9`` leaves no ``atexit`` to stop the server: the kernel's parent-death signal does, whether the
    server was still starting (importing, migrating its database) or already serving the run."""
    hoso = start_hoso_run(card_folder(tmp_path, 6), command_env(tmp_path / "data"), "--workers", "1")
    server = None
    try:
        server = wait_for(lambda: server_child(hoso), 120, "the temporary server's process")
        if when == "serving":
            cmdline = server.cmdline()
            port = cmdline[cmdline.index("--port") + 1]
            wait_for(lambda: answers(port), 120, "the temporary server answering")
        assert hoso.poll() is None, "the run ended before it could be killed (too little work in its folder?)"
        os.kill(hoso.pid, signal.SIGKILL)
        hoso.wait(timeout=10)
        wait_for(lambda: gone(server), 15, f"the server (process {server.pid}) gone after its parent was killed")
    finally:
        if hoso.poll() is None:
            hoso.kill()
            hoso.wait()
        if server is not None and not gone(server):
            server.kill()


def test_a_lasting_server_is_deliberately_not_tied_to_the_run_that_started_it(tmp_path: Path) -> None:
    env = command_env(tmp_path / "data", HOSO_PREFECT_TEMPORARY_SERVER="keep")
    hoso = start_hoso_run(card_folder(tmp_path, 2), env, "--workers", "1")
    pid_file = tmp_path / "data" / "prefect" / "server.pid"
    server = None
    try:
        pid = wait_for(lambda: pid_file.exists() and pid_file.read_text().strip(), 120, "server.pid")
        server = psutil.Process(int(pid))
        os.kill(hoso.pid, signal.SIGKILL)
        hoso.wait(timeout=10)
        time.sleep(3)  # what the parent-death signal would have done, it would have done by now
        assert not gone(server), "the lasting server stopped with the command that started it"
        assert os.getsid(server.pid) == server.pid, "in a session of its own: Ctrl-C on the command does not reach it"
    finally:
        if hoso.poll() is None:
            hoso.kill()
            hoso.wait()
        if server is not None and not gone(server):
            server.terminate()
            server.wait(timeout=30)


def test_the_parent_death_signal_is_armed_only_from_the_main_thread() -> None:
    """It fires when the THREAD that forked the child ends: from a worker thread (the query service warms up in
    one) the server would be stopped whenever the pool retires that thread."""
    assert (die_with_this_process() is not None) == sys.platform.startswith("linux")
    from_a_thread: list[object] = []
    worker = threading.Thread(target=lambda: from_a_thread.append(die_with_this_process()))
    worker.start()
    worker.join()
    assert from_a_thread == [None]


# ---------------------------------------------------------------- a private data dir, no secret or name leaked

LEAK_SAMPLES = ["0002_birth_certificate_digital_pdf.pdf", "0003_id_card_card_sides_separate_front.jpg",
                "0003_id_card_card_sides_separate_back.jpg", "0009_residence_confirmation_digital_pdf.pdf",
                "0007_id_card_image_pdf.pdf"]
PERSONAL_FIELDS = ("name", "id_number", "residence", "address")  # field names ending so, in the ground truth
LEGITIMATE = ("objects/originals/", "objects/artefacts/", "hoso.db")  # the documents and the records themselves


def personal_values() -> set[str]:
    values = {rendered.PERSON["full_name"], rendered.PERSON["id_number"]}
    for sample in LEAK_SAMPLES:
        truth = json.loads((SAMPLES / sample).with_suffix(".truth.json").read_text(encoding="utf-8"))
        for document in truth["documents"]:
            values |= {value for field, value in document["fields"].items()
                       if isinstance(value, str) and value.strip() and field.endswith(PERSONAL_FIELDS)}
    return values


def ascii_folded(text: str) -> str:
    text = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    return "".join(char for char in text if not unicodedata.combining(char))


def spellings(value: str) -> set[bytes]:
    """The bytes a value may be stored as: UTF-8 (SQLite's text) and UTF-16, in NFC and NFD, as JSON escapes
    (``ensure_ascii``), in upper, title and lower case, and without its diacritics (MRZ style too)."""
    found: set[bytes] = set()
    for cased in {value, value.upper(), value.title(), value.lower()}:
        for form in ("NFC", "NFD"):
            text = unicodedata.normalize(form, cased)
            found |= {text.encode("utf-8"), text.encode("utf-16-le"), json.dumps(text)[1:-1].encode("ascii")}
        folded = ascii_folded(cased)
        if len(folded) >= 10:  # shorter plain-ASCII words could be anything
            found.add(folded.encode("ascii", "ignore"))
    words = ascii_folded(value).upper().split()
    if len(words) > 1:
        found.add(("<".join(words[:1]) + "<<" + "<".join(words[1:])).encode("ascii", "ignore"))
    return found


def contains(data: bytes, value: str) -> bool:
    if value.isdigit():  # an id number: not as part of a longer number
        start = data.find(value.encode())
        while start >= 0:
            before, after = data[start - 1:start], data[start + len(value):start + len(value) + 1]
            if not before.isdigit() and not after.isdigit():
                return True
            start = data.find(value.encode(), start + 1)
        return False
    return any(spelling in data for spelling in spellings(value))


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, subprocess.CompletedProcess[str]]]:
    """One ``hoso run`` on a fresh data dir: samples with known personal data, a rendered card, a corrupt file; the
    S3 and audit secrets set (the store stays local: the secret must still go nowhere)."""
    root = tmp_path_factory.mktemp("leaks")
    folder = root / "scans"
    folder.mkdir()
    for sample in LEAK_SAMPLES:
        (folder / sample).write_bytes((SAMPLES / sample).read_bytes())
    (folder / "card.png").write_bytes(rendered.card_front())
    (folder / "broken.pdf").write_bytes(rendered.corrupt_pdf())
    env = command_env(root / "data", HOSO_S3_SECRET_KEY=S3_SECRET, HOSO_AUDIT_SECRET=AUDIT_SECRET,
                      HOSO_S3_ACCESS_KEY="hoso-access")
    done = subprocess.run([sys.executable, "-m", "hoso.cli", "-v", "run", str(folder), "--no-progress", "--json"],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 1, done.stderr  # the corrupt file is quarantined, the rest read
    yield root / "data", done


def test_the_data_dir_and_the_databases_are_private(finished_run) -> None:  # type: ignore[no-untyped-def]
    data, _done = finished_run
    home = data / "prefect"
    checked = [data, home, data / "hoso.db", home / "prefect.db"]
    checked += [path for path in data.glob("hoso.db-*")] + [path for path in home.glob("prefect.db-*")]
    for path in checked:
        assert path.exists(), path
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, f"{path} is {stat.filemode(path.stat().st_mode)}"


def test_an_existing_world_readable_data_dir_of_hoso_is_made_private(tmp_path: Path) -> None:
    from records.db import create_database_engine

    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    (data / "hoso.db").write_bytes(b"")
    data.chmod(0o755)
    (data / "hoso.db").chmod(0o644)
    create_database_engine(f"sqlite:///{data / 'hoso.db'}").dispose()
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    assert stat.S_IMODE((data / "hoso.db").stat().st_mode) == 0o600
    elsewhere = tmp_path / "not-hoso"  # a folder of this user's that holds nothing of hoso's: left alone
    elsewhere.mkdir()
    elsewhere.chmod(0o755)
    create_database_engine(f"sqlite:///{elsewhere / 'records.sqlite'}").dispose()
    assert stat.S_IMODE(elsewhere.stat().st_mode) == 0o755
    assert stat.S_IMODE((elsewhere / "records.sqlite").stat().st_mode) == 0o600


def test_no_secret_or_personal_data_in_run_history_logs_reports_or_output(finished_run) -> None:  # type: ignore[no-untyped-def]
    data, done = finished_run
    values = personal_values()
    assert len(values) >= 15
    searched: dict[str, bytes] = {"stdout": done.stdout.encode(), "stderr": done.stderr.encode()}
    for path in sorted(data.rglob("*")):
        name = path.relative_to(data).as_posix()
        if path.is_file() and not name.startswith(LEGITIMATE):
            searched[name] = path.read_bytes()
    assert {"prefect/prefect.db", "stdout"} <= set(searched), sorted(searched)
    assert any(name.startswith("reports/") for name in searched) and any(
        name.startswith("objects/reports/") for name in searched), sorted(searched)

    leaks = [(name, secret) for name, blob in searched.items() for secret in (S3_SECRET, AUDIT_SECRET)
             if secret.encode() in blob]
    leaks += [(name, value) for name, blob in searched.items() for value in values if contains(blob, value)]
    assert leaks == []

    # the search finds what is there: the records database legitimately holds some of these values
    records = b"".join(path.read_bytes() for path in data.glob("hoso.db*"))
    assert sum(contains(records, value) for value in values) >= 3
