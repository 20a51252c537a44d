"""Prefect's local environment for a run, set up BEFORE Prefect is imported.

Prefect reads its settings once, when it is first imported; so whoever runs flows calls
``use_local_prefect`` first (the ``hoso`` command does it before loading a command's module, the
query service before it warms up the branch-upload flow). Only the standard library and hoso's settings
module (no Prefect) are imported with this module.
"""

from __future__ import annotations

import atexit
import ctypes
import importlib.util
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

from schemas.settings import make_private_dir

# The ephemeral server lives for one run: the loop services that watch deployments, schedules,
# workers and automations have nothing to do and would take CPU from OCR.
EPHEMERAL_IDLE_SERVICES = ("SCHEDULER", "LATE_RUNS", "FOREMAN", "CANCELLATION_CLEANUP", "PAUSE_EXPIRATIONS",
                           "REPOSSESSOR", "DB_VACUUM", "CLEANUP_RECONCILER", "TRIGGERS")


def use_local_prefect(data_dir: Path | None = None) -> None:
    """Prefect's ephemeral mode for a local run, unless a server is configured (PREFECT_API_URL).

    Must run before ``import prefect``: its home (SQLite run history) goes under our data dir so a
    fresh checkout needs no setup, and nothing phones home. The data dir and the home are private (0700): the
    run history names files and dossiers.
    """
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    # The first start on an empty home migrates its SQLite (≈16 s, more on a busy machine): the
    # default 20 s timeout failed a fresh `hoso run` here.
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    if data_dir is not None:
        make_private_dir(data_dir)
    if data_dir is not None and "PREFECT_API_URL" not in os.environ:
        home = Path(os.environ.setdefault("PREFECT_HOME", str((data_dir / "prefect").resolve())))
        make_private_dir(home)  # Prefect creates only the last folder, with the umask's mode
        for service in EPHEMERAL_IDLE_SERVICES:
            os.environ.setdefault(f"PREFECT_SERVER_SERVICES_{service}_ENABLED", "false")


# ---------------------------------------------------------------- which API server a command's run uses

SERVER_START_TIMEOUT_S = 120.0
_PROBE_TIMEOUT_S = 0.5
PRIVATE_UMASK = 0o077  # a server's files (run history, its log) are its user's only
_temporary: subprocess.Popen[bytes] | None = None  # stopped when this process exits
_starting: subprocess.Popen[bytes] | None = None  # started by this process, perhaps not answering yet


def choose_api_server(*, start_early: bool = True, keep: bool = False) -> str:
    """Point a command's flow runs at a Prefect API server, BEFORE Prefect is imported; returns which: ``configured``
    (``PREFECT_API_URL``), ``running`` (a server answers on Prefect's configured address, ``PREFECT_SERVER_API_HOST``
    and ``_PORT``, by default 127.0.0.1:4200: its history is where supervisors look) or ``temporary``.

    A temporary server is what Prefect's ephemeral mode would start, started NOW, in a child process, so that it
    boots while this process imports Prefect and the pipeline; and this process never imports the server's code
    (Prefect's ephemeral mode does, to start it: seconds of CPU). ``wait_for_api_server`` waits for it to answer;
    it stops when this process exits (after ``flows.runs`` has waited for the run history to be complete).
    Once Prefect is imported its settings are read: then nothing is changed (``inherited``). Without
    ``start_early`` (``HOSO_PREFECT_TEMPORARY_SERVER=prefect``) Prefect's ephemeral mode starts it (``ephemeral``).
    With ``keep`` (``HOSO_PREFECT_TEMPORARY_SERVER=keep``) the server started is a lasting one, with Prefect's UI,
    on the configured address (``started``): later runs find it running; its process id is in
    ``$PREFECT_HOME/server.pid``.
    """
    if "prefect" in sys.modules:
        return "inherited"
    if os.environ.get("PREFECT_API_URL"):
        return "configured"
    running = running_server_url()
    if running is not None:
        os.environ["PREFECT_API_URL"] = running
        return "running"
    if keep:
        os.environ["PREFECT_API_URL"] = start_lasting_server()
        return "started"
    if not start_early:
        return "ephemeral"  # Prefect starts its own when the first flow runs
    os.environ["PREFECT_API_URL"] = start_temporary_server()
    return "temporary"


def running_server_url() -> str | None:
    """The API URL of a Prefect server answering on the configured address, or None (a refused connection
    answers at once; nothing listening that drops packets costs the probe's half second)."""
    host, port = _configured_address()
    url = f"http://{host}:{port}/api"
    return url if _healthy(url, _PROBE_TIMEOUT_S) else None


def _configured_address() -> tuple[str, str]:
    host = os.environ.get("PREFECT_SERVER_API_HOST") or "127.0.0.1"
    if host in ("0.0.0.0", "::"):
        host = "127.0.0.1"
    return host, os.environ.get("PREFECT_SERVER_API_PORT") or "4200"


