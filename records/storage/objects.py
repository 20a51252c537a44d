"""Object storage behind one small interface: a local folder (default) or S3 (MinIO, SeaweedFS).

Key layout (content-addressed, so storing the same file twice is a no-op):

- ``originals/<sha[:2]>/<sha>``   each original exactly once, under the sha256 of its bytes
- ``artefacts/<sha>/<name>``      what the pipeline derived from it: ``page-0001.png``,
                                  ``words.json``, ``searchable.pdf`` ...

``minio`` is imported only when an S3 store is opened, so the CLI starts fast.
"""

from __future__ import annotations

import hashlib
import io
import mimetypes
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path
from typing import IO, Any, Literal, Protocol, runtime_checkable

from schemas.errors import ConfigurationError, InvalidValue, NotFound, StorageError
from schemas.settings import Settings, load_settings

ORIGINALS_PREFIX = "originals/"
ARTEFACTS_PREFIX = "artefacts/"
DEFAULT_CONTENT_TYPE = "application/octet-stream"
_TEMP_PREFIX = ".tmp-"  # in-flight local writes; never listed, never returned
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_KEY_PART = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


class StoreError(StorageError):
    """The object store failed in a way the caller should report."""


class ObjectNotFound(NotFound, StoreError, KeyError):
    """No object under that key (still a ``KeyError`` for callers that look objects up like a mapping)."""

    code = "object_not_found"

    def __init__(self, key: str) -> None:
        super().__init__(f"no object {key!r} in the store")
        self.key = key


class StoreAccessDenied(StoreError, PermissionError):
    """The store refused our credentials (wrong key or secret, or no permission)."""

    code = "store_access_denied"


class InvalidKey(InvalidValue, ValueError):
    """Not a key of our layout (a ``ValueError`` too, for callers written before the error tree)."""

    code = "invalid_key"


@runtime_checkable
class ObjectStore(Protocol):
    """What hoso needs from a blob store. ``put`` is idempotent: the same key and bytes twice is one object."""

    def put(self, key: str, data: bytes, content_type: str = DEFAULT_CONTENT_TYPE) -> None: ...

    def get(self, key: str) -> bytes: ...

    def open(self, key: str) -> IO[bytes]:
        """A readable binary stream; use it as a context manager to release it."""
        ...

    def exists(self, key: str) -> bool: ...

    def list(self, prefix: str = "") -> Iterator[str]:
        """Keys starting with ``prefix`` (a plain string prefix), sorted."""
        ...

    def delete(self, key: str) -> None:
        """Remove the object; deleting a missing key is not an error."""
        ...


def validate_key(key: str) -> str:
    """Keys are ``/``-separated safe names: no empty parts, no ``..``, no leading dot."""
    parts = key.split("/")
    if not key or any(not _KEY_PART.match(part) for part in parts):
        raise InvalidKey(f"invalid object key: {key!r}")
    return key


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def original_key(sha256: str) -> str:
    if not _SHA256.match(sha256):
        raise InvalidKey("sha256 must be 64 lower-case hex digits")
    return f"{ORIGINALS_PREFIX}{sha256[:2]}/{sha256}"


def artefact_key(sha256: str, name: str) -> str:
    if not _SHA256.match(sha256):
        raise InvalidKey("sha256 must be 64 lower-case hex digits")
    return validate_key(f"{ARTEFACTS_PREFIX}{sha256}/{name}")


def page_image_name(page: int) -> str:
    """Name of a normalised page image artefact (1-based page)."""
    return f"page-{page:04d}.jpg"


WORDS_NAME = "words.json"
SEARCHABLE_PDF_NAME = "searchable.pdf"


def put_original(store: ObjectStore, data: bytes, content_type: str = DEFAULT_CONTENT_TYPE) -> tuple[str, str]:
    """Store an original once under its sha256; returns ``(sha256, key)``."""
    sha = sha256_hex(data)
    key = original_key(sha)
    if not store.exists(key):  # content-addressed: an existing object already holds these bytes
        store.put(key, data, content_type)
    return sha, key


