"""`make bench`: batch throughput, memory, single-message and HTTP latency, written to
`reports/performance.md`, the measured block of decision record 0004, and the README's
screenshot of the demo page (`reports/figures/demo_page.png`) from the served model.

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
from .core.bench_http import LoadPlan, compare, serve
from .core.demo.browser import find_browser, open_browser, screenshot
from .core.markers import splice_file
from .core.stats import fold_mean
from .fastpath import BatchScorer, FastMulticlassScorer, FastTextScorer
from .modelling import FEATURES, NAMES, candidate
from .normalise import normalise, normalise_many
from .prepare import load_split

GOALS = {
    "batch_per_second": 50_000.0,
    "batch_floor_per_second": 20_000.0,
    "memory_growth": 0.20,
    "single_p50_ms": 0.5,
    "http_p50_ms": 2.0,
}
SIZES = (100_000, 1_000_000)
ANSWERED = "#status[data-state=answered]"
SINGLE_CALLS = 5_000
SKLEARN_SINGLE_CALLS = 300
CANDIDATE_MESSAGES = 50_000
DECISION = "0004-served-model.md"
# The candidate every other one is compared with: word n-grams only.
REFERENCE = "logreg_word"

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
    results["screenshot"] = demo_screenshot(
        cfg, config_path, cfg.paths.figures_dir / "demo_page.png"
    )
    results["candidates"] = _candidates(cfg, train, texts, rng)
    results["workers"] = cfg.predict.workers or os.cpu_count() or 1
    results["load"] = _load()
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
    md = loaded.metadata
    options = cfg.normalise
    if md.get("task", "binary") == "multiclass":
        many = FastMulticlassScorer.from_pipeline(loaded.estimator, md["labels"])

        def fast_call(i: int) -> Any:
            return many.probabilities(normalise(texts[i % len(texts)], options))

    else:
        fast = FastTextScorer.from_pipeline(loaded.estimator)

        def fast_call(i: int) -> Any:
            return fast.proba_one(normalise(texts[i % len(texts)], options))

    def sklearn_call(i: int) -> Any:
        return loaded.estimator.predict_proba([normalise(texts[i % len(texts)], options)])

    return {
        "fast": timed(fast_call, SINGLE_CALLS),
        "sklearn": timed(sklearn_call, SKLEARN_SINGLE_CALLS),
    }


def _serving_env(cfg: Config, config_path: Path) -> dict[str, str]:
    return {
        "API_MODEL_PATH": str(cfg.paths.model),
        "API_METADATA_PATH": str(cfg.paths.model_metadata),
        "API_CONFIG_PATH": str(config_path.resolve()),
    }


def demo_screenshot(cfg: Config, config_path: Path, shot: Path) -> str:
    """The README's picture of the demo page: the served model behind a real server on
    127.0.0.1, in headless Chromium, with the page's own example message answered.
    Returns where it was saved, or why it was not taken."""
    found = find_browser()
    if isinstance(found, str):
        return f"not taken: {found}"
    factory = f"{__package__}.api.main:create_app"
    with serve(factory, _serving_env(cfg, config_path)) as port, open_browser(found) as driver:
        screenshot(driver, f"http://127.0.0.1:{port}/demo", shot, ANSWERED)
    return f"saved to {shot.name}"


def _http(cfg: Config, config_path: Path, texts: list[str]) -> dict[str, Any]:
    """POST /classify against a real server on 127.0.0.1, beside a trivial endpoint."""
    env = _serving_env(cfg, config_path)
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
    """Each candidate recipe fitted on the training messages: its throughput in one
    process from raw text to probabilities, through the batch fast path that
    `make predict` uses and through scikit-learn, beside its cross-validated quality
    and, paired fold by fold, its difference from the word n-gram model."""
    training = json.loads(cfg.paths.training_summary.read_text(encoding="utf-8"))
    labels = sorted({m.label for m in train})
    if training.get("task", "binary") == "multiclass":
        y = np.array([labels.index(m.label) for m in train])
    else:
        y = np.array([int(m.label == cfg.data.positive_class) for m in train])
    fit_texts = [m.normalised for m in train]
    sample = [texts[k] for k in rng.integers(0, len(texts), CANDIDATE_MESSAGES)]
    chunk = cfg.predict.chunk_size
    reference = training["candidates"].get(REFERENCE)
    out = {}
    for name, quality in training["candidates"].items():
        if not FEATURES[name]:
            continue
        model = candidate(name, cfg.training.seed).fit(fit_texts, y)
        batch = BatchScorer.from_pipeline(model)
        start = time.perf_counter()
        for i in range(0, len(sample), chunk):
            batch.probabilities(normalise_many(sample[i : i + chunk], cfg.normalise))
        fast_seconds = time.perf_counter() - start
        start = time.perf_counter()
        model.predict_proba(normalise_many(sample, cfg.normalise))
        sklearn_seconds = time.perf_counter() - start
        entry: dict[str, Any] = {
            "per_second_one_process": CANDIDATE_MESSAGES / fast_seconds,
            "per_second_sklearn": CANDIDATE_MESSAGES / sklearn_seconds,
            "cv_cost_per_1k": quality["cost_per_1k"],
            "cv_macro_f1": quality["macro_f1"],
        }
        if reference is not None and name != REFERENCE:
            # Paired by fold: the same training rows, the same held-out rows.
            for key in ("cost_per_1k", "macro_f1"):
                diff = np.subtract(quality[f"fold_{key}"], reference[f"fold_{key}"])
                entry[f"cv_{key}_vs_word"] = fold_mean(diff).rounded(4).model_dump()
        out[name] = entry
    return out


def _load() -> str:
    """The load average (1, 5, 15 minutes) when the measurements ended: figures taken
    on a busy machine are lower than the machine can do."""
    try:
        return ", ".join(f"{v:.2f}" for v in os.getloadavg())
    except OSError:
        return "not available"


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
        f"- Load average (1, 5, 15 min) when the measurements ended: {r['load']} "
        "(other work on the machine lowers every figure)",
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
    if not rate_ok:
        short = GOALS["batch_per_second"] - big["per_second"]
        lines += [
            "",
            f"The batch goal is missed by {short:,.0f} messages/s "
            f"({short / GOALS['batch_per_second'] * 100:.0f} %) at a load average of "
            f"{r['load']} on {os.cpu_count()} CPU(s): the worker processes share the cores "
            "with everything else running, and what is left of the cost per message is "
            "Python's regular expressions (normalisation and the token pattern, each one "
            "pass per chunk). The candidates' figures below show what one process does "
            "on the same path, at the same load.",
        ]
    lines += [
        "",
        "Candidate recipes, fitted on the training messages, scoring "
        f"{CANDIDATE_MESSAGES:,} raw messages in one process (normalisation included), "
        "through the batch fast path that `make predict` uses and through scikit-learn, "
        "beside their cross-validated quality:",
        "",
        "| candidate | messages/s, fast path | messages/s, scikit-learn "
        "| cost per 1,000 (CV) | macro F1 (CV) |",
        "|---|---|---|---|---|",
        *(
            f"| {NAMES[name]} | {c['per_second_one_process']:,.0f} | "
            f"{c['per_second_sklearn']:,.0f} | "
            f"{c['cv_cost_per_1k']['estimate']:.1f} | {c['cv_macro_f1']['estimate']:.3f} |"
            for name, c in r["candidates"].items()
        ),
        "",
        f"Demo page screenshot for the README (served model, real server on 127.0.0.1, "
        f"headless Chromium): {r['screenshot']}.",
        "",
        "Reproduce with `make bench` (a few minutes; it writes two CSV files of "
        f"{SIZES[0]:,} and {SIZES[1]:,} messages to a temporary folder and removes them).",
        "",
    ]
    return "\n".join(lines)


def decision_block(r: dict[str, Any]) -> str:
    """The measured block of decision record 0004: quality and throughput side by side,
    and what character n-grams add over word n-grams, paired fold by fold."""
    big = r[f"batch_{SIZES[1]}"]
    rows = [
        f"*Generated by `make bench` on {machine()}, load average {r['load']}; see "
        "[`reports/performance.md`](../../reports/performance.md).*",
        "",
        "| candidate | cost per 1,000 (CV) | macro F1 (CV) | against word n-grams: cost "
        "| against word n-grams: macro F1 | messages/s, one process |",
        "|---|---|---|---|---|---|",
    ]
    for name, c in r["candidates"].items():
        mark = " **(served)**" if name == r["model"] else ""
        cost, f1 = c["cv_cost_per_1k"], c["cv_macro_f1"]
        vs_cost, vs_f1 = c.get("cv_cost_per_1k_vs_word"), c.get("cv_macro_f1_vs_word")
        rows.append(
            f"| {NAMES[name]}{mark} | {cost['estimate']:.1f} [{cost['low']:.1f}, "
            f"{cost['high']:.1f}] | {f1['estimate']:.3f} [{f1['low']:.3f}, {f1['high']:.3f}] "
            f"| {_signed(vs_cost, 1)} | {_signed(vs_f1, 3)} "
            f"| {c['per_second_one_process']:,.0f} |"
        )
    rows += ["", *_char_ngram_sentences(r), ""]
    rows.append(
        f"The served model scored {SIZES[1]:,} messages at {big['per_second']:,.0f} "
        f"messages/s with {r['workers']} worker process(es) (goal "
        f"{GOALS['batch_per_second']:,.0f}), and one message in "
        f"{r['single']['fast'].p50:.3f} ms (p50) through the fast path."
    )
    return "\n".join(rows)


def _signed(interval: dict[str, Any] | None, digits: int) -> str:
    if interval is None:
        return "(reference)"
    e, low, high = interval["estimate"], interval["low"], interval["high"]
    return f"{e:+.{digits}f} [{low:+.{digits}f}, {high:+.{digits}f}]"


def _char_ngram_sentences(r: dict[str, Any]) -> list[str]:
    """What the word-and-character logistic regression adds over word n-grams alone,
    in quality (paired fold differences) and in throughput, worded from the numbers."""
    char, word = r["candidates"].get("logreg_word_char"), r["candidates"].get(REFERENCE)
    if char is None or word is None:
        return []
    cost = char["cv_cost_per_1k_vs_word"]
    if cost["high"] < 0:
        quality = "lower the cost, and the interval of the difference is clear of zero"
    elif cost["low"] > 0:
        quality = "raise the cost, and the interval of the difference is clear of zero"
    else:
        quality = (
            "change the cost by an amount whose interval includes zero: these folds "
            "cannot show that they lower it"
        )
    slower = word["per_second_one_process"] / char["per_second_one_process"]
    return [
        f"Character n-grams (with the word n-grams, logistic regression) {quality} "
        f"({cost['estimate']:+.1f} per 1,000 messages [{cost['low']:+.1f}, "
        f"{cost['high']:+.1f}]), and they make scoring {slower:.1f} times slower in one "
        f"process ({char['per_second_one_process']:,.0f} against "
        f"{word['per_second_one_process']:,.0f} messages/s through the fast path)."
    ]
