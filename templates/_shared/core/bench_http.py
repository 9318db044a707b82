"""HTTP benchmarks against a real uvicorn server on 127.0.0.1, with a trivial baseline.

Absolute latencies swing on a shared machine, so every run also serves a trivial FastAPI
endpoint (`create_trivial_app`: accepts a JSON object, returns a constant) with the same
server settings (`SERVER_OPTIONS`) and the same load, in rounds that alternate between
the two servers, and reports the ratios. Every loop is bounded in count and both servers
are stopped when the run ends, however it ends.

    comparison = compare(f"{package}.api.main:create_app", "/predict", bodies, env=env)
    comparison.service.rps, comparison.throughput_ratio, comparison.p50_ratio

A service answered by GET (a path per request, e.g. `/recommendations/<user>`) is
measured the same way with `compare_get`, against the baseline's `GET /trivial`.
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
from fastapi import FastAPI

from .bench import Timing
from .errors import ProjectError

# One worker, quiet logs, no access log: the server settings both apps are measured with.
SERVER_OPTIONS = ("--workers", "1", "--log-level", "warning", "--no-access-log")
TRIVIAL_FACTORY = f"{__name__}:create_trivial_app"
TRIVIAL_PATH = "/trivial"
# Start-up imports the whole ML stack; on a busy machine that can take minutes.
START_TIMEOUT = 300.0


class BenchError(ProjectError, RuntimeError):
    """A benchmark server did not start or stopped; the message says which and why."""


def create_trivial_app() -> FastAPI:
    """The baseline: `POST /trivial` takes any JSON object and returns a constant
    (`GET /trivial` too, for services answered by GET)."""
    app = FastAPI(title="trivial baseline")

    @app.post(TRIVIAL_PATH)
    async def trivial(body: dict[str, Any]) -> dict[str, str]:
        return {"status": "ok"}

    @app.get(TRIVIAL_PATH)
    async def trivial_get() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/ready")
    async def ready() -> dict[str, str]:
        return {"status": "ready"}

    return app


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve(
    factory: str, env: Mapping[str, str] | None = None, timeout: float = START_TIMEOUT
) -> Iterator[int]:
    """Run `uvicorn --factory FACTORY` on 127.0.0.1 until `/ready` answers 200; the port.

    The server is terminated (then killed, if it lingers) when the block ends.
    """
    port = free_port()
    command = [
        sys.executable, "-m", "uvicorn", "--factory", factory,
        "--host", "127.0.0.1", "--port", str(port), *SERVER_OPTIONS,
    ]  # fmt: skip
    server = subprocess.Popen(command, env={**os.environ, **(env or {})})
    try:
        _wait_ready(port, server, timeout, factory)
        yield port
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=15)


@contextmanager
def serve_app(app: Any, timeout: float = START_TIMEOUT) -> Iterator[str]:
    """Serve an app object with uvicorn on 127.0.0.1 in a thread; its base URL.

    For tests that build the app themselves (settings, a temporary model). The server
    runs its lifespan, so the model is loaded as in production, and stops at the end.
    """
    import uvicorn

    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + timeout
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise BenchError("the server did not start; its log is above")
            time.sleep(0.02)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)


def _wait_ready(port: int, server: subprocess.Popen[bytes], timeout: float, factory: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise BenchError(f"the server for {factory} exited during start-up (output above)")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/ready")
            status = conn.getresponse().status
            conn.close()
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.05)
    raise BenchError(f"the server for {factory} was not ready within {timeout:.0f} s")


def post_many(port: int, path: str, bodies: Sequence[bytes], n: int) -> tuple[list[float], int]:
    """`n` POSTs over one keep-alive connection, cycling through `bodies`.

    Returns each request's latency in milliseconds and the number of errors (any status
    but 200, or a broken connection, which is then reopened).
    """
    return _many(port, "POST", [path], bodies, n)


def get_many(port: int, paths: Sequence[str], n: int) -> tuple[list[float], int]:
    """`n` GETs over one keep-alive connection, cycling through `paths`; as `post_many`."""
    return _many(port, "GET", paths, None, n)


def _many(
    port: int, method: str, paths: Sequence[str], bodies: Sequence[bytes] | None, n: int
) -> tuple[list[float], int]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"Content-Type": "application/json"} if bodies is not None else {}
    times: list[float] = []
    errors = 0
    clock = time.perf_counter_ns
    for i in range(n):
        body = bodies[i % len(bodies)] if bodies is not None else None
        start = clock()
        try:
            conn.request(method, paths[i % len(paths)], body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            errors += response.status != 200
        except (OSError, http.client.HTTPException):
            errors += 1
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        times.append((clock() - start) / 1e6)
    conn.close()
    return times, errors


# Sends `n` requests to the server on `port`, client `k` starting at its own offset.
Sender = Callable[[int, int, int], tuple[list[float], int]]


@dataclass(frozen=True)
class Load:
    """One server under load: a single client, then `clients` at once."""

    single: Timing
    concurrent: Timing
    clients: int
    requests: int
    errors: int
    rps: float


@dataclass(frozen=True)
class LoadPlan:
    """How much load, per round: bounded counts only."""

    rounds: int = 7
    warmup: int = 300
    single: int = 400
    clients: int = 4
    per_client: int = 200


def _round(port: int, send: Sender, plan: LoadPlan) -> dict[str, Any]:
    single, single_errors = send(port, 0, plan.single)
    results: list[tuple[list[float], int]] = [([], 0)] * plan.clients

    def client(k: int) -> None:
        results[k] = send(port, k, plan.per_client)

    threads = [threading.Thread(target=client, args=(k,)) for k in range(plan.clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    return {
        "single": single,
        "concurrent": [ms for times, _ in results for ms in times],
        "errors": single_errors + sum(e for _, e in results),
        "rps": plan.clients * plan.per_client / elapsed,
    }


def _combine(rounds: list[dict[str, Any]], plan: LoadPlan) -> Load:
    return Load(
        single=Timing.of(np.concatenate([r["single"] for r in rounds])),
        concurrent=Timing.of(np.concatenate([r["concurrent"] for r in rounds])),
        clients=plan.clients,
        requests=sum(len(r["single"]) + len(r["concurrent"]) for r in rounds),
        errors=sum(r["errors"] for r in rounds),
        # The median round: one disturbed round on a shared machine does not decide it.
        rps=float(np.median([r["rps"] for r in rounds])),
    )


@dataclass(frozen=True)
class Comparison:
    """The service and the trivial baseline under the same load, in the same run.

    The ratios are medians over rounds of each round's ratio against the baseline round
    run right after it: a busy spell on a shared machine then moves both sides of a
    ratio, and one disturbed round does not decide it.
    """

    service: Load
    trivial: Load
    plan: LoadPlan
    throughput_ratio: float  # service requests/s over the baseline's (1.0 = a no-op)
    p50_ratio: float  # service single-client p50 over the baseline's (1.0 = no added latency)


def compare(
    factory: str,
    path: str,
    bodies: Sequence[bytes],
    env: Mapping[str, str] | None = None,
    plan: LoadPlan | None = None,
) -> Comparison:
    """Load `factory`'s `path` and the trivial baseline alike, alternating by round."""
    trivial_bodies = list(bodies)  # the same JSON objects: the same bytes to read and parse

    def service(port: int, k: int, n: int) -> tuple[list[float], int]:
        return post_many(port, path, [*bodies[k:], *bodies[:k]], n)

    def trivial(port: int, k: int, n: int) -> tuple[list[float], int]:
        return post_many(port, TRIVIAL_PATH, [*trivial_bodies[k:], *trivial_bodies[:k]], n)

    return _compare(factory, service, trivial, env, plan or LoadPlan())


