"""The data stages, each reading the artefact of the one before and writing its own
under `data/processed/`, so that any stage can be re-run alone:

    ingest -> ingested.jsonl      validate -> valid.jsonl + quarantine.csv
    normalise -> normalised.jsonl deduplicate -> deduplicated.jsonl
    split -> split.json (test rows) and summary.json (the counts of every stage)
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

from .config import Config
from .deduplicate import CONFLICT, Message, deduplicate, duplicate_groups
from .errors import DataError, StageOrderError
from .ingest import RawRecord, ingest
from .multiclass import cost_matrix
from .normalise import normalise
from .split import held_out_split
from .validate import Quarantined, reason_counts, validate, write_quarantine

DATA_STAGES = ("ingest", "validate", "normalise", "deduplicate", "split")


def run_ingest(cfg: Config) -> dict[str, Any]:
    d = cfg.data
    records = ingest(d.path, d.text_column, d.label_column)
    _write_jsonl(cfg.paths.stage("ingested"), (r.to_json() for r in records))
    facts = {
        "file": d.path.name,
        "sha256": data_sha256(d.path),
        "rows_read": len(records),
    }
    _update_summary(cfg, "ingest", facts, fresh=True)
    return facts


def run_validate(cfg: Config) -> dict[str, Any]:
    records = [RawRecord.from_json(r) for r in _read_jsonl(cfg, "ingested", "ingest")]
    passed, quarantined = validate(records, cfg.data.max_chars)
    _write_jsonl(cfg.paths.stage("valid"), (r.to_json() for r in passed))
    _write_jsonl(
        cfg.paths.stage("quarantined"),
        ({"reason": q.reason, "record": q.record.to_json()} for q in quarantined),
    )
    write_quarantine(cfg.paths.quarantine, quarantined)
    facts = {
        "rows_read": len(records),
        "rows_valid": len(passed),
        "rows_quarantined": len(quarantined),
        "quarantine_reasons": reason_counts(quarantined),
    }
    _update_summary(cfg, "validate", facts)
    return facts


def run_normalise(cfg: Config) -> dict[str, Any]:
    records = [RawRecord.from_json(r) for r in _read_jsonl(cfg, "valid", "validate")]
    messages = [
        Message(
            r.row, r.source, r.text or "", normalise(r.text or "", cfg.normalise), r.label or ""
        )
        for r in records
    ]
    _write_jsonl(cfg.paths.stage("normalised"), (asdict(m) for m in messages))
    changed = sum(m.text != m.normalised for m in messages)
    facts = {"rows": len(messages), "texts_changed": changed}
    _update_summary(cfg, "normalise", facts)
    return facts


def run_deduplicate(cfg: Config) -> dict[str, Any]:
    messages = load_messages(cfg, "normalised", "normalise")
    if cfg.deduplicate.enabled:
        result = deduplicate(messages)
        kept, exact, near, conflicting = (
            result.kept,
            result.exact_duplicates,
            result.normalised_duplicates,
            result.conflicting,
        )
    else:
        kept, exact, near, conflicting = list(messages), 0, 0, []
    _write_jsonl(cfg.paths.stage("deduplicated"), (asdict(m) for m in kept))
    # The quarantine file is rewritten whole, so re-running this stage never repeats rows.
    quarantined = [
        Quarantined(RawRecord.from_json(q["record"]), q["reason"])
        for q in _read_jsonl(cfg, "quarantined", "validate")
    ]
    quarantined += [
        Quarantined(RawRecord(m.row, m.source, m.text, m.label), CONFLICT) for m in conflicting
    ]
    write_quarantine(cfg.paths.quarantine, quarantined)
    groups = Counter(duplicate_groups(messages))
    facts = {
        "enabled": cfg.deduplicate.enabled,
        "rows_in": len(messages),
        "rows_kept": len(kept),
        "exact_duplicates_dropped": exact,
        "normalised_duplicates_dropped": near,
        "conflicting_label_rows_quarantined": len(conflicting),
        "texts_repeated": sum(1 for n in groups.values() if n > 1),
    }
    _update_summary(cfg, "deduplicate", facts)
    return facts


def run_split(cfg: Config) -> dict[str, Any]:
    messages = load_messages(cfg, "deduplicated", "deduplicate")
    labels = [m.label for m in messages]
    counts = Counter(labels)
    if len(counts) < 2:
        raise DataError(
            f"the data holds only the label {labels[0]!r} after validation; "
            "a classifier needs at least two labels"
        )
    if cfg.data.positive_class not in counts:
        raise DataError(
            f"positive_class {cfg.data.positive_class!r} is not a label in the data "
            f"(labels: {', '.join(sorted(counts))}); set [data] positive_class in config.toml"
        )
    labels_sorted = sorted(counts)
    if len(counts) > 2:
        cost_matrix(labels_sorted, cfg.costs.matrix)  # refuses labels not in the data
    rare = {k: n for k, n in counts.items() if n < cfg.data.min_rows_per_class}
    if rare:
        label, n = next(iter(rare.items()))
        raise DataError(
            f"label {label!r} has only {n} messages; at least {cfg.data.min_rows_per_class} "
            "are needed ([data] min_rows_per_class)"
        )
    train, test = held_out_split(
        labels, duplicate_groups(messages), cfg.data.test_size, cfg.training.seed
    )
    split = {
        "seed": cfg.training.seed,
        "test_size": cfg.data.test_size,
        "test_keys": sorted(_key(messages[i]) for i in test),
    }
    cfg.paths.split.write_text(json.dumps(split, indent=1) + "\n", encoding="utf-8")
    positive = cfg.data.positive_class
    if len(counts) == 2:
        classes = {
            "negative": next(k for k in labels_sorted if k != positive),
            "positive": positive,
        }
    else:  # the positive class only names whose one-vs-rest errors are counted per 10,000
        classes = {"positive": positive}
    facts = {
        "rows": len(messages),
        "train_rows": len(train),
        "test_rows": len(test),
        "task": task_of(labels_sorted),
        "labels": labels_sorted,
        "classes": classes,
        "label_counts": dict(sorted(counts.items())),
        "train_label_counts": dict(sorted(Counter(labels[i] for i in train).items())),
        "test_label_counts": dict(sorted(Counter(labels[i] for i in test).items())),
    }
    _update_summary(cfg, "split", facts)
    return facts


def task_of(labels: list[str]) -> str:
    """'binary' for two labels (threshold on the positive class's probability),
    'multiclass' for more (least expected cost under the cost matrix)."""
    return "binary" if len(labels) == 2 else "multiclass"


def run_data(cfg: Config) -> dict[str, Any]:
    """All data stages in order; the summary of each."""
    return {
        "ingest": run_ingest(cfg),
        "validate": run_validate(cfg),
        "normalise": run_normalise(cfg),
        "deduplicate": run_deduplicate(cfg),
        "split": run_split(cfg),
    }


def load_split(cfg: Config) -> tuple[list[Message], list[Message], dict[str, Any]]:
    """Training and test messages, refusing data changed since the split was made."""
    messages = load_messages(cfg, "deduplicated", "deduplicate")
    if not cfg.paths.split.is_file():
        raise StageOrderError("no data split yet; run `make data` first")
    summary = load_summary(cfg)
    if summary.get("ingest", {}).get("sha256") != data_sha256(cfg.data.path):
        raise StageOrderError(
            f"{cfg.data.path.name} changed since `make data`; run `make data` again"
        )
    split = json.loads(cfg.paths.split.read_text(encoding="utf-8"))
    test_keys = set(split["test_keys"])
    train = [m for m in messages if _key(m) not in test_keys]
    test = [m for m in messages if _key(m) in test_keys]
    return train, test, summary


def load_messages(cfg: Config, name: str, stage: str) -> list[Message]:
    return [Message(**m) for m in _read_jsonl(cfg, name, stage)]


def load_summary(cfg: Config) -> dict[str, Any]:
    if not cfg.paths.data_summary.is_file():
        raise StageOrderError("no data summary yet; run `make data` first")
    summary: dict[str, Any] = json.loads(cfg.paths.data_summary.read_text(encoding="utf-8"))
    return summary


def data_sha256(path: Path) -> str:
    """sha256 of the input file, or of every file's name and bytes for a folder."""
    digest = hashlib.sha256()
    if path.is_dir():
        for file in sorted(p for p in path.rglob("*") if p.is_file()):
            digest.update(file.relative_to(path).as_posix().encode() + b"\0")
            digest.update(file.read_bytes())
    else:
        with path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
    return digest.hexdigest()


def _key(m: Message) -> str:
    return f"{m.source}:{m.row}"


def _write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> None:
    """Write to a staging file, then rename: a failure never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = path.with_suffix(".tmp")
    with staging.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=True) + "\n")
    staging.replace(path)


def _read_jsonl(cfg: Config, name: str, stage: str) -> Iterator[dict[str, Any]]:
    path = cfg.paths.stage(name)
    if not path.is_file():
        raise StageOrderError(f"{path.name} not found; run `make {stage}` (or `make data`) first")
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            yield json.loads(line)


def _update_summary(cfg: Config, stage: str, facts: dict[str, Any], fresh: bool = False) -> None:
    path = cfg.paths.data_summary
    summary = {} if fresh or not path.is_file() else json.loads(path.read_text(encoding="utf-8"))
    summary[stage] = facts
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(summary, indent=1) + "\n", encoding="utf-8")
