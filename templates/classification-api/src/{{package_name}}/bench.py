"""`make bench`: latency and throughput of the served model, into reports/performance.md.

Measurements, not tests: the figures depend on the machine, so they are reported
against the goals and never asserted on. The HTTP load goes to real uvicorn servers on
127.0.0.1 (this project's API and a trivial FastAPI endpoint under the same settings
and load, for ratios that mean something on a busy machine), started and stopped here;
every loop is bounded in count. The demo page is timed in Chromium when one is found.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import numpy as np

from .api.deps import ServingModel
from .api.schemas import record_model
from .artefact import load_model
from .config import Config
from .core.bench import Timing, goal_text, machine, table, timed, verdict
from .core.bench_http import Comparison, compare, serve
from .core.demo.browser import find_browser, open_browser, screenshot, wait_for
from .data import FeatureSchema
from .prepare import load_split

GOALS = {
    "in_process_p50_ms": 0.2,
    "http_p50_ms": 1.5,
    "http_rps": 1_000.0,
    "throughput_ratio": 0.9,
    "p50_ratio": 1.2,
    "demo_seconds": 2.0,
}
SINGLE_CALLS = 5_000
SKLEARN_CALLS = 200
BATCH_SIZE = 1_000
BATCH_REPEATS = 20
COMMAND = "make bench  (or: python3 tasks.py bench)"
ANSWERED = "#status[data-state=answered]"


def run(cfg: Config, config_path: Path = Path("config.toml")) -> str:
    loaded = load_model(cfg.paths.model, cfg.paths.model_metadata)
    model = ServingModel.from_loaded(loaded)
    schema = FeatureSchema.from_dict(loaded.metadata["feature_schema"])
    _, test, _ = load_split(cfg)
    records = schema.records(test.features)
    rng = np.random.default_rng(cfg.training.seed)
    batch = [records[i] for i in rng.integers(0, len(records), BATCH_SIZE)]
    record_type = record_model(schema, cfg.api.range_margin)
    scorer = model.scorer

    def full_path(i: int) -> bytes:
        # What /predict does in process: validate the body, score with reasons, answer.
        body = record_type.model_validate(records[i % len(records)]).model_dump(by_alias=True)
        return json.dumps(model.answer(scorer.score_one(body))).encode()

    frame = test.features[schema.columns]
    batch_frame = frame.iloc[rng.integers(0, len(frame), BATCH_SIZE)]
    timings = {
        "single": timed(lambda i: scorer.score_one(records[i % len(records)]), SINGLE_CALLS),
        "validated": timed(full_path, SINGLE_CALLS),
        "sklearn": timed(
            lambda i: loaded.estimator.predict_proba(frame.iloc[[i % len(frame)]]), SKLEARN_CALLS
        ),
        "batch_fast": timed(lambda _: scorer.score_many(batch), BATCH_REPEATS, warmup=2),
        "batch_sklearn": timed(
            lambda _: loaded.estimator.predict_proba(batch_frame), BATCH_REPEATS, warmup=2
        ),
    }
    env = {
        "API_MODEL_PATH": str(cfg.paths.model.resolve()),
        "API_METADATA_PATH": str(cfg.paths.model_metadata.resolve()),
        "API_CONFIG_PATH": str(config_path.resolve()),
    }
    bodies = [json.dumps(r).encode() for r in records]
    comparison = compare(f"{__package__}.api.main:create_app", "/predict", bodies, env=env)
    shot = cfg.paths.reports_dir / "figures" / "demo_page.png"
    demo = demo_seconds(f"{__package__}.api.main:create_app", env, shot)
    text = markdown(timings, comparison, demo, loaded.metadata)
    cfg.paths.reports_dir.mkdir(parents=True, exist_ok=True)
    (cfg.paths.reports_dir / "performance.md").write_text(text, encoding="utf-8")
    return text


def demo_seconds(factory: str, env: dict[str, str], shot: Path) -> float | str:
    """Seconds from opening the demo page to its first answer, in Chromium; or why not.

    Also saves the README's screenshot of the page (fixed window, the held-out example).
    """
    found = find_browser()
    if isinstance(found, str):
        return f"not measured: {found}"
    with serve(factory, env) as port, open_browser(found) as driver:
        page = f"http://127.0.0.1:{port}/demo"
        screenshot(driver, page, shot, ANSWERED)  # untimed: no first-start cost counts
        start = time.perf_counter()
        driver.get(page)
        wait_for(driver, ANSWERED)
        return time.perf_counter() - start


def markdown(
    t: dict[str, Timing], c: Comparison, demo: float | str, metadata: dict[str, Any]
) -> str:
    s, b = c.service, c.trivial
    errors = s.errors + b.errors
    rps_ok = s.rps >= GOALS["http_rps"] and s.errors == 0
    ratio_ok = c.throughput_ratio >= GOALS["throughput_ratio"]
    p50_ratio_ok = c.p50_ratio <= GOALS["p50_ratio"]
    rows = [
        ("in-process single prediction with reason codes (fast path)", t["single"],
         goal_text(t["single"].p50 < GOALS["in_process_p50_ms"],
                   f"p50 < {GOALS['in_process_p50_ms']:g} ms")),
        ("in-process, as /predict does it: validate (pydantic), score, reasons, JSON",
         t["validated"], ""),
        ("in-process single prediction (sklearn pipeline, no reasons, for contrast)",
         t["sklearn"], ""),
        (f"batch of {BATCH_SIZE:,} with reason codes (fast path)", t["batch_fast"], ""),
        (f"batch of {BATCH_SIZE:,} (sklearn pipeline, no reasons)", t["batch_sklearn"], ""),
        ("HTTP POST /predict, one keep-alive client", s.single,
         goal_text(s.single.p50 < GOALS["http_p50_ms"], f"p50 < {GOALS['http_p50_ms']:g} ms")),
        ("HTTP POST /trivial (baseline), one keep-alive client", b.single, ""),
        (f"HTTP POST /predict, {s.clients} concurrent clients", s.concurrent, ""),
        (f"HTTP POST /trivial (baseline), {b.clients} concurrent clients", b.concurrent, ""),
    ]  # fmt: skip
    if isinstance(demo, float):
        demo_goal = "under {:g} s".format(GOALS["demo_seconds"])
        demo_line = (
            f"Demo page in Chromium, from opening the page to its first answer: {demo:.2f} s "
            f"({goal_text(demo < GOALS['demo_seconds'], demo_goal)})."
        )
    else:
        demo_line = f"Demo page in Chromium: {demo}."
    plan = c.plan
    return "\n".join(
        [
            "# Performance",
            "",
            f"Written by `{COMMAND}`; machine-specific, so it is not compared between runs.",
            "",
            f"- Measured on: {machine()}",
            f"- Model: {metadata['model_name']} ({metadata['model_version']}), served through "
            "the fast path compiled from the fitted pipeline (`fastpath.py`), reason codes on",
            f"- Training stage: {metadata.get('training_seconds')} s (from the model metadata)",
            "- HTTP: uvicorn on 127.0.0.1, one worker, no access log, for both the API and the "
            "trivial baseline (a FastAPI endpoint that accepts a JSON object and returns a "
            f"constant); {plan.rounds} rounds alternating between them, each round "
            f"{plan.single:,} requests from one keep-alive client, then {plan.clients} "
            f"clients sending {plan.per_client:,} each; the clients run on the same machine",
            "",
            *table(rows),
            "",
            f"Throughput with {s.clients} concurrent clients (median of the rounds): "
            f"**{s.rps:,.0f} requests/s** for /predict, {b.rps:,.0f} for the baseline; "
            f"goal at least {GOALS['http_rps']:,.0f} with no errors: "
            f"{verdict(rps_ok)}. Errors: {errors} of "
            f"{s.requests + b.requests:,} requests.",
            "",
            "| against the trivial endpoint (median of the rounds' ratios) | ratio | goal |",
            "|---|---|---|",
            f"| throughput, {s.clients} clients | {c.throughput_ratio:.2f}x | "
            f"{goal_text(ratio_ok, 'at least {:g}x'.format(GOALS['throughput_ratio']))} |",
            f"| p50 latency, one client | {c.p50_ratio:.2f}x | "
            f"{goal_text(p50_ratio_ok, 'at most {:g}x'.format(GOALS['p50_ratio']))} |",
            "",
            demo_line,
            "",
            f"Reproduce: `{COMMAND}` after `make all`.",
            "",
        ]
    )
