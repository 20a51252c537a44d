"""Who is reading an original right now: a claim names one worker, so that any number of runs, workers and
upload handlers may meet the same file at once and only one of them reads it.

A claim is ``host:pid:process-start:token``. It is stale when its worker is gone: in this process, when the
token was given back (``end_claim``) without the database hearing of it; elsewhere on this host, when the
process no longer exists (its start time is checked, so a reused process id does not count); on another
host, when it is older than ``CLAIM_LEASE``. A stale claim is a start that never ended (a kill, a crash in
a native library, memory exhausted): what crash accounting counts.
"""

from __future__ import annotations

import os
import socket
import threading
import uuid
from datetime import datetime, timedelta

from records.models import utcnow

# A file is read in minutes at most; a worker on another machine that has not finished in this time is gone.
CLAIM_LEASE = timedelta(hours=1)

_HOST = socket.gethostname()
_held: set[str] = set()  # the claims this process's workers hold now
_held_lock = threading.Lock()


def _process_start(pid: int) -> str | None:
    """The process's start time in clock ticks since boot (field 22 of /proc/PID/stat), None if not there."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            fields = stat.read().rsplit(b")", 1)[1].split()
    except OSError:
        return None
    return fields[19].decode()


def begin_claim() -> str:
    """A new claimant for one file's processing in this process; give it back with ``end_claim``."""
    pid = os.getpid()
    claimant = f"{_HOST}:{pid}:{_process_start(pid) or '?'}:{uuid.uuid4().hex[:16]}"
    with _held_lock:
        _held.add(claimant)
    return claimant


def end_claim(claimant: str) -> None:
    with _held_lock:
        _held.discard(claimant)


def claimant_alive(claimant: str, claimed_at: datetime | None, now: datetime | None = None) -> bool:
    """Is the worker that wrote ``claimant`` still at work?"""
    host, pid_text, started, _token = (claimant.split(":") + ["", "", "", ""])[:4]
    if host == _HOST and pid_text == str(os.getpid()):
        with _held_lock:
            return claimant in _held
    if host != _HOST or not pid_text.isdigit() or started == "?":
        # Another machine (or no /proc to look in): trust the lease.
        return claimed_at is not None and (now or utcnow()) - claimed_at < CLAIM_LEASE
    return _process_start(int(pid_text)) == started  # None: the process is gone
