"""`make bench`: latency and throughput of the served model, written to
`reports/performance.md`. Measurements, not tests: the numbers depend on the machine,
so they are reported against the goals and never asserted on.

All traffic goes to a uvicorn server this module starts on 127.0.0.1 and stops again;
every loop is bounded in count.
"""

from __future__ import annotations

import http.client
import json
import os
import platform
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from .api.schemas import record_model
from .artefact import load_model
from .config import Config
from .data import FeatureSchema
from .fastpath import FastScorer
from .prepare import load_split

GOALS = {"in_process_p50_ms": 2.0, "http_p50_ms": 5.0, "http_rps": 300.0}
SINGLE_CALLS = 5_000
SKLEARN_CALLS = 200
BATCH_SIZE = 1_000
BATCH_REPEATS = 30
HTTP_WARMUP = 200
HTTP_SEQUENTIAL = 2_000
HTTP_CLIENTS = 4
HTTP_PER_CLIENT = 1_000


def run(cfg: Config, config_path: Path = Path("config.toml")) -> str:
    loaded = load_model(cfg.paths.model, cfg.paths.model_metadata)
    scorer = FastScorer.from_model(loaded.estimator)
    schema = FeatureSchema.from_dict(loaded.metadata["feature_schema"])
    _, test, _ = load_split(cfg)
    records = schema.records(test.features)
    rng = np.random.default_rng(cfg.training.seed)
    batch = [records[i] for i in rng.integers(0, len(records), BATCH_SIZE)]

    single = _timed(lambda i: scorer.proba_one(records[i % len(records)]), SINGLE_CALLS)
    record_type = record_model(schema, cfg.api.range_margin)
    validated = _timed(
        lambda i: scorer.proba_one(
            record_type.model_validate(records[i % len(records)]).model_dump(by_alias=True)
        ),
        SINGLE_CALLS,
    )
    frame = test.features[schema.columns]
    sk_single = _timed(
        lambda i: loaded.estimator.predict_proba(frame.iloc[[i % len(frame)]]), SKLEARN_CALLS
    )
    batch_frame = frame.iloc[rng.integers(0, len(frame), BATCH_SIZE)]
    fast_batch = _timed(lambda _: scorer.proba_many(batch), BATCH_REPEATS)
    sk_batch = _timed(lambda _: loaded.estimator.predict_proba(batch_frame), BATCH_REPEATS)
    http_result = _http(cfg, config_path, records)

    results = {
        "in_process_single_ms": _summary(single),
        "in_process_validated_ms": _summary(validated),
        "sklearn_single_ms": _summary(sk_single),
        "batch_1000_fast_ms": _summary(fast_batch),
        "batch_1000_sklearn_ms": _summary(sk_batch),
        **http_result,
        "training_seconds": loaded.metadata.get("training_seconds"),
    }
    text = markdown(results, loaded.metadata)
    cfg.paths.reports_dir.mkdir(parents=True, exist_ok=True)
    (cfg.paths.reports_dir / "performance.md").write_text(text, encoding="utf-8")
    return text


def _timed(call: Callable[[int], Any], n: int) -> np.ndarray[Any, np.dtype[np.float64]]:
    for i in range(min(n, 50)):  # warm caches and lazy imports
        call(i)
    times = np.empty(n)
    for i in range(n):
        start = time.perf_counter_ns()
        call(i)
        times[i] = (time.perf_counter_ns() - start) / 1e6
    return times


