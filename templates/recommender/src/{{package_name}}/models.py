"""The recommenders, behind one small interface: fit, score, similar items.

Each model learns from a users x items 0/1 matrix (scipy CSR) and scores every item of
the catalogue for a user from the items that user has interacted with. Ranking, the
filtering of seen items and top-k selection are shared (`top_k`), so the models differ
only in how they score:

- `MostPopular`: the number of users who interacted with the item; the same list for
  everyone (and, knowing no similarity, the same "similar items" for every item). The
  baseline every other model must beat.
- `ItemKNN`: cosine similarity between items' user vectors, keeping each item's
  `neighbours` most similar items; a user's score for an item sums its similarity to the
  user's items.
- `EASE` (Steck 2019): a closed-form linear item-to-item model,
  B = I - P / diag(P) with P = (X'X + l2 I)^-1 and a zero diagonal.
- `ALS` (Hu, Koren and Volinsky 2008), optional: implicit-feedback matrix factorisation,
  fitted by the `implicit` package when it is installed (`make install-als`). A user is
  scored by solving for their factors from their history against the item factors
  (numpy), so a saved ALS model serves without `implicit`.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from typing import Any, ClassVar, Protocol, TypeAlias

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from .config import TrainingConfig
from .core.errors import ProjectError

Matrix: TypeAlias = sp.csr_matrix
Scores: TypeAlias = npt.NDArray[np.floating[Any]]


class Recommender(Protocol):
    name: ClassVar[str]

    def fit(self, interactions: Matrix) -> Recommender: ...

    def score(self, history: Matrix) -> Scores:
        """Scores of every catalogue item (columns) for each row of `history`."""
        ...

    def score_one(self, items: npt.NDArray[np.int64]) -> Scores:
        """Scores of every catalogue item for one user who interacted with `items`."""
        ...

    def similar(self, item: int) -> Scores:
        """How strongly each item goes with `item` (the item itself is excluded later)."""
        ...

    def params(self) -> dict[str, Any]: ...

    def arrays(self) -> dict[str, npt.NDArray[Any]]:
        """What a saved model holds; `from_arrays` rebuilds the fitted model from it."""
        ...


class MostPopular:
    name: ClassVar[str] = "most_popular"

    def __init__(self) -> None:
        self.popularity: Scores = np.zeros(0, dtype=np.float32)

    def fit(self, interactions: Matrix) -> MostPopular:
        self.popularity = np.asarray(interactions.sum(axis=0), dtype=np.float32).ravel()
        return self

    def score(self, history: Matrix) -> Scores:
        return np.tile(self.popularity, (history.shape[0], 1))

    def score_one(self, items: npt.NDArray[np.int64]) -> Scores:
        return self.popularity

    def similar(self, item: int) -> Scores:
        # The baseline knows no similarity: it offers the most popular other items.
        return self.popularity

    def params(self) -> dict[str, Any]:
        return {}

    def arrays(self) -> dict[str, npt.NDArray[Any]]:
        return {"popularity": self.popularity}

    @classmethod
    def from_arrays(
        cls, arrays: dict[str, npt.NDArray[Any]], params: dict[str, Any]
    ) -> MostPopular:
        model = cls()
        model.popularity = arrays["popularity"].astype(np.float32)
        return model


class ItemKNN:
    name: ClassVar[str] = "item_knn"

    def __init__(self, neighbours: int = 100) -> None:
        self.neighbours = neighbours
        self.similarity: Matrix = sp.csr_matrix((0, 0), dtype=np.float32)

    def fit(self, interactions: Matrix) -> ItemKNN:
        gram = (interactions.T @ interactions).toarray().astype(np.float64)
        norms = np.sqrt(np.diag(gram))
        with np.errstate(divide="ignore", invalid="ignore"):
            cosine = gram / np.outer(norms, norms)
        cosine = np.nan_to_num(cosine, nan=0.0, posinf=0.0, neginf=0.0)
        np.fill_diagonal(cosine, 0.0)
        self.similarity = _keep_top_per_row(cosine, self.neighbours)
        return self

    def score(self, history: Matrix) -> Scores:
        return np.asarray((history @ self.similarity).toarray(), dtype=np.float32)

    def score_one(self, items: npt.NDArray[np.int64]) -> Scores:
        # Sum the neighbour rows straight from the CSR arrays: several times faster for
        # one user than slicing the matrix.
        s = self.similarity
        starts = s.indptr[items].astype(np.int64)
        lengths = s.indptr[items + 1] - starts
        offsets = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
        take = np.arange(int(lengths.sum()), dtype=np.int64) + offsets
        return np.bincount(s.indices[take], weights=s.data[take], minlength=s.shape[1]).astype(
            np.float32
        )

    def similar(self, item: int) -> Scores:
        return np.asarray(self.similarity[item].toarray(), dtype=np.float32).ravel()

    def params(self) -> dict[str, Any]:
        return {"neighbours": self.neighbours}

    def arrays(self) -> dict[str, npt.NDArray[Any]]:
        return _sparse_arrays("similarity", self.similarity)

    @classmethod
    def from_arrays(cls, arrays: dict[str, npt.NDArray[Any]], params: dict[str, Any]) -> ItemKNN:
        model = cls(neighbours=int(params["neighbours"]))
        model.similarity = _sparse_from(arrays, "similarity")
        return model


class EASE:
    name: ClassVar[str] = "ease"

    def __init__(self, l2: float = 500.0) -> None:
        self.l2 = l2
        self.weights: npt.NDArray[np.float32] = np.zeros((0, 0), dtype=np.float32)

    def fit(self, interactions: Matrix) -> EASE:
        gram = (interactions.T @ interactions).toarray().astype(np.float64)
        gram[np.diag_indices_from(gram)] += self.l2
        precision = np.linalg.inv(gram)
        weights = precision / -np.diag(precision)
        np.fill_diagonal(weights, 0.0)
        self.weights = weights.astype(np.float32)
        return self

    def score(self, history: Matrix) -> Scores:
        return np.asarray(history @ self.weights, dtype=np.float32)

    def score_one(self, items: npt.NDArray[np.int64]) -> Scores:
        return np.asarray(self.weights[items].sum(axis=0), dtype=np.float32)

    def similar(self, item: int) -> Scores:
        return np.asarray(self.weights[item], dtype=np.float32)

    def params(self) -> dict[str, Any]:
        return {"l2": self.l2}

    def arrays(self) -> dict[str, npt.NDArray[Any]]:
        return {"weights": self.weights}

    @classmethod
    def from_arrays(cls, arrays: dict[str, npt.NDArray[Any]], params: dict[str, Any]) -> EASE:
        model = cls(l2=float(params["l2"]))
        model.weights = arrays["weights"].astype(np.float32)
        return model


class ModelUnavailableError(ProjectError):
    """A model whose optional package is not installed was asked to fit."""


INSTALL_ALS = "`make install-als` installs it, and `make all` then compares ALS with the rest"


class ALS:
    name: ClassVar[str] = "als"

    def __init__(
        self,
        factors: int = 64,
        regularization: float = 1.0,
        alpha: float = 10.0,
        iterations: int = 15,
        seed: int = 42,
    ) -> None:
        self.factors = factors
        self.regularization = regularization
        self.alpha = alpha
        self.iterations = iterations
        self.seed = seed
        self.item_factors: npt.NDArray[np.float32] = np.zeros((0, factors), dtype=np.float32)
        self._prepare()

    def fit(self, interactions: Matrix) -> ALS:
        if (why := unavailable(self.name)) is not None:
            raise ModelUnavailableError(f"cannot fit ALS: {why}")
        from implicit.cpu.als import AlternatingLeastSquares
        from threadpoolctl import threadpool_limits

        # implicit parallelises over users itself; a multi-threaded BLAS underneath would
        # only contend with it (implicit warns about that), and one thread of each keeps
        # the sums, and so the factors, the same from run to run.
        with threadpool_limits(limits=1, user_api="blas"):
            als = AlternatingLeastSquares(
                factors=self.factors,
                regularization=self.regularization,
                alpha=self.alpha,
                iterations=self.iterations,
                random_state=self.seed,
                num_threads=1,
            )
            als.fit(sp.csr_matrix(interactions, dtype=np.float32), show_progress=False)
        self.item_factors = np.ascontiguousarray(als.item_factors, dtype=np.float32)
        self._prepare()
        return self

    def _prepare(self) -> None:
        """What scoring needs from the item factors Y: Y'Y + l I, and unit rows of Y."""
        y = self.item_factors.astype(np.float64)
        self._y = y
        self._gram = y.T @ y + self.regularization * np.eye(y.shape[1])
        norms = np.linalg.norm(y, axis=1, keepdims=True)
        self._unit = np.divide(y, norms, out=np.zeros_like(y), where=norms > 0)

    def user_factors(self, items: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
        """The user's factors x from their items I, by ALS's own least-squares step:
        with confidence `alpha` on the user's items and 1 elsewhere,
        (Y'Y + (alpha - 1) Y_I'Y_I + l I) x = alpha Y_I' 1."""
        y_i = self._y[items]
        lhs = self._gram + (self.alpha - 1.0) * (y_i.T @ y_i)
        rhs = self.alpha * y_i.sum(axis=0)
        return np.linalg.solve(lhs, rhs)

    def score(self, history: Matrix) -> Scores:
        out = np.empty(history.shape, dtype=np.float32)
        for row in range(history.shape[0]):
            items = history.indices[history.indptr[row] : history.indptr[row + 1]]
            out[row] = self.score_one(items.astype(np.int64))
        return out

    def score_one(self, items: npt.NDArray[np.int64]) -> Scores:
        return np.asarray(self._y @ self.user_factors(items), dtype=np.float32)

    def similar(self, item: int) -> Scores:
        # Cosine similarity of the items' factors.
        return np.asarray(self._unit @ self._unit[item], dtype=np.float32)

    def params(self) -> dict[str, Any]:
        return {
            "factors": self.factors,
            "regularization": self.regularization,
            "alpha": self.alpha,
            "iterations": self.iterations,
        }

    def arrays(self) -> dict[str, npt.NDArray[Any]]:
        return {"item_factors": self.item_factors}

    @classmethod
    def from_arrays(cls, arrays: dict[str, npt.NDArray[Any]], params: dict[str, Any]) -> ALS:
        model = cls(
            factors=int(params["factors"]),
            regularization=float(params["regularization"]),
            alpha=float(params["alpha"]),
            iterations=int(params["iterations"]),
        )
        model.item_factors = arrays["item_factors"].astype(np.float32)
        model._prepare()
        return model


# The one registry of models.
MODELS: dict[str, type[MostPopular] | type[ItemKNN] | type[EASE] | type[ALS]] = {
    MostPopular.name: MostPopular,
    ItemKNN.name: ItemKNN,
    EASE.name: EASE,
    ALS.name: ALS,
}
DESCRIPTIONS = {
    "most_popular": "most popular items (baseline)",
    "item_knn": "item-kNN (cosine)",
    "ease": "EASE (closed-form linear)",
    "als": "ALS (implicit matrix factorisation)",
}


def unavailable(name: str) -> str | None:
    """Why model `name` cannot be fitted in this environment, or None if it can."""
    if name == ALS.name and importlib.util.find_spec("implicit") is None:
        return f"it needs the optional package implicit, not installed here; {INSTALL_ALS}"
    return None


def grid(name: str, training: TrainingConfig) -> list[dict[str, Any]]:
    """The hyperparameter settings tried for model `name` on the validation split."""
    t = training
    grids: dict[str, Callable[[], list[dict[str, Any]]]] = {
        "most_popular": lambda: [{}],
        "item_knn": lambda: [{"neighbours": n} for n in t.item_knn_neighbours],
        "ease": lambda: [{"l2": v} for v in t.ease_l2],
        "als": lambda: [
            {"factors": f, "regularization": r, "alpha": a, "iterations": t.als_iterations}
            for f in t.als_factors
            for r in t.als_regularization
            for a in t.als_alpha
        ],
    }
    return grids[name]()


def build(name: str, params: dict[str, Any], seed: int = 42) -> Recommender:
    """An unfitted model; `seed` reaches the models that draw random numbers (ALS)."""
    model: Recommender = ALS(**params, seed=seed) if name == ALS.name else MODELS[name](**params)
    return model


def restore(name: str, arrays: dict[str, npt.NDArray[Any]], params: dict[str, Any]) -> Recommender:
    model: Recommender = MODELS[name].from_arrays(arrays, params)
    return model


def nbytes(model: Recommender) -> int:
    """Memory of the fitted model's arrays: what serving it holds in RAM."""
    return int(sum(a.nbytes for a in model.arrays().values()))


def top_k(scores: Scores, k: int, exclude: Matrix | None = None) -> npt.NDArray[np.int64]:
    """The `k` highest-scoring columns of each row, best first, excluded items left out.

    Ties are broken by the lower column (item) index, so lists are reproducible. Excluded
    items (a user's seen items) are never returned; a row with fewer than `k` candidates
    is padded with -1.

    >>> top_k(np.array([[0.5, 0.9, 0.5, 0.1]]), 3).tolist()
    [[1, 0, 2]]
    """
    scores = np.array(scores, dtype=np.float64, ndmin=2)
    if exclude is not None and exclude.nnz:
        coo = exclude.tocoo()
        scores[coo.row, coo.col] = -np.inf
    n_rows, n_items = scores.shape
    finite = np.isfinite(scores)
    k_row = np.minimum(finite.sum(axis=1), k)
    k_part = min(k, n_items)
    if k_part < n_items:
        part = np.argpartition(-scores, k_part - 1, axis=1)[:, :k_part]
        kth = np.take_along_axis(scores, part, axis=1).min(axis=1, keepdims=True)
    else:
        kth = np.where(finite, scores, np.inf).min(axis=1, keepdims=True)
    above = finite & (scores > kth)
    tied = finite & (scores == kth)
    # Of the items tied with the k-th score, the lowest indices fill the remaining places.
    room = k_row[:, None] - above.sum(axis=1, keepdims=True)
    chosen = above | (tied & (np.cumsum(tied, axis=1) <= room))
    rows, cols = np.nonzero(chosen)
    out = np.full((n_rows, k), -1, dtype=np.int64)
    # np.nonzero lists columns in increasing order within each row; a stable sort by
    # descending score keeps that order among equal scores.
    order = np.lexsort((cols, -scores[rows, cols], rows))
    rows, cols = rows[order], cols[order]
    starts = np.concatenate([[0], np.cumsum(k_row)[:-1]])
    position = np.arange(len(rows)) - np.repeat(starts, k_row)
    out[rows, position] = cols
    return out


def top_k_one(scores: Scores, k: int) -> npt.NDArray[np.int64]:
    """`top_k` for a single row, without the batch machinery: the serving fast path.

    Same order and tie rule as `top_k` (tested on every evaluated user); items scored
    -inf (seen) are never returned, so the list can be shorter than `k`.
    """
    s = np.asarray(scores, dtype=np.float64)
    finite = np.isfinite(s)
    k_row = min(k, int(finite.sum()))
    if k_row == 0:
        return np.zeros(0, dtype=np.int64)
    kth = s[np.argpartition(-s, k_row - 1)[:k_row]].min()
    above = np.flatnonzero(s > kth)
    tied = np.flatnonzero(s == kth)[: k_row - len(above)]
    chosen = np.concatenate([above, tied])
    return chosen[np.lexsort((chosen, -s[chosen]))].astype(np.int64)


def _keep_top_per_row(dense: npt.NDArray[np.float64], n: int) -> Matrix:
    if n < dense.shape[1]:
        drop = np.argpartition(-dense, n, axis=1)[:, n:]
        dense = dense.copy()
        np.put_along_axis(dense, drop, 0.0, axis=1)
    return sp.csr_matrix(dense.astype(np.float32))


def _sparse_arrays(prefix: str, m: Matrix) -> dict[str, npt.NDArray[Any]]:
    return {
        f"{prefix}_data": m.data,
        f"{prefix}_indices": m.indices,
        f"{prefix}_indptr": m.indptr,
        f"{prefix}_shape": np.asarray(m.shape, dtype=np.int64),
    }


def _sparse_from(arrays: dict[str, npt.NDArray[Any]], prefix: str) -> Matrix:
    shape = tuple(int(v) for v in arrays[f"{prefix}_shape"])
    return sp.csr_matrix(
        (arrays[f"{prefix}_data"], arrays[f"{prefix}_indices"], arrays[f"{prefix}_indptr"]),
        shape=shape,
    )
