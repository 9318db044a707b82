"""Load the configured CSV, validate it and describe its features.

Validation happens on load and stops at the first problem with a message that names the
column, the value and the line of the file, so a user can fix their own CSV without
reading this code. Line numbers count the header as line 1, as an editor does. Reading
the file (encoding, separator, header) is `core.dataio`'s job.

Some things are not errors but are said, in `Dataset.notes` (printed by `make data` and
kept in the split's summary): a column with a different value on every row is taken for
an identifier and left out of the features (declare it under [data] numeric_columns or
categorical_columns to keep it), and rows that repeat an earlier row are counted.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from .config import Band, Config
from .core.dataio import DataFileError, MissingFileError, read_table

_MAX_LISTED = 5
# Below this many rows "a different value on every row" says little about a column.
_MIN_ROWS_FOR_ID_CHECK = 10
# More distinct values than this and a subgroup column makes groups too small to audit.
_MAX_NUMERIC_GROUPS = 10
_MAX_GROUPS = 20
_ID_NAME = re.compile(r"(^|[_ .-])(id|key|uuid|guid|number|no)$", re.IGNORECASE)


class DataValidationError(ValueError):
    """The data cannot be used as configured; the message says where and why."""


@dataclass(frozen=True)
class NumericFeature:
    name: str
    integer: bool
    minimum: float
    maximum: float
    # Missing in some training rows: the model imputes it, so the API accepts null.
    nullable: bool = False


@dataclass(frozen=True)
class CategoricalFeature:
    name: str
    categories: tuple[str, ...]


@dataclass(frozen=True)
class FeatureSchema:
    """What the model was trained on: the contract the API enforces."""

    numeric: tuple[NumericFeature, ...]
    categorical: tuple[CategoricalFeature, ...]

    @property
    def columns(self) -> list[str]:
        return [f.name for f in self.numeric] + [f.name for f in self.categorical]

    def records(self, features: pd.DataFrame) -> list[dict[str, Any]]:
        """Rows as API request bodies: whole numbers as ints, categories as strings."""
        integer = {f.name for f in self.numeric if f.integer}
        categorical = {f.name for f in self.categorical}
        rows = features[self.columns].to_dict("records")
        return [
            {str(k): _json_value(v, str(k), integer, categorical) for k, v in row.items()}
            for row in rows
        ]

    def to_dict(self) -> dict[str, Any]:
        return {
            "numeric": [asdict(f) for f in self.numeric],
            "categorical": [
                {**asdict(f), "categories": list(f.categories)} for f in self.categorical
            ],
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> FeatureSchema:
        return cls(
            numeric=tuple(NumericFeature(**f) for f in raw["numeric"]),
            categorical=tuple(
                CategoricalFeature(name=f["name"], categories=tuple(f["categories"]))
                for f in raw["categorical"]
            ),
        )


@dataclass(frozen=True)
class Dataset:
    """Validated data: features, a 0/1 target (1 = positive class) and audit columns."""

    features: pd.DataFrame
    target: np.ndarray[Any, np.dtype[np.int64]]
    groups: pd.DataFrame
    lines: np.ndarray[Any, np.dtype[np.int64]]
    numeric_columns: tuple[str, ...]
    categorical_columns: tuple[str, ...]
    classes: tuple[str, str]
    sha256: str
    # What validation decided on its own, one sentence each (see the module docstring).
    notes: tuple[str, ...] = ()
    # Rows equal to an earlier row in every column but the (id-like) id columns.
    duplicate_rows: int = 0
    # Columns left out of the features because they look like identifiers.
    id_like_columns: tuple[str, ...] = ()

    def subset(self, rows: np.ndarray[Any, np.dtype[np.int64]]) -> Dataset:
        """The rows at the given positions, in that order."""
        return replace(
            self,
            features=self.features.iloc[rows].reset_index(drop=True),
            target=self.target[rows],
            groups=self.groups.iloc[rows].reset_index(drop=True),
            lines=self.lines[rows],
        )


def load_dataset(cfg: Config) -> Dataset:
    """Read and validate the configured CSV."""
    path = cfg.data.path
    try:
        table = read_table(path)
    except MissingFileError as exc:
        raise DataValidationError(
            f"{path.name}: file not found at {path}; set [data] path in config.toml"
        ) from exc
    except DataFileError as exc:
        raise DataValidationError(str(exc)) from exc
    return validate_frame(table.frame, cfg, sha256=table.sha256, source=path.name)


def validate_frame(
    raw: pd.DataFrame, cfg: Config, sha256: str = "", source: str = "data"
) -> Dataset:
    """Validate a frame of strings as read from the CSV (empty string = missing)."""
    d = cfg.data
    if raw.empty:
        raise DataValidationError(f"{source} has a header but no rows")
    raw = raw.map(lambda v: v.strip() if isinstance(v, str) else v)
    raw.columns = [str(c).strip() for c in raw.columns]
    lines = np.arange(2, len(raw) + 2, dtype=np.int64)

    band_names = {b.name for b in cfg.subgroups.bands}
    needed = {
        "[data] target_column": [d.target_column],
        "[data] id_columns": list(d.id_columns),
        "[data] exclude_columns": list(d.exclude_columns),
        "[data] numeric_columns": list(d.numeric_columns),
        "[data] categorical_columns": list(d.categorical_columns),
        "[subgroups] columns": [c for c in cfg.subgroups.columns if c not in band_names],
        "[[subgroups.bands]] source": [b.source for b in cfg.subgroups.bands],
    }
    for key, columns in needed.items():
        for column in columns:
            if column not in raw.columns:
                raise DataValidationError(
                    f"column {column!r} (from {key} in config.toml) is not in {source}; "
                    f"its columns are: {', '.join(raw.columns)}"
                )

    target, classes = _target(
        raw[d.target_column], d.positive_class, lines, source, d.target_column
    )
    for label, count in zip(classes, (np.sum(target == 0), np.sum(target == 1)), strict=True):
        if count < d.min_rows_per_class:
            raise DataValidationError(
                f"{d.target_column!r} has only {count} rows of class {label!r}; at least "
                f"{d.min_rows_per_class} are needed ([data] min_rows_per_class) to train, "
                "cross-validate and test"
            )

    notes: list[str] = []
    not_features = {d.target_column, *d.id_columns, *d.exclude_columns}
    id_like = [c for c in raw.columns if c not in not_features and _looks_like_id(raw[c], c, cfg)]
    for column in id_like:
        notes.append(
            f"column {column!r} has a different value on every row, like an identifier, so it "
            "is not used as a feature; list it under [data] id_columns to say so, or under "
            "[data] numeric_columns or categorical_columns to use it anyway"
        )
    feature_names = [c for c in raw.columns if c not in not_features and c not in id_like]
    if not feature_names:
        raise DataValidationError(f"{source} has no feature columns left after the exclusions")

    # An identifier differs between copies of one case, so it is left out of the comparison.
    compared = [c for c in raw.columns if c not in d.id_columns and c not in id_like]
    repeated = raw.duplicated(subset=compared, keep="first").to_numpy()
    duplicates = int(repeated.sum())
    if duplicates:
        notes.append(
            f"{duplicates} row(s) repeat an earlier row in every column but identifiers (line(s) "
            f"{_listing(lines[repeated])} of {source}); they are kept: remove them if they are "
            "not separate cases, since a copy on both sides of the train/test split flatters "
            "the test score"
        )
    numeric: list[str] = []
    categorical: list[str] = []
    features = {}
    for column in feature_names:
        values, is_numeric = _column(raw[column], column, lines, source, cfg)
        features[column] = values
        (numeric if is_numeric else categorical).append(column)
    frame = pd.DataFrame(features)

    groups = pd.DataFrame(index=raw.index)
    for column in cfg.subgroups.columns:
        band = next((b for b in cfg.subgroups.bands if b.name == column), None)
        if band is None:
            _check_groupable(raw[column], column)
            groups[column] = raw[column].replace("", "missing").astype(str)
        else:
            groups[column] = _band(raw[band.source], band, lines, source)
    return Dataset(
        features=frame,
        target=target,
        groups=groups.reset_index(drop=True),
        lines=lines,
        numeric_columns=tuple(numeric),
        categorical_columns=tuple(categorical),
        classes=classes,
        sha256=sha256,
        notes=tuple(notes),
        duplicate_rows=duplicates,
        id_like_columns=tuple(id_like),
    )


def _looks_like_id(column: pd.Series, name: str, cfg: Config) -> bool:
    """A different, non-empty value on every row: text, or whole numbers that count rows
    or carry an id-like name. Declaring the column's type in config.toml keeps it."""
    if name in cfg.data.numeric_columns or name in cfg.data.categorical_columns:
        return False
    n = len(column)
    if n < _MIN_ROWS_FOR_ID_CHECK or (column == "").any() or column.nunique() != n:
        return False
    numbers = pd.to_numeric(column, errors="coerce")
    unparsable = int(numbers.isna().sum())
    if unparsable > 0.1 * n:
        return True  # unique text: one category per row teaches a model nothing
    if unparsable:
        return False  # numbers with a few typos, which `_column` reports by line
    values = numbers.to_numpy(dtype=float)
    if not np.all(np.isfinite(values)) or not np.all(np.mod(values, 1) == 0):
        return False  # real-valued measurements are often all distinct
    counts_rows = values.max() - values.min() + 1 == n
    return bool(counts_rows or _ID_NAME.search(name))


