"""nlp-pipeline on the user's own file with three labels (`new --dataset`): generated,
installed and run end to end, it decides by least expected cost under the cost matrix
and documents the per-label results; batch inference writes the cost-matrix decision
per row."""

import csv
import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import run_module
from .installing import CACHES

pytestmark = pytest.mark.slow

LABELS = ("billing", "delivery", "spam")
WORDS = {
    "billing": [
        "invoice",
        "payment",
        "refund",
        "charged",
        "card",
        "bill",
        "price",
        "paid",
        "account",
    ],
    "delivery": [
        "parcel",
        "courier",
        "delivered",
        "tracking",
        "package",
        "shipping",
        "late",
        "address",
    ],
    "spam": ["winner", "prize", "claim", "free", "urgent", "txt", "cash", "offer", "call"],
}
COMMON = [
    "the",
    "my",
    "please",
    "today",
    "hi",
    "thanks",
    "when",
    "is",
    "was",
    "can",
    "you",
    "it",
    "not",
    "still",
    "again",
]


def write_three_labels(path: Path, per_label: int = 80) -> None:
    rng = random.Random(11)
    rows = []
    for label in LABELS:
        for i in range(per_label):
            words = [
                rng.choice(WORDS[label] if rng.random() < 0.45 else COMMON)
                for _ in range(rng.randint(4, 14))
            ]
            rows.append((f"{' '.join(words)} case {i}", label))
    rows += rows[:5]  # repeats, for the deduplication stage
    rng.shuffle(rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["text", "label"])
        writer.writerows(rows)


def verb(project: Path, name: str, env: dict[str, str], timeout: float) -> str:
    done = subprocess.run(
        [sys.executable, "tasks.py", name],
        cwd=project, env=env, capture_output=True, text=True, timeout=timeout, check=False,
    )  # fmt: skip
    assert done.returncode == 0, f"{name} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def test_nlp_pipeline_runs_on_three_labels_with_a_cost_matrix(workdir: Path) -> None:
    source = workdir / "tickets.csv"
    write_three_labels(source)
    created = run_module(
        "new", "nlp-pipeline", "tickets", "-y",
        "--dataset", str(source),
        "--data", "positive_class=spam",
        cwd=workdir,
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    project = workdir / "tickets"
    assert (project / "data" / "tickets.csv").read_bytes() == source.read_bytes()
    config = project / "config.toml"
    text = config.read_text(encoding="utf-8")
    assert "[costs.matrix]\n" in text
    config.write_text(
        text.replace("[costs.matrix]\n", "[costs.matrix]\nbilling = { spam = 20.0 }\n"),
        encoding="utf-8",
    )
    env = os.environ | CACHES

    verb(project, "install", env, timeout=900)
    verb(project, "all", env, timeout=600)

    metrics = json.loads((project / "reports" / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["task"] == "multiclass"
    assert metrics["costs"]["labels"] == list(LABELS)
    assert metrics["costs"]["matrix"][0][2] == 20.0
    assert set(metrics["test"]["per_class"]) == set(LABELS)
    readme = (project / "README.md").read_text(encoding="utf-8")
    assert "least expected cost over 3 labels" in readme
    assert "| label | precision" in readme

    scored = project / "scored.csv"
    env_predict = env | {"INPUT": str(source), "OUTPUT": str(scored)}
    verb(project, "predict", env_predict, timeout=300)
    with scored.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert rows and {r["decision"] for r in rows} <= set(LABELS)
