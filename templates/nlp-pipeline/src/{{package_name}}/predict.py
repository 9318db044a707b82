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
import io
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

from . import multiclass as mc
from .artefact import load_model
from .config import Config, NormaliseConfig
from .decision import log_odds_distance
from .errors import DataError
from .fastpath import BatchScorer
from .ingest import RawRecord, input_kind, iter_records
from .modelling import full_probabilities
from .normalise import normalise_many
from .validate import text_problem


@dataclass(frozen=True)
class Scorer:
    """Everything needed to turn raw texts into decisions, picklable for workers.

    Two labels: `probabilities` gives the positive class's probability per text and a
    threshold decides. More (`labels` has more than two): one column per label and the
    least expected cost under `cost_matrix` decides; `label` is the most probable one.
    """

    estimator: Any
    normalise: NormaliseConfig
    threshold: float | None
    review_cutoff: float
    classes: dict[str, str]
    actions: dict[str, str]
    labels: tuple[str, ...] = ()
    cost_matrix: Any = None
    batch: BatchScorer | None = None

    @classmethod
    def from_artefact(cls, cfg: Config) -> Scorer:
        loaded = load_model(cfg.paths.model, cfg.paths.model_metadata)
        md = loaded.metadata
        multiclass = md.get("task", "binary") == "multiclass"
        return cls(
            estimator=loaded.estimator,
            normalise=NormaliseConfig(**md["normalise"]),
            threshold=None if multiclass else float(md["threshold"]),
            review_cutoff=float(md["review_cutoff"]),
            classes=dict(md["classes"]),
            actions=dict(md["actions"]),
            labels=tuple(md["labels"]) if multiclass else (),
            cost_matrix=np.asarray(md["costs"]["matrix"]) if multiclass else None,
            batch=BatchScorer.from_pipeline(loaded.estimator),
        )

    @property
    def multiclass(self) -> bool:
        return len(self.labels) > 2

    def probabilities(self, texts: list[str]) -> np.ndarray[Any, np.dtype[np.float64]]:
        """Two labels: the positive class's probability per text; more: one column per
        label. Through the batch fast path when there is one (proven equal to the
        pipeline by `tests/test_fastpath.py`), else through the scikit-learn pipeline."""
        cleaned = normalise_many(texts, self.normalise)
        if self.batch is not None:
            return self.batch.probabilities(cleaned)
        if self.multiclass:
            steps = self.estimator.steps
            x = self.estimator[:-1].transform(cleaned) if len(steps) > 1 else cleaned
            return full_probabilities(steps[-1][1], x, len(self.labels))
        return np.asarray(self.estimator.predict_proba(cleaned)[:, 1], dtype=float)

    def rows(self, texts: list[str]) -> list[tuple[str, str, str, str]]:
        """label, probability, decision and review flag for each text."""
        return self.decide(self.probabilities(texts))

    def decide(self, p: np.ndarray[Any, np.dtype[np.float64]]) -> list[tuple[str, str, str, str]]:
        """label, probability, decision and review flag for each probability (row)."""
        if self.multiclass:
            return self._decide_multiclass(p)
        assert self.threshold is not None
        flagged = p >= self.threshold
        review = log_odds_distance(p, self.threshold) < self.review_cutoff
        pos, neg = self.classes["positive"], self.classes["negative"]
        act_pos, act_neg = self.actions["positive"], self.actions["negative"]
        return [
            (pos if f else neg, f"{q:.6f}", act_pos if f else act_neg, "yes" if r else "no")
            for q, f, r in zip(p.tolist(), flagged.tolist(), review.tolist(), strict=True)
        ]

    def _decide_multiclass(
        self, p: np.ndarray[Any, np.dtype[np.float64]]
    ) -> list[tuple[str, str, str, str]]:
        if len(p) == 0:
            return []
        top = np.argmax(p, axis=1)
        top_p = p[np.arange(len(p)), top]
        decided = mc.decide(p, self.cost_matrix)
        review = top_p < self.review_cutoff
        names = self.labels
        return [
            (names[t], f"{q:.6f}", names[d], "yes" if r else "no")
            for t, q, d, r in zip(
                top.tolist(), top_p.tolist(), decided.tolist(), review.tolist(), strict=True
            )
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


_WORKER: tuple[Scorer, int] | None = None


def _init_worker(scorer: Scorer, max_chars: int) -> None:
    global _WORKER
    _WORKER = (scorer, max_chars)


def _score_in_worker(chunk: Chunk) -> ScoredChunk:
    assert _WORKER is not None
    return score_chunk(_WORKER[0], chunk, _WORKER[1])


@dataclass(frozen=True)
class Chunk:
    """Consecutive input rows as read: their row numbers and texts, and the reading
    problem of any row that could not be read (by position in the chunk)."""

    sources: list[str]
    rows: list[int]
    texts: list[str | None]
    read_problems: dict[int, str]


@dataclass(frozen=True)
class ScoredChunk:
    """A chunk's output and side-file lines, already formatted as CSV: one string each
    travels back from a worker, far faster to pickle than rows of values."""

    output: str
    side: str
    scored: int
    unscored: int


def score_chunk(scorer: Scorer, chunk: Chunk, max_chars: int) -> ScoredChunk:
    """Validate, score and format one chunk (in a worker, or in-process)."""
    keep: list[int] = []
    problems: list[tuple[str, int, str]] = []
    for i, text in enumerate(chunk.texts):
        reason = chunk.read_problems.get(i) or text_problem(text, max_chars)
        if reason is None:
            keep.append(i)
        else:
            problems.append((chunk.sources[i], chunk.rows[i], reason))
    texts = [chunk.texts[i] or "" for i in keep]
    values = scorer.rows(texts) if texts else []
    out, side = io.StringIO(), io.StringIO()
    csv.writer(out).writerows(
        (chunk.sources[i], chunk.rows[i], *v) for i, v in zip(keep, values, strict=True)
    )
    csv.writer(side).writerows(problems)
    return ScoredChunk(out.getvalue(), side.getvalue(), len(keep), len(problems))


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
            csv.writer(out_fh).writerow(
                ["source", "row", "label", "probability", "decision", "review"]
            )
            csv.writer(side_fh).writerow(["source", "row", "reason"])
            chunks = read_chunks(input_path, text_column, chunk_size)
            for done in _scored_chunks(scorer, chunks, workers, max_chars):
                out_fh.write(done.output)
                side_fh.write(done.side)
                scored += done.scored
                unscored += done.unscored
                bar.update(done.scored + done.unscored)
        staging.replace(output)
        side_staging.replace(side)
    finally:
        staging.unlink(missing_ok=True)
        side_staging.unlink(missing_ok=True)
    return PredictResult(scored, unscored, time.perf_counter() - started, output, side)


def read_chunks(path: Path, text_column: str, size: int) -> Iterator[Chunk]:
    """The input in chunks of `size` rows, lazily. A CSV file is read by a lean loop over
    `csv.reader` (this loop is what the main process spends its time on); other inputs
    through `iter_records`. Validation happens where the chunk is scored."""
    if input_kind(path) != "csv":
        yield from _record_chunks(iter_records(path, text_column, None), size)
        return
    records = iter_records(path, text_column, None)
    first = next(records, None)  # reads the header and checks the column, or raises
    records.close()
    if first is None:
        return
    with path.open(encoding="utf-8-sig", errors="surrogateescape", newline="") as fh:
        reader = csv.reader(fh)
        header = [name.strip() for name in next(reader)]
        column = header.index(text_column)
        while True:
            rows: list[int] = []
            texts: list[str | None] = []
            problems: dict[int, str] = {}
            start = reader.line_num + 1
            try:
                for fields in reader:
                    if fields:  # csv yields [] for a blank line
                        rows.append(start)
                        if column < len(fields):
                            texts.append(fields[column])
                        else:
                            problems[len(texts)] = "row has fewer fields than the header"
                            texts.append(None)
                    start = reader.line_num + 1
                    if len(rows) >= size:
                        break
                else:
                    if rows:
                        yield Chunk([path.name] * len(rows), rows, texts, problems)
                    return
            except csv.Error as exc:
                problems[len(texts)] = f"unreadable CSV: {exc}"
                rows.append(start)
                texts.append(None)
            yield Chunk([path.name] * len(rows), rows, texts, problems)


def _record_chunks(records: Iterator[RawRecord], size: int) -> Iterator[Chunk]:
    chunk = Chunk([], [], [], {})
    for record in records:
        if record.problem:
            chunk.read_problems[len(chunk.texts)] = record.problem
        chunk.sources.append(record.source)
        chunk.rows.append(record.row)
        chunk.texts.append(record.text)
        if len(chunk.texts) >= size:
            yield chunk
            chunk = Chunk([], [], [], {})
    if chunk.texts:
        yield chunk


def _scored_chunks(
    scorer: Scorer, chunks: Iterator[Chunk], workers: int, max_chars: int
) -> Iterator[ScoredChunk]:
    """Chunks scored in order; at most 2 per worker in flight, so memory stays bounded."""
    if workers <= 1:
        for chunk in chunks:
            yield score_chunk(scorer, chunk, max_chars)
        return
    with ProcessPoolExecutor(
        workers, initializer=_init_worker, initargs=(scorer, max_chars)
    ) as pool:
        pending: deque[Future[ScoredChunk]] = deque()
        for chunk in chunks:
            pending.append(pool.submit(_score_in_worker, chunk))
            if len(pending) >= 2 * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
