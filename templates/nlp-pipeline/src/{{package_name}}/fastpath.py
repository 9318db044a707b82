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
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

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
        features = pipeline.named_steps["features"]
        vectorisers: list[TfidfVectorizer] = (
            [v for _, v in features.transformer_list]
            if isinstance(features, FeatureUnion)
            else [features]
        )
        coef = [float(c) for c in model.coef_[0]]
        blocks, offset = [], 0
        for vec in vectorisers:
            if vec.norm != "l2" or not vec.use_idf:
                raise TypeError("the fast path needs TF-IDF with l2 normalisation")
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
        return sorted(self.contributions(text), key=lambda c: -abs(c.weight))[:n]

    def _link(self, z: float) -> float:
        if self.link == "logistic":
            if z >= 0:
                return 1.0 / (1.0 + math.exp(-z))
            e = math.exp(z)
            return e / (1.0 + e)
        return (min(max(z, -1.0), 1.0) + 1.0) / 2.0
