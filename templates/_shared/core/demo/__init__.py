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

A project that ranks rather than decides uses the page's other view, `lists_router`: a
subject (e.g. a user) picked from examples, their history, and the lists two rankers
give them side by side, with the items both lists hold in bold and a labelled fallback.
Both views share the page's frame (`demo.html`), styles and security headers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
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
_TYPES = {".js": "text/javascript", ".css": "text/css"}


def _page(path: str, view: str, script: str, styles: Sequence[str] = ()) -> str:
    """The page's frame (`demo.html`) around one view (`form.html`, `lists.html`)."""
    package = files(__package__)
    links = "".join('\n<link rel="stylesheet" href="{PATH}/' + name + '">' for name in styles)
    frame = (package / "demo.html").read_text(encoding="utf-8")
    main = (package / view).read_text(encoding="utf-8").rstrip("\n")
    page = frame.replace("{MAIN}", main).replace("{STYLES}", links).replace("{SCRIPT}", script)
    return page.replace("{PATH}", path)


def _router(
    *, path: str, page: str, config: Mapping[str, Any], assets: Sequence[str], at_root: bool
) -> APIRouter:
    """`GET {path}` (the page), `{path}/config.json` and each of the page's assets."""
    package = files(__package__)
    bodies = {name: (package / name).read_bytes() for name in assets}
    payload = dict(config)
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
        return JSONResponse(payload, headers=SECURITY_HEADERS)

    def asset_route(name: str) -> None:
        media_type = _TYPES["." + name.rsplit(".", 1)[1]]

        async def asset() -> Response:
            return Response(bodies[name], media_type=media_type, headers=SECURITY_HEADERS)

        router.add_api_route(f"{path}/{name}", asset, methods=["GET"])

    for name in assets:
        asset_route(name)
    return router


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
    config = {
        "title": title,
        "intro": intro,
        "predict_path": predict_path,
        "schema": request_model.model_json_schema(by_alias=True),
        "example": dict(example),
        "decision": asdict(decision) if decision else None,
    }
    return _router(
        path=path,
        page=_page(path, "form.html", "demo.js"),
        config=config,
        assets=("demo.js", "demo.css"),
        at_root=at_root,
    )


@dataclass(frozen=True)
class ListsLabels:
    """The words of the ranked-lists view, in the project's own terms."""

    subject: str  # the picker's label, e.g. "User"
    missing: str  # said when the picker is empty
    history: str  # the history column's title
    rankers: Mapping[str, str]  # ranker name -> column title
    fallback: str  # said when the answer is a fallback, not a personal list


def lists_router(
    *,
    title: str,
    intro: str,
    examples: Sequence[str],
    rankers: Sequence[str],
    shown: tuple[str, str],
    default_k: int,
    max_k: int,
    history_path: str,
    list_path: str,
    labels: ListsLabels,
    path: str = "/demo",
    at_root: bool = False,
) -> APIRouter:
    """The ranked-lists view: pick a subject, see their history and two rankers' lists.

    `history_path` (with `{id}`) answers `{"items": [id, ...]}`; `list_path` (with
    `{id}`, `{k}`, `{model}`) answers `{"model", "items": [{"item_id", "score"}],
    "fallback", "fallback_reason", "model_version"}`. `shown` are the rankers in the
    left and right columns when the page opens; the first example is shown at once.
    """
    for template, needed in ((history_path, ("{id}",)), (list_path, ("{id}", "{k}", "{model}"))):
        missing = [name for name in needed if name not in template]
        if missing:
            raise ValueError(f"{template!r} needs {', '.join(missing)}")
    if not examples or not set(shown) <= set(rankers):
        raise ValueError("give at least one example, and show rankers that are listed")
    config = {
        "title": title,
        "intro": intro,
        "examples": list(examples),
        "rankers": list(rankers),
        "left": shown[0],
        "right": shown[1],
        "default_k": default_k,
        "max_k": max_k,
        "history_path": history_path,
        "list_path": list_path,
        "labels": {**asdict(labels), "rankers": dict(labels.rankers)},
    }
    return _router(
        path=path,
        page=_page(path, "lists.html", "lists.js", styles=("lists.css",)),
        config=config,
        assets=("lists.js", "demo.css", "lists.css"),
        at_root=at_root,
    )
