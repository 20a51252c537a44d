"""hoso's one settings object: every ``HOSO_*`` environment variable, read and checked in one place.

``load_settings()`` reads them (a bad value is a ``ConfigurationError`` naming its variable);
``configuration_table()`` renders the README's table from the fields' descriptions, so the table
cannot drift from the code (a test compares them).

Secrets (the S3 secret key, the audit key, a password in the database URL) are hidden whenever the
settings are shown or dumped. They never become Prefect parameters: flows are given
``settings.without_secrets()`` and each process that needs a secret takes it from its own
environment (``with_secrets_from(load_settings())``).
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_serializer, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from schemas.errors import ConfigurationError

ENV_PREFIX = "HOSO_"
MIB = 1024 * 1024
HIDDEN = "**********"
_TRUE = {"1", "true", "yes", "on"}
_URL_PASSWORD = re.compile(r"^(?P<head>[^:/]+://[^:/@]*):(?P<password>[^@]*)@(?P<tail>.*)$")

StoreKind = Literal["local", "s3"]
OcrMode = Literal["api", "cli"]
UploadRunner = Literal["flow", "direct"]
PrefectStart = Literal["early", "prefect", "keep"]


def _shown(default: str) -> dict[str, Any]:
    """How the README shows a default that is computed, not a constant."""
    return {"shown_default": default}


class Settings(BaseSettings):
    """Everything hoso reads from its environment, with its defaults. ``HOSO_<FIELD NAME>`` sets a field."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, env_ignore_empty=True, frozen=True)

    # storage and records
    data_dir: Path = Field(Path(".hoso"), description="where the local store, the SQLite database, run reports "
                           "and Prefect's local home live", json_schema_extra=_shown("`./.hoso`"))
    database_url: str | None = Field(None, description="SQLAlchemy URL of the records database, e.g. "
                                     "`postgresql+psycopg://user@host/db` in production (a password in it is never "
                                     "shown)", json_schema_extra=_shown("`sqlite:///<data dir>/hoso.db`"))
    store: StoreKind = Field("local", description="object store backend: `local` or `s3`",
                             json_schema_extra=_shown("`local` (`s3` when an endpoint is set)"))
    objects_dir: Path | None = Field(None, description="the local object store's folder",
                                     json_schema_extra=_shown("`<data dir>/objects`"))
    s3_endpoint: str | None = Field(None, description="`host:port` of the S3 / MinIO server (a `https://` prefix "
                                    "sets `HOSO_S3_SECURE`, `http://` is accepted)")
    s3_bucket: str = Field("hoso", description="the bucket")
    s3_access_key: str | None = Field(None, description="S3 access key")
    s3_secret_key: SecretStr | None = Field(None, description="S3 secret key (never shown)")
    s3_secure: bool = Field(False, description="`1`, `true`, `yes` or `on`: TLS to the object store",
                            json_schema_extra=_shown("`false`"))
    s3_region: str | None = Field(None, description="S3 region name, when the server wants one")
    actor: str = Field("hoso", description="who the event log records as acting for this process")

    # reading
    ocr: OcrMode = Field("api", description="`cli`: run the `tesseract` command per page instead of the "
                         "in-process API (a Tesseract crash then stays in a child process)",
                         json_schema_extra=_shown("`api` (in process)"))

    # flows
    prefect_temporary_server: PrefectStart = Field("early", description="how `hoso run` starts Prefect's temporary "
                                                   "server when none is running (`PREFECT_API_URL`, or one answering "
                                                   "on Prefect's configured address): `early`, in a child process "
                                                   "while the command loads; `prefect`, Prefect's own ephemeral "
                                                   "mode; `keep`, a lasting server with Prefect's UI on that "
                                                   "address, which later runs find running")
    dask_address: str | None = Field(None, description="a Dask scheduler (`tcp://host:8786`) on which the batch "
                                     "deployment of `hoso serve-flows` runs its tasks")

    # query service
    max_upload_file_mb: float = Field(20, gt=0, description="largest accepted file of an upload, in MiB")
    max_upload_files: int = Field(10, gt=0, description="most files in one upload")
    audit_secret: SecretStr | None = Field(None, description="key of the HMAC that replaces id numbers in the "
                                           "audit log; set it when several hosts share one database (never shown)",
                                           json_schema_extra=_shown("a random key kept in `<data dir>/audit.key`"))
    upload_runner: UploadRunner = Field("flow", description="`flow`: the Prefect branch-upload flow, warmed up at "
                                        "start-up; `direct`: the use case in a worker thread")
    upload_concurrency: int = Field(1, description="with `HOSO_UPLOAD_PROCESSES=0`: uploads processed at once in "
                                    "each API worker process (OCR is CPU bound; below 1 counts as 1)")
    upload_processes: int | None = Field(None, ge=0, description="upload worker processes (per API worker): "
                                         "uploads from several counters are read at once, first come first "
                                         "served; `0`: in the API process, `HOSO_UPLOAD_CONCURRENCY` at a time",
                                         json_schema_extra=_shown("one per CPU core"))
    key_cache_seconds: float = Field(2.0, ge=0, description="how long a verified API key is trusted without a "
                                     "database look-up (a revoked key stops working within this time)",
                                     json_schema_extra=_shown("`2`"))

    # supervision (``usecases.supervision``): service levels count working time only
    review_service_level_hours: float = Field(4, gt=0, description="working hours a document may wait for a "
                                              "reviewer before supervision shows it past its service level")
    reading_service_level_hours: float = Field(1, gt=0, description="working hours a received file may wait to "
                                               "be read before supervision shows it past its service level")
    working_hours: str = Field("08:00-12:00,13:00-17:00", description="the centre's working periods of a day, "
                               "`HH:MM-HH:MM` separated by commas (service levels count only these)")
    working_days: str = Field("mon-fri", description="the centre's working days: names and ranges such as "
                              "`mon-fri` or `mon-fri,sat`")
    timezone: str = Field("Asia/Ho_Chi_Minh", description="the centre's time zone: working hours and the pages' "
                          "times")

    @model_validator(mode="before")
    @classmethod
    def _endpoint_and_store(cls, data: Any) -> Any:
        """A ``http(s)://`` endpoint is taken apart (``https`` means TLS); the store defaults to S3 when an
        endpoint is set."""
        if not isinstance(data, dict):
            return data
        data = dict(data)
        endpoint = data.get("s3_endpoint")
        if isinstance(endpoint, str) and "://" in endpoint:
            scheme, _, endpoint = endpoint.partition("://")
            data["s3_endpoint"] = endpoint.rstrip("/")
            if scheme.lower() == "https":
                data["s3_secure"] = True
        if not data.get("store"):
            data["store"] = "s3" if data.get("s3_endpoint") else "local"
        return data

    @field_validator("s3_secure", mode="before")
    @classmethod
    def _yes(cls, value: Any) -> Any:
        return value.strip().lower() in _TRUE if isinstance(value, str) else value

    @field_validator("ocr", mode="before")
    @classmethod
    def _lower(cls, value: Any) -> Any:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("upload_concurrency")
    @classmethod
    def _at_least_one(cls, value: int) -> int:
        return max(1, value)

    @field_validator("working_hours")
    @classmethod
    def _periods(cls, value: str) -> str:
        parse_working_hours(value)
        return value

    @field_validator("working_days")
    @classmethod
    def _days(cls, value: str) -> str:
        parse_working_days(value)
        return value.strip().lower()

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("not a time zone this machine knows (e.g. Asia/Ho_Chi_Minh)") from None
        return value

    @field_serializer("database_url")
    def _hide_password(self, value: str | None) -> str | None:
        return hide_password(value)

    def __repr_args__(self) -> Any:
        for name, value in super().__repr_args__():
            yield name, hide_password(value) if name == "database_url" else value

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'hoso.db').resolve()}"

    @property
    def resolved_objects_dir(self) -> Path:
        return self.objects_dir if self.objects_dir is not None else self.data_dir / "objects"

    @property
    def max_upload_file_bytes(self) -> int:
        return int(self.max_upload_file_mb * MIB)

    @property
    def working_periods(self) -> tuple[tuple[int, int], ...]:
        """The working periods of a day as (start, end) minutes after midnight."""
        return parse_working_hours(self.working_hours)

    @property
    def working_weekdays(self) -> frozenset[int]:
        """The working days as ISO weekdays (1 = Monday)."""
        return parse_working_days(self.working_days)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def to_json(self) -> dict[str, Any]:
        """JSON-ready view: secrets show as ``**********``, a database password as ``***``."""
        return self.model_dump(mode="json")

    def without_secrets(self) -> Settings:
        """A copy with no secret in it: what may become a Prefect parameter or travel to a Dask worker."""
        return self.model_copy(update={"s3_secret_key": None, "audit_secret": None,
                                       "database_url": strip_password(self.database_url)})

    def with_secrets_from(self, source: Settings) -> Settings:
        """The secrets this copy lacks, taken from ``source`` (a process's own settings, from its environment).

        A database URL gets its password back only from the same URL (user, host, database) in ``source``.
        """
        update: dict[str, Any] = {}
        if self.s3_secret_key is None and source.s3_secret_key is not None:
            update["s3_secret_key"] = source.s3_secret_key
        if self.audit_secret is None and source.audit_secret is not None:
            update["audit_secret"] = source.audit_secret
        if (self.database_url and source.database_url and self.database_url != source.database_url
                and self.database_url == strip_password(source.database_url)):
            update["database_url"] = source.database_url
        return self.model_copy(update=update) if update else self


