"""Reading a delimited text file (CSV) into a frame of strings, or one clear error.

What is accepted, and what is done about the rest:

- UTF-8, with or without a byte-order mark (spreadsheets often write one): read as is.
- Any other encoding (Windows-1252 or Latin-1 from older spreadsheets, UTF-16 from some
  exports) is not guessed at, since a wrong guess silently changes values: the error
  names the byte and line where UTF-8 fails, what the file most likely is, and the
  command that converts it.
- The separator is the one asked for (a comma by default). When the header does not split
  at it but does split at a semicolon, a tab or a bar, the error says which separator the
  file uses and how to convert it; nothing is re-read with another separator behind the
  user's back (a semicolon file usually writes decimal commas too).
- A header with a blank or repeated column name, a row with more fields than the header,
  an empty file or a header without rows: one error each, naming the line.

Every error is a `DataFileError` (a `ValueError`) whose message is one line that says
what was found and what to do; a command line prints it and exits non-zero.

Example:
    table = read_table(Path("data/my_data.csv"))
    table.frame  # every cell a str, "" where the file has nothing
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .errors import ProjectError

__all__ = [
    "DataFileError",
    "EmptyFileError",
    "EncodingError",
    "HeaderError",
    "MalformedRowError",
    "MissingFileError",
    "SeparatorError",
    "Table",
    "read_table",
]

# Separators recognised when the requested one does not split the header.
_OTHER_SEPARATORS = {";": "semicolon", "\t": "tab", "|": "bar"}
_NAMES = {",": "comma", **_OTHER_SEPARATORS}


class DataFileError(ProjectError, ValueError):
    """The file cannot be read as a table; the message says why and what to do."""


class MissingFileError(DataFileError):
    """There is no file at the path."""


class EmptyFileError(DataFileError):
    """The file is empty, or has a header but no rows."""


class EncodingError(DataFileError):
    """The file is not UTF-8 text."""


class SeparatorError(DataFileError):
    """The file's fields are separated by another character than the one expected."""


class HeaderError(DataFileError):
    """The header has a blank or repeated column name."""


class MalformedRowError(DataFileError):
    """A row does not fit the header (more fields than columns, an unclosed quote)."""


@dataclass(frozen=True)
class Table:
    """A file read as text: cells as `str`, "" where empty, stripped of spaces."""

    frame: pd.DataFrame
    sha256: str  # of the file's bytes, so a later stage can refuse a changed file
    had_bom: bool  # a UTF-8 byte-order mark was found and removed


def read_table(path: Path, *, separator: str = ",", source: str | None = None) -> Table:
    """Read `path` as UTF-8 text separated by `separator`.

    Args:
        path: the file.
        separator: one character between fields (default: comma).
        source: how messages name the file (default: its name).

    Raises:
        DataFileError: one of its subclasses, with a one-line message.
    """
    name = source or path.name
    try:
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise MissingFileError(f"{name}: no file at {path}") from exc
    except IsADirectoryError as exc:
        raise MissingFileError(f"{name}: {path} is a folder, not a file") from exc
    except OSError as exc:
        raise DataFileError(f"{name}: cannot read {path}: {exc.strerror}") from exc
    text, had_bom = decode(raw, name)
    if not text.strip():
        raise EmptyFileError(f"{name} is empty: it needs a header line and rows")
    header = _header(text, separator, name)
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=separator,
            dtype=str,
            keep_default_na=False,
            skipinitialspace=True,
            engine="c",
        )
    except pd.errors.ParserError as exc:
        raise MalformedRowError(
            f"{name} is not a well-formed table: {_parser_detail(exc)}"
        ) from exc
    if frame.empty:
        raise EmptyFileError(f"{name} has a header but no rows")
    if len(header) == len(frame.columns):
        frame.columns = header
    frame = frame.map(lambda v: v.strip() if isinstance(v, str) else "")
    return Table(frame=frame, sha256=hashlib.sha256(raw).hexdigest(), had_bom=had_bom)


def decode(raw: bytes, name: str = "data") -> tuple[str, bool]:
    """The file's text and whether it began with a UTF-8 byte-order mark."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise EncodingError(
            f"{name} is UTF-16 text (it starts with a UTF-16 byte-order mark); save it as "
            f"UTF-8, e.g. `iconv -f UTF-16 -t UTF-8 {name} > {_utf8_name(name)}`"
        )
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        raise EncodingError(
            f"{name} holds NUL bytes (first on line {line}): it is UTF-16 without a byte-order "
            "mark or not a text file; save it from your spreadsheet as CSV UTF-8"
        )
    had_bom = raw.startswith(b"\xef\xbb\xbf")
    try:
        return raw.decode("utf-8-sig"), had_bom
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        byte = raw[exc.start]
        guess = bytes([byte]).decode("cp1252", errors="replace")
        raise EncodingError(
            f"{name} is not UTF-8: byte 0x{byte:02X} on line {line}, column {column} is not "
            f"valid UTF-8 (in Windows-1252 or Latin-1 it would be {guess!r}); convert it, e.g. "
            f"`iconv -f WINDOWS-1252 -t UTF-8 {name} > {_utf8_name(name)}`, or save it as "
            "CSV UTF-8"
        ) from exc


def _header(text: str, separator: str, name: str) -> list[str]:
    """The column names, checked; a header that only splits elsewhere names its separator."""
    first = text.lstrip("\r\n").splitlines()[0]
    fields = next(csv.reader([first], delimiter=separator))
    if len(fields) == 1:
        for other, label in _OTHER_SEPARATORS.items():
            if other != separator and len(next(csv.reader([first], delimiter=other))) > 1:
                wanted = _NAMES.get(separator, repr(separator))
                raise SeparatorError(
                    f"{name} looks {label}-separated (its header {first[:60]!r} splits at "
                    f"{other!r}, not at {separator!r}); save it {wanted}-separated, e.g. from "
                    "your spreadsheet as CSV UTF-8 (comma delimited)"
                )
    names = [field.strip() for field in fields]
    for position, column in enumerate(names, start=1):
        if not column:
            raise HeaderError(f"column {position} of {name}'s header (line 1) has no name")
    repeated = sorted({c for c in names if names.count(c) > 1})
    if repeated:
        raise HeaderError(
            f"{name}'s header names {', '.join(map(repr, repeated))} more than once; give "
            "every column its own name"
        )
    return names


def _parser_detail(exc: Exception) -> str:
    """pandas' message in one line, e.g. 'Expected 3 fields in line 5, saw 4'."""
    detail = " ".join(str(exc).split()).removeprefix("Error tokenizing data. C error: ")
    return detail + "; quote values that contain the separator, or remove the extra field"


def _utf8_name(name: str) -> str:
    stem, dot, suffix = name.rpartition(".")
    return f"{stem}-utf8.{suffix}" if dot else f"{name}-utf8"
