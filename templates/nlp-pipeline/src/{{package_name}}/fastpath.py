"""A fast scorer for one message, compiled from the fitted TF-IDF + linear pipeline.

scikit-learn spends a few milliseconds on one `predict_proba` call, almost all of it in
building and validating a one-row sparse matrix. For a linear model the score is a sum
over the message's terms, so this module reads the fitted vocabularies, IDF weights and
coefficients once and scores a message with a dictionary lookup per term, using each
vectoriser's own analyzer (so tokenisation is exactly scikit-learn's). It also says which
terms pushed the score up or down, for the API and the demo page.
`tests/test_fastpath.py` proves it gives the pipeline's probabilities on the whole test
set; whenever the pipeline changes, that test keeps the two in step.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.dummy import DummyClassifier
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.pipeline import FeatureUnion, Pipeline


@dataclass(frozen=True)
class _Block:
    """One vectoriser: its analyzer and, per term, (idf, idf * coefficient)."""

    analyzer: Callable[[str], list[str]]
    terms: dict[str, tuple[float, float]]
    sublinear: bool


@dataclass(frozen=True)
class Contribution:
    term: str
    weight: float  # the term's share of the log-odds (or margin): positive pushes to flag


@dataclass(frozen=True)
class FastTextScorer:
    blocks: tuple[_Block, ...]
    intercept: float
    link: str  # "logistic", "modified_huber" or "constant"
    constant: float = 0.0

    @classmethod
    def from_pipeline(cls, pipeline: Pipeline) -> FastTextScorer:
        model = pipeline.named_steps["model"]
        if isinstance(model, DummyClassifier):
            prior = float(model.class_prior_[list(model.classes_).index(1)])
            return cls((), 0.0, "constant", prior)
        if isinstance(model, LogisticRegression):
            link = "logistic"
        elif isinstance(model, SGDClassifier) and model.loss == "modified_huber":
            link = "modified_huber"
        else:
            raise TypeError(f"no fast path for {type(model).__name__}")
        coef = [float(c) for c in model.coef_[0]]
        blocks, offset = [], 0
        for vec in _vectorisers(pipeline):
            idf = vec.idf_
            terms = {
                t: (float(idf[i]), float(idf[i]) * coef[offset + i])
                for t, i in vec.vocabulary_.items()
            }
            blocks.append(_Block(vec.build_analyzer(), terms, bool(vec.sublinear_tf)))
            offset += len(vec.vocabulary_)
        return cls(tuple(blocks), float(model.intercept_[0]), link)

    def margin(self, text: str) -> float:
        """The linear model's decision value for one (normalised) message."""
        return self.intercept + sum(c.weight for c in self.contributions(text))

    def proba_one(self, text: str) -> float:
        """Probability of the positive class for one normalised message."""
        if self.link == "constant":
            return self.constant
        return self._link(self.margin(text))

    def contributions(self, text: str) -> list[Contribution]:
        """Each known term's part of the decision value, in order of first appearance."""
        out: list[Contribution] = []
        for block in self.blocks:
            counts = Counter(block.analyzer(text))
            found = []
            norm2 = 0.0
            for term, count in counts.items():
                entry = block.terms.get(term)
                if entry is None:
                    continue
                tf = 1.0 + math.log(count) if block.sublinear else float(count)
                norm2 += (tf * entry[0]) ** 2
                found.append((term, tf * entry[1]))
            if norm2 > 0:
                norm = math.sqrt(norm2)
                out.extend(Contribution(term, value / norm) for term, value in found)
        return out

    def top_terms(self, text: str, n: int = 8) -> list[Contribution]:
        """The `n` terms with the largest absolute contribution, largest first."""
        return self.explain(text, n)[1]

    def explain(self, text: str, n: int = 8) -> tuple[float, list[Contribution]]:
        """`proba_one(text)` and `top_terms(text, n)` from one pass over the terms."""
        if self.link == "constant":
            return self.constant, []
        found = self.contributions(text)
        p = self._link(self.intercept + sum(c.weight for c in found))
        return p, sorted(found, key=lambda c: -abs(c.weight))[:n]

    def _link(self, z: float) -> float:
        if self.link == "logistic":
            if z >= 0:
                return 1.0 / (1.0 + math.exp(-z))
            e = math.exp(z)
            return e / (1.0 + e)
        return (min(max(z, -1.0), 1.0) + 1.0) / 2.0