_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_PERIOD = re.compile(r"^([01][0-9]|2[0-3]):([0-5][0-9])-([01][0-9]|2[0-4]):([0-5][0-9])$")


def parse_working_hours(text: str) -> tuple[tuple[int, int], ...]:
    """``08:00-12:00,13:00-17:00`` → ((480, 720), (780, 1020)): ordered, not overlapping, not empty."""
    periods: list[tuple[int, int]] = []
    for part in text.split(","):
        found = _PERIOD.match(part.strip())
        if found is None:
            raise ValueError("give periods as HH:MM-HH:MM separated by commas, e.g. 08:00-12:00,13:00-17:00")
        start, end = int(found[1]) * 60 + int(found[2]), int(found[3]) * 60 + int(found[4])
        if end <= start or end > 24 * 60 or (periods and start < periods[-1][1]):
            raise ValueError("each period must end after it starts and after the one before it")
        periods.append((start, end))
    return tuple(periods)


def parse_working_days(text: str) -> frozenset[int]:
    """``mon-fri,sat`` → {1, ..., 6} (ISO weekdays)."""
    days: set[int] = set()
    for part in text.lower().split(","):
        first, _, last = part.strip().partition("-")
        if first not in _DAYS or (last and last not in _DAYS):
            raise ValueError("name days mon, tue, wed, thu, fri, sat, sun, or ranges such as mon-fri")
        start, end = _DAYS.index(first), _DAYS.index(last or first)
        if end < start:
            raise ValueError(f"the range {part.strip()} runs backwards")
        days.update(range(start + 1, end + 2))
    return frozenset(days)


