"""Settings of the query service, read from the environment (storage and database settings come from
``records.storage.config.Settings``: ``HOSO_DATA_DIR``, ``HOSO_DATABASE_URL``, ``HOSO_STORE`` ...).

- ``HOSO_MAX_UPLOAD_FILE_MB``   largest accepted file of an upload, default 20 (MiB)
- ``HOSO_MAX_UPLOAD_FILES``     most files in one upload, default 10
- ``HOSO_AUDIT_SECRET``         key of the HMAC that replaces id numbers in the audit log; default: a
                                random key kept in ``<data dir>/audit.key`` (created on first use).
                                Set it explicitly when several hosts share one database.
- ``HOSO_UPLOAD_RUNNER``        ``flow`` (the Prefect branch-upload flow, warmed up at start-up) or
                                ``direct`` (``ingest_dossier`` in a worker thread); default ``flow``
- ``HOSO_UPLOAD_CONCURRENCY``   uploads processed at once per worker process, default 1 (OCR is CPU bound)
- ``HOSO_KEY_CACHE_SECONDS``    how long a verified key is trusted without a database look-up,
                                default 2 (a revoked key stops working within this time)
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from records.storage.config import Settings

MIB = 1024 * 1024
UploadRunner = Literal["flow", "direct"]


@dataclass(frozen=True)
class ServiceSettings:
    storage: Settings
    max_file_bytes: int = 20 * MIB
    max_files: int = 10
    audit_secret: bytes = b""
    upload_runner: UploadRunner = "flow"
    upload_concurrency: int = 1
    key_cache_seconds: float = 2.0

    @property
    def max_request_bytes(self) -> int:
        """The whole multipart body: every file at its limit plus room for the form fields."""
        return self.max_files * self.max_file_bytes + MIB

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ServiceSettings:
        env = os.environ if environ is None else environ
        storage = Settings.from_env(env)
        runner = env.get("HOSO_UPLOAD_RUNNER") or "flow"
        if runner not in ("flow", "direct"):
            raise ValueError("HOSO_UPLOAD_RUNNER must be 'flow' or 'direct'")
        return cls(
            storage=storage,
            max_file_bytes=int(float(env.get("HOSO_MAX_UPLOAD_FILE_MB") or 20) * MIB),
            max_files=int(env.get("HOSO_MAX_UPLOAD_FILES") or 10),
            audit_secret=audit_secret(env, storage.data_dir),
            upload_runner=runner,  # type: ignore[arg-type]  # checked above
            upload_concurrency=max(1, int(env.get("HOSO_UPLOAD_CONCURRENCY") or 1)),
            key_cache_seconds=float(env.get("HOSO_KEY_CACHE_SECONDS") or 2),
        )


def audit_secret(env: Mapping[str, str], data_dir: Path) -> bytes:
    """The HMAC key for subject hashes: from the environment, else a file made once in the data dir.

    A plain sha256 of an id number can be reversed by trying every number (the format leaves ~10^11
    candidates); a keyed hash cannot without the key.
    """
    if value := env.get("HOSO_AUDIT_SECRET"):
        return value.encode("utf-8")
    path = data_dir / "audit.key"
    try:
        return path.read_bytes().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    # Write a temp file, then hard-link it into place: link() fails if the key exists, so workers
    # starting at once agree on one key and nobody ever reads a half-written file.
    temp = path.with_name(f".audit.key.{secrets.token_hex(8)}")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(secrets.token_hex(32).encode("ascii"))
    try:
        os.link(temp, path)
    except FileExistsError:
        pass
    finally:
        temp.unlink()
    return path.read_bytes().strip()