def _check_groupable(column: pd.Series, name: str) -> None:
    """A subgroup column needs a few groups, each large enough to have error rates."""
    present = column[column != ""]
    distinct = present.nunique()
    numeric = bool(len(present)) and pd.to_numeric(present, errors="coerce").notna().all()
    if numeric and distinct > _MAX_NUMERIC_GROUPS:
        raise DataValidationError(
            f"subgroup column {name!r} is numeric with {distinct} distinct values, which would "
            f"audit {distinct} tiny groups; cut it into bands instead: add to config.toml a "
            f'[[subgroups.bands]] with name = "{name}_band", source = "{name}", edges and '
            f'labels, and list "{name}_band" under [subgroups] columns'
        )
    if distinct > _MAX_GROUPS:
        raise DataValidationError(
            f"subgroup column {name!r} has {distinct} distinct values; an audit needs a few "
            f"groups (at most {_MAX_GROUPS}) with enough rows each: choose a coarser column, "
            "or merge rare values in the CSV"
        )


def infer_schema(data: Dataset) -> FeatureSchema:
    """Types, observed ranges and categories of the features, from the training rows."""
    numeric = []
    for name in data.numeric_columns:
        col = data.features[name].dropna()
        numeric.append(
            NumericFeature(
                name=name,
                integer=bool(np.all(np.mod(col.to_numpy(), 1) == 0)),
                minimum=float(col.min()),
                maximum=float(col.max()),
                nullable=bool(data.features[name].isna().any()),
            )
        )
    categorical = [
        CategoricalFeature(name=name, categories=tuple(sorted(data.features[name].unique())))
        for name in data.categorical_columns
    ]
    return FeatureSchema(numeric=tuple(numeric), categorical=tuple(categorical))


