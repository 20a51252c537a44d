"""API keys: one per client system, with scopes. The token is shown once at creation; the database
keeps only its sha256 (a token has 256 random bits, so a fast hash is enough: nothing to brute-force).

Token format ``hoso_<prefix>_<secret>``: ``prefix`` (public) finds the row, then the sha256 of the
whole token is compared in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select

from records.models import ApiKey, utcnow

if TYPE_CHECKING:
    from records.db import Database

# What each scope allows (the service checks these names; keep the docs in service/app.py in step).
SCOPES: dict[str, str] = {
    "records:read": "read records and requirements, personal fields masked",
    "records:full": "personal fields unmasked (with records:read or upload)",
    "originals:read": "download the stored original files",
    "upload": "upload the files of a dossier from a branch",
    "admin": "query the audit log",
    "review": "the review queue: read documents waiting for a person (values unmasked), correct, confirm or "
              "reject them (API and the /review page)",
    "supervise": "supervision: where dossiers stall, per state, branch and age, no personal data (the overview API, "
                 "the /supervision page, /metrics)",
}
_TOKEN = re.compile(r"^hoso_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")


@dataclass(frozen=True)
class Client:
    """An authenticated caller."""

    name: str
    scopes: frozenset[str]

    def may(self, scope: str) -> bool:
        return scope in self.scopes


@dataclass(frozen=True)
class KeyInfo:
    name: str
    prefix: str
    scopes: tuple[str, ...]
    created_at: datetime
    revoked_at: datetime | None


def token_sha256(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_key(db: Database, name: str, scopes: list[str]) -> str:
    """Create a key and return its token (the only time it exists in clear)."""
    if not _NAME.match(name):
        raise ValueError("a key name is 1-128 letters, digits, '.', '_' or '-'")
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown or not scopes:
        raise ValueError(f"unknown or missing scopes {unknown}; known: {', '.join(SCOPES)}")
    prefix = secrets.token_hex(6)
    token = f"hoso_{prefix}_{secrets.token_urlsafe(32)}"
    with db.transaction() as session:
        if session.scalars(select(ApiKey.id).where(ApiKey.name == name)).first() is not None:
            raise ValueError(f"a key named {name!r} exists (revoked keys keep their name for the audit log)")
        session.add(ApiKey(name=name, prefix=prefix, token_sha256=token_sha256(token), scopes=sorted(set(scopes))))
    return token


def list_keys(db: Database) -> list[KeyInfo]:
    with db.transaction() as session:
        rows = session.scalars(select(ApiKey).order_by(ApiKey.name))
        return [KeyInfo(row.name, row.prefix, tuple(row.scopes), row.created_at, row.revoked_at) for row in rows]


def revoke_key(db: Database, name: str) -> bool:
    """Revoke a key by name; False when there is no such active key."""
    with db.transaction() as session:
        row = session.scalars(select(ApiKey).where(ApiKey.name == name)).one_or_none()
        if row is None or row.revoked_at is not None:
            return False
        row.revoked_at = utcnow()
        return True


class KeyVerifier:
    """Checks bearer tokens against the database, remembering good ones for ``cache_seconds``
    so a lookup request does not pay a key query every time."""

    def __init__(self, db: Database, cache_seconds: float = 2.0) -> None:
        self._db = db
        self._cache_seconds = cache_seconds
        self._cache: dict[str, tuple[float, Client]] = {}
        self._lock = threading.Lock()

    def verify(self, token: str) -> Client | None:
        match = _TOKEN.match(token)
        if match is None:
            return None
        digest = token_sha256(token)
        now = time.monotonic()
        with self._lock:
            cached = self._cache.get(digest)
        if cached is not None and cached[0] > now:
            return cached[1]
        client = self._lookup(match.group(1), digest)
        with self._lock:
            if client is None:
                self._cache.pop(digest, None)
            elif self._cache_seconds > 0:
                if len(self._cache) > 10_000:  # bounded: a flood of distinct good tokens cannot grow it
                    self._cache.clear()
                self._cache[digest] = (now + self._cache_seconds, client)
        return client

    def _lookup(self, prefix: str, digest: str) -> Client | None:
        with self._db.transaction() as session:
            row = session.execute(
                select(ApiKey.name, ApiKey.token_sha256, ApiKey.scopes, ApiKey.revoked_at)
                .where(ApiKey.prefix == prefix)).one_or_none()
        if row is None or row.revoked_at is not None:
            return None
        if not hmac.compare_digest(row.token_sha256, digest):
            return None
        return Client(row.name, frozenset(row.scopes))
