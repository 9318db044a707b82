"""Load the configured CSV of interactions and validate it.

Validation stops at the first problem with a message that names the column, the value
and the line of the file, so a user can fix their own CSV without reading this code.
Line numbers count the header as line 1, as an editor does. User and item IDs are kept
as text, so "007" and "7" stay different users.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from .config import DataConfig

_MAX_LISTED = 5


class DataValidationError(ValueError):
    """The data cannot be used as configured; the message says where and why."""


@dataclass(frozen=True)
class Interactions:
    """Validated interactions, one entry per CSV row, in file order.

    `time` is oriented so that larger means later (a column that counts back is negated);
    it is None without a time column. `positive` marks the interactions a recommender
    should find: rating at or above the threshold, or every interaction without ratings.
    """

    users: npt.NDArray[np.str_]
    items: npt.NDArray[np.str_]
    ratings: npt.NDArray[np.float64] | None
    time: npt.NDArray[np.float64] | None
    positive: npt.NDArray[np.bool_]
    lines: npt.NDArray[np.int64]
    sha256: str

    def __len__(self) -> int:
        return len(self.users)

    def subset(self, mask: npt.NDArray[np.bool_]) -> Interactions:
        return Interactions(
            users=self.users[mask],
            items=self.items[mask],
            ratings=None if self.ratings is None else self.ratings[mask],
            time=None if self.time is None else self.time[mask],
            positive=self.positive[mask],
            lines=self.lines[mask],
            sha256=self.sha256,
        )


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_interactions(cfg: DataConfig) -> Interactions:
    """Read and validate the configured CSV."""
    path = cfg.path
    if not path.is_file():
        raise DataValidationError(
            f"{path.name}: file not found at {path}; set [data] path in config.toml"
        )
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, skipinitialspace=True)
    except pd.errors.EmptyDataError as exc:
        raise DataValidationError(f"{path.name} is empty: it needs a header and rows") from exc
    except pd.errors.ParserError as exc:
        raise DataValidationError(f"{path.name} is not a well-formed CSV: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise DataValidationError(f"{path.name} is not UTF-8 text; save it as UTF-8") from exc
    return validate_frame(raw, cfg, sha256=file_sha256(path), source=path.name)


def validate_frame(
    raw: pd.DataFrame, cfg: DataConfig, sha256: str = "", source: str = "data"
) -> Interactions:
    """Validate a frame of strings as read from the CSV (empty string = missing)."""
    raw = raw.rename(columns=lambda c: str(c).strip())
    if raw.empty:
        raise DataValidationError(f"{source} has a header but no rows")
    lines = np.arange(2, len(raw) + 2, dtype=np.int64)
    needed = {
        "[data] user_column": cfg.user_column,
        "[data] item_column": cfg.item_column,
        "[data] rating_column": cfg.rating_column,
        "[data] time_column": cfg.time_column,
    }
    for key, column in needed.items():
        if column and column not in raw.columns:
            raise DataValidationError(
                f"column {column!r} (from {key} in config.toml) is not in {source}; "
                f"its columns are: {', '.join(raw.columns)}"
            )
    users = _ids(raw[cfg.user_column], cfg.user_column, lines, source)
    items = _ids(raw[cfg.item_column], cfg.item_column, lines, source)
    ratings = None
    if cfg.rating_column:
        ratings = _numbers(raw[cfg.rating_column], cfg.rating_column, lines, source)
        positive = ratings >= cfg.positive_threshold
        if not positive.any():
            raise DataValidationError(
                f"no rating in {cfg.rating_column!r} reaches [data] positive_threshold "
                f"{cfg.positive_threshold:g}; lower the threshold"
            )
    else:
        positive = np.ones(len(raw), dtype=bool)
    time = None
    if cfg.time_column:
        time = _times(raw[cfg.time_column], cfg.time_column, lines, source)
        if cfg.time_counts_back:
            time = -time
    if len(np.unique(users)) < 2 or len(np.unique(items)) < 2:
        raise DataValidationError(f"{source} needs at least two users and two items")
    return Interactions(
        users=users,
        items=items,
        ratings=ratings,
        time=time,
        positive=np.asarray(positive, dtype=bool),
        lines=lines,
        sha256=sha256,
    )


def _ids(
    column: pd.Series, name: str, lines: npt.NDArray[np.int64], source: str
) -> npt.NDArray[np.str_]:
    values = column.astype(str).str.strip()
    empty = (values == "").to_numpy()
    if empty.any():
        raise DataValidationError(
            f"column {name!r} is empty on line(s) {_listing(lines[empty])} of {source}; "
            "every interaction needs a user and an item"
        )
    return np.asarray(values.to_numpy(dtype=str), dtype=np.str_)


def _numbers(
    column: pd.Series, name: str, lines: npt.NDArray[np.int64], source: str
) -> npt.NDArray[np.float64]:
    parsed = np.asarray(pd.to_numeric(column.str.strip(), errors="coerce"), dtype=np.float64)
    bad = ~np.isfinite(parsed)
    if bad.any():
        first = column.to_numpy()[bad][0]
        raise DataValidationError(
            f"column {name!r} holds numbers, but {first!r} on line {lines[bad][0]} of {source} "
            f"is not a finite number (line(s) {_listing(lines[bad])}); fix the values"
        )
    return parsed


def _times(
    column: pd.Series, name: str, lines: npt.NDArray[np.int64], source: str
) -> npt.NDArray[np.float64]:
    """Numbers as they are; otherwise dates or date-times, as seconds since 1970."""
    stripped = column.str.strip()
    numbers = np.asarray(pd.to_numeric(stripped, errors="coerce"), dtype=np.float64)
    if np.isfinite(numbers).all():
        return numbers
    dates = pd.to_datetime(stripped, errors="coerce", utc=True, format="mixed")
    bad = dates.isna().to_numpy()
    if bad.any():
        first = column.to_numpy()[bad][0]
        raise DataValidationError(
            f"column {name!r} orders the interactions in time, but {first!r} on line "
            f"{lines[bad][0]} of {source} is neither a number nor a date (line(s) "
            f'{_listing(lines[bad])}); fix the values or set [data] time_column = ""'
        )
    return np.asarray((dates - pd.Timestamp(0, tz="UTC")).dt.total_seconds(), dtype=np.float64)


def _listing(lines: npt.NDArray[Any]) -> str:
    shown = ", ".join(str(n) for n in lines[:_MAX_LISTED])
    more = len(lines) - _MAX_LISTED
    return shown + (f" and {more} more" if more > 0 else "")
