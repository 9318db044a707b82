"""A demo page served by the app itself: plain HTML, CSS and a little JavaScript.

Nothing is fetched from another host (the page works offline, unlike FastAPI's `/docs`,
which loads Swagger UI from a CDN), and a Content-Security-Policy of `'self'` makes the
browser refuse anything else. The form is generated in the browser from the request
model's JSON schema (numbers with their bounds, categories as drop-downs, nullable
fields may be left empty), prefilled with `example`, and answered by the project's own
prediction route.

    app.include_router(demo_router(
        request_model=Record, example=held_out_case, predict_path="/predict",
        title="Credit risk", intro="A held-out applicant from the test set.",
        decision=DecisionControl(threshold=0.15, cost_ratio=5.0, ...),
    ))

With a `DecisionControl` the page also shows a cost-ratio slider and the decision the
same score would get at that ratio (see `DecisionControl`). Shown response fields are
named by `DecisionControl`; a list of reasons is shown as one line per item.

A project whose page is not a form (e.g. a recommender's user picker) serves its own
HTML, script and styles under the same rules with `page_router`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from importlib.resources import files
from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel

# The page may load only what this app serves; inline scripts and styles are refused.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-cache",
}
_ASSETS = {"demo.js": "text/javascript", "demo.css": "text/css"}


@dataclass(frozen=True)
class DecisionControl:
    """A binary decision taken on a score, and the cost ratio it was tuned for.

    The page moves the threshold with the cost ratio r = cost of a false negative /
    cost of a false positive as Bayes' rule moves it: the threshold's odds scale with
    1/r, anchored at the served (`threshold`, `cost_ratio`), so at the served ratio the
    page shows exactly the service's decision. A decision not taken on one threshold
    (e.g. least expected cost over several labels) leaves both `None`: the page then
    shows the score and the decision without the slider.
    """

    threshold: float | None
    cost_ratio: float | None
    score_field: str
    score_label: str
    flagged_field: str
    decision_field: str
    positive_action: str
    negative_action: str
    reasons_field: str | None = None
    reasons_label: str = "Reasons"
    reasons_note: str | None = None  # replaces the page's note on the bracketed numbers


def demo_router(
    *,
    request_model: type[BaseModel],
    example: Mapping[str, Any],
    predict_path: str,
    title: str,
    intro: str,
    decision: DecisionControl | None = None,
    path: str = "/demo",
    at_root: bool = True,
) -> APIRouter:
    """`GET {path}` (the page), `{path}/config.json` (schema, example) and its assets;
    with `at_root`, `GET /` redirects to the page, so the server's address opens it."""
    package = files(__package__)
    page = (package / "demo.html").read_text(encoding="utf-8").replace("{PATH}", path)
    assets = {name: (package / name).read_bytes() for name in _ASSETS}
    config = {
        "title": title,
        "intro": intro,
        "predict_path": predict_path,
        "schema": request_model.model_json_schema(by_alias=True),
        "example": dict(example),
        "decision": asdict(decision) if decision else None,
    }
    router = APIRouter(include_in_schema=False)

    if at_root:

        @router.get("/")
        async def root() -> Response:
            return RedirectResponse(path, status_code=307)

    @router.get(path)
    async def demo_page() -> Response:
        return HTMLResponse(page, headers=SECURITY_HEADERS)

    @router.get(f"{path}/config.json")
    async def demo_config() -> Response:
        return JSONResponse(config, headers=SECURITY_HEADERS)

    def asset_route(name: str) -> None:
        async def asset() -> Response:
            return Response(assets[name], media_type=_ASSETS[name], headers=SECURITY_HEADERS)

        router.add_api_route(f"{path}/{name}", asset, methods=["GET"])

    for name in _ASSETS:
        asset_route(name)
    return router


def page_router(
    *,
    page: str,
    assets: Mapping[str, bytes],
    config: Mapping[str, Any],
    path: str = "/demo",
) -> APIRouter:
    """A project's own self-contained page under the same security headers.

    `GET {path}` serves `page` (with `{PATH}` replaced by `path`), `{path}/config.json`
    serves `config`, and `{path}/<name>` each asset; an asset's type comes from its
    suffix (`.js`, `.css`). Nothing else is served, so the page can load nothing else.
    """
    types = {".js": "text/javascript", ".css": "text/css"}
    for name in assets:
        if "/" in name or not any(name.endswith(s) for s in types):
            raise ValueError(f"asset {name!r}: give a plain .js or .css file name")
    html = page.replace("{PATH}", path)
    payload = dict(config)
    router = APIRouter(include_in_schema=False)

    @router.get(path)
    async def own_page() -> Response:
        return HTMLResponse(html, headers=SECURITY_HEADERS)

    @router.get(f"{path}/config.json")
    async def own_config() -> Response:
        return JSONResponse(payload, headers=SECURITY_HEADERS)

    def asset_route(name: str, body: bytes) -> None:
        media_type = types["." + name.rsplit(".", 1)[1]]

        async def asset() -> Response:
            return Response(body, media_type=media_type, headers=SECURITY_HEADERS)

        router.add_api_route(f"{path}/{name}", asset, methods=["GET"])

    for name, body in assets.items():
        asset_route(name, body)
    return router