@dataclass(frozen=True)
class _ClassBlock:
    """One vectoriser for several labels: its analyzer and, per term, (idf, column)."""

    analyzer: Callable[[str], list[str]]
    terms: dict[str, tuple[float, int]]
    sublinear: bool


@dataclass(frozen=True)
class FastMulticlassScorer:
    """The same fast path for more than two labels: per-label decision values from a
    dictionary lookup per term, then scikit-learn's own link (softmax for multinomial
    logistic regression, normalised clipped margins for the one-vs-rest SGD model)."""

    blocks: tuple[_ClassBlock, ...]
    coef: np.ndarray[Any, np.dtype[np.float64]]  # (features, labels)
    intercept: np.ndarray[Any, np.dtype[np.float64]]  # (labels,)
    link: str  # "softmax", "ovr_modified_huber" or "constant"
    labels: tuple[str, ...]

    @classmethod
    def from_pipeline(cls, pipeline: Pipeline, labels: Sequence[str]) -> FastMulticlassScorer:
        model = pipeline.named_steps["model"]
        k = len(labels)
        if list(model.classes_) != list(range(k)):
            raise TypeError("the model was not fitted on every label")
        if isinstance(model, DummyClassifier):
            prior = np.asarray(model.class_prior_, dtype=float)
            return cls((), np.zeros((0, k)), prior, "constant", tuple(labels))
        if isinstance(model, LogisticRegression):
            link = "softmax"
        elif isinstance(model, SGDClassifier) and model.loss == "modified_huber":
            link = "ovr_modified_huber"
        else:
            raise TypeError(f"no fast path for {type(model).__name__}")
        blocks, offset = [], 0
        for vec in _vectorisers(pipeline):
            idf = vec.idf_
            terms = {t: (float(idf[i]), offset + int(i)) for t, i in vec.vocabulary_.items()}
            blocks.append(_ClassBlock(vec.build_analyzer(), terms, bool(vec.sublinear_tf)))
            offset += len(vec.vocabulary_)
        coef = np.ascontiguousarray(np.asarray(model.coef_, dtype=float).T)
        return cls(
            tuple(blocks), coef, np.asarray(model.intercept_, dtype=float), link, tuple(labels)
        )

    def _weights(self, text: str) -> tuple[list[str], list[int], list[float]]:
        """Each known term of the text, its column, and its normalised TF-IDF value."""
        terms: list[str] = []
        columns: list[int] = []
        values: list[float] = []
        for block in self.blocks:
            counts = Counter(block.analyzer(text))
            start = len(values)
            for term, count in counts.items():
                entry = block.terms.get(term)
                if entry is None:
                    continue
                tf = 1.0 + math.log(count) if block.sublinear else float(count)
                terms.append(term)
                columns.append(entry[1])
                values.append(tf * entry[0])
            norm = math.sqrt(sum(v * v for v in values[start:]))
            for j in range(start, len(values)):
                values[j] /= norm
        return terms, columns, values

    def margins(self, text: str) -> np.ndarray[Any, np.dtype[np.float64]]:
        """The decision value of each label for one (normalised) message."""
        _, columns, values = self._weights(text)
        if not columns:
            return self.intercept.copy()
        return np.asarray(self.intercept + np.asarray(values) @ self.coef[columns], dtype=float)

    def probabilities(self, text: str) -> np.ndarray[Any, np.dtype[np.float64]]:
        """The probability of each label for one normalised message."""
        if self.link == "constant":
            return self.intercept.copy()
        z = self.margins(text)
        if self.link == "softmax":
            e = np.exp(z - z.max())
            return np.asarray(e / e.sum(), dtype=float)
        p = (np.clip(z, -1.0, 1.0) + 1.0) / 2.0
        total = p.sum()
        return np.asarray(p / total if total > 0 else np.full(len(z), 1.0 / len(z)), dtype=float)

    def top_terms(self, text: str, label: int, n: int = 8) -> list[Contribution]:
        """The `n` terms with the largest absolute part in `label`'s decision value."""
        terms, columns, values = self._weights(text)
        parts = [
            Contribution(t, v * float(self.coef[c, label]))
            for t, c, v in zip(terms, columns, values, strict=True)
        ]
        return sorted(parts, key=lambda c: -abs(c.weight))[:n]


