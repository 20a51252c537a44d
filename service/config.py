"""The query service's view of the settings (``schemas.settings``: ``HOSO_MAX_UPLOAD_FILE_MB``,
``HOSO_MAX_UPLOAD_FILES``, ``HOSO_AUDIT_SECRET``, ``HOSO_UPLOAD_RUNNER``, ``HOSO_UPLOAD_CONCURRENCY``,
``HOSO_KEY_CACHE_SECONDS`` and the storage ones): the settings plus the audit key they resolve to.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass

from schemas.settings import MIB, Settings, UploadRunner, load_settings


@dataclass(frozen=True)
class ServiceSettings:
    """The settings and the audit key resolved from them (made once, see ``audit_secret``); it reads no
    environment itself. Its properties are the names ``service/app.py`` uses."""

    settings: Settings
    audit_secret: bytes

    @classmethod
    def from_settings(cls, settings: Settings) -> ServiceSettings:
        return cls(settings, audit_secret(settings))

    @classmethod
    def from_env(cls) -> ServiceSettings:
        return cls.from_settings(load_settings())

    @property
    def storage(self) -> Settings:
        return self.settings

    @property
    def max_file_bytes(self) -> int:
        return self.settings.max_upload_file_bytes

    @property
    def max_files(self) -> int:
        return self.settings.max_upload_files

    @property
    def upload_runner(self) -> UploadRunner:
        return self.settings.upload_runner

    @property
    def upload_concurrency(self) -> int:
        return self.settings.upload_concurrency

    @property
    def key_cache_seconds(self) -> float:
        return self.settings.key_cache_seconds

    @property
    def max_request_bytes(self) -> int:
        """The whole multipart body: every file at its limit plus room for the form fields."""
        return self.max_files * self.max_file_bytes + MIB


def audit_secret(settings: Settings) -> bytes:
    """The HMAC key for subject hashes: ``HOSO_AUDIT_SECRET``, else a file made once in the data dir.

    A plain sha256 of an id number can be reversed by trying every number (the format leaves ~10^11
    candidates); a keyed hash cannot without the key.
    """
    if settings.audit_secret is not None:
        return settings.audit_secret.get_secret_value().encode("utf-8")
    path = settings.data_dir / "audit.key"
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