def _target(
    column: pd.Series, positive: str, lines: np.ndarray[Any, Any], source: str, name: str
) -> tuple[np.ndarray[Any, np.dtype[np.int64]], tuple[str, str]]:
    missing = lines[(column == "").to_numpy()]
    if missing.size:
        raise DataValidationError(
            f"target column {name!r} is empty on line(s) {_listing(missing)} of {source}"
        )
    values = sorted(column.unique())
    if len(values) != 2:
        shown = ", ".join(repr(v) for v in values[:10])
        raise DataValidationError(
            f"target column {name!r} must hold exactly two classes; found {len(values)}: {shown}"
        )
    if positive not in values:
        raise DataValidationError(
            f"positive class {positive!r} ([data] positive_class) does not occur in {name!r}; "
            f"its classes are {values[0]!r} and {values[1]!r}"
        )
    negative = values[0] if values[1] == positive else values[1]
    return (column == positive).to_numpy().astype(np.int64), (negative, positive)


def _column(
    column: pd.Series, name: str, lines: np.ndarray[Any, Any], source: str, cfg: Config
) -> tuple[pd.Series, bool]:
    """Parse one feature column; numeric if declared so, or if every value parses."""
    present = column != ""
    parsed = pd.to_numeric(column.where(present), errors="coerce")
    bad = present & parsed.isna()
    declared_numeric = name in cfg.data.numeric_columns
    declared_categorical = name in cfg.data.categorical_columns
    looks_numeric = present.any() and bad.sum() <= 0.1 * present.sum()
    if declared_numeric or (looks_numeric and not declared_categorical):
        if bad.any():
            at = lines[bad.to_numpy()]
            first = column[bad].iloc[0]
            raise DataValidationError(
                f"column {name!r} holds numbers, but {first!r} on line {at[0]} of {source} is "
                f"not a number (unparsable on line(s) {_listing(at)}); fix the value, or list "
                "the column under [data] categorical_columns"
            )
        if not np.all(np.isfinite(parsed.dropna().to_numpy(dtype=float))):
            raise DataValidationError(f"column {name!r} holds an infinite value")
        return parsed.astype(float), True
    return column.replace("", "missing").astype(str), False


def _band(column: pd.Series, band: Band, lines: np.ndarray[Any, Any], source: str) -> pd.Series:
    values = pd.to_numeric(column.where(column != ""), errors="coerce")
    bad = values.isna().to_numpy()
    if bad.any():
        raise DataValidationError(
            f"column {band.source!r}, needed for the subgroup {band.name!r}, is missing or not "
            f"a number on line(s) {_listing(lines[bad])} of {source}"
        )
    index = np.searchsorted(np.asarray(band.edges), values.to_numpy(), side="right")
    return pd.Series(np.asarray(band.labels, dtype=object)[index], index=column.index).astype(str)


def _listing(lines: np.ndarray[Any, Any]) -> str:
    shown = ", ".join(str(n) for n in lines[:_MAX_LISTED])
    more = len(lines) - _MAX_LISTED
    return shown + (f" and {more} more" if more > 0 else "")


def _json_value(value: Any, column: str, integer: set[str], categorical: set[str]) -> Any:
    if column in categorical:
        return str(value)
    if pd.isna(value):
        return None
    return int(value) if column in integer else float(value)
