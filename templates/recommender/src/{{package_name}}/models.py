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
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, Protocol, TypeAlias

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

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


# The one registry of models: name -> (class, the hyperparameter grid from the config).
MODELS: dict[str, type[MostPopular] | type[ItemKNN] | type[EASE]] = {
    MostPopular.name: MostPopular,
    ItemKNN.name: ItemKNN,
    EASE.name: EASE,
}
DESCRIPTIONS = {
    "most_popular": "most popular items (baseline)",
    "item_knn": "item-kNN (cosine)",
    "ease": "EASE (closed-form linear)",
}


def grid(name: str, neighbours: tuple[int, ...], l2: tuple[float, ...]) -> list[dict[str, Any]]:
    """The hyperparameter settings tried for model `name` on the validation split."""
    grids: dict[str, Callable[[], list[dict[str, Any]]]] = {
        "most_popular": lambda: [{}],
        "item_knn": lambda: [{"neighbours": n} for n in neighbours],
        "ease": lambda: [{"l2": v} for v in l2],
    }
    return grids[name]()


def build(name: str, params: dict[str, Any]) -> Recommender:
    model: Recommender = MODELS[name](**params)
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
