"""Reading the file given with `new --dataset`: light, with the standard library only.

portfoliokit reads just enough to check the file against the answers before anything is
written: the header, and for the columns the answers name, how many cells are empty,
which values occur (for class columns) and whether they are numbers. The generated
project's own loader (`core/dataio.py` and the template's data module) reads the file
in full each time the pipeline runs.

Accepted, as the generated projects accept it: UTF-8 text (a byte-order mark is
skipped), comma-separated, a header line with a distinct name for every column, at
least one row. Blank lines are skipped; a row with fewer fields than the header has
empty cells; a row with more is an error. Files over `MAX_BYTES` are refused: `check`
reports a tracked file over that size as an error and `publish` refuses to push one, so
a project made with it could never be published.
"""

import csv
import hashlib
import io
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from .errors import DatasetError

__all__ = [
    "MAX_BYTES",
    "MAX_VALUES",
    "ColumnProfile",
    "DataFile",
    "OpenedFile",
    "open_data_file",
    "profile",
    "write_copy",
]

# The size `check` reports as an error in a tracked file (GitHub warns over 50 MB and
# refuses over 100 MB).
MAX_BYTES = 50 * 1024 * 1024
# Different values remembered per column; enough to list classes and offer them as choices.
MAX_VALUES = 50
_OTHER_SEPARATORS = {";": "semicolon", "\t": "tab", "|": "bar"}


@dataclass
class ColumnProfile:
    """What one column holds, cells stripped of surrounding spaces."""

    empty: int = 0
    filled: int = 0
    first_empty_line: int | None = None
    values: Counter[str] = field(default_factory=Counter)
    more_values: bool = False  # more than MAX_VALUES different values
    first_non_number: tuple[int, str] | None = None  # (line, cell)


@dataclass(frozen=True)
class DataFile:
    """The file's facts and the profile of the columns asked for."""

    path: Path
    size: int
    sha256: str
    header: tuple[str, ...]
    rows: int
    columns: dict[str, ColumnProfile]
    # Rows whose counted columns are all filled, per value of the class column.
    class_rows: Counter[str]
    content: bytes = field(repr=False)

    @property
    def name(self) -> str:
        return self.path.name


@dataclass(frozen=True)
class OpenedFile:
    """A file read and decoded, its header checked; the rows not yet looked at."""

    path: Path
    content: bytes = field(repr=False)
    text: str = field(repr=False)
    header: tuple[str, ...]


def open_data_file(path: Path) -> OpenedFile:
    """Read `path`: size, encoding, separator and header are checked.

    Raises:
        DatasetError: the file is missing, too large, not UTF-8 text or not comma-separated,
            or its header lacks or repeats a name.
    """
    raw = _read(path)
    text = _decode(raw, path.name)
    return OpenedFile(path=path, content=raw, text=text, header=_header(text, path.name))


def profile(
    opened: OpenedFile, columns: Iterable[str], class_column: str | None, counted: Iterable[str]
) -> DataFile:
    """Go through the rows once and profile `columns` (names in the header).

    The rows whose `counted` columns are all filled are counted per value of
    `class_column`.

    Raises:
        DatasetError: a malformed row, or no row at all.
    """
    path, raw, text, header = opened.path, opened.content, opened.text, opened.header
    position = {name: index for index, name in enumerate(header)}
    profiles = {name: ColumnProfile() for name in columns if name in position}
    wanted = [(profiles[name], position[name]) for name in profiles]
    counted_at = [position[name] for name in counted if name in position]
    class_at = position.get(class_column) if class_column else None
    class_rows: Counter[str] = Counter()
    rows = 0
    reader = csv.reader(io.StringIO(text, newline=""))
    next(reader)
    try:
        for record in reader:
            if not record or (len(record) == 1 and not record[0].strip()):
                continue  # a blank line
            line = reader.line_num
            if len(record) > len(header):
                raise DatasetError(
                    [
                        f"{path.name}: line {line} has {len(record)} fields, but the header "
                        f"has {len(header)} columns; quote values that contain a comma, or "
                        "remove the extra field."
                    ]
                )
            rows += 1
            if len(record) < len(header):  # missing trailing fields are empty cells
                record += [""] * (len(header) - len(record))
            for profile, index in wanted:
                _add(profile, record[index].strip(), line)
            if class_at is not None and all(record[i].strip() for i in counted_at):
                class_rows[record[class_at].strip()] += 1
    except csv.Error as error:
        raise DatasetError(
            [f"{path.name}: line {reader.line_num} is not well-formed CSV ({error})."]
        ) from error
    if rows == 0:
        raise DatasetError([f"{path.name} has a header but no rows; give a file with data."])
    return DataFile(
        path=path,
        size=len(raw),
        sha256=hashlib.sha256(raw).hexdigest(),
        header=header,
        rows=rows,
        columns=profiles,
        class_rows=class_rows,
        content=raw,
    )


