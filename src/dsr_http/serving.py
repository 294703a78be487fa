"""Several API processes on one port, each with its own listening socket (SO_REUSEPORT).

uvicorn's own `--workers` shares one socket between processes, and whichever wakes first
accepts a burst of new connections: with long-lived keep-alive connections (a proxy's
pool, a load generator) one process often held all of them while the other core idled,
halving throughput in about half the benchmark runs. With a socket each, the kernel
spreads connections evenly by their addresses. A process that dies is started again.
"""

from __future__ import annotations

import multiprocessing
import signal
import socket
import time
from multiprocessing.process import BaseProcess
from types import FrameType

import uvicorn

RESTART_PAUSE_SECONDS = 1.0


def bound_socket(host: str, port: int) -> socket.socket:
    """Bound, not yet listening: the kernel sends a process connections only once uvicorn
    listens on its socket, after the app has started. A socket listening from the start
    took its share of connections while a restarted process was still starting, and they
    waited seconds for an answer (seen as a timeout in the kill-one-process test)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    return sock


def serve_one(host: str, port: int) -> None:
    """One API process: the app built from the environment, on its own socket."""
    config = uvicorn.Config(
        "dsr_http.main:create_served_app", factory=True, log_config=None, access_log=False
    )
    uvicorn.Server(config).run(sockets=[bound_socket(host, port)])


def serve_many(host: str, port: int, workers: int) -> None:
    """Start `workers` processes and keep them running until SIGINT or SIGTERM."""
    context = multiprocessing.get_context("spawn")
    stopping = False

    def start() -> BaseProcess:
        process = context.Process(target=serve_one, args=(host, port), daemon=False)
        process.start()
        return process

    def stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    processes = [start() for _ in range(workers)]
    while not stopping:
        time.sleep(0.2)
        for index, process in enumerate(processes):
            if not process.is_alive() and not stopping:
                time.sleep(RESTART_PAUSE_SECONDS)
                processes[index] = start()
    for process in processes:
        process.terminate()
    for process in processes:
        process.join(timeout=30)