# What says a folder is a data dir (or Prefect home) that hoso made: it may be tightened to 0700.
HOSO_FILES = ("hoso.db", "prefect", "objects", "reports", "audit.key", "prefect.db", "memo_store.toml")


def make_private_dir(path: Path) -> Path:
    """Create the folder ``path`` (and its missing parents) readable by this user only (0700): the data dir holds
    citizens' documents and records, the run history names their files.

    An existing folder is made private too when it is this user's and holds hoso's files (a data dir created by an
    earlier hoso, world-readable); any other folder (somebody else's, or one of this user's that is not hoso's, a
    home directory given as the data dir) is left as it is.
    """
    path = Path(path)
    try:
        path.mkdir(mode=0o700, parents=True)
    except FileExistsError:
        _tighten(path)
    else:
        path.chmod(0o700)  # mkdir's mode passes through the umask
    return path


def _tighten(folder: Path) -> None:
    try:
        status = folder.stat()
        if (not folder.is_dir() or not status.st_mode & 0o077 or not hasattr(os, "getuid")
                or status.st_uid != os.getuid() or not any((folder / name).exists() for name in HOSO_FILES)):
            return
        folder.chmod(stat.S_IMODE(status.st_mode) & ~0o077)
    except OSError:  # not ours to change after all: the folder stays as it was
        pass