def put_artefact(
    store: ObjectStore, sha256: str, name: str, data: bytes, content_type: str | None = None
) -> str:
    """Store a derived artefact of original ``sha256`` (overwrites a previous run's); returns its key."""
    key = artefact_key(sha256, name)
    guessed = mimetypes.guess_type(name)[0]
    store.put(key, data, content_type or guessed or DEFAULT_CONTENT_TYPE)
    return key


def list_artefacts(store: ObjectStore, sha256: str) -> list[str]:
    """Artefact names stored for an original."""
    prefix = artefact_key(sha256, "x")[:-1]
    return [key[len(prefix):] for key in store.list(prefix)]


# ---------------------------------------------------------------- local folder


class LocalObjectStore:
    """Objects as files under ``root``. Writes go to a temp file in the same folder, are
    fsynced and renamed into place, so a killed process never leaves a half-written object."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root).resolve()
        self.root.mkdir(parents=True, exist_ok=True)

    def __repr__(self) -> str:
        return f"LocalObjectStore({str(self.root)!r})"

    def _path(self, key: str) -> Path:
        return self.root.joinpath(*validate_key(key).split("/"))

    def put(self, key: str, data: bytes, content_type: str = DEFAULT_CONTENT_TYPE) -> None:
        path = self._path(key)
        if path.is_file() and path.stat().st_size == len(data) and _file_sha256(path) == sha256_hex(data):
            return  # already there, byte for byte
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp_name = tempfile.mkstemp(prefix=_TEMP_PREFIX, dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as temp:
                temp.write(data)
                temp.flush()
                os.fsync(temp.fileno())
            os.replace(temp_name, path)
        except BaseException:
            with suppress(FileNotFoundError):
                os.unlink(temp_name)
            raise
        _fsync_dir(path.parent)  # make the rename itself durable

    def get(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise ObjectNotFound(key) from None

    def open(self, key: str) -> IO[bytes]:
        try:
            return self._path(key).open("rb")
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise ObjectNotFound(key) from None

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def list(self, prefix: str = "") -> Iterator[str]:
        # Walk only the deepest folder the prefix names, then filter by the string prefix.
        folder_part = prefix.rsplit("/", 1)[0] if "/" in prefix else ""
        base = self.root.joinpath(*folder_part.split("/")) if folder_part else self.root
        if ".." in prefix.split("/") or not base.is_dir():
            return iter(())
        keys: list[str] = []
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames[:] = [d for d in dirnames if not d.startswith(".")]
            for filename in filenames:
                if filename.startswith("."):
                    continue
                key = Path(dirpath, filename).relative_to(self.root).as_posix()
                if key.startswith(prefix):
                    keys.append(key)
        return iter(sorted(keys))

    def delete(self, key: str) -> None:
        with suppress(FileNotFoundError):
            self._path(key).unlink()


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _fsync_dir(path: Path) -> None:
    with suppress(OSError):  # not every filesystem lets a folder be fsynced
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


# ---------------------------------------------------------------- S3 / MinIO


_ACCESS_DENIED_CODES = {"SignatureDoesNotMatch", "InvalidAccessKeyId", "AccessDenied", "InvalidToken"}
_MISSING_CODES = {"NoSuchKey", "NoSuchObject", "NotFound"}


class _S3Stream(io.RawIOBase):
    """A streamed S3 body that returns its connection to the pool when closed."""

    def __init__(self, response: Any) -> None:
        self._response = response

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        chunk = self._response.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)

    def close(self) -> None:
        if not self.closed:
            self._response.close()
            self._response.release_conn()
        super().close()


class S3ObjectStore:
    """Objects in one S3 bucket through the ``minio`` SDK; creates the bucket if missing."""

    def __init__(
        self,
        endpoint: str,
        bucket: str,
        access_key: str | None,
        secret_key: str | None,
        *,
        secure: bool = False,
        region: str | None = None,
    ) -> None:
        # lazy (see the module docstring): minio with its HTTP stack costs ~110 ms and ~17 MB; only S3 stores need it
        import certifi
        import urllib3
        from minio import Minio

        # Shorter timeouts than the SDK's 5 minutes: a dead endpoint should fail a run, not hang it.
        http = urllib3.PoolManager(
            timeout=urllib3.Timeout(connect=10, read=120),
            maxsize=10,
            cert_reqs="CERT_REQUIRED" if secure else "CERT_NONE",
            ca_certs=os.environ.get("SSL_CERT_FILE") or certifi.where(),
            retries=urllib3.Retry(total=3, backoff_factor=0.2, status_forcelist=[500, 502, 503, 504]),
        )
        self.endpoint = endpoint
        self.bucket = bucket
        self._client = Minio(
            endpoint, access_key=access_key, secret_key=secret_key, secure=secure, region=region,
            http_client=http,
        )
        self._ensure_bucket()

    def __repr__(self) -> str:
        return f"S3ObjectStore({self.endpoint!r}, bucket={self.bucket!r})"

    def _ensure_bucket(self) -> None:
        with self._errors(self.bucket):
            if not self._client.bucket_exists(self.bucket):
                try:
                    self._client.make_bucket(self.bucket)
                except Exception as error:  # another process created it meanwhile
                    if getattr(error, "code", None) not in {"BucketAlreadyOwnedByYou", "BucketAlreadyExists"}:
                        raise

    def _errors(self, key: str) -> Any:
        return _translate_s3_errors(key)

    def put(self, key: str, data: bytes, content_type: str = DEFAULT_CONTENT_TYPE) -> None:
        validate_key(key)
        with self._errors(key):
            self._client.put_object(self.bucket, key, io.BytesIO(data), len(data), content_type=content_type)

    def get(self, key: str) -> bytes:
        with self.open(key) as stream:
            return stream.read()

    def open(self, key: str) -> IO[bytes]:
        validate_key(key)
        with self._errors(key):
            response = self._client.get_object(self.bucket, key)
        return io.BufferedReader(_S3Stream(response), buffer_size=1 << 16)  # type: ignore[return-value]

    def exists(self, key: str) -> bool:
        validate_key(key)
        try:
            with self._errors(key):
                self._client.stat_object(self.bucket, key)
        except ObjectNotFound:
            return False
        return True

    def list(self, prefix: str = "") -> Iterator[str]:
        with self._errors(prefix):
            keys = [obj.object_name for obj in self._client.list_objects(self.bucket, prefix=prefix, recursive=True)]
        return iter(sorted(key for key in keys if key and not key.endswith("/")))

    def delete(self, key: str) -> None:
        validate_key(key)
        with self._errors(key):
            self._client.remove_object(self.bucket, key)


class _translate_s3_errors:  # noqa: N801 - used as a context manager
    """Turn the SDK's S3Error into our ObjectNotFound / StoreAccessDenied / StoreError."""

    def __init__(self, key: str) -> None:
        self.key = key

    def __enter__(self) -> None:
        return None

    def __exit__(self, exc_type: Any, exc: BaseException | None, tb: Any) -> Literal[False]:
        if exc is None:
            return False
        from minio.error import S3Error, ServerError  # lazy, as minio above: loaded by the S3 store already

        if isinstance(exc, S3Error):
            if exc.code in _MISSING_CODES:
                raise ObjectNotFound(self.key) from None
            if exc.code in _ACCESS_DENIED_CODES:
                raise StoreAccessDenied(f"object store refused the request: {exc.code}") from None
            raise StoreError(f"object store error: {exc.code}") from exc
        if isinstance(exc, ServerError):
            raise StoreError(f"object store server error: HTTP {exc.status_code}") from exc
        return False


# ---------------------------------------------------------------- factory


def open_store(config: Settings | None = None) -> ObjectStore:
    """The store the settings name (the environment's when none are given)."""
    settings = config if config is not None else load_settings()
    if settings.store == "s3":
        if not settings.s3_endpoint:
            raise ConfigurationError("HOSO_STORE=s3 needs HOSO_S3_ENDPOINT")
        return S3ObjectStore(
            settings.s3_endpoint,
            settings.s3_bucket,
            settings.s3_access_key,
            settings.s3_secret_key.get_secret_value() if settings.s3_secret_key else None,
            secure=settings.s3_secure,
            region=settings.s3_region,
        )
    return LocalObjectStore(settings.resolved_objects_dir)
