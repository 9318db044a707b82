"""The demo page machinery: served by the app, nothing from another host, the form's
schema and example handed to the page."""

import re
from typing import Literal

from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel, Field

from {{ package_name }}.core.demo import (
    DecisionControl,
    demo_router,
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
