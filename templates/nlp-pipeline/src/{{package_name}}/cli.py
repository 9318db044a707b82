"""Command line: one subcommand per stage, each a thin wrapper over that stage's `run`."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from .config import Config, load_config
from .core import cli
from .errors import PipelineError
from .prepare import DATA_STAGES

PIPELINE = cli.PIPELINE
STAGES = (*DATA_STAGES, *PIPELINE, "all", "predict", "bench")


def main(argv: Sequence[str] | None = None) -> int:
    parser = cli.parser(
        f"python -m {__package__}", "Run a stage of the pipeline on the data named in config.toml."
    )
    parser.add_argument(
        "stage", choices=STAGES, help="what to run ('all' = data, train, evaluate, report)"
    )
    parser.add_argument("--input", default="", help="predict: messages (.csv, .jsonl, folder)")
    parser.add_argument("--output", default="", help="predict: where to write the scored CSV")
    args = parser.parse_args(argv)

    def command() -> None:
        cfg = load_config(args.config)
        for stage in cli.expand(args.stage):
            _run(stage, cfg, args)

    return cli.run(command)


def _run(stage: str, cfg: Config, args: argparse.Namespace) -> None:
    from . import prepare

    if stage == "data":
        facts = prepare.run_data(cfg)
        v, d, s = facts["validate"], facts["deduplicate"], facts["split"]
        dropped = d["exact_duplicates_dropped"] + d["normalised_duplicates_dropped"]
        print(
            f"data: {v['rows_read']:,} rows read, {v['rows_quarantined']:,} quarantined "
            f"({cfg.paths.quarantine.name}), {dropped:,} duplicates dropped; "
            f"{s['train_rows']:,} for training, {s['test_rows']:,} held out"
        )
    elif stage in prepare.DATA_STAGES:
        facts = getattr(prepare, f"run_{stage}")(cfg)
        print(
            f"{stage}: "
            + ", ".join(f"{k} {v}" for k, v in facts.items() if not isinstance(v, dict))
        )
    elif stage == "train":
        from . import train

        result = train.run(cfg)
        rule = (
            f"threshold {result['threshold']:.3f}"
            if "threshold" in result
            else f"least expected cost over {len(result['labels'])} labels"
        )
        print(f"train: selected {result['selected']}, {rule}")
    elif stage == "evaluate":
        from . import evaluate

        metrics = evaluate.run(cfg)
        cost = metrics["test"]["expected_cost_per_1k"]
        print(f"evaluate: expected cost per 1,000 messages {cost['estimate']:.1f} on the test set")
    elif stage == "report":
        from . import report

        changed = report.run(cfg)
        print(
            "report: wrote reports/evaluation.md"
            + (f"; updated {', '.join(changed)}" if changed else "")
        )
    elif stage == "predict":
        from . import predict

        if not args.input or not args.output:
            raise PipelineError(
                "predict needs INPUT and OUTPUT: make predict INPUT=in.csv OUTPUT=out.csv"
            )
        predict.run(cfg, Path(args.input), Path(args.output))
    elif stage == "bench":
        from . import bench

        print(bench.run(cfg, args.config))
