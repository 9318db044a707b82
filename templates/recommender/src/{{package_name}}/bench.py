"""`make bench`: training time, recommendation latency in process and over HTTP,
evaluation time and memory, into `reports/bench.json` and `reports/performance.md`.

Measurements, not tests: the numbers depend on the machine, so they are reported against
the goals and never asserted on. Every loop is bounded in count (the family's
`core.bench` and `core.bench_http`); HTTP goes to uvicorn servers on 127.0.0.1 that are
stopped afterwards. The reports that show timings are rewritten from `bench.json`, so
`make all` alone never changes them.
"""

from __future__ import annotations

import json
import resource
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import numpy as np

from . import report
from .config import Config
from .core.bench import Timing, machine, timed, verdict
from .core.bench_http import LoadPlan, compare_get, serve
from .core.demo.browser import find_browser, open_browser, screenshot
from .evaluation import evaluate_model
from .models import build
from .prepare import evaluation_fold, load_split
from .service import Recommendations

GOALS = {
    "top_k_p50_ms": 0.2,
    "top_k_p50_ms_limit": 1.0,
    "http_p50_ms": 2.0,
    "evaluation_seconds": 10.0,
}
CALLS = 3_000
FITS = 3
HTTP_PLAN = LoadPlan(rounds=3, warmup=200, single=1_000, clients=4, per_client=500)


def run(cfg: Config) -> str:
    service = Recommendations.load(cfg)
    data, parts, _ = load_split(cfg)
    fold = evaluation_fold(data, parts, cfg)
    k = cfg.api.default_k
    rng = np.random.default_rng(cfg.training.seed)
    users = [str(u) for u in fold.index.users[rng.choice(fold.eval_users, size=CALLS)]]

    models: dict[str, Any] = {}
    for name, model in service.bundle.models.items():
        params = service.bundle.metadata["models"][name]["params"]
        fits = [_fit_seconds(name, params, fold.fit, cfg.training.seed) for _ in range(FITS)]
        started = time.perf_counter()
        evaluate_model(model, fold, cfg.evaluation.k_max)
        evaluation = time.perf_counter() - started

        def one(i: int, name: str = name) -> Any:
            return service.recommend(users[i], k, model=name)

        latency = timed(one, CALLS, warmup=100)
        models[name] = {
            "fit_seconds": round(float(np.median(fits)), 4),
            "evaluation_seconds": round(evaluation, 4),
            "top_k_ms": _summary(latency),
            "memory_bytes": service.bundle.metadata["models"][name]["bytes"],
        }
    paths = [f"/recommendations/{quote(user, safe='')}?k={k}" for user in users[:500]]
    env = {
        "API_MODEL_PATH": str(cfg.paths.model("bundle")),
        "API_METADATA_PATH": str(cfg.paths.model_metadata("bundle")),
        "API_CONFIG_PATH": str(cfg.paths.readme.parent / "config.toml"),
    }
    factory = f"{__package__}.api.main:create_app"
    http = compare_get(factory, paths, env=env, plan=HTTP_PLAN)
    screenshot = demo_screenshot(factory, env, cfg.paths.figures_dir / "demo.png")
    results = {
        "machine": machine(),
        "k": k,
        "goals": GOALS,
        "evaluated_users": len(fold.eval_users),
        "models": models,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "served_model": service.served,
        "demo_screenshot": screenshot,
        "http": {
            "path": "/recommendations/{user_id}?k=" + str(k),
            "single_ms": _summary(http.service.single),
            "concurrent_ms": _summary(http.service.concurrent),
            "clients": http.service.clients,
            "requests": http.service.requests,
            "errors": http.service.errors,
            "rps": round(http.service.rps, 1),
            "trivial_single_ms": _summary(http.trivial.single),
            "trivial_rps": round(http.trivial.rps, 1),
        },
    }
    cfg.paths.reports_dir.mkdir(parents=True, exist_ok=True)
    cfg.paths.bench_results.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    text = markdown(results)
    (cfg.paths.reports_dir / "performance.md").write_text(text, encoding="utf-8")
    if cfg.paths.metrics.is_file():
        report.run(cfg)  # the reports that show timings read them from bench.json
    return text


