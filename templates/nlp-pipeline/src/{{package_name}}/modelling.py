"""The candidate models: TF-IDF features feeding linear models, and a constant baseline.

Features: word unigrams and bigrams, and character n-grams of 2 to 5 within word
boundaries (`char_wb`), both TF-IDF with sublinear term frequency. Character n-grams
catch obfuscated and misspelt words (fr33, txt, w1n) that a word vocabulary misses;
they cost most of the scoring time, which is why a word-only candidate is compared too.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from sklearn.dummy import DummyClassifier
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.pipeline import FeatureUnion, Pipeline

from .binary.threshold import HeldOut
from .split import IntArray

FloatArray = npt.NDArray[np.float64]

# Simplest first: model selection prefers the earlier of two candidates whose costs are
# within one standard error of each other.
FEATURES: dict[str, tuple[str, ...]] = {
    "dummy": (),
    "logreg_word": ("word",),
    "logreg_word_char": ("word", "char"),
    "linear_svm_word_char": ("word", "char"),
}
NAMES = {
    "dummy": "constant baseline (DummyClassifier, class prior)",
    "logreg_word": "logistic regression on word n-grams",
    "logreg_word_char": "logistic regression on word and character n-grams",
    "linear_svm_word_char": "linear SVM (modified Huber loss, SGD) on word and character n-grams",
}


def vectoriser(kind: str) -> TfidfVectorizer:
    """A fresh TF-IDF vectoriser: 'word' (1-2 grams) or 'char' (char_wb 2-5 grams).

    Lower-casing is left to the normalisation stage, so config.toml governs it alone.
    """
    if kind == "word":
        return TfidfVectorizer(
            analyzer="word",
            ngram_range=(1, 2),
            min_df=2,
            sublinear_tf=True,
            lowercase=False,
            # Runs of word characters, and four symbols that spam uses. The same tokens
            # as `\b\w+\b|...` (a run of \w is always bounded by \b), found faster.
            token_pattern=r"(?u)\w+|[£$€!?]",
            dtype=np.float64,
        )
    if kind == "char":
        return TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=(2, 5),
            min_df=2,
            sublinear_tf=True,
            lowercase=False,
            dtype=np.float64,
        )
    raise ValueError(f"unknown feature kind {kind!r}")


def estimator(name: str, seed: int) -> Any:
    if name == "dummy":
        return DummyClassifier(strategy="prior")
    if name.startswith("logreg"):
        return LogisticRegression(C=10.0, max_iter=2000)
    if name.startswith("linear_svm"):
        return SGDClassifier(
            loss="modified_huber", alpha=1e-4, max_iter=50, tol=1e-4, random_state=seed
        )
    raise ValueError(f"unknown candidate {name!r}; choose from {', '.join(FEATURES)}")


def candidate(name: str, seed: int) -> Pipeline:
    """A fresh, unfitted pipeline from normalised text to a probability."""
    kinds = FEATURES[name]
    steps: list[tuple[str, Any]] = []
    if len(kinds) == 1:
        steps.append(("features", vectoriser(kinds[0])))
    elif kinds:
        steps.append(("features", FeatureUnion([(k, vectoriser(k)) for k in kinds])))
    steps.append(("model", estimator(name, seed)))
    return Pipeline(steps)


def out_of_fold_probabilities(
    texts: Sequence[str],
    y: IntArray,
    folds: Sequence[tuple[IntArray, IntArray]],
    names: Sequence[str],
    seed: int,
    repeat: int = 0,
) -> dict[str, list[HeldOut]]:
    """Probability of the positive class (label 1) for every training message, each from
    a model that did not see it, as one `HeldOut` per fold and candidate."""
    matrices = out_of_fold_matrices(texts, y, folds, names, seed, n_classes=2)
    return {
        name: [HeldOut(repeat, test, y[test], p[:, 1]) for test, p in held]
        for name, held in matrices.items()
    }


def out_of_fold_matrices(
    texts: Sequence[str],
    y: IntArray,
    folds: Sequence[tuple[IntArray, IntArray]],
    names: Sequence[str],
    seed: int,
    n_classes: int,
) -> dict[str, list[tuple[IntArray, FloatArray]]]:
    """Per candidate and fold: the held-out rows and their probabilities of each label
    (labels 0 .. n_classes - 1), each from a model that did not see those rows.

    Equivalent to `cross_val_predict(candidate(name), ..., method="predict_proba")` for
    each candidate, but the vectorisers of a fold are fitted once and shared: the
    character n-grams are the expensive part, and two candidates use the same ones.
    """
    text_array = np.asarray(texts, dtype=object)
    held: dict[str, list[tuple[IntArray, FloatArray]]] = {name: [] for name in names}
    kinds = sorted({k for name in names for k in FEATURES[name]})
    for train, test in folds:
        blocks: dict[str, tuple[Any, Any]] = {}
        for kind in kinds:
            vec = vectoriser(kind)
            blocks[kind] = (vec.fit_transform(text_array[train]), vec.transform(text_array[test]))
        for name in names:
            used = FEATURES[name]
            if used:
                x_train = sp.hstack([blocks[k][0] for k in used], format="csr")
                x_test = sp.hstack([blocks[k][1] for k in used], format="csr")
            else:
                x_train, x_test = np.zeros((len(train), 1)), np.zeros((len(test), 1))
            model = estimator(name, seed).fit(x_train, y[train])
            held[name].append((test, full_probabilities(model, x_test, n_classes)))
    return held


def full_probabilities(model: Any, x: Any, n_classes: int) -> FloatArray:
    """`predict_proba` with one column per label 0 .. n_classes - 1, also when a label
    was absent from the rows the model was fitted on (its column is then 0)."""
    p = np.asarray(model.predict_proba(x), dtype=float)
    out = np.zeros((p.shape[0], n_classes))
    out[:, np.asarray(model.classes_, dtype=np.int64)] = p
    return out


def top_features(
    pipeline: Pipeline, n: int, labels: Sequence[str] | None = None
) -> dict[str, list[dict[str, Any]]]:
    """The `n` features with the largest weights towards each class (linear models):
    'positive' and 'negative' for two labels, one list per label (named by `labels`)
    for more."""
    model = pipeline.named_steps["model"]
    if not hasattr(model, "coef_"):
        return {"positive": [], "negative": []} if labels is None else {k: [] for k in labels}
    features = pipeline.named_steps["features"]
    names = list(features.get_feature_names_out())

    def rows(weights: FloatArray, positions: Any) -> list[dict[str, Any]]:
        return [
            {"feature": str(names[i]), "weight": round(float(weights[i]), 4)} for i in positions
        ]

    if labels is None:
        weights = np.asarray(model.coef_[0], dtype=float)
        order = np.argsort(weights, kind="stable")
        return {"positive": rows(weights, order[::-1][:n]), "negative": rows(weights, order[:n])}
    out = {}
    for k, label in enumerate(labels):
        weights = np.asarray(model.coef_[k], dtype=float)
        out[label] = rows(weights, np.argsort(-weights, kind="stable")[:n])
    return out
