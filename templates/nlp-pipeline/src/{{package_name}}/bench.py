"""`make bench`: batch throughput, memory, single-message and HTTP latency, written to
`reports/performance.md`, and the measured block of decision record 0004.

Measurements, not tests: the numbers depend on the machine and its load, so they are
reported against the goals and never asserted on. Every loop is bounded in count; the
only server is one this module starts on 127.0.0.1 and stops again.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from .artefact import load_model
from .config import Config
from .core.bench import Timing, machine, timed, verdict
from .core.bench_http import LoadPlan, compare
from .core.markers import splice_file
from .fastpath import FastTextScorer
from .modelling import FEATURES, NAMES, candidate
from .normalise import normalise
from .prepare import load_split

GOALS = {
    "batch_per_second": 50_000.0,
    "batch_floor_per_second": 20_000.0,
    "memory_growth": 0.20,
    "single_p50_ms": 0.5,
    "http_p50_ms": 2.0,
}
SIZES = (100_000, 1_000_000)
SINGLE_CALLS = 5_000
SKLEARN_SINGLE_CALLS = 300
CANDIDATE_MESSAGES = 50_000
DECISION = "0004-served-model.md"

# Runs one prediction in a fresh interpreter and reports its own and its workers' peak
# resident memory (ru_maxrss of children is the largest worker's).
_CHILD = """
import json, resource, sys
from pathlib import Path
from PKG.config import load_config
from PKG.predict import run
cfg = load_config(Path(sys.argv[1]))
result = run(cfg, Path(sys.argv[2]), Path(sys.argv[3]), progress=False)
self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
child_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps(dict(scored=result.scored, seconds=result.seconds,
                      main_mb=self_kb / 1024, worker_mb=child_kb / 1024)))
"""


def run(cfg: Config, config_path: Path = Path("config.toml")) -> str:
    loaded = load_model(cfg.paths.model, cfg.paths.model_metadata)
    train, test, _ = load_split(cfg)
    texts = [m.text for m in train + test]
    rng = np.random.default_rng(cfg.training.seed)
    results: dict[str, Any] = {"model": loaded.metadata["model_name"]}
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        folder = Path(tmp)
        for size in SIZES:
            source = folder / f"messages_{size}.csv"
            _write_messages(source, texts, size, rng)
            results[f"batch_{size}"] = _predict_in_child(config_path, source, folder / "out.csv")
    results["single"] = _single(loaded, [m.text for m in test], cfg)
    results["http"] = _http(cfg, config_path, [m.text for m in test])
    results["candidates"] = _candidates(cfg, train, texts, rng)
    results["workers"] = cfg.predict.workers or os.cpu_count() or 1
    results["chunk_size"] = cfg.predict.chunk_size
    text = markdown(results, loaded.metadata)
    cfg.paths.reports_dir.mkdir(parents=True, exist_ok=True)
    (cfg.paths.reports_dir / "performance.md").write_text(text, encoding="utf-8")
    decision = cfg.paths.docs_dir / "decisions" / DECISION
    if decision.is_file():
        splice_file(decision, decision_block(results))
    return text


def _write_messages(path: Path, texts: list[str], n: int, rng: np.random.Generator) -> None:
    """`n` messages resampled with replacement from the project's messages."""
    picks = rng.integers(0, len(texts), n)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["message_id", "text"])
        for i, k in enumerate(picks.tolist()):
            writer.writerow([i, texts[k]])


def _predict_in_child(config_path: Path, source: Path, output: Path) -> dict[str, Any]:
    pkg = __package__ or "pipeline"
    command = [sys.executable, "-c", _CHILD.replace("PKG", pkg), str(config_path.resolve())]
    done = subprocess.run(
        [*command, str(source), str(output)],
        capture_output=True, text=True, check=True, timeout=1800,
    )  # fmt: skip
    out: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    out["per_second"] = out["scored"] / out["seconds"]
    return out