def start_lasting_server() -> str:
    """Start a Prefect server (API and UI) on the configured address that outlives this process (its own
    session: Ctrl-C on the command does not stop it); its log and process id go to ``$PREFECT_HOME``."""
    global _starting
    host, port = _configured_address()
    home = Path(os.environ.get("PREFECT_HOME") or Path.home() / ".prefect")

    make_private_dir(home)
    env = _server_environment()
    env.update(PREFECT_UI_ENABLED="1", PREFECT_UI_API_URL=f"http://{host}:{port}/api")
    # NOT tied to this process (no parent-death signal, a session of its own): it is meant to outlive it
    with (home / "server.log").open("ab") as log:
        process = subprocess.Popen(_uvicorn(host, int(port), "warning"), env=env, stdin=subprocess.DEVNULL,
                                   stdout=log, stderr=log, start_new_session=True, umask=PRIVATE_UMASK)
    (home / "server.pid").write_text(f"{process.pid}\n")
    _starting = process
    return f"http://{host}:{port}/api"


def _uvicorn(host: str, port: int, log_level: str) -> list[str]:
    spec = importlib.util.find_spec("prefect")  # finds the package without importing it
    if spec is None or spec.origin is None:
        raise RuntimeError("Prefect is not installed")
    return [sys.executable, "-m", "uvicorn", "--app-dir", str(Path(spec.origin).parent.parent), "--factory",
            "prefect.server.api.server:create_app", "--host", host, "--port", str(port), "--log-level", log_level,
            "--lifespan", "on"]


def start_temporary_server() -> str:
    """Start Prefect's API server for this process's runs (as Prefect's ``SubprocessASGIServer`` runs it: no UI,
    this environment, a free port on loopback); returns its API URL."""
    global _temporary, _starting
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**_server_environment(), "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1",
           "PREFECT__SERVER_FINAL": "1"}
    # No block catalogue: it is for the UI, which this server has not, and registering it (or checking that it is
    # registered: that loads Prefect's plugins, prefect-dask's Dask among them) took 0.3-1 s of every start. A
    # lasting server (``keep``) registers it in the same home.
    for name in ("PREFECT_API_BLOCKS_REGISTER_ON_START", "PREFECT_MEMOIZE_BLOCK_AUTO_REGISTRATION"):
        env.setdefault(name, "false")
    _temporary = _starting = subprocess.Popen(_uvicorn("127.0.0.1", port, "error"), env=env,
                                              stdin=subprocess.DEVNULL, umask=PRIVATE_UMASK,
                                              preexec_fn=die_with_this_process())
    atexit.register(stop_temporary_server)
    return f"http://127.0.0.1:{port}/api"


def _server_environment() -> dict[str, str]:
    """This process's environment for a Prefect server: without ``PREFECT_API_URL`` (it IS the API) and without
    hoso's variables (secrets among them: a server needs none, and a process's environment can be read by its
    user for as long as it lives)."""
    return {key: value for key, value in os.environ.items()
            if key != "PREFECT_API_URL" and not key.startswith("HOSO_")}


# ---------------------------------------------------------------- a child that dies with this process

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def die_with_this_process() -> Callable[[], None] | None:
    """A ``preexec_fn`` that has the child sent SIGTERM when this process dies, however it dies (``kill -9``
    included, which no ``atexit`` survives): Linux's parent-death signal. None where it cannot be had, and then
    the child is stopped at exit only (``stop_temporary_server``).

    The signal is sent when the THREAD that forked the child ends, not the process: so only from the main thread
    (which ends with the process). From another thread (the query service warms up in a worker thread that its
    pool may end any time) the child is not tied: it is stopped at exit, or by its owner.

    Everything that may fail or allocate is done here, before the fork; the function run in the child only calls
    ``prctl`` and checks that this process did not die before the signal was armed (then the child was already
    adopted by another process and would never get it: it leaves at once).
    """
    if not sys.platform.startswith("linux") or threading.current_thread() is not threading.main_thread():
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    prctl.restype = ctypes.c_int
    prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
    parent = os.getpid()
    signal_number = int(signal.SIGTERM)

    def arm() -> None:  # runs in the child, between fork and exec
        if prctl(PR_SET_PDEATHSIG, signal_number, 0, 0, 0) == 0 and os.getppid() != parent:
            os._exit(1)  # the parent died before the signal was armed

    return arm


def temporary_server_running() -> bool:
    return _temporary is not None and _temporary.poll() is None


def wait_for_api_server(timeout_s: float | None = None) -> None:
    """Wait until the server this process started answers (nothing to do without one)."""
    if _starting is None:
        return
    timeout_s = timeout_s or float(os.environ.get("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS")
                                   or SERVER_START_TIMEOUT_S)
    url = os.environ["PREFECT_API_URL"]
    deadline = time.monotonic() + timeout_s
    while not _healthy(url, 2.0):
        if _starting.poll() is not None:
            raise RuntimeError(f"Prefect's server exited with code {_starting.returncode} (another on its port?)")
        if time.monotonic() > deadline:
            raise RuntimeError(f"Prefect's server did not answer within {timeout_s:.0f} s")
        time.sleep(0.05)


def stop_temporary_server() -> None:
    global _temporary
    process, _temporary = _temporary, None
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _healthy(api_url: str, timeout_s: float) -> bool:
    try:
        with urllib.request.urlopen(f"{api_url}/health", timeout=timeout_s) as answer:  # noqa: S310 - loopback
            return answer.status == 200
    except (OSError, ValueError):
        return False