def demo_screenshot(factory: str, env: dict[str, str], path: Path) -> str:
    """A PNG of the demo page with its first example user, or why there is none.

    The family's browser machinery fixes the window, scale and fonts, and the page shows
    a fixed example, so the same models give the same picture.
    """
    found = find_browser()
    if isinstance(found, str):
        return f"not taken: {found}"
    with serve(factory, env) as port, open_browser(found) as driver:
        screenshot(driver, f"http://127.0.0.1:{port}/demo", path, "#status[data-state=done]")
    return f"reports/figures/{path.name}"


def _fit_seconds(name: str, params: dict[str, Any], interactions: Any, seed: int) -> float:
    started = time.perf_counter()
    build(name, params, seed).fit(interactions)
    return time.perf_counter() - started


def _summary(t: Timing) -> dict[str, float]:
    return {"n": t.n, "p50": round(t.p50, 4), "p99": round(t.p99, 4), "mean": round(t.mean, 4)}


def markdown(r: dict[str, Any]) -> str:
    goal = r["goals"]["top_k_p50_ms"]
    rows = []
    for name, t in r["models"].items():
        served = " (served)" if name == r["served_model"] else ""
        rows.append(
            f"| {name}{served} | {t['fit_seconds']:.3f} s | {t['evaluation_seconds']:.3f} s | "
            f"{t['top_k_ms']['p50']:.3f} | {t['top_k_ms']['p99']:.3f} | "
            f"{t['memory_bytes'] / 1e6:.2f} MB |"
        )
    served = r["models"][r["served_model"]]
    h = r["http"]
    evaluation = sum(t["evaluation_seconds"] for t in r["models"].values())
    return "\n".join(
        [
            "# Performance",
            "",
            "Written by `make bench`; machine-specific, so it is not compared between runs.",
            "",
            f"- Machine: {r['machine']}",
            f"- Top-{r['k']} for one user: {CALLS:,} calls per model through the serving core "
            "(`service.py`: look-up, scoring, seen-item filter, top-k), users drawn from the "
            "test split with a fixed seed.",
            f"- Evaluation: every one of the {r['evaluated_users']:,} evaluated test users, "
            "lists and per-user metrics (without the bootstrap).",
            "",
            "| model | training (median of 3) | evaluating all test users | top-k p50 ms | "
            "top-k p99 ms | model memory |",
            "|---|---|---|---|---|---|",
            *rows,
            "",
            "| goal | measured | verdict |",
            "|---|---|---|",
            f"| top-{r['k']} p50 under {goal:g} ms in process (served model) | "
            f"{served['top_k_ms']['p50']:.3f} ms | {verdict(served['top_k_ms']['p50'] < goal)} |",
            f"| never over {r['goals']['top_k_p50_ms_limit']:g} ms at p50 | "
            f"{served['top_k_ms']['p50']:.3f} ms | "
            f"{verdict(served['top_k_ms']['p50'] < r['goals']['top_k_p50_ms_limit'])} |",
            f"| HTTP `GET {r['http']['path']}` p50 under {r['goals']['http_p50_ms']:g} ms, one "
            f"client, no errors | {h['single_ms']['p50']:.3f} ms, {h['errors']} errors | "
            f"{verdict(h['single_ms']['p50'] < r['goals']['http_p50_ms'] and h['errors'] == 0)} |",
            f"| evaluating every test user, all models, under "
            f"{r['goals']['evaluation_seconds']:g} s | {evaluation:.2f} s | "
            f"{verdict(evaluation < r['goals']['evaluation_seconds'])} |",
            "",
            f"HTTP, uvicorn with one worker on 127.0.0.1 ({HTTP_PLAN.rounds} rounds of "
            f"{HTTP_PLAN.single:,} requests from one keep-alive client, then "
            f"{h['clients']} clients at once): p50 {h['single_ms']['p50']:.3f} ms, p99 "
            f"{h['single_ms']['p99']:.3f} ms for one client; {h['rps']:,.0f} requests/s with "
            f"{h['clients']} clients, p99 {h['concurrent_ms']['p99']:.3f} ms; {h['errors']} "
            f"errors in {h['requests']:,} requests. A trivial FastAPI endpoint under the same "
            f"load: p50 {h['trivial_single_ms']['p50']:.3f} ms, {h['trivial_rps']:,.0f} "
            "requests/s.",
            "",
            f"Peak resident memory of the benchmark process: {r['peak_rss_mb']:,.0f} MB "
            "(the served model's arrays are in the table above).",
            "",
            "Reproduce with `make bench` (or `python3 tasks.py bench`).",
            "",
        ]
    )