def _single(loaded: Any, texts: list[str], cfg: Config) -> dict[str, Any]:
    fast = FastTextScorer.from_pipeline(loaded.estimator)
    options = cfg.normalise

    def fast_call(i: int) -> float:
        return fast.proba_one(normalise(texts[i % len(texts)], options))

    def sklearn_call(i: int) -> Any:
        return loaded.estimator.predict_proba([normalise(texts[i % len(texts)], options)])

    return {
        "fast": timed(fast_call, SINGLE_CALLS),
        "sklearn": timed(sklearn_call, SKLEARN_SINGLE_CALLS),
    }


def _http(cfg: Config, config_path: Path, texts: list[str]) -> dict[str, Any]:
    """POST /classify against a real server on 127.0.0.1, beside a trivial endpoint."""
    env = {
        "API_MODEL_PATH": str(cfg.paths.model),
        "API_METADATA_PATH": str(cfg.paths.model_metadata),
        "API_CONFIG_PATH": str(config_path.resolve()),
    }
    bodies = [json.dumps({"text": t}).encode() for t in texts[:500]]
    plan = LoadPlan(rounds=2, warmup=100, single=500, clients=4, per_client=250)
    result = compare(f"{__package__}.api.main:create_app", "/classify", bodies, env=env, plan=plan)
    return {
        "single": result.service.single,
        "errors": result.service.errors,
        "requests": result.service.requests,
        "rps": result.service.rps,
        "trivial_single": result.trivial.single,
        "clients": plan.clients,
    }


def _candidates(
    cfg: Config, train: list[Any], texts: list[str], rng: np.random.Generator
) -> dict[str, Any]:
    """Batch throughput of each candidate recipe in one process (fitted on the training
    messages), beside its cross-validated quality from `make train`."""
    training = json.loads(cfg.paths.training_summary.read_text(encoding="utf-8"))
    positive = cfg.data.positive_class
    fit_texts = [m.normalised for m in train]
    y = np.array([int(m.label == positive) for m in train])
    sample = [
        normalise(texts[k], cfg.normalise) for k in rng.integers(0, len(texts), CANDIDATE_MESSAGES)
    ]
    out = {}
    for name, quality in training["candidates"].items():
        if not FEATURES[name]:
            continue
        model = candidate(name, cfg.training.seed).fit(fit_texts, y)
        start = time.perf_counter()
        model.predict_proba(sample)
        seconds = time.perf_counter() - start
        out[name] = {
            "per_second_one_process": CANDIDATE_MESSAGES / seconds,
            "cv_cost_per_1k": quality["cost_per_1k"],
            "cv_macro_f1": quality["macro_f1"],
        }
    return out


def _memory(r: dict[str, Any]) -> float:
    """Peak resident memory of a run: the main process plus its largest worker."""
    return float(r["main_mb"] + r["worker_mb"])