def compare_get(
    factory: str,
    paths: Sequence[str],
    env: Mapping[str, str] | None = None,
    plan: LoadPlan | None = None,
) -> Comparison:
    """`compare` for a service answered by GET: `paths` cycled, the baseline's GET."""

    def service(port: int, k: int, n: int) -> tuple[list[float], int]:
        return get_many(port, [*paths[k:], *paths[:k]], n)

    def trivial(port: int, k: int, n: int) -> tuple[list[float], int]:
        return get_many(port, [TRIVIAL_PATH], n)

    return _compare(factory, service, trivial, env, plan or LoadPlan())


def _compare(
    factory: str,
    service: Sender,
    trivial: Sender,
    env: Mapping[str, str] | None,
    plan: LoadPlan,
) -> Comparison:
    with ExitStack() as stack:
        service_port = stack.enter_context(serve(factory, env))
        trivial_port = stack.enter_context(serve(TRIVIAL_FACTORY, env))
        service(service_port, 0, plan.warmup)
        trivial(trivial_port, 0, plan.warmup)
        service_rounds, trivial_rounds = [], []
        for _ in range(plan.rounds):
            service_rounds.append(_round(service_port, service, plan))
            trivial_rounds.append(_round(trivial_port, trivial, plan))
    pairs = list(zip(service_rounds, trivial_rounds, strict=True))
    return Comparison(
        service=_combine(service_rounds, plan),
        trivial=_combine(trivial_rounds, plan),
        plan=plan,
        throughput_ratio=float(np.median([s["rps"] / t["rps"] for s, t in pairs])),
        p50_ratio=float(
            np.median([np.median(s["single"]) / np.median(t["single"]) for s, t in pairs])
        ),
    )