def _summary(ms: np.ndarray[Any, np.dtype[np.float64]]) -> dict[str, float]:
    return {
        "n": len(ms),
        "p50": float(np.percentile(ms, 50)),
        "p99": float(np.percentile(ms, 99)),
        "mean": float(ms.mean()),
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _http(cfg: Config, config_path: Path, records: list[dict[str, Any]]) -> dict[str, Any]:
    port = _free_port()
    env = os.environ | {
        "API_MODEL_PATH": str(cfg.paths.model),
        "API_METADATA_PATH": str(cfg.paths.model_metadata),
        "API_CONFIG_PATH": str(config_path.resolve()),
    }
    command = [
        sys.executable, "-m", "uvicorn", "--factory", f"{__package__}.api.main:create_app",
        "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
        "--log-level", "warning", "--no-access-log",
    ]  # fmt: skip
    server = subprocess.Popen(command, env=env)
    try:
        _wait_ready(port, server)
        bodies = [json.dumps(r).encode() for r in records]
        _post_many(port, bodies, HTTP_WARMUP)
        latencies, errors = _post_many(port, bodies, HTTP_SEQUENTIAL)
        results: list[tuple[np.ndarray[Any, np.dtype[np.float64]], int]] = []
        threads = [
            threading.Thread(
                target=lambda: results.append(_post_many(port, bodies, HTTP_PER_CLIENT))
            )
            for _ in range(HTTP_CLIENTS)
        ]
        start = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - start
    finally:
        server.terminate()
        server.wait(timeout=30)
    load_latencies = np.concatenate([r[0] for r in results])
    return {
        "http_sequential_ms": _summary(latencies),
        "http_sequential_errors": errors,
        "http_load_ms": _summary(load_latencies),
        "http_load_clients": HTTP_CLIENTS,
        "http_load_requests": HTTP_CLIENTS * HTTP_PER_CLIENT,
        "http_load_errors": sum(r[1] for r in results),
        "http_rps": HTTP_CLIENTS * HTTP_PER_CLIENT / elapsed,
    }


def _wait_ready(port: int, server: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("the API server exited during start-up; see its output above")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/ready")
            if conn.getresponse().status == 200:
                conn.close()
                return
            conn.close()
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"the API server was not ready within {timeout:.0f} s")


def _post_many(
    port: int, bodies: list[bytes], n: int
) -> tuple[np.ndarray[Any, np.dtype[np.float64]], int]:
    """`n` POST /predict requests over one keep-alive connection; latencies and errors."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"Content-Type": "application/json"}
    times = np.empty(n)
    errors = 0
    for i in range(n):
        start = time.perf_counter_ns()
        try:
            conn.request("POST", "/predict", body=bodies[i % len(bodies)], headers=headers)
            response = conn.getresponse()
            response.read()
            errors += response.status != 200
        except (OSError, http.client.HTTPException):
            errors += 1
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        times[i] = (time.perf_counter_ns() - start) / 1e6
    conn.close()
    return times, errors


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def markdown(r: dict[str, Any], metadata: dict[str, Any]) -> str:
    single, seq = r["in_process_single_ms"], r["http_sequential_ms"]
    errors = r["http_sequential_errors"] + r["http_load_errors"]
    goal_single = GOALS["in_process_p50_ms"]
    goal_http = GOALS["http_p50_ms"]
    rps_met = r["http_rps"] >= GOALS["http_rps"] and errors == 0
    rows = [
        ("in-process single prediction (fast path)", single,
         f"p50 < {goal_single:g} ms: {_verdict(single['p50'] < goal_single)}"),
        ("in-process single prediction incl. request validation (pydantic)",
         r["in_process_validated_ms"], ""),
        ("in-process single prediction (sklearn pipeline, for contrast)",
         r["sklearn_single_ms"], ""),
        ("batch of 1,000 records (fast path)", r["batch_1000_fast_ms"], ""),
        ("batch of 1,000 records (sklearn pipeline)", r["batch_1000_sklearn_ms"], ""),
        ("HTTP POST /predict, one keep-alive client", seq,
         f"p50 < {goal_http:g} ms: {_verdict(seq['p50'] < goal_http)}"),
        (f"HTTP POST /predict, {r['http_load_clients']} concurrent clients",
         r["http_load_ms"], ""),
    ]  # fmt: skip
    return "\n".join(
        [
            "# Performance",
            "",
            "Written by `make bench`; machine-specific, so it is not compared between runs.",
            "",
            f"- Machine: {os.cpu_count()} CPU(s), {_cpu()}; Python {platform.python_version()} "
            f"on {platform.system()}",
            f"- Model: {metadata['model_name']} ({metadata['model_version']}), served through "
            "the fast path compiled from the fitted pipeline (`fastpath.py`)",
            f"- Training stage: {r['training_seconds']} s (from the model metadata)",
            "",
            "| measurement | calls | p50 ms | p99 ms | goal |",
            "|---|---|---|---|---|",
            *(
                f"| {name} | {s['n']:,} | {s['p50']:.3f} | {s['p99']:.3f} | {goal} |"
                for name, s, goal in rows
            ),
            "",
            f"Throughput with {r['http_load_clients']} concurrent keep-alive clients on "
            f"127.0.0.1 (uvicorn, one worker; the clients run on the same machine): "
            f"**{r['http_rps']:,.0f} requests/s** over {r['http_load_requests']:,} requests "
            f"(goal at least {GOALS['http_rps']:g} with no errors: {_verdict(rps_met)}). "
            f"Errors: {errors}.",
            "",
        ]
    )


def _verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"
