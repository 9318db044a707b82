"""Reading data files: UTF-8 with or without BOM; every other file gets one clear line."""

from pathlib import Path

import pytest

from {{ package_name }}.core.dataio import (
    DataFileError,
    EmptyFileError,
    EncodingError,
    HeaderError,
    MalformedRowError,
    MissingFileError,
    SeparatorError,
    read_table,
)

CSV = "amount,purpose,outcome\n100,car,bad\n250, tv ,good\n"


def write(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "data.csv"
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"], ids=["plain", "bom"])
@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_utf8_with_or_without_bom_reads_the_same(tmp_path: Path, bom: bytes, newline: str) -> None:
    table = read_table(write(tmp_path, bom + CSV.replace("\n", newline).encode()))
    assert list(table.frame.columns) == ["amount", "purpose", "outcome"]
    assert table.frame.to_dict("records") == [
        {"amount": "100", "purpose": "car", "outcome": "bad"},
        {"amount": "250", "purpose": "tv", "outcome": "good"},
    ]
    assert table.had_bom == bool(bom)


def test_non_ascii_utf8_is_kept(tmp_path: Path) -> None:
    table = read_table(write(tmp_path, "city,y\nMünchen,1\nZürich,0\n".encode()))
    assert table.frame["city"].tolist() == ["München", "Zürich"]


def test_latin1_is_reported_with_line_byte_and_fix(tmp_path: Path) -> None:
    path = write(tmp_path, "city,y\nParis,1\nMünchen,0\n".encode("latin-1"))
    with pytest.raises(EncodingError) as caught:
        read_table(path)
    message = str(caught.value)
    assert "not UTF-8" in message and "0xFC" in message and "line 3" in message
    assert "'ü'" in message and "iconv" in message
    assert "\n" not in message


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le"])
def test_utf16_is_reported(tmp_path: Path, encoding: str) -> None:
    with pytest.raises(EncodingError, match="UTF-16"):
        read_table(write(tmp_path, CSV.encode(encoding)))


@pytest.mark.parametrize(("separator", "label"), [(";", "semicolon"), ("\t", "tab"), ("|", "bar")])
def test_another_separator_is_named(tmp_path: Path, separator: str, label: str) -> None:
    path = write(tmp_path, CSV.replace(",", separator).encode())
    with pytest.raises(SeparatorError, match=f"looks {label}-separated"):
        read_table(path)


def test_a_requested_separator_is_used(tmp_path: Path) -> None:
    path = write(tmp_path, CSV.replace(",", ";").encode())
    assert read_table(path, separator=";").frame["purpose"].tolist() == ["car", "tv"]


def test_a_one_column_file_is_not_mistaken_for_another_separator(tmp_path: Path) -> None:
    table = read_table(write(tmp_path, b"text\nhello\nworld\n"))
    assert table.frame["text"].tolist() == ["hello", "world"]


def test_quoted_separators_stay_inside_a_value(tmp_path: Path) -> None:
    table = read_table(write(tmp_path, b'name,y\n"Smith, Ada",1\n'))
    assert table.frame["name"].tolist() == ["Smith, Ada"]


def test_short_rows_are_missing_cells(tmp_path: Path) -> None:
    table = read_table(write(tmp_path, b"a,b,c\n1,2\n"))
    assert table.frame.to_dict("records") == [{"a": "1", "b": "2", "c": ""}]


def test_a_row_with_too_many_fields_names_its_line(tmp_path: Path) -> None:
    with pytest.raises(MalformedRowError, match="line 3"):
        read_table(write(tmp_path, b"a,b\n1,2\n3,4,5\n"))


@pytest.mark.parametrize(
    ("header", "match"),
    [(b"a,,c", "column 2 .* has no name"), (b"a,b,a", "'a' more than once")],
)
def test_a_bad_header_is_refused(tmp_path: Path, header: bytes, match: str) -> None:
    with pytest.raises(HeaderError, match=match):
        read_table(write(tmp_path, header + b"\n1,2,3\n"))


@pytest.mark.parametrize("data", [b"", b"\n\n", b"a,b\n"])
def test_empty_files_and_headers_without_rows(tmp_path: Path, data: bytes) -> None:
    with pytest.raises(EmptyFileError):
        read_table(write(tmp_path, data))


def test_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(MissingFileError, match="no file at"):
        read_table(tmp_path / "nope.csv")


def test_every_error_is_one_line_and_a_value_error(tmp_path: Path) -> None:
    bad = [b"\xff\xfeA", b"a;b\n1;2\n", b"a,a\n1,2\n", b"a\n", "x\n\u00e9\n".encode("latin-1")]
    for data in bad:
        with pytest.raises(DataFileError) as caught:
            read_table(write(tmp_path, data))
        assert isinstance(caught.value, ValueError)
        assert "\n" not in str(caught.value)


def test_the_hash_is_of_the_bytes(tmp_path: Path) -> None:
    first = read_table(write(tmp_path, CSV.encode())).sha256
    second = read_table(write(tmp_path, b"\xef\xbb\xbf" + CSV.encode())).sha256
    assert first != second and len(first) == 64
