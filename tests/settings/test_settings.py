"""The one settings object: every HOSO_* variable parsed as before, secrets hidden, the README's table."""

from __future__ import annotations

import pickle
import re
from pathlib import Path

import pytest

from records.storage.objects import LocalObjectStore, open_store
from schemas.errors import ConfigurationError, ExitCode
from schemas.settings import Settings, configuration_table, effective_settings, env_name, load_settings

README = Path(__file__).resolve().parents[2] / "README.md"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No HOSO_* variable of the machine running the tests leaks in."""
    for name in Settings.model_fields:
        monkeypatch.delenv(env_name(name), raising=False)


def test_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    settings = load_settings()
    assert (settings.data_dir, settings.database_url, settings.store, settings.s3_bucket, settings.s3_secure,
            settings.actor, settings.ocr, settings.upload_runner) == (
        Path(".hoso"), None, "local", "hoso", False, "hoso", "api", "flow")
    assert settings.resolved_database_url == f"sqlite:///{tmp_path / '.hoso' / 'hoso.db'}"
    assert settings.resolved_objects_dir == Path(".hoso/objects")
    assert (settings.max_upload_file_bytes, settings.max_upload_files, settings.upload_concurrency,
            settings.key_cache_seconds) == (20 * 1024 * 1024, 10, 1, 2.0)


def test_environment_is_read_and_empty_values_count_as_unset(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOSO_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("HOSO_S3_SECRET_KEY", "s3cr3t")
    monkeypatch.setenv("HOSO_DATABASE_URL", "")
    monkeypatch.setenv("HOSO_OBJECTS_DIR", "")
    monkeypatch.setenv("HOSO_OCR", "CLI")
    monkeypatch.setenv("HOSO_MAX_UPLOAD_FILE_MB", "1.5")
    monkeypatch.setenv("HOSO_UPLOAD_CONCURRENCY", "0")
    monkeypatch.setenv("HOSO_UPLOAD_RUNNER", "direct")
    settings = load_settings()
    assert settings.store == "local"
    assert settings.resolved_objects_dir == tmp_path / "objects"
    assert settings.resolved_database_url == f"sqlite:///{(tmp_path / 'hoso.db').resolve()}"
    assert settings.ocr == "cli" and settings.upload_runner == "direct"
    assert settings.max_upload_file_bytes == int(1.5 * 1024 * 1024)
    assert settings.upload_concurrency == 1, "below 1 counts as 1"
    as_json = settings.to_json()
    assert "s3cr3t" not in str(as_json) and "s3cr3t" not in repr(settings)
    assert as_json["data_dir"] == str(tmp_path)
    assert isinstance(open_store(settings), LocalObjectStore)


@pytest.mark.parametrize(("endpoint", "secure", "expected"), [
    ("https://s3.example.vn:9000/", "", ("s3.example.vn:9000", True)),
    ("http://127.0.0.1:8333", "", ("127.0.0.1:8333", False)),
    ("http://127.0.0.1:8333", "yes", ("127.0.0.1:8333", True)),
    ("minio:9000", "", ("minio:9000", False)),
    ("minio:9000", "ON", ("minio:9000", True)),
    ("minio:9000", "maybe", ("minio:9000", False)),
])
def test_an_endpoint_sets_the_store_and_its_scheme_sets_tls(monkeypatch: pytest.MonkeyPatch, endpoint: str,
                                                           secure: str, expected: tuple[str, bool]) -> None:
    monkeypatch.setenv("HOSO_S3_ENDPOINT", endpoint)
    monkeypatch.setenv("HOSO_S3_SECURE", secure)
    monkeypatch.setenv("HOSO_S3_BUCKET", "b")
    settings = load_settings()
    assert (settings.store, settings.s3_bucket, (settings.s3_endpoint, settings.s3_secure)) == ("s3", "b", expected)
    monkeypatch.setenv("HOSO_STORE", "local")
    assert load_settings().store == "local", "an explicit HOSO_STORE wins"


def test_a_bad_value_is_a_configuration_error_naming_the_variable_not_the_value(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOSO_MAX_UPLOAD_FILES", "many-s3cr3t")
    monkeypatch.setenv("HOSO_UPLOAD_RUNNER", "thread")
    with pytest.raises(ConfigurationError) as raised:
        load_settings()
    assert raised.value.exit_code == ExitCode.configuration
    assert "HOSO_MAX_UPLOAD_FILES" in raised.value.message and "HOSO_UPLOAD_RUNNER" in raised.value.message
    assert "s3cr3t" not in raised.value.message


def test_secrets_are_hidden_and_never_travel_but_come_back_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    url = "postgresql+psycopg://hoso:pa55word@db.internal:5432/hoso"
    monkeypatch.setenv("HOSO_DATABASE_URL", url)
    monkeypatch.setenv("HOSO_S3_ENDPOINT", "minio:9000")
    monkeypatch.setenv("HOSO_S3_SECRET_KEY", "s3cr3t")
    monkeypatch.setenv("HOSO_AUDIT_SECRET", "audit-k3y")
    settings = load_settings()
    dumped = settings.model_dump_json() + str(settings.to_json()) + repr(settings)
    assert not {"pa55word", "s3cr3t", "audit-k3y"} & set(re.findall(r"[\w-]+", dumped))
    assert settings.to_json()["database_url"] == "postgresql+psycopg://hoso:***@db.internal:5432/hoso"
    assert settings.resolved_database_url == url

    public = settings.without_secrets()  # what a flow is given
    travelled = pickle.dumps(public) + public.model_dump_json().encode()
    assert not any(secret in travelled for secret in (b"pa55word", b"s3cr3t", b"audit-k3y"))
    assert public.database_url == "postgresql+psycopg://hoso@db.internal:5432/hoso"

    restored = public.with_secrets_from(load_settings())  # what a task does in its own process
    assert restored.resolved_database_url == url
    assert restored.s3_secret_key is not None and restored.s3_secret_key.get_secret_value() == "s3cr3t"
    other = Settings(database_url="postgresql+psycopg://hoso@elsewhere/hoso").with_secrets_from(settings)
    assert other.database_url == "postgresql+psycopg://hoso@elsewhere/hoso", "a password only for its own URL"


def test_effective_settings_list_every_variable_with_secrets_hidden(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOSO_S3_SECRET_KEY", "s3cr3t")
    shown = dict(effective_settings(load_settings()))
    assert list(shown) == [env_name(name) for name in Settings.model_fields]
    assert shown["HOSO_S3_SECRET_KEY"] == "**********"
    assert shown["HOSO_DATABASE_URL"].startswith("sqlite:///")


def test_the_readme_configuration_table_is_the_one_the_settings_render() -> None:
    text = README.read_text(encoding="utf-8")
    section = text.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    table = "\n".join(line for line in section.splitlines() if line.startswith("|")) + "\n"
    assert table == configuration_table(), "README.md's table: paste schemas.settings.configuration_table()"
    for name in Settings.model_fields:
        assert f"| `{env_name(name)}` |" in table
