"""One settings object for storage and records, read from the environment.

Environment variables (all optional):

- ``HOSO_DATA_DIR``        data directory, default ``./.hoso``
- ``HOSO_DATABASE_URL``    SQLAlchemy URL, default ``sqlite:///<data dir>/hoso.db``
- ``HOSO_STORE``           ``local`` or ``s3``; default ``s3`` when ``HOSO_S3_ENDPOINT`` is set, else ``local``
- ``HOSO_OBJECTS_DIR``     local object store folder, default ``<data dir>/objects``
- ``HOSO_S3_ENDPOINT``     ``host:port`` (a ``http(s)://`` prefix is accepted and sets ``secure``)
- ``HOSO_S3_BUCKET``       default ``hoso``
- ``HOSO_S3_ACCESS_KEY`` / ``HOSO_S3_SECRET_KEY``
- ``HOSO_S3_SECURE``       ``1/true/yes`` for TLS, default false
- ``HOSO_S3_REGION``       optional region name
- ``HOSO_ACTOR``           who is recorded in the event log for this process, default ``hoso``
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, SecretStr

StoreKind = Literal["local", "s3"]

_TRUE = {"1", "true", "yes", "on"}


class Settings(BaseModel):
    """Storage and database configuration; ``model_dump(mode="json")`` hides the secret key."""

    model_config = ConfigDict(frozen=True)

    data_dir: Path = Path(".hoso")
    database_url: str | None = None
    store: StoreKind = "local"
    objects_dir: Path | None = None
    s3_endpoint: str | None = None
    s3_bucket: str = "hoso"
    s3_access_key: str | None = None
    s3_secret_key: SecretStr | None = None
    s3_secure: bool = False
    s3_region: str | None = None
    actor: str = "hoso"

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'hoso.db').resolve()}"

    @property
    def resolved_objects_dir(self) -> Path:
        return self.objects_dir if self.objects_dir is not None else self.data_dir / "objects"

    def to_json(self) -> dict[str, Any]:
        """JSON-ready view (the secret key shows as ``**********``)."""
        return self.model_dump(mode="json")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        endpoint = env.get("HOSO_S3_ENDPOINT") or None
        secure = env.get("HOSO_S3_SECURE", "").strip().lower() in _TRUE
        if endpoint and "://" in endpoint:
            scheme, _, endpoint = endpoint.partition("://")
            secure = secure or scheme.lower() == "https"
            endpoint = endpoint.rstrip("/")
        store = env.get("HOSO_STORE") or ("s3" if endpoint else "local")
        secret = env.get("HOSO_S3_SECRET_KEY")
        objects_dir = env.get("HOSO_OBJECTS_DIR")
        return cls(
            data_dir=Path(env.get("HOSO_DATA_DIR") or ".hoso"),
            database_url=env.get("HOSO_DATABASE_URL") or None,
            store=store,  # type: ignore[arg-type]  # validated by pydantic
            objects_dir=Path(objects_dir) if objects_dir else None,
            s3_endpoint=endpoint,
            s3_bucket=env.get("HOSO_S3_BUCKET") or "hoso",
            s3_access_key=env.get("HOSO_S3_ACCESS_KEY") or None,
            s3_secret_key=SecretStr(secret) if secret else None,
            s3_secure=secure,
            s3_region=env.get("HOSO_S3_REGION") or None,
            actor=env.get("HOSO_ACTOR") or "hoso",
        )
