"""The demo page machinery: served by the app, nothing from another host, the form's
schema and example handed to the page."""

import re
from typing import Literal

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel, Field

from {{ package_name }}.core.demo import (
    DecisionControl,
    ListsLabels,
    demo_router,
    lists_router,
)


class Case(BaseModel):
    age: int = Field(ge=18, le=90)
    colour: Literal["red", "blue"]


def client() -> TestClient:
    app = FastAPI()
    app.include_router(
        demo_router(
            request_model=Case, example={"age": 30, "colour": "blue"}, predict_path="/predict",
            title="Try it", intro="An example.",
            decision=DecisionControl(
                threshold=0.2, cost_ratio=5.0, score_field="score", score_label="Score",
                flagged_field="flagged", decision_field="decision",
                positive_action="reject", negative_action="approve",
            ),
        )
    )  # fmt: skip
    return TestClient(app)


def test_page_and_assets_are_served_with_a_self_only_policy() -> None:
    c = client()
    for path, kind in [("/demo", "text/html"), ("/demo/demo.js", "text/javascript"),
                       ("/demo/demo.css", "text/css")]:  # fmt: skip
        response = c.get(path)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith(kind)
        assert "default-src 'self'" in response.headers["content-security-policy"]


def test_nothing_is_loaded_from_another_host() -> None:
    c = client()
    for path in ("/demo", "/demo/demo.js", "/demo/demo.css"):
        text = c.get(path).text
        assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", text, re.I), path
        assert "@import" not in text


def test_the_root_opens_the_page() -> None:
    response = client().get("/", follow_redirects=False)
    assert response.status_code == 307
    assert response.headers["location"] == "/demo"


def test_the_config_carries_the_schema_example_and_decision() -> None:
    config = client().get("/demo/config.json").json()
    assert config["schema"]["properties"]["age"]["minimum"] == 18
    assert config["schema"]["properties"]["colour"]["enum"] == ["red", "blue"]
    assert config["example"] == {"age": 30, "colour": "blue"}
    assert config["decision"]["threshold"] == 0.2
    assert config["predict_path"] == "/predict"


def test_the_form_page_is_the_frame_around_the_form() -> None:
    page = client().get("/demo").text
    assert page.count("<main>") == 1 and 'id="fields"' in page and 'id="cost-ratio"' in page
    assert '<script src="/demo/demo.js" defer></script>' in page
    assert '<body data-config="/demo/config.json">' in page
    assert not re.search(r"\{[A-Z]+\}", page)  # every placeholder of the frame filled in


LABELS = ListsLabels(
    subject="Student", missing="Give a student ID.", history="History",
    rankers={"popular": "Most popular", "knn": "Neighbours (served)"}, fallback="New here",
)  # fmt: skip


def lists_client(**overrides: object) -> TestClient:
    arguments: dict[str, object] = dict(
        title="Recommendations", intro="Pick one.", examples=["7", "new"],
        rankers=["popular", "knn"], shown=("knn", "popular"), default_k=10, max_k=50,
        history_path="/users/{id}/history", list_path="/recs/{id}?k={k}&model={model}",
        labels=LABELS,
    )  # fmt: skip
    app = FastAPI()
    app.include_router(lists_router(**{**arguments, **overrides}))  # type: ignore[arg-type]
    return TestClient(app)


def test_the_lists_view_is_the_same_frame_with_its_own_script_and_styles() -> None:
    c = lists_client()
    page = c.get("/demo")
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert '<link rel="stylesheet" href="/demo/demo.css">' in page.text
    assert '<link rel="stylesheet" href="/demo/lists.css">' in page.text
    assert '<script src="/demo/lists.js" defer></script>' in page.text
    for name in ("user", "k", "model-a", "model-b", "history", "list-a", "list-b", "fallback"):
        assert f'id="{name}"' in page.text
    assert 'id="fields"' not in page.text and not re.search(r"\{[A-Z]+\}", page.text)
    for path, kind in [("/demo/lists.js", "text/javascript"), ("/demo/lists.css", "text/css"),
                       ("/demo/demo.css", "text/css")]:  # fmt: skip
        response = c.get(path)
        assert response.headers["content-type"].startswith(kind)
        assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", response.text, re.I)
    assert c.get("/demo/demo.js").status_code == 404  # the form's script is not this view's
    assert c.get("/", follow_redirects=False).status_code == 404  # no root unless asked


def test_the_lists_config_names_the_routes_rankers_and_words() -> None:
    config = lists_client().get("/demo/config.json").json()
    assert config["examples"] == ["7", "new"]
    assert (config["left"], config["right"]) == ("knn", "popular")
    assert config["rankers"] == ["popular", "knn"]
    assert config["list_path"] == "/recs/{id}?k={k}&model={model}"
    assert config["labels"]["rankers"]["knn"] == "Neighbours (served)"
    assert config["labels"]["subject"] == "Student"
    assert (config["default_k"], config["max_k"]) == (10, 50)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"list_path": "/recs/{id}?k={k}"}, r"needs \{model\}"),
        ({"history_path": "/users/history"}, r"needs \{id\}"),
        ({"examples": []}, "at least one example"),
        ({"shown": ("knn", "ease")}, "rankers that are listed"),
    ],
)
def test_a_lists_view_that_could_not_work_is_refused(
    overrides: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        lists_client(**overrides)
