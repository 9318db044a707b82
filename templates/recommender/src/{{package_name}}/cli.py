"""Command line: one subcommand per pipeline stage, plus `recommend` and `similar`.

Each is a thin wrapper over a function that returns data; errors a user can fix are
printed as one line and exit with status 1, never as a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .bundle import BundleError
from .config import Config, load_config
from .core import cli
from .data import DataValidationError
from .movielens import DownloadError
from .split import SplitError

STAGES = ("data", "train", "evaluate", "report", "all", "bench")
# The project's own errors a user can fix (the family's `ProjectError`s are translated too).
USER_ERRORS = (DataValidationError, SplitError, BundleError, DownloadError)


def main(argv: Sequence[str] | None = None) -> int:
    parser = cli.parser(
        f"python -m {__package__}",
        "Run a stage of the pipeline on the data named in config.toml, or ask "
        "the trained model for recommendations.",
        epilog="examples: all | recommend --user 1 --k 10 | similar --item 1002",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for stage in STAGES:
        commands.add_parser(stage, help=f"run the {stage!r} stage" if stage != "all" else
                            "data, train, evaluate and report in one go")  # fmt: skip
    rec = commands.add_parser("recommend", help="top-k recommendations for one user")
    rec.add_argument("--user", required=True, help="a user ID from the data")
    rec.add_argument("--k", type=int, default=None, help="how many (default from config.toml)")
    ml = commands.add_parser(
        "data-movielens", help="download MovieLens ml-latest-small and write its config"
    )
    ml.add_argument("--url", default=None, help="where to download from (default: GroupLens)")
    ml.add_argument("--sha256", default=None, help="pin the archive's sha256")
    sim = commands.add_parser("similar", help="items that go with one item")
    sim.add_argument("--item", required=True, help="an item ID from the data")
    sim.add_argument("--k", type=int, default=None, help="how many (default from config.toml)")
    args = parser.parse_args(argv)

    def command() -> int:
        if args.command == "data-movielens":
            return _movielens(args)
        cfg = load_config(args.config)
        if args.command in ("recommend", "similar"):
            return _serve_once(cfg, args)
        for stage in cli.expand(args.command):
            _run(stage, cfg)
        return 0

    return cli.run(command, also=USER_ERRORS)


def _movielens(args: argparse.Namespace) -> int:
    from . import movielens

    config = args.config.resolve()
    got = movielens.download(
        config.parent, config, url=args.url or movielens.URL, sha256=args.sha256
    )
    print(
        f"data-movielens: {got.rows:,} ratings in {got.ratings.relative_to(config.parent)} "
        f"(archive sha256 {got.sha256[:16]}…); run it with "
        f"`python -m {__package__} --config {got.config.name} all`"
    )
    return 0


def _serve_once(cfg: Config, args: argparse.Namespace) -> int:
    from .service import Recommendations, UnknownItemError

    service = Recommendations.load(cfg)
    k = cfg.api.default_k if args.k is None else args.k
    if not 1 <= k <= cfg.api.max_k:
        print(f"error: --k must lie between 1 and {cfg.api.max_k}", file=sys.stderr)
        return 1
    try:
        if args.command == "recommend":
            result = service.recommend(args.user, k)
            print(result.headline())
        else:
            result = service.similar(args.item, k)
            print(f"items that go with {args.item!r} ({result.model}):")
    except UnknownItemError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for rank, item in enumerate(result.items, start=1):
        print(f"{rank:>4}  {item.item_id:<16} score {item.score:.4f}")
    return 0


def _run(stage: str, cfg: Config) -> None:
    if stage == "data":
        from . import prepare

        s = prepare.run(cfg)["summary"]
        print(
            f"data: {s['interactions']:,} interactions of {s['users']:,} users on "
            f"{s['items']:,} items; {s['method']}: {s['parts']['test']:,} held out for testing, "
            f"{s['parts']['validation']:,} for validation"
        )
    elif stage == "train":
        from . import train

        result = train.run(cfg)
        print(f"train: serving {result['served_model']} (chosen on the validation split)")
    elif stage == "evaluate":
        from . import evaluate

        m = evaluate.run(cfg)
        served, (metric, k) = m["served_model"], cfg.training.selection
        value = m["models"][served]["ranking"][f"{metric}@{k}"]["value"]
        print(f"evaluate: {served} {metric}@{k} = {value:.3f} on the test split")
    elif stage == "report":
        from . import report

        changed = report.run(cfg)
        print(
            "report: wrote reports/evaluation.md and reports/tradeoffs.md"
            + (f"; updated {', '.join(changed)}" if changed else "")
        )
    elif stage == "bench":
        from . import bench

        print(bench.run(cfg))
