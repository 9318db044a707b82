"""Data sets made by the tests, unlike the bundled ones: other column names, string and
numeric targets, more than two labels, interactions without ratings, missing values.

Each is seeded and has signal the template's pipeline can learn, so that a generated
project runs end to end on it.
"""

import csv
import random
from collections.abc import Iterable, Sequence
from pathlib import Path

POSITIVE_WORDS = [
    "great",
    "lovely",
    "excellent",
    "superb",
    "happy",
    "wonderful",
    "smooth",
    "reliable",
]
NEGATIVE_WORDS = ["awful", "terrible", "poor", "broken", "slow", "rude", "dirty", "noisy"]
NEUTRAL_WORDS = ["average", "ordinary", "okay", "usual", "standard", "plain", "typical", "moderate"]
FILLER = ["the", "a", "this", "service", "was", "really", "very", "quite", "and", "it"]


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def churn(path: Path, rows: int = 400, target: str = "text", seed: int = 1) -> Path:
    """Customers who leave or stay: `churned` is yes/no, or 1/0 with target="numeric".

    Features have other names than German Credit's, some cells are empty (missing
    values the pipeline imputes), and leaving depends on tenure and plan.
    """
    rng = random.Random(seed)
    out = []
    for index in range(rows):
        tenure = rng.randint(1, 72)
        plan = rng.choice(["basic", "plus", "pro"])
        region = rng.choice(["north", "south", "east"])
        charges = round(rng.uniform(10, 120), 2)
        risk = 0.7 - tenure / 100 + (0.2 if plan == "basic" else 0.0)
        left = rng.random() < risk
        label = ("1" if left else "0") if target == "numeric" else ("yes" if left else "no")
        shown_charges = "" if index % 17 == 0 else charges  # missing values
        out.append([f"cust-{index:05d}", tenure, plan, region, shown_charges, label])
    header = ["customer_ref", "tenure_months", "plan", "region", "monthly_charges", "churned"]
    return write_csv(path, header, out)


def reviews(path: Path, labels: Sequence[str] = ("pos", "neg"), rows: int = 240) -> Path:
    """Short reviews in `body`, labelled in `sentiment`; every twentieth text is empty and
    every other tenth repeats an earlier one of the same label."""
    rng = random.Random(7)
    vocabulary = dict(zip(labels, (POSITIVE_WORDS, NEGATIVE_WORDS, NEUTRAL_WORDS), strict=False))
    out = []
    for index in range(rows):
        label = labels[index % len(labels)]
        words = [rng.choice(vocabulary[label]) for _ in range(3)]
        words += [rng.choice(FILLER) for _ in range(5)]
        rng.shuffle(words)
        if index % 20 == 19:
            text = ""
        elif index % 10 == 9:
            text = out[index - len(labels) * 3][1]  # a repeat, as real reviews have
        else:
            text = " ".join(words) + f" number {index}"
        out.append([f"r{index}", text, label])
    return write_csv(path, ["review_id", "body", "sentiment"], out)


def clicks(path: Path, with_rating: bool = False, users: int = 120, items: int = 60) -> Path:
    """Implicit feedback: `visitor` read `article` at `read_at` (and, optionally, `stars`).

    Visitors fall into three taste groups, each reading mostly its own third of the
    articles, so a recommender can beat the most-popular baseline.
    """
    rng = random.Random(3)
    out = []
    for user in range(users):
        group = user % 3
        own = [item for item in range(items) if item % 3 == group]
        seen = set()
        for _ in range(rng.randint(8, 20)):
            pool = own if rng.random() < 0.8 else list(range(items))
            item = rng.choice(pool)
            if item in seen:
                continue
            seen.add(item)
            row: list[object] = [f"v{user}", f"article-{item}", rng.randint(0, 1_000_000)]
            if with_rating:
                row.append(rng.randint(3, 5) if item % 3 == group else rng.randint(1, 3))
            out.append(row)
    header = ["visitor", "article", "read_at"] + (["stars"] if with_rating else [])
    return write_csv(path, header, out)
