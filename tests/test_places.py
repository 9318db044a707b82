"""The author's places: one pattern finds every marker form, and only markers."""

import pytest

from portfoliokit.places import Place, find_places


@pytest.mark.parametrize(
    ("line", "prompt"),
    [
        ("> **YOUR STORY:** why this problem matters to you", "why this problem matters to you"),
        (">**YOUR STORY:**why it matters", "why it matters"),
        ("<!-- YOUR-STORY: why this problem matters to you -->", "why this problem matters to you"),
        ("  <!-- YOUR-STORY: indented -->", "indented"),
        ("> **YOUR STORY:**", ""),
    ],
)
def test_each_marker_form_is_found_with_its_prompt(line: str, prompt: str) -> None:
    assert find_places(f"# Title\n\n{line}\n") == [Place(line=3, prompt=prompt)]


@pytest.mark.parametrize(
    "line",
    [
        "Write your story here.",  # prose, not a marker
        "is a quoted line in the text, starting with YOUR STORY in bold and saying what to write,",
        "so that `grep -rn '^> \\*\\*YOUR STORY'` lists every place",
        "> **Your story:** not the marker's spelling",
        "> YOUR STORY: not in bold",
        "<!-- results:start -->",
    ],
)
def test_text_without_a_marker_is_not_a_place(line: str) -> None:
    assert find_places(line) == []


def test_places_are_counted_per_line_in_order() -> None:
    text = "a\n> **YOUR STORY:** one\nb\n\n<!-- YOUR-STORY: two -->\n"
    assert find_places(text) == [Place(2, "one"), Place(5, "two")]