def _vectorisers(pipeline: Pipeline) -> list[TfidfVectorizer]:
    features = pipeline.named_steps["features"]
    vectorisers: list[TfidfVectorizer] = (
        [v for _, v in features.transformer_list]
        if isinstance(features, FeatureUnion)
        else [features]
    )
    for vec in vectorisers:
        if vec.norm != "l2" or not vec.use_idf:
            raise TypeError("the fast path needs TF-IDF with l2 normalisation")
    return vectorisers


_SEPARATOR = -2  # the column given to the line feed between two messages


class _Ids(dict[str, int]):
    """Term -> column; an unknown term is -1 (and is not stored)."""

    def __missing__(self, key: str) -> int:
        return -1


@dataclass(frozen=True)
class _BatchBlock:
    """One vectoriser compiled for chunks of messages.

    Word unigrams and bigrams take a vectorised route: the tokens of a whole chunk are
    looked up once, and each bigram is found from its two unigram columns by a sorted
    search (every bigram in the vocabulary has both its words in it, since a bigram in
    at least `min_df` messages puts each of its words there too; `from_pipeline`
    checks this). Any other analyzer (character n-grams) is run as scikit-learn runs it.
    """

    analyzer: Callable[[str], list[str]] | None  # None: the vectorised word route
    tokens: re.Pattern[str] | None  # the word route: the token pattern, or a line feed
    ids: _Ids
    bigram_codes: npt.NDArray[np.int64]  # first column * width + second column, sorted
    bigram_columns: npt.NDArray[np.int64]
    width: int
    idf: npt.NDArray[np.float64]
    sublinear: bool

    @classmethod
    def compile(cls, vec: TfidfVectorizer) -> _BatchBlock:
        vocabulary = {str(t): int(i) for t, i in vec.vocabulary_.items()}
        ids = _Ids(vocabulary)
        width = len(vocabulary)
        idf = np.asarray(vec.idf_, dtype=float)
        none = np.zeros(0, dtype=np.int64)
        pattern = str(vec.token_pattern or "")
        pattern = pattern.removeprefix("(?u)")  # str patterns are Unicode anyway
        word_route = (
            vec.analyzer == "word"
            and vec.ngram_range in {(1, 1), (1, 2)}
            and vec.tokenizer is None
            and vec.preprocessor is None
            and vec.stop_words is None
            and not vec.lowercase
            and vec.strip_accents is None
            and "(?" not in pattern
            and re.compile(pattern).groups == 0
        )
        pairs = [(t.split(" "), i) for t, i in vocabulary.items() if " " in t]
        if word_route:
            word_route = all(len(p) == 2 and p[0] in ids and p[1] in ids for p, _ in pairs)
        if not word_route:
            return cls(vec.build_analyzer(), None, ids, none, none, width, idf, vec.sublinear_tf)
        codes = np.array([ids[a] * width + ids[b] for (a, b), _ in pairs], dtype=np.int64)
        columns = np.array([i for _, i in pairs], dtype=np.int64)
        order = np.argsort(codes)
        tokens = re.compile(f"(?:{pattern})|\n")
        ids["\n"] = _SEPARATOR
        return cls(None, tokens, ids, codes[order], columns[order], width, idf, vec.sublinear_tf)

    def terms(self, texts: list[str]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """(message, column) of every known term occurrence in the chunk."""
        if self.tokens is None:
            assert self.analyzer is not None
            lists = list(map(self.analyzer, texts))
            lengths = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
            flat = list(chain.from_iterable(lists))
            columns = np.fromiter(map(self.ids.__getitem__, flat), dtype=np.int64, count=len(flat))
            message = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)
            known = columns >= 0
            return message[known], columns[known]
        # One pass of the token pattern over the whole chunk, the messages separated by
        # line feeds (normalised text has none), which the pattern returns as tokens.
        flat = self.tokens.findall("\n".join(texts))
        columns = np.fromiter(map(self.ids.__getitem__, flat), dtype=np.int64, count=len(flat))
        separator = columns == _SEPARATOR
        message = np.cumsum(separator)
        columns, message = columns[~separator], message[~separator]
        known = columns >= 0
        if len(self.bigram_codes) == 0:
            return message[known], columns[known]
        # Bigrams: neighbouring tokens of one message, both known, whose pair is a term.
        same = (message[1:] == message[:-1]) & known[1:] & known[:-1]
        first = np.flatnonzero(same)
        codes = columns[first] * self.width + columns[first + 1]
        at = np.minimum(np.searchsorted(self.bigram_codes, codes), len(self.bigram_codes) - 1)
        found = self.bigram_codes[at] == codes
        return (
            np.concatenate([message[known], message[first[found]]]),
            np.concatenate([columns[known], self.bigram_columns[at[found]]]),
        )

    def weights(
        self, texts: list[str]
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float64]]:
        """(message, column, l2-normalised TF-IDF value) of each distinct term per message."""
        message, column = self.terms(texts)
        keys, counts = np.unique(message * self.width + column, return_counts=True)
        message, column = keys // self.width, keys % self.width
        tf = 1.0 + np.log(counts) if self.sublinear else counts.astype(float)
        value = tf * self.idf[column]
        norm = np.sqrt(np.bincount(message, value * value, minlength=len(texts)))
        return message, column, value / norm[message]


