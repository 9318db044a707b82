"""Batch inference: `make predict INPUT=in.csv OUTPUT=out.csv`.

The input is read lazily and scored in chunks by worker processes (one per core unless
`[predict] workers` says otherwise), with at most two chunks per worker in flight, so
memory stays flat whatever the input's size. Each scored row gets its label,
probability, decision and whether a person should look at it; a row that cannot be
scored goes to a side file with the reason. Both files are written under temporary
names and renamed at the end: an interrupted run leaves neither half-written.
"""

from __future__ import annotations

import csv
import os
import sys
import time
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

from .artefact import load_model
from .config import Config, NormaliseConfig
from .decision import log_odds_distance
from .errors import DataError
from .ingest import RawRecord, iter_records
from .normalise import normalise
from .validate import problem_of


@dataclass(frozen=True)
class Scorer:
    """Everything needed to turn raw texts into decisions, picklable for workers."""

    estimator: Any
    normalise: NormaliseConfig
    threshold: float
    review_cutoff: float
    classes: dict[str, str]
    actions: dict[str, str]

    @classmethod
    def from_artefact(cls, cfg: Config) -> Scorer:
        loaded = load_model(cfg.paths.model, cfg.paths.model_metadata)
        md = loaded.metadata
        return cls(
            estimator=loaded.estimator,
            normalise=NormaliseConfig(**md["normalise"]),
            threshold=float(md["threshold"]),
            review_cutoff=float(md["review_cutoff"]),
            classes=dict(md["classes"]),
            actions=dict(md["actions"]),
        )

    def probabilities(self, texts: list[str]) -> np.ndarray[Any, np.dtype[np.float64]]:
        cleaned = [normalise(t, self.normalise) for t in texts]
        return np.asarray(self.estimator.predict_proba(cleaned)[:, 1], dtype=float)

    def rows(self, texts: list[str]) -> list[tuple[str, str, str, str]]:
        """label, probability, decision and review flag for each text."""
        return self.decide(self.probabilities(texts))

    def decide(self, p: np.ndarray[Any, np.dtype[np.float64]]) -> list[tuple[str, str, str, str]]:
        """label, probability, decision and review flag for each probability."""
        flagged = p >= self.threshold
        review = log_odds_distance(p, self.threshold) < self.review_cutoff
        pos, neg = self.classes["positive"], self.classes["negative"]
        act_pos, act_neg = self.actions["positive"], self.actions["negative"]
        return [
            (pos if f else neg, f"{q:.6f}", act_pos if f else act_neg, "yes" if r else "no")
            for q, f, r in zip(p.tolist(), flagged.tolist(), review.tolist(), strict=True)
        ]


@dataclass(frozen=True)
class PredictResult:
    scored: int
    unscored: int
    seconds: float
    output: Path
    side_file: Path

    @property
    def per_second(self) -> float:
        return self.scored / self.seconds if self.seconds > 0 else float("inf")


_WORKER_SCORER: Scorer | None = None


def _init_worker(scorer: Scorer) -> None:
    global _WORKER_SCORER
    _WORKER_SCORER = scorer


def _score_in_worker(texts: list[str]) -> np.ndarray[Any, np.dtype[np.float64]]:
    # Only the probabilities travel back: an array pickles far faster than rows of text.
    assert _WORKER_SCORER is not None
    return _WORKER_SCORER.probabilities(texts)


def side_file_for(output: Path) -> Path:
    return output.with_name(output.stem + ".unscored.csv")


def run(cfg: Config, input_path: Path, output: Path, progress: bool | None = None) -> PredictResult:
    """Score `input_path` into `output`; print and return the throughput."""
    scorer = Scorer.from_artefact(cfg)
    result = predict_file(
        scorer,
        input_path,
        output,
        text_column=cfg.data.text_column,
        max_chars=cfg.data.max_chars,
        chunk_size=cfg.predict.chunk_size,
        workers=cfg.predict.workers or os.cpu_count() or 1,
        progress=progress,
    )
    print(
        f"predict: {result.scored:,} messages scored in {result.seconds:.1f} s "
        f"({result.per_second:,.0f} messages/s) into {output.name}; "
        f"{result.unscored:,} not scored"
        + (f" (reasons in {result.side_file.name})" if result.unscored else "")
    )
    return result


