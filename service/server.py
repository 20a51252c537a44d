"""Running the service under uvicorn (imported by ``hoso serve`` only)."""

from __future__ import annotations

import socket
from typing import Any

import uvicorn
from uvicorn.supervisors import Multiprocess

APP = "service.app:create_app_from_env"


class TcpConfig(uvicorn.Config):
    def bind_socket(self) -> socket.socket:
        sock = super().bind_socket()
        # uvicorn makes the shared socket of its workers with proto 0, so asyncio does not set
        # TCP_NODELAY on accepted connections and every keep-alive response waited ~40 ms (Nagle
        # against delayed ACKs). The same descriptor re-wrapped with proto TCP fixes that.
        return socket.socket(sock.family, sock.type, socket.IPPROTO_TCP, fileno=sock.detach())


def run(host: str, port: int, workers: int, log_level: str, log_config: dict[str, Any]) -> None:
    config = TcpConfig(APP, factory=True, host=host, port=port, workers=workers, log_level=log_level,
                       access_log=False,  # uvicorn's access log prints raw paths: they hold id numbers
                       log_config=log_config)
    try:
        if workers > 1:
            Multiprocess(config, sockets=[config.bind_socket()]).run()
        else:
            config.load_app()
            uvicorn.Server(config).run()
    except KeyboardInterrupt:
        pass
