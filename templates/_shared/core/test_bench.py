"""The benchmark harness: bounded loops, percentiles, and a real server it stops."""

import http.client
import json

import numpy as np
import pytest

from {{ package_name }}.core.bench import (
    Timing,
    table,
    timed,
)
from {{ package_name }}.core.bench_http import (
    TRIVIAL_FACTORY,
    TRIVIAL_PATH,
    LoadPlan,
    compare,
    post_many,
    serve,
)


def test_timing_summarises_milliseconds() -> None:
    t = Timing.of(np.arange(1, 101, dtype=float))
    assert (t.n, t.p50, t.mean) == (100, 50.5, 50.5)
    assert t.p99 == pytest.approx(99.01)
    with pytest.raises(ValueError, match="no timings"):
        Timing.of([])


def test_timed_makes_exactly_the_calls_asked_for() -> None:
    calls: list[int] = []
    timing = timed(calls.append, 30, warmup=5)
    assert calls == [0, 1, 2, 3, 4, *range(30)]
    assert timing.n == 30
    assert table([("x", timing, "goal")])[2].startswith("| x | 30 | ")


def test_a_real_server_answers_and_is_stopped_afterwards() -> None:
    body = json.dumps({"a": 1}).encode()
    with serve(TRIVIAL_FACTORY) as port:
        times, errors = post_many(port, TRIVIAL_PATH, [body], 20)
        assert (len(times), errors) == (20, 0)
        _, wrong_errors = post_many(port, "/nowhere", [body], 3)
        assert wrong_errors == 3
    with pytest.raises(OSError):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        conn.request("GET", "/ready")


def test_compare_reports_both_servers_under_the_same_load() -> None:
    plan = LoadPlan(rounds=2, warmup=5, single=20, clients=2, per_client=10)
    body = json.dumps({"a": 1}).encode()
    result = compare(TRIVIAL_FACTORY, TRIVIAL_PATH, [body], plan=plan)
    for load in (result.service, result.trivial):
        assert load.errors == 0
        assert load.requests == 2 * (20 + 2 * 10)
        assert load.single.n == 40 and load.concurrent.n == 40
    assert result.throughput_ratio > 0 and result.p50_ratio > 0