@dataclass(frozen=True)
class BatchScorer:
    """Probabilities for a chunk of normalised messages, the pipeline's to 1e-9, from
    numpy over the whole chunk instead of scikit-learn's sparse-matrix machinery."""

    blocks: tuple[_BatchBlock, ...]
    offsets: tuple[int, ...]
    coef: npt.NDArray[np.float64]  # (features, outputs): 1 output for two labels
    intercept: npt.NDArray[np.float64]
    link: str  # "logistic", "modified_huber", "softmax", "ovr_modified_huber", "constant"

    @classmethod
    def from_pipeline(cls, pipeline: Pipeline) -> BatchScorer:
        model = pipeline.named_steps["model"]
        k = len(model.classes_)
        if [int(c) for c in model.classes_] != list(range(k)):
            raise TypeError("the model must be fitted on the labels 0 .. k - 1, each present")
        if isinstance(model, DummyClassifier):
            prior = np.asarray(model.class_prior_, dtype=float)
            return cls((), (), np.zeros((0, k)), prior[1:] if k == 2 else prior, "constant")
        if isinstance(model, LogisticRegression):
            link = "logistic" if k == 2 else "softmax"
        elif isinstance(model, SGDClassifier) and model.loss == "modified_huber":
            link = "modified_huber" if k == 2 else "ovr_modified_huber"
        else:
            raise TypeError(f"no fast path for {type(model).__name__}")
        vectorisers = _vectorisers(pipeline)
        blocks = tuple(_BatchBlock.compile(v) for v in vectorisers)
        offsets = tuple(int(x) for x in np.cumsum([0] + [b.width for b in blocks])[:-1])
        coef = np.ascontiguousarray(np.asarray(model.coef_, dtype=float).T)
        return cls(blocks, offsets, coef, np.asarray(model.intercept_, dtype=float), link)

    def margins(self, texts: list[str]) -> npt.NDArray[np.float64]:
        """Decision values, one row per message and one column per output."""
        z = np.tile(self.intercept, (len(texts), 1))
        for block, offset in zip(self.blocks, self.offsets, strict=True):
            message, column, value = block.weights(texts)
            rows = self.coef[offset + column]
            for j in range(z.shape[1]):
                z[:, j] += np.bincount(message, value * rows[:, j], minlength=len(texts))
        return z

    def probabilities(self, texts: list[str]) -> npt.NDArray[np.float64]:
        """Two labels: the positive class's probability per message; more: one column
        per label."""
        if self.link == "constant":
            p = np.tile(self.intercept, (len(texts), 1))
            return p[:, 0] if p.shape[1] == 1 else p
        z = self.margins(texts)
        if self.link == "logistic":
            return np.asarray(1.0 / (1.0 + np.exp(-z[:, 0])), dtype=float)
        if self.link == "modified_huber":
            return np.asarray((np.clip(z[:, 0], -1.0, 1.0) + 1.0) / 2.0, dtype=float)
        if self.link == "softmax":
            e = np.exp(z - z.max(axis=1, keepdims=True))
            return np.asarray(e / e.sum(axis=1, keepdims=True), dtype=float)
        p = (np.clip(z, -1.0, 1.0) + 1.0) / 2.0
        total = p.sum(axis=1, keepdims=True)
        uniform = np.full_like(p, 1.0 / p.shape[1])
        return np.asarray(np.where(total > 0, p / np.where(total > 0, total, 1.0), uniform))