def load_settings(**values: Any) -> Settings:
    """The settings from this process's environment (``values`` override it).

    Raises ``ConfigurationError`` naming the variable when one cannot be right.
    """
    try:
        return Settings(**values)
    except ValidationError as error:
        raise ConfigurationError(describe_invalid(error)) from None


def describe_invalid(error: ValidationError) -> str:
    """One line per bad variable, never its value (it may be a secret)."""
    problems = []
    for item in error.errors(include_input=False, include_url=False):
        where = env_name(str(item["loc"][0])) if item["loc"] else "settings"
        problems.append(f"{where}: {item['msg']}")
    return "invalid setting: " + "; ".join(problems)


def env_name(field_name: str) -> str:
    return ENV_PREFIX + field_name.upper()


def hide_password(url: str | None) -> str | None:
    """``scheme://user:***@host/db`` for a URL with a password; anything else as it is."""
    if url is None or not (found := _URL_PASSWORD.match(url)):
        return url
    return f"{found['head']}:***@{found['tail']}"


def strip_password(url: str | None) -> str | None:
    """The URL without its password (``scheme://user@host/db``)."""
    if url is None or not (found := _URL_PASSWORD.match(url)):
        return url
    return f"{found['head']}@{found['tail']}"


def effective_settings(settings: Settings) -> list[tuple[str, str]]:
    """Each variable and the value in effect (computed defaults resolved, secrets hidden), for ``hoso config``."""
    shown: list[tuple[str, str]] = []
    for name in Settings.model_fields:
        value: Any = getattr(settings, name)
        if name == "database_url":
            value = hide_password(settings.resolved_database_url)
        elif name == "objects_dir":
            value = settings.resolved_objects_dir
        elif name == "audit_secret" and value is None:
            value = f"(a random key kept in {settings.data_dir / 'audit.key'})"
        if isinstance(value, SecretStr):
            value = HIDDEN
        elif isinstance(value, bool):
            value = str(value).lower()
        shown.append((env_name(name), "" if value is None else str(value)))
    return shown


# Variables read by other programs than ours (Tesseract, Prefect, the TLS stack), listed so that the
# README's table names every variable that changes what hoso does: (name, default, meaning).
OTHER_VARIABLES: tuple[tuple[str, str, str], ...] = (
    ("TESSDATA_PREFIX", "where `tesseract --list-langs` looks", "the folder holding `vie.traineddata`"),
    ("PREFECT_API_URL", "(unset: `hoso run` uses a Prefect server answering on `PREFECT_SERVER_API_HOST`:"
     "`PREFECT_SERVER_API_PORT`, 127.0.0.1:4200 by default, else a temporary one per run)",
     "a Prefect server: needed by `hoso serve-flows`, shared run history"),
    ("SSL_CERT_FILE", "certifi's bundle", "CA certificates trusted for an `https` object store"),
    ("HOSO_REPO_DIR", "", "this repository's folder on a Prefect worker (`prefect.yaml`'s pull step; read by Prefect)"),
)


def configuration_table() -> str:
    """The README's configuration table, from the fields' descriptions (Markdown, ending in a newline)."""
    lines = ["| variable | default | meaning |", "|---|---|---|"]
    for name, field in Settings.model_fields.items():
        extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
        shown = extra.get("shown_default")
        if shown is not None:
            default = str(shown)
        else:
            default = "" if field.default is None else f"`{field.default}`"
        lines.append(_row(f"`{env_name(name)}`", default, field.description or ""))
    lines += [_row(f"`{name}`", default, meaning) for name, default, meaning in OTHER_VARIABLES]
    return "\n".join(lines) + "\n"


def _row(*cells: str) -> str:
    return "|" + "|".join(f" {cell} " if cell else " " for cell in cells) + "|"
