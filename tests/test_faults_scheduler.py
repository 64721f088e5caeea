"""--scheduler pointing at things that are not a dask scheduler: one error line, within the limit.

Real local peers on 127.0.0.1: Python's http.server (accepts, then waits for a request line that
dask never sends: used to hang forever), raw TCP sockets that send garbage (used to raise numpy's
MemoryError) or close at once, a dask worker, an address with nothing listening, and addresses
that do not parse (used to print a ``Client.__del__`` traceback after the error line). Each test
bounds its own time: the time limit (``BRIEF_SCHEDULER_TIMEOUT``) plus a margin.
"""

from __future__ import annotations

import contextlib
import http.server
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from analysis.errors import BriefError
from analysis.pipeline.batch import _connect, probe_scheduler, scheduler_timeout
from tests.fixtures.pipeline.support import FIXTURE_PROJECT
from tests.local_server import local_http_server

LIMIT = 1.5  # seconds: BRIEF_SCHEDULER_TIMEOUT in these tests
MARGIN = 3.0  # what a loaded 2-core machine may add (thread start, imports)
EXPECTED = "expected the address of a running dask scheduler, e.g. tcp://host:8786"


@contextlib.contextmanager
def http_server() -> Iterator[str]:
    with local_http_server(http.server.SimpleHTTPRequestHandler) as port:
        yield f"tcp://127.0.0.1:{port}"