def markdown(r: dict[str, Any], metadata: dict[str, Any]) -> str:
    small, big = r[f"batch_{SIZES[0]}"], r[f"batch_{SIZES[1]}"]
    growth = _memory(big) / _memory(small) - 1
    single: Timing = r["single"]["fast"]
    rate_ok = big["per_second"] >= GOALS["batch_per_second"]
    floor_ok = big["per_second"] >= GOALS["batch_floor_per_second"]
    lines = [
        "# Performance",
        "",
        "Written by `make bench`; machine-specific, so it is not compared between runs.",
        "",
        f"- Machine: {machine()}",
        f"- Served model: {NAMES[metadata['model_name']]} ({metadata['model_version']})",
        f"- Batch inference: `make predict`, {r['workers']} worker process(es), chunks of "
        f"{r['chunk_size']:,} messages; inputs made by resampling the project's messages",
        "",
        "| measurement | result | goal |",
        "|---|---|---|",
        f"| batch throughput, {SIZES[1]:,} messages | {big['per_second']:,.0f} messages/s "
        f"({big['seconds']:.1f} s) | at least {GOALS['batch_per_second']:,.0f}: "
        f"{verdict(rate_ok)}; never under {GOALS['batch_floor_per_second']:,.0f}: "
        f"{verdict(floor_ok)} |",
        f"| batch throughput, {SIZES[0]:,} messages | {small['per_second']:,.0f} messages/s | |",
        f"| peak memory, {SIZES[0]:,} messages (main + largest worker) | "
        f"{_memory(small):,.0f} MB ({small['main_mb']:,.0f} + {small['worker_mb']:,.0f}) | |",
        f"| peak memory, {SIZES[1]:,} messages (main + largest worker) | "
        f"{_memory(big):,.0f} MB ({big['main_mb']:,.0f} + {big['worker_mb']:,.0f}) | "
        f"within {GOALS['memory_growth'] * 100:.0f} % of the smaller run: {growth * 100:+.1f} %, "
        f"{verdict(abs(growth) <= GOALS['memory_growth'])} |",
        f"| one message in process, fast path, p50 (p99) | {single.p50:.3f} ms "
        f"({single.p99:.3f}) over {single.n:,} calls | p50 under "
        f"{GOALS['single_p50_ms']:g} ms: {verdict(single.p50 < GOALS['single_p50_ms'])} |",
        f"| one message in process, scikit-learn pipeline, p50 (p99) | "
        f"{r['single']['sklearn'].p50:.3f} ms ({r['single']['sklearn'].p99:.3f}) | "
        "for contrast |",
    ]
    h = r["http"]
    lines += [
        f"| HTTP POST /classify, one keep-alive client, p50 (p99) | {h['single'].p50:.3f} ms "
        f"({h['single'].p99:.3f}) over {h['single'].n:,} requests; {h['errors']} errors in "
        f"{h['requests']:,} | p50 under {GOALS['http_p50_ms']:g} ms with no errors: "
        f"{verdict(h['single'].p50 < GOALS['http_p50_ms'] and h['errors'] == 0)} |",
        f"| HTTP, a trivial FastAPI endpoint on the same server settings, p50 | "
        f"{h['trivial_single'].p50:.3f} ms | for contrast: the framework's own share |",
        f"| HTTP throughput, {h['clients']} concurrent keep-alive clients | "
        f"{h['rps']:,.0f} requests/s | |",
    ]
    lines += [
        "",
        "Candidate recipes, fitted on the training messages, scoring "
        f"{CANDIDATE_MESSAGES:,} messages in one process (scikit-learn), beside their "
        "cross-validated quality:",
        "",
        "| candidate | messages/s, one process | cost per 1,000 (CV) | macro F1 (CV) |",
        "|---|---|---|---|",
        *(
            f"| {NAMES[name]} | {c['per_second_one_process']:,.0f} | "
            f"{c['cv_cost_per_1k']['estimate']:.1f} | {c['cv_macro_f1']['estimate']:.3f} |"
            for name, c in r["candidates"].items()
        ),
        "",
        "Reproduce with `make bench` (a few minutes; it writes two CSV files of "
        f"{SIZES[0]:,} and {SIZES[1]:,} messages to a temporary folder and removes them).",
        "",
    ]
    return "\n".join(lines)


def decision_block(r: dict[str, Any]) -> str:
    """The measured block of decision record 0004: quality and throughput side by side."""
    big = r[f"batch_{SIZES[1]}"]
    rows = [
        f"*Generated by `make bench` on {machine()}; see "
        "[`reports/performance.md`](../../reports/performance.md).*",
        "",
        "| candidate | cost per 1,000 (CV) | macro F1 (CV) | messages/s, one process |",
        "|---|---|---|---|",
    ]
    for name, c in r["candidates"].items():
        mark = " **(served)**" if name == r["model"] else ""
        cost, f1 = c["cv_cost_per_1k"], c["cv_macro_f1"]
        rows.append(
            f"| {NAMES[name]}{mark} | {cost['estimate']:.1f} [{cost['low']:.1f}, "
            f"{cost['high']:.1f}] | {f1['estimate']:.3f} [{f1['low']:.3f}, {f1['high']:.3f}] "
            f"| {c['per_second_one_process']:,.0f} |"
        )
    rows += [
        "",
        f"The served model scored {SIZES[1]:,} messages at {big['per_second']:,.0f} "
        f"messages/s with {r['workers']} worker process(es) (goal "
        f"{GOALS['batch_per_second']:,.0f}), and one message in "
        f"{r['single']['fast'].p50:.3f} ms (p50) through the fast path.",
    ]
    return "\n".join(rows)