def predict_file(
    scorer: Scorer,
    input_path: Path,
    output: Path,
    *,
    text_column: str,
    max_chars: int,
    chunk_size: int,
    workers: int,
    progress: bool | None = None,
) -> PredictResult:
    if output.resolve() == input_path.resolve():
        raise DataError("OUTPUT must differ from INPUT; the input would be overwritten")
    if not output.parent.is_dir():
        raise DataError(
            f"folder {output.parent} does not exist; create it or choose another OUTPUT"
        )
    side = side_file_for(output)
    staging, side_staging = (
        output.with_name(output.name + ".tmp"),
        side.with_name(side.name + ".tmp"),
    )
    started = time.perf_counter()
    scored = unscored = 0
    try:
        with (
            staging.open("w", encoding="utf-8", newline="") as out_fh,
            side_staging.open("w", encoding="utf-8", newline="") as side_fh,
            tqdm(
                unit=" msg",
                unit_scale=True,
                disable=progress is False if progress is not None else None,
                file=sys.stderr,
            ) as bar,
        ):
            out, rejected = csv.writer(out_fh), csv.writer(side_fh)
            out.writerow(["source", "row", "label", "probability", "decision", "review"])
            rejected.writerow(["source", "row", "reason"])
            chunks = _chunks(iter_records(input_path, text_column, None), chunk_size, max_chars)
            for keys, texts, problems in _scored_chunks(scorer, chunks, workers):
                for source, row, reason in problems:
                    rejected.writerow([source, row, reason])
                unscored += len(problems)
                for (source, row), values in zip(keys, texts, strict=True):
                    out.writerow([source, row, *values])
                scored += len(keys)
                bar.update(len(keys) + len(problems))
        staging.replace(output)
        side_staging.replace(side)
    finally:
        staging.unlink(missing_ok=True)
        side_staging.unlink(missing_ok=True)
    return PredictResult(scored, unscored, time.perf_counter() - started, output, side)


Chunk = tuple[list[tuple[str, int]], list[str], list[tuple[str, int, str]]]


def _chunks(records: Iterator[RawRecord], size: int, max_chars: int) -> Iterator[Chunk]:
    keys: list[tuple[str, int]] = []
    texts: list[str] = []
    problems: list[tuple[str, int, str]] = []
    for record in records:
        reason = problem_of(record, max_chars, need_label=False)
        if reason is None:
            keys.append((record.source, record.row))
            texts.append(record.text or "")
        else:
            problems.append((record.source, record.row, reason))
        if len(keys) >= size:
            yield keys, texts, problems
            keys, texts, problems = [], [], []
    if keys or problems:
        yield keys, texts, problems


def _scored_chunks(
    scorer: Scorer, chunks: Iterator[Chunk], workers: int
) -> Iterator[
    tuple[list[tuple[str, int]], list[tuple[str, str, str, str]], list[tuple[str, int, str]]]
]:
    """Chunks scored in order; at most 2 per worker in flight, so memory stays bounded."""
    if workers <= 1:
        for keys, texts, problems in chunks:
            yield keys, scorer.rows(texts) if texts else [], problems
        return
    with ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(scorer,)) as pool:
        pending: deque[tuple[Chunk, Future[np.ndarray[Any, np.dtype[np.float64]]]]] = deque()
        for chunk in chunks:
            if not chunk[1]:  # nothing scorable in this chunk, only problems
                pending.append((chunk, _done(np.zeros(0))))
                continue
            pending.append((chunk, pool.submit(_score_in_worker, chunk[1])))
            if len(pending) >= 2 * workers:
                (keys, _, problems), future = pending.popleft()
                yield keys, scorer.decide(future.result()), problems
        while pending:
            (keys, _, problems), future = pending.popleft()
            yield keys, scorer.decide(future.result()), problems


def _done(
    value: np.ndarray[Any, np.dtype[np.float64]],
) -> Future[np.ndarray[Any, np.dtype[np.float64]]]:
    future: Future[np.ndarray[Any, np.dtype[np.float64]]] = Future()
    future.set_result(value)
    return future