def _add(profile: ColumnProfile, cell: str, line: int) -> None:
    if not cell:
        profile.empty += 1
        if profile.first_empty_line is None:
            profile.first_empty_line = line
        return
    profile.filled += 1
    if cell in profile.values or len(profile.values) < MAX_VALUES:
        profile.values[cell] += 1
    else:
        profile.more_values = True
    if profile.first_non_number is None and not _is_number(cell):
        profile.first_non_number = (line, cell)


def _is_number(cell: str) -> bool:
    try:
        return math.isfinite(float(cell))
    except ValueError:
        return False


def _read(path: Path) -> bytes:
    shown = path.name or str(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise DatasetError(
            [f"--dataset {path}: no such file; give the path of your CSV file."]
        ) from None
    except OSError as error:
        raise DatasetError([f"--dataset {path}: cannot read it ({error.strerror})."]) from None
    if path.is_dir():
        raise DatasetError([f"--dataset {path} is a folder; give one CSV file."])
    if size > MAX_BYTES:
        raise DatasetError(
            [
                f"{shown} is {size / 1024 / 1024:.0f} MB; a project's files must stay under "
                f"{MAX_BYTES // 1024 // 1024} MB to be published (GitHub warns over 50 MB and "
                "refuses over 100 MB): use a sample of the rows, e.g. the header and the first "
                f"100,000 lines (`head -n 100001 {shown} > sample.csv`)."
            ]
        )
    try:
        with path.open("rb") as handle:
            return handle.read()
    except OSError as error:
        raise DatasetError([f"--dataset {path}: cannot read it ({error.strerror})."]) from None


def _decode(raw: bytes, name: str) -> str:
    """The text of a UTF-8 file, or an error naming the first byte that is not UTF-8."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DatasetError(
            [
                f"{name} is UTF-16 text; save it as UTF-8, e.g. "
                f"`iconv -f UTF-16 -t UTF-8 {name} > {_utf8_name(name)}`."
            ]
        )
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        raise DatasetError(
            [
                f"{name} holds NUL bytes (first on line {line}): it is not UTF-8 text; save it "
                "from your spreadsheet as CSV UTF-8."
            ]
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        byte = raw[error.start]
        raise DatasetError(
            [
                f"{name} is not UTF-8: byte 0x{byte:02X} on line {line} is not valid UTF-8 "
                "(the file may be Windows-1252 or Latin-1); convert it, e.g. "
                f"`iconv -f WINDOWS-1252 -t UTF-8 {name} > {_utf8_name(name)}`."
            ]
        ) from None
    if not text.strip():
        raise DatasetError([f"{name} is empty; it needs a header line and rows."])
    return text


def _header(text: str, name: str) -> tuple[str, ...]:
    first = text.lstrip("\r\n").splitlines()[0]
    fields = next(csv.reader([first]))
    if len(fields) == 1:
        for separator, label in _OTHER_SEPARATORS.items():
            if len(next(csv.reader([first], delimiter=separator))) > 1:
                raise DatasetError(
                    [
                        f"{name} looks {label}-separated (its header splits at {separator!r}, "
                        "not at commas); save it comma-separated, e.g. as CSV UTF-8 (comma "
                        "delimited) from your spreadsheet."
                    ]
                )
    names = tuple(field.strip() for field in fields)
    for position, column in enumerate(names, start=1):
        if not column:
            raise DatasetError([f"{name}: column {position} of the header has no name."])
    repeated = sorted({column for column in names if names.count(column) > 1})
    if repeated:
        raise DatasetError(
            [
                f"{name}: the header names {', '.join(map(repr, repeated))} more than once; "
                "give every column its own name."
            ]
        )
    return names


def _utf8_name(name: str) -> str:
    stem, dot, suffix = name.rpartition(".")
    return f"{stem}-utf8.{suffix}" if dot else f"{name}-utf8"


def write_copy(content: bytes, destination: Path) -> None:
    """Write the checked bytes to `destination`, a chunk at a time (Ctrl-C can land between)."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    chunk = 1 << 20
    with destination.open("xb") as handle:
        for start in range(0, len(content), chunk):
            _write_chunk(handle, content[start : start + chunk])


def _write_chunk(handle: BinaryIO, chunk: bytes) -> None:
    handle.write(chunk)
