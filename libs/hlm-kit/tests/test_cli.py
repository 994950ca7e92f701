"""Serving an app in as many uvicorn worker processes as the ``http_workers`` setting names."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from pydantic import ValidationError
from pydantic_settings import SettingsConfigDict

from hlm_kit.settings import ServerSettings

# An app whose lifespan leaves a file named after its process, and which answers with that process's id.
APP_MODULE = """
import contextlib
import os
from pathlib import Path

from fastapi import FastAPI


def create_app() -> FastAPI:
    @contextlib.asynccontextmanager
    async def lifespan(app):
        (Path(os.environ["STARTED_DIR"]) / str(os.getpid())).touch()
        yield

    app = FastAPI(lifespan=lifespan)

    @app.get("/pid")
    async def pid() -> int:
        return os.getpid()

    return app
"""

SERVE = """
import sys

from hlm_kit.cli import serve
from hlm_kit.settings import ServerSettings

serve("served_app:create_app", ServerSettings(http_workers=int(sys.argv[1])), host="127.0.0.1", port=int(sys.argv[2]))
"""


class ExampleSettings(ServerSettings):
    model_config = SettingsConfigDict(env_prefix="EXAMPLE_")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _children(pid: int) -> set[int]:
    """The processes whose parent is ``pid``, read from /proc."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if parent == pid:
                found.add(int(entry.name))
    return found


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, list[subprocess.Popen[bytes]]]]:
    (tmp_path / "served_app.py").write_text(textwrap.dedent(APP_MODULE))
    (tmp_path / "started").mkdir()
    processes: list[subprocess.Popen[bytes]] = []
    yield tmp_path, processes
    for process in processes:
        process.terminate()
        process.wait(timeout=30)


def _start(served: tuple[Path, list[subprocess.Popen[bytes]]], workers: int) -> tuple[subprocess.Popen[bytes], str]:
    directory, processes = served
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(directory), "STARTED_DIR": str(directory / "started")}
    process = subprocess.Popen([sys.executable, "-c", SERVE, str(workers), str(port)], env=env, cwd=directory)
    processes.append(process)
    return process, f"http://127.0.0.1:{port}"


def _started(directory: Path, count: int, process: subprocess.Popen[bytes]) -> set[int]:
    """The processes whose lifespan has started, once there are ``count`` of them (within a minute)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, "the server exited"
        started = {int(path.name) for path in (directory / "started").iterdir()}
        if len(started) >= count:
            return started
        time.sleep(0.1)
    raise AssertionError(f"fewer than {count} processes started their app")


def _answer(base_url: str) -> int:
    deadline = time.monotonic() + 60
    while True:
        try:
            return int(httpx.get(base_url + "/pid", timeout=5, trust_env=False).json())
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def test_one_worker_serves_in_the_process_itself(served):
    process, base_url = _start(served, 1)

    assert _answer(base_url) == process.pid
    assert _started(served[0], 1, process) == {process.pid}


def test_two_workers_are_two_processes_each_running_the_app_and_its_lifespan(served):
    process, base_url = _start(served, 2)

    started = _started(served[0], 2, process)

    assert len(started) == 2
    assert started <= _children(process.pid)
    assert _answer(base_url) in started


def test_the_number_of_workers_is_a_setting_of_at_least_one(monkeypatch):
    monkeypatch.delenv("EXAMPLE_HTTP_WORKERS", raising=False)
    assert ExampleSettings().http_workers == 1

    monkeypatch.setenv("EXAMPLE_HTTP_WORKERS", "2")
    assert ExampleSettings().http_workers == 2

    monkeypatch.setenv("EXAMPLE_HTTP_WORKERS", "0")
    with pytest.raises(ValidationError):
        ExampleSettings()


def test_an_idle_connection_outlives_a_clients_pool_so_the_next_request_on_it_is_answered(served):
    # httpx keeps an idle connection pooled for 5 s. Were the server to close it at the same moment (uvicorn's
    # own default), the client's next request on it would race the close and fail with a read error.
    _, base_url = _start(served, 1)
    _answer(base_url)
    connection = http.client.HTTPConnection("127.0.0.1", int(base_url.rsplit(":", 1)[1]), timeout=10)
    try:
        connection.request("GET", "/pid")
        first = connection.getresponse()
        first.read()
        used = connection.sock.getsockname()
        time.sleep(6)  # past httpx's 5 s
        connection.request("GET", "/pid")  # on the same socket: the server has not closed it
        second = connection.getresponse()
        second.read()
        again = connection.sock.getsockname()
    finally:
        connection.close()

    assert (first.status, second.status) == (200, 200)
    assert again == used
