"""The object-store contract, run over the local folder and S3 (SeaweedFS or MinIO)."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from schemas.settings import Settings, env_name, load_settings
from records.storage.objects import (
    LocalObjectStore,
    ObjectNotFound,
    ObjectStore,
    S3ObjectStore,
    StoreAccessDenied,
    artefact_key,
    list_artefacts,
    open_store,
    original_key,
    page_image_name,
    put_artefact,
    put_original,
    sha256_hex,
)


def test_put_get_exists_delete(store: ObjectStore) -> None:
    assert isinstance(store, ObjectStore)
    assert not store.exists("a/b.txt")
    store.put("a/b.txt", b"hello", "text/plain")
    assert store.exists("a/b.txt")
    assert store.get("a/b.txt") == b"hello"
    store.put("a/b.txt", b"hello", "text/plain")  # idempotent
    assert list(store.list("a/")) == ["a/b.txt"]
    store.put("a/b.txt", b"changed")  # a re-generated artefact replaces the old bytes
    assert store.get("a/b.txt") == b"changed"
    store.delete("a/b.txt")
    assert not store.exists("a/b.txt")
    store.delete("a/b.txt")  # deleting a missing key is fine


def test_missing_object_raises_not_found(store: ObjectStore) -> None:
    with pytest.raises(ObjectNotFound):
        store.get("nothing/here")
    with pytest.raises(ObjectNotFound):
        store.open("nothing/here")


def test_open_streams_large_object(store: ObjectStore) -> None:
    data = os.urandom(3 * 1024 * 1024 + 17)
    store.put("big/blob.bin", data)
    chunks = []
    with store.open("big/blob.bin") as stream:
        while chunk := stream.read(256 * 1024):
            chunks.append(chunk)
    assert b"".join(chunks) == data
    assert len(chunks) > 1


def test_list_is_a_sorted_string_prefix(store: ObjectStore) -> None:
    for key in ["artefacts/x1/page-0002.png", "artefacts/x1/page-0001.png", "artefacts/x10/words.json",
                "originals/ab/abc"]:
        store.put(key, b"1")
    assert list(store.list("artefacts/x1/")) == ["artefacts/x1/page-0001.png", "artefacts/x1/page-0002.png"]
    assert list(store.list("artefacts/x1")) == [
        "artefacts/x1/page-0001.png", "artefacts/x1/page-0002.png", "artefacts/x10/words.json"]
    assert list(store.list("nothing/")) == []
    assert len(list(store.list(""))) == 4


def test_original_stored_once_under_its_sha(store: ObjectStore) -> None:
    data = b"%PDF-1.7 scanned dossier"
    sha, key = put_original(store, data, "application/pdf")
    assert sha == sha256_hex(data)
    assert key == f"originals/{sha[:2]}/{sha}" == original_key(sha)
    assert put_original(store, data, "application/pdf") == (sha, key)
    assert list(store.list("originals/")) == [key]
    assert store.get(key) == data


def test_artefacts_beside_the_original(store: ObjectStore) -> None:
    sha = sha256_hex(b"original")
    put_artefact(store, sha, page_image_name(1), b"\xff\xd8\xff...")
    put_artefact(store, sha, "words.json", b"[]")
    key = put_artefact(store, sha, "searchable.pdf", b"%PDF")
    assert key == f"artefacts/{sha}/searchable.pdf" == artefact_key(sha, "searchable.pdf")
    assert list_artefacts(store, sha) == ["page-0001.jpg", "searchable.pdf", "words.json"]


@pytest.mark.parametrize("key", ["", "/abs", "a//b", "a/../b", "../x", ".hidden", "a/b/"])
def test_unsafe_keys_are_refused(store: ObjectStore, key: str) -> None:
    with pytest.raises(ValueError):
        store.put(key, b"x")


def test_bad_sha_is_refused() -> None:
    with pytest.raises(ValueError):
        original_key("../../etc/passwd")
    with pytest.raises(ValueError):
        artefact_key("ABC", "page-0001.png")


@pytest.mark.s3
def test_wrong_secret_key_is_refused(s3_server, s3_store: S3ObjectStore) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(StoreAccessDenied):
        S3ObjectStore(s3_server.endpoint, s3_store.bucket, s3_server.access_key, "not-the-secret",
                      secure=s3_server.secure)
    with pytest.raises(StoreAccessDenied):
        S3ObjectStore(s3_server.endpoint, s3_store.bucket, "unknown-access-key", s3_server.secret_key,
                      secure=s3_server.secure)


@pytest.mark.s3
def test_open_store_from_env_creates_the_bucket(s3_server, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    bucket = f"hoso-test-{uuid.uuid4().hex[:12]}"
    for name in Settings.model_fields:
        monkeypatch.delenv(env_name(name), raising=False)
    monkeypatch.setenv("HOSO_S3_ENDPOINT", ("https://" if s3_server.secure else "http://") + s3_server.endpoint)
    monkeypatch.setenv("HOSO_S3_BUCKET", bucket)
    monkeypatch.setenv("HOSO_S3_ACCESS_KEY", s3_server.access_key)
    monkeypatch.setenv("HOSO_S3_SECRET_KEY", s3_server.secret_key)
    settings = load_settings()
    store = open_store(settings)
    assert isinstance(store, S3ObjectStore) and store.bucket == bucket
    store.put("k", b"v")
    assert open_store(settings).get("k") == b"v"  # second open finds the existing bucket
    store.delete("k")
    store._client.remove_bucket(bucket)  # noqa: SLF001


def test_local_write_is_atomic_when_interrupted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = LocalObjectStore(tmp_path)
    store.put("a/obj", b"old")

    def crash(*_args: object) -> None:
        raise KeyboardInterrupt  # like a kill between writing and renaming

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(KeyboardInterrupt):
        store.put("a/obj", b"new")
    monkeypatch.undo()
    assert store.get("a/obj") == b"old"
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == ["obj"]


def test_local_killed_writer_leaves_no_object(tmp_path: Path) -> None:
    """A writer killed mid-write leaves at most a hidden temp file, never a partial object."""
    script = (
        "import os, sys, tempfile\n"
        "from records.storage import objects\n"
        "real_fdopen = os.fdopen\n"
        "class Slow:\n"
        "    def __init__(self, f): self.f = f\n"
        "    def __enter__(self): return self\n"
        "    def __exit__(self, *a): return False\n"
        "    def write(self, data):\n"
        "        self.f.write(data[:10]); self.f.flush(); print('half', flush=True); sys.stdin.read()\n"
        "os.fdopen = lambda fd, mode: Slow(real_fdopen(fd, mode))\n"
        f"objects.LocalObjectStore({str(tmp_path)!r}).put('a/obj', b'x' * 1000)\n"
    )
    process = subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               cwd=Path(__file__).resolve().parents[2])
    assert process.stdout is not None and process.stdout.readline().strip() == b"half"
    process.kill()
    process.wait()
    store = LocalObjectStore(tmp_path)
    assert not store.exists("a/obj")
    assert list(store.list("")) == []
    with pytest.raises(ObjectNotFound):
        store.get("a/obj")


def test_importing_storage_is_light() -> None:
    code = ("import sys, records.storage.objects;"
            "print(any(m.split('.')[0] in {'minio', 'sqlalchemy'} for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[2])
    assert out.stdout.strip() == "False"
