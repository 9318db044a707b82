"""Command line: one subcommand per pipeline stage, each a thin wrapper over `run`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from .artefact import ArtefactError
from .config import Config, ConfigError, load_config
from .core.markers import MarkerError
from .data import DataValidationError

STAGES = ("data", "train", "evaluate", "report", "all", "bench")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog=f"python -m {__package__}",
        description="Run a stage of the pipeline on the data named in config.toml.",
    )
    parser.add_argument(
        "stage", choices=STAGES, help="what to run ('all' = data, train, evaluate, report)"
    )
    parser.add_argument(
        "--config",
        type=Path,
        default=Path("config.toml"),
        help="config file (default: config.toml)",
    )
    args = parser.parse_args(argv)
    try:
        cfg = load_config(args.config)
        stages = ("data", "train", "evaluate", "report") if args.stage == "all" else (args.stage,)
        for stage in stages:
            _run(stage, cfg, args.config)
    except (ConfigError, DataValidationError, ArtefactError, MarkerError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


def _run(stage: str, cfg: Config, config_path: Path) -> None:
    if stage == "data":
        from . import prepare

        summary = prepare.run(cfg)["summary"]
        print(
            f"data: {summary['rows']} rows valid; {summary['train_rows']} for training, "
            f"{summary['test_rows']} held out for testing"
        )
    elif stage == "train":
        from . import train

        result = train.run(cfg)
        print(f"train: selected {result.selected}, threshold {result.served_threshold:.3f}")
    elif stage == "evaluate":
        from . import evaluate

        metrics = evaluate.run(cfg)
        cost = metrics.test.cost_per_1k.estimate
        print(f"evaluate: expected cost per 1,000 decisions {cost:.0f} on the test set")
    elif stage == "report":
        from . import report

        changed = report.run(cfg)
        print(
            "report: wrote reports/evaluation.md"
            + (f"; updated {', '.join(changed)}" if changed else "")
        )
    elif stage == "bench":
        from . import bench

        print(bench.run(cfg, config_path))
