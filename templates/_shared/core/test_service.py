"""The service skeleton, on a stand-in model: operations routes, the error shape, the
body-size limit, and a model that only loads in the lifespan."""

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi import APIRouter, Request
from fastapi.testclient import TestClient
from pydantic import BaseModel

from {{ package_name }}.core.artefact import ArtefactError, LoadedModel
from {{ package_name }}.core.service import (
    ServiceSettings,
    artefact_loader,
    create_service,
    decision_control,
    model_getter,
    read_metadata,
    served_model,
)

LIMIT = 1_000


class Info(BaseModel):
    model_version: str
    threshold: float


@dataclass(frozen=True)
class StandIn:
    version: str = "stand-in-0123"

    def info(self) -> Info:
        return Info(model_version=self.version, threshold=0.25)


class Echo(BaseModel):
    x: int


def routes() -> APIRouter:
    router = APIRouter()

    @router.post("/echo")
    async def echo(request: Request, body: Echo) -> dict[str, int]:
        served_model(request)
        return {"x": body.x}

    @router.get("/boom")
    async def boom() -> None:
        raise RuntimeError("secret internals")

    return router


def make_app(loads: list[int]) -> TestClient:
    def load() -> StandIn:
        loads.append(1)
        return StandIn()

    app = create_service(
        title="t", version="1", load=load, info_model=Info, max_body_bytes=LIMIT,
        routers=[routes()],
    )  # fmt: skip
    return TestClient(app, raise_server_exceptions=False)


@pytest.fixture
def client() -> Iterator[TestClient]:
    with make_app([]) as test_client:
        yield test_client


def test_the_model_loads_in_the_lifespan_not_before() -> None:
    loads: list[int] = []
    client = make_app(loads)
    assert loads == []
    not_ready = client.get("/ready")
    assert not_ready.status_code == 503
    assert not_ready.json()["code"] == "not_ready"
    with client:
        assert loads == [1]
        assert client.get("/ready").json() == {"status": "ready", "model_version": "stand-in-0123"}


def test_health_and_typed_model_info(client: TestClient) -> None:
    assert client.get("/health").json() == {"status": "ok"}
    assert client.get("/model").json() == {"model_version": "stand-in-0123", "threshold": 0.25}
    schema = client.get("/openapi.json").json()
    ok = schema["paths"]["/model"]["get"]["responses"]["200"]["content"]["application/json"]
    assert ok["schema"] == {"$ref": "#/components/schemas/Info"}


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (b'{"x": 1', 400, "invalid_json"),
        (b'{"x": "one"}', 422, "invalid_request"),
        (b"{}", 422, "invalid_request"),
    ],
)
def test_every_error_has_the_one_shape(
    client: TestClient, body: bytes, status: int, code: str
) -> None:
    response = client.post("/echo", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == status
    assert set(response.json()) == {"code", "message", "details"}
    assert response.json()["code"] == code
    if status == 422:
        assert response.json()["details"][0]["loc"] == ["body", "x"]
        assert "one" not in response.text  # the value is never echoed


def test_not_found_and_wrong_method_use_the_shape_too(client: TestClient) -> None:
    assert client.get("/nowhere").json()["code"] == "not_found"
    assert client.get("/echo").json()["code"] == "method_not_allowed"


def test_an_internal_error_never_leaks(client: TestClient) -> None:
    response = client.get("/boom")
    assert response.status_code == 500
    assert response.json()["code"] == "internal_error"
    assert "secret" not in response.text and "Traceback" not in response.text


def test_a_declared_body_over_the_limit_is_a_413_before_parsing(client: TestClient) -> None:
    # Not even JSON: a 400 would mean the body was parsed before the limit was checked.
    response = client.post(
        "/echo", content=b"{" * (LIMIT + 1), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json()["code"] == "body_too_large"
    at_limit = b'{"x": 1}' + b" " * (LIMIT - 8)
    headers = {"Content-Type": "application/json"}
    assert client.post("/echo", content=at_limit, headers=headers).status_code == 200


def test_a_chunked_body_over_the_limit_is_a_413(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        yield b"{"
        for _ in range(LIMIT):
            yield b" "

    response = client.post("/echo", content=chunks(), headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.json()["code"] == "body_too_large"


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("API_MAX_BODY_BYTES", "2048")
    monkeypatch.setenv("API_EXPECTED_SHA256", "a" * 64)
    settings = ServiceSettings()
    assert settings.max_body_bytes == 2048
    assert settings.expected_sha256 == "a" * 64
    monkeypatch.setenv("API_EXPECTED_SHA256", "not a hash")
    with pytest.raises(ValueError, match="expected_sha256"):
        ServiceSettings()


def test_metadata_that_is_missing_or_broken_says_to_train(tmp_path: Path) -> None:
    path = tmp_path / "model.json"
    with pytest.raises(ArtefactError, match="not found; train a model first with `make train`"):
        read_metadata(path)
    path.write_text("{", encoding="utf-8")
    with pytest.raises(ArtefactError, match="not valid JSON"):
        read_metadata(path)
    path.write_text('{"threshold": 0.2}', encoding="utf-8")
    assert read_metadata(path) == {"threshold": 0.2}


def test_the_decision_control_is_the_served_rule_and_its_cost_ratio() -> None:
    metadata = {
        "threshold": 0.2,
        "costs": {"false_positive": 2, "false_negative": 10},
        "actions": {"positive": "reject", "negative": "approve"},
    }
    control = decision_control(metadata, score_field="score", score_label="Score")
    assert (control.threshold, control.cost_ratio) == (0.2, 5.0)  # FN cost / FP cost
    assert (control.positive_action, control.negative_action) == ("reject", "approve")
    assert (control.flagged_field, control.decision_field) == ("flagged", "decision")
    assert control.reasons_field is None


def test_the_loader_verifies_the_artefact_the_settings_name() -> None:
    settings = ServiceSettings(expected_sha256="b" * 64)
    seen = []

    def load_model(model: Path, metadata: Path, expected: str | None = None) -> LoadedModel:
        seen.append((model, metadata, expected))
        return LoadedModel(estimator="fitted", metadata={"model_version": "m-1"})

    load = artefact_loader(settings, load_model, lambda loaded: StandIn(loaded.estimator))
    assert seen == []  # nothing is loaded until the lifespan calls it
    assert load() == StandIn("fitted")
    assert seen == [(settings.model_path, settings.metadata_path, "b" * 64)]


def test_model_getter_hands_routes_the_served_model() -> None:
    get_model = model_getter(StandIn)
    router = APIRouter()

    @router.get("/version")
    async def version(request: Request) -> dict[str, str]:
        return {"version": get_model(request).version}

    app = create_service(
        title="t", version="1", load=StandIn, info_model=Info, max_body_bytes=LIMIT,
        routers=[router],
    )  # fmt: skip
    with TestClient(app) as client:
        assert client.get("/version").json() == {"version": "stand-in-0123"}
    assert TestClient(app).get("/version").status_code == 503  # no lifespan: not loaded
