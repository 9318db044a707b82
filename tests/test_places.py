"""The author's places: one pattern finds every marker form, and only markers."""

import pytest

from portfoliokit.places import Place, find_places


@pytest.mark.parametrize(
    ("line", "prompt"),
    [
        ("<!-- YOUR-STORY: why this problem matters to you -->", "why this problem matters to you"),
        ("> **YOUR STORY:** why this problem matters to you", "why this problem matters to you"),
        ("**YOUR-STORY**: why this problem matters", "why this problem matters"),
        ("[YOUR STORY: the data's licence]", "the data's licence"),
        ("- **Licence**: YOUR-STORY: the data's licence", "the data's licence"),
        ("<!-- YOUR-STORY -->", ""),
    ],
)
def test_each_marker_form_is_found_with_its_prompt(line: str, prompt: str) -> None:
    assert find_places(f"# Title\n\n{line}\n") == [Place(line=3, prompt=prompt)]


@pytest.mark.parametrize(
    "line",
    [
        "Write your story here.",  # prose, not a marker
        "YOURSTORY: run together",
        "your-story: lower case is a word, not the marker",
        "<!-- results:start -->",
    ],
)
def test_text_without_a_marker_is_not_a_place(line: str) -> None:
    assert find_places(line) == []


def test_places_are_counted_per_line_in_order() -> None:
    text = "a\n<!-- YOUR-STORY: one -->\nb\n\n<!-- YOUR-STORY: two -->\n"
    assert find_places(text) == [Place(2, "one"), Place(5, "two")]
