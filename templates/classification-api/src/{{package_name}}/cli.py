"""Command line: one subcommand per pipeline stage, each a thin wrapper over `run`."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from .config import Config, load_config
from .core import cli
from .data import DataValidationError

STAGES = ("data", "train", "evaluate", "report", "all", "bench")


def main(argv: Sequence[str] | None = None) -> int:
    parser = cli.parser(
        f"python -m {__package__}", "Run a stage of the pipeline on the data named in config.toml."
    )
    parser.add_argument(
        "stage", choices=STAGES, help="what to run ('all' = data, train, evaluate, report)"
    )
    args = parser.parse_args(argv)

    def command() -> None:
        cfg = load_config(args.config)
        for stage in cli.expand(args.stage):
            _run(stage, cfg, args.config)

    return cli.run(command, also=(DataValidationError,))


def _run(stage: str, cfg: Config, config_path: Path) -> None:
    if stage == "data":
        from . import prepare

        split = prepare.run(cfg)
        summary = split["summary"]
        print(
            f"data: {summary['rows']} rows valid; {summary['train_rows']} for training, "
            f"{summary['test_rows']} held out for testing"
        )
        for note in split["notes"]:
            print(f"data: note: {note}")
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
