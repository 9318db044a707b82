"""`make data-movielens`: download MovieLens (ml-latest-small) for a second, larger run.

MovieLens is never bundled: its terms (GroupLens) allow research use and forbid
redistribution without permission, so each user downloads it. The archive is checked
against the MD5 checksum GroupLens publishes beside it (ml-latest-small is updated from
time to time, so no checksum is pinned here; pass `--sha256` to pin one you trust), and
its sha256 is printed and written to `data/movielens/README.md`. `ratings.csv` is
unpacked through a staging file and renamed into place, and `config.movielens.toml` is
written beside `config.toml` with the [data] table pointing at it:

    python -m <package> --config config.movielens.toml all
"""

from __future__ import annotations

import hashlib
import io
import re
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

URL = "https://files.grouplens.org/datasets/movielens/ml-latest-small.zip"
MEMBER = "ml-latest-small/ratings.csv"
MAX_BYTES = 50 * 1024 * 1024  # the archive is about 1 MB; refuse anything absurd
DATA = {
    "path": "data/movielens/ratings.csv",
    "user_column": "userId",
    "item_column": "movieId",
    "rating_column": "rating",
    "positive_threshold": 4.0,
    "time_column": "timestamp",
    "time_counts_back": False,
}
# EASE inverts an items x items matrix: on about 9,700 movies that is about 2 GB and
# minutes, so the MovieLens config tries one setting; item-kNN keeps its grid.
TRAINING = {"ease_l2": [500.0]}
WORDING = {"user": "viewer", "users": "viewers", "item": "movie", "items": "movies"}


class DownloadError(RuntimeError):
    """The download failed or did not match its checksum; nothing was written."""


@dataclass(frozen=True)
class Downloaded:
    ratings: Path
    config: Path
    sha256: str
    rows: int


def fetch(url: str, timeout: float = 60.0) -> bytes:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            data: bytes = response.read(MAX_BYTES + 1)
    except OSError as exc:
        raise DownloadError(f"could not download {url}: {exc}; check the network") from exc
    if len(data) > MAX_BYTES:
        raise DownloadError(f"{url} is larger than {MAX_BYTES // 2**20} MB; refusing it")
    return data


def download(
    root: Path, config_path: Path, url: str = URL, sha256: str | None = None
) -> Downloaded:
    """Download, check, unpack `ratings.csv` and write the MovieLens config."""
    archive = fetch(url)
    digest = hashlib.sha256(archive).hexdigest()
    if sha256 is not None:
        if digest != sha256.lower():
            raise DownloadError(
                f"the archive's sha256 is {digest[:16]}…, not the pinned {sha256[:16]}…; "
                "nothing was written"
            )
    else:
        published = fetch(url + ".md5").decode("ascii", "replace").split()
        md5 = hashlib.md5(archive, usedforsecurity=False).hexdigest()
        if not published or published[0].lower() != md5:
            raise DownloadError(
                f"the archive's MD5 {md5} does not match the published checksum "
                f"{' '.join(published)[:40]!r}; nothing was written"
            )
    try:
        with zipfile.ZipFile(io.BytesIO(archive)) as zf:
            ratings = zf.read(MEMBER)
    except (zipfile.BadZipFile, KeyError) as exc:
        raise DownloadError(f"the archive has no {MEMBER}: {exc}") from exc
    header = ratings.split(b"\n", 1)[0].decode("utf-8", "replace").strip()
    if header.split(",") != ["userId", "movieId", "rating", "timestamp"]:
        raise DownloadError(f"{MEMBER} has an unexpected header: {header!r}")

    target = root / str(DATA["path"])
    target.parent.mkdir(parents=True, exist_ok=True)
    _write_atomically(target, ratings)
    _write_atomically(target.parent / "README.md", _readme(url, digest).encode("utf-8"))
    config = config_path.with_name("config.movielens.toml")
    _write_atomically(config, movielens_config(config_path.read_text(encoding="utf-8")).encode())
    return Downloaded(target, config, digest, ratings.count(b"\n") - 1)


def movielens_config(text: str) -> str:
    """`config.toml` with its [data], [wording] and EASE grid set for MovieLens."""
    for section, values in (("data", DATA), ("wording", WORDING), ("training", TRAINING)):
        for key, value in values.items():
            text = _set(text, section, key, value)
    return "# Written by `make data-movielens` from config.toml.\n" + text


def _set(text: str, section: str, key: str, value: object) -> str:
    """Replace `key = ...` inside `[section]`; refuse a config without that line."""
    pattern = re.compile(
        rf"(^\[{section}\]\n(?:(?!^\[).*\n)*?){re.escape(key)} = .*$", re.MULTILINE
    )
    literal = _toml(value)
    new, count = pattern.subn(lambda m: f"{m.group(1)}{key} = {literal}", text, count=1)
    if count != 1:
        raise DownloadError(f"config.toml has no `{key} = ...` line in [{section}]")
    return new


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return repr(value)


def _write_atomically(path: Path, data: bytes) -> None:
    staged = path.with_name(path.name + ".partial")
    try:
        staged.write_bytes(data)
        staged.replace(path)
    finally:
        staged.unlink(missing_ok=True)


def _readme(url: str, digest: str) -> str:
    return (
        "# MovieLens ml-latest-small (downloaded, not committed)\n\n"
        f"- Source: {url}, by GroupLens Research, University of Minnesota.\n"
        "- Terms: the GroupLens usage licence (research use; no redistribution without "
        'permission; cite F. M. Harper and J. A. Konstan, "The MovieLens Datasets: History '
        'and Context", ACM TiiS 5(4), 2015). Read the README.txt inside the archive.\n'
        f"- sha256 of the archive as downloaded: `{digest}`\n"
        "- `ratings.csv`: userId, movieId, rating (0.5-5 stars), timestamp (seconds).\n"
        "- Git ignores this folder: the terms do not allow committing it.\n"
    )
