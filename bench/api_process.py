"""``shoulders serve`` in a process of its own, so its memory and CPU are its own."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import httpx

from bench.memory import peak_rss_mib

#: uvicorn closes a connection idle for 5 s. A client that keeps one longer may send a
#: request just as the server closes it and get a ReadError: expire idle ones sooner.
KEEPALIVE_EXPIRY_S = 2.0


def api_client(url: str, timeout: float = 120.0) -> aiohttp.ClientSession:
    """The benchmark's HTTP client for an API started by :func:`serving`.

    aiohttp, not httpx: httpx spends ~2 ms of Python on a loopback request where aiohttp
    spends ~0.8 (python -m bench.fixed_cost), and on two cores shared by the client, the API
    and Neo4j that CPU is taken from the API being measured."""
    return aiohttp.ClientSession(
        base_url=url,
        timeout=aiohttp.ClientTimeout(total=timeout),
        connector=aiohttp.TCPConnector(keepalive_timeout=KEEPALIVE_EXPIRY_S),
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class ApiProcess:
    url: str
    pid: int

    def peak_rss_mib(self) -> float | None:
        return peak_rss_mib(self.pid)


@contextmanager
def serving(
    timeout: float = 60.0, log: Path | None = None, workers: int = 1
) -> Iterator[ApiProcess]:
    """Start the API on a free loopback port (the environment's Neo4j) and wait for /healthz.

    Its output goes to ``log`` when given; otherwise stderr is kept for a start-up failure.
    With ``workers`` > 1 the pid is uvicorn's supervisor (its RSS is not the workers').
    """
    port = free_port()
    env = dict(os.environ, SHOULDERS_LOG_LEVEL="WARNING", SHOULDERS_GRAPHIQL="false")
    cmd = [
        sys.executable,
        "-m",
        "shoulders.cli",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
    ]
    out = log.open("w") if log else None
    process = subprocess.Popen(
        cmd,
        env=env,
        stdout=out or subprocess.DEVNULL,
        stderr=out or subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                err = process.stderr.read().decode(errors="replace") if process.stderr else ""
                raise RuntimeError(f"the API exited during start-up:\n{err[-2000:]}")
            try:
                if httpx.get(url + "/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the API did not answer /healthz in time")
            time.sleep(0.2)
        yield ApiProcess(url, process.pid)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if out is not None:
            out.close()