@contextlib.contextmanager
def tcp_peer(greeting: bytes | None, *, close: bool = False) -> Iterator[str]:
    """A TCP server on 127.0.0.1 that sends ``greeting`` to each client (then keeps the
    connection open, or closes it at once with ``close``)."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    stop = threading.Event()
    held: list[socket.socket] = []

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            with contextlib.suppress(OSError):
                if greeting:
                    conn.sendall(greeting)
            if close:
                conn.close()
            else:
                held.append(conn)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"tcp://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(2)
        for conn in held:
            conn.close()
        listener.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def probe_error(address: str) -> tuple[str, float]:
    t0 = time.perf_counter()
    with pytest.raises(BriefError) as info:
        probe_scheduler(address, LIMIT, f"{LIMIT:g}s")
    seconds = time.perf_counter() - t0
    msg = str(info.value)
    assert "\n" not in msg and len(msg) < 600, msg
    assert msg.startswith(f"--scheduler {address}: "), msg
    assert seconds < LIMIT + MARGIN, seconds
    return msg, seconds


def test_a_web_server_is_not_waited_for_beyond_the_limit():
    with http_server() as address:
        msg, seconds = probe_error(address)
    assert "connected, but no answer to dask's handshake within 1.5s" in msg
    assert "not a dask scheduler" in msg and seconds >= LIMIT - 0.2


def test_a_peer_greeting_like_http_is_not_a_memory_error_traceback():
    with tcp_peer(b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nhi") as address:
        msg, _ = probe_error(address)
    assert "does not speak dask's protocol (MemoryError: " in msg and EXPECTED in msg


def test_a_peer_sending_0xff_bytes_is_not_dask():
    with tcp_peer(b"\xff" * 64) as address:
        msg, _ = probe_error(address)
    assert "does not speak dask's protocol (" in msg


def test_a_peer_sending_a_small_frame_of_garbage_is_not_dask():
    with tcp_peer(b"\x10" + b"\0" * 7 + b"\xc1" * 16) as address:
        msg, _ = probe_error(address)
    assert "not a dask scheduler" in msg or "does not speak dask's protocol" in msg


def test_a_peer_that_closes_at_once_is_not_dask():
    with tcp_peer(None, close=True) as address:
        msg, _ = probe_error(address)
    assert "closed the connection during dask's handshake" in msg


def test_nothing_listening_is_tried_until_the_limit_then_one_line():
    msg, seconds = probe_error(f"tcp://127.0.0.1:{free_port()}")
    assert "cannot connect to a dask scheduler within 1.5s (ConnectionRefusedError" in msg
    assert seconds >= LIMIT - 0.2  # a scheduler still starting up gets the whole limit


@pytest.mark.parametrize(
    ("address", "words"),
    [
        ("not a url", ["not a scheduler address", "missing port number"]),
        ("http://127.0.0.1:8786", ["not a scheduler address", "unknown address scheme 'http'"]),
        ("tcp://127.0.0.1:99999", ["not a scheduler address", "port 99999"]),
        ("tcp://:8786", ["not a scheduler address"]),
    ],
    ids=["not-a-url", "http-scheme", "port-out-of-range", "no-host"],
)
def test_an_address_that_does_not_parse_is_refused_without_connecting(address, words):
    msg, seconds = probe_error(address)
    for w in words:
        assert w in msg, (w, msg)
    assert seconds < 1.0


def test_a_dask_worker_is_not_a_scheduler():
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
    ) as c:
        worker = next(iter(c.workers.values())).address
        msg, _ = probe_error(worker)
        probe_scheduler(c.scheduler_address, LIMIT, "1.5s")  # the real scheduler passes
    assert "the peer answered as 'Worker', not as a dask scheduler" in msg


@pytest.mark.parametrize("value", ["abc", "0", "-1s", "10 parsecs"])
def test_a_bad_scheduler_timeout_setting_is_one_line(value, monkeypatch):
    monkeypatch.setenv("BRIEF_SCHEDULER_TIMEOUT", value)
    with pytest.raises(BriefError, match=r"^\$BRIEF_SCHEDULER_TIMEOUT is .*positive duration"):
        scheduler_timeout()


@pytest.mark.parametrize(
    ("value", "seconds"), [("10s", 10.0), ("500ms", 0.5), ("2m", 120.0), ("3", 3.0)]
)
def test_scheduler_timeout_spellings(value, seconds, monkeypatch):
    monkeypatch.setenv("BRIEF_SCHEDULER_TIMEOUT", value)
    assert scheduler_timeout()[0] == seconds


def test_connect_uses_the_limit_from_the_environment(monkeypatch):
    monkeypatch.setenv("BRIEF_SCHEDULER_TIMEOUT", "500ms")
    with http_server() as address:
        t0 = time.perf_counter()
        with pytest.raises(BriefError, match="within 500ms"):
            _connect(address)
    assert time.perf_counter() - t0 < 0.5 + MARGIN


# ---------------------------------------------------------------------------------------------
# Through the CLI in a process of its own: one error line, exit 2, nothing at interpreter exit


def make_project(dest: Path) -> Path:
    shutil.copytree(FIXTURE_PROJECT, dest)
    return dest


@pytest.mark.parametrize("kind", ["web-server", "garbage-peer", "not-a-url"])
def test_brief_run_scheduler_prints_one_error_line_and_no_traceback(kind, tmp_path):
    with contextlib.ExitStack() as stack:
        if kind == "web-server":
            address = stack.enter_context(http_server())
        elif kind == "garbage-peer":
            address = stack.enter_context(tcp_peer(b"HTTP/1.0 400 Bad Request\r\n\r\n"))
        else:
            address = "not a url"
        project = make_project(tmp_path / "project")
        env = {**os.environ, "BRIEF_SCHEDULER_TIMEOUT": f"{LIMIT}s", "BRIEF_ROOT": str(project)}
        t0 = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-c", "from analysis.cli import entry_point; entry_point()",
             "run", "params/default.yml", "--scheduler", address],
            capture_output=True, text=True, env=env, cwd=project, timeout=60,
        )  # fmt: skip
        seconds = time.perf_counter() - t0
    assert proc.returncode == 2, proc.stderr
    errors = [ln for ln in proc.stderr.splitlines() if ln.startswith("error: ")]
    assert len(errors) == 1 and errors[0].startswith(f"error: --scheduler {address}: "), proc.stderr
    assert "Traceback" not in proc.stderr and "Exception ignored" not in proc.stderr, proc.stderr
    assert seconds < LIMIT + 20  # the interpreter, imports and params check on a loaded machine
