from pathlib import Path

import pytest

from {{ package_name }}.core.markers import (
    END,
    START,
    MarkerError,
    extract,
    splice,
    splice_file,
    story_prompts,
)

DOC = f"# Title\n\nIntro.\n\n{START}\nold results\n{END}\n\nWritten by hand.\n"


def test_splice_replaces_only_the_block_between_the_markers() -> None:
    new = splice(DOC, "| metric | value |\n|---|---|\n| cost | 512 |\n")
    assert new.startswith("# Title\n\nIntro.\n\n")
    assert new.endswith(f"{END}\n\nWritten by hand.\n")
    assert extract(new) == "| metric | value |\n|---|---|\n| cost | 512 |"
    assert "old results" not in new


def test_splicing_twice_is_idempotent() -> None:
    once = splice(DOC, "block")
    assert splice(once, "block") == once


@pytest.mark.parametrize(
    "text",
    ["no markers at all", f"{START} twice {START} {END}", f"{END} before {START}"],
)
def test_bad_markers_are_refused_with_a_reason(text: str) -> None:
    with pytest.raises(MarkerError, match="results"):
        splice(text, "block", "README.md")


def test_splice_file_reports_whether_it_changed(tmp_path: Path) -> None:
    path = tmp_path / "README.md"
    path.write_text(DOC, encoding="utf-8")
    assert splice_file(path, "new") is True
    assert splice_file(path, "new") is False


def test_story_prompts_are_found_with_their_line() -> None:
    text = "a\n> **YOUR STORY:** why this problem matters to you\nb **YOUR STORY:** quoted\n"
    assert story_prompts(text) == [(2, "why this problem matters to you")]
