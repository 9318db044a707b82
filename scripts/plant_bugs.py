"""Plant known ML bugs, one at a time, in a generated classification-api project.

    python scripts/plant_bugs.py PROJECT_DIR [PLANT ...]

PROJECT_DIR is a project generated from classification-api with its `install` verb run
(it needs `.venv`). For each plant (all by default) this script edits one line of the
project's source, runs the project's guard and pipeline tests with its own Python,
prints which tests failed, and restores the file, also on Ctrl-C. A plant that leaves
the suite green is a gap in the generated tests. docs/testing-generated-projects.md
holds the last run's results.
"""

# ruff: noqa: E501  (the planted lines are quoted whole)
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

TESTS = ["tests/test_guards.py", "tests/test_pipeline.py", "tests/test_binary_audit.py"]

# name -> (file under src/<package>/, text to replace, planted text)
PLANTS: dict[str, tuple[str, str, str]] = {
    "threshold tuned on test rows": (
        "train.py",
        "    summary, model, served = fit(train, cfg)\n",
        "    summary, model, served = fit(train, cfg)\n"
        "    from .binary.costs import Costs as _C, cost_curve as _cc\n"
        "    from .binary.threshold import threshold_grid as _g\n"
        "    _, _test, _ = load_split(cfg)\n"
        "    _x = model_data(_test, cfg.subgroups.columns, as_features=False).features\n"
        "    _p = model.predict_proba(_x)[:, 1]\n"
        "    _t = float(_g()[int(_cc(_test.target, _p, _g(), _C(cfg.costs.false_positive, cfg.costs.false_negative)).argmin())])\n"
        "    model.threshold = _t\n"
        "    summary = summary.model_copy(update={'served_threshold': _t})\n",
    ),
    "model fitted on test rows": (
        "train.py",
        "    summary, model, served = fit(train, cfg)\n",
        "    import pandas as _pd\n"
        "    from dataclasses import replace as _r\n"
        "    _, _test, _ = load_split(cfg)\n"
        "    _both = _r(train, features=_pd.concat([train.features, _test.features], ignore_index=True), target=np.concatenate([train.target, _test.target]), groups=_pd.concat([train.groups, _test.groups], ignore_index=True))\n"
        "    summary, model, served = fit(_both, cfg)\n",
    ),
    "false positive rate over all rows": (
        "evaluate.py",
        "false_positive_rate=rate(c.fp, c.negatives, conf)",
        "false_positive_rate=rate(c.fp, c.n, conf)",
    ),
    "subgroup false negative rate over all group rows": (
        "binary/audit.py",
        '"false_negative_rate": ("false negatives / positives", lambda y, f: (~f & y, y)),',
        '"false_negative_rate": ("false negatives / positives", lambda y, f: (~f & y, np.ones_like(y))),',
    ),
    "saving sign flipped": (
        "evaluate.py",
        "saving_vs_best_trivial_per_1k=_per_1k(mean_difference(trivial_rows, model_rows, setting))",
        "saving_vs_best_trivial_per_1k=_per_1k(mean_difference(model_rows, trivial_rows, setting))",
    ),
    "interval excludes its estimate (bounds of another statistic)": (
        "evaluate.py",
        "        cost_per_1k=_per_1k(mean(model_rows, setting)),\n        policies=policies,",
        "        cost_per_1k=_per_1k(mean(model_rows, setting)).model_copy(update={'low': 0.0, 'high': 1.0}),\n        policies=policies,",
    ),
    "audited column used as a feature": (
        "train.py",
        "    data = model_data(train, cfg.subgroups.columns, as_features=cfg.subgroups.as_features)",
        "    data = model_data(train, cfg.subgroups.columns, as_features=True)",
    ),
    "model_data lets audited columns through": (
        "modelling.py",
        "        drop = [c for c in audited if c in data.features.columns]",
        "        drop: list[str] = []",
    ),
    "unstratified split": (
        "prepare.py",
        "positions, test_size=test_size, stratify=target, random_state=seed",
        "positions, test_size=test_size, stratify=None, random_state=seed",
    ),
}


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    project, chosen = Path(argv[0]).resolve(), argv[1:] or list(PLANTS)
    packages = [p for p in (project / "src").iterdir() if (p / "train.py").is_file()]
    if len(packages) != 1 or not (project / ".venv").is_dir():
        print(f"error: {project} is not an installed classification-api project", file=sys.stderr)
        return 2
    unknown = sorted(set(chosen) - set(PLANTS))
    if unknown:
        print(f"error: unknown plants {unknown}; choose from {sorted(PLANTS)}", file=sys.stderr)
        return 2
    green = []
    for name in chosen:
        file, old, new = PLANTS[name]
        path = packages[0] / file
        text = path.read_text(encoding="utf-8")
        if text.count(old) != 1:
            print(f"## {name}: the line to plant in is not in {file} (the code changed)")
            green.append(name)
            continue
        path.write_text(text.replace(old, new), encoding="utf-8")
        try:
            result = subprocess.run(
                [str(project / ".venv/bin/python"), "-m", "pytest", "-q", *TESTS],
                cwd=project, capture_output=True, text=True, check=False,
            )  # fmt: skip
        finally:
            path.write_text(text, encoding="utf-8")
        failed = sorted(set(re.findall(r"^(?:FAILED|ERROR) (\S+)", result.stdout, re.M)))
        print(f"## {name}: {len(failed)} failing tests", flush=True)
        for test in failed:
            print(f"   {test.split(' ')[0]}", flush=True)
        if result.returncode == 0:
            green.append(name)
    if green:
        print(f"left the suite green: {green}")
    return 1 if green else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
