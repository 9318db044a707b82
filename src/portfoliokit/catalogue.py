"""What templates exist and which questions each one asks.

Reads `templates/catalogue.toml` and the Copier root `templates/copier.yml` (with its
`!include`d question files) without importing Copier, so `portfoliokit list` stays
fast and `new` can check answers before Copier runs.
"""

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from .errors import AnswerError, PortfolioKitError, TemplateNotFoundError

__all__ = [
    "Question",
    "TemplateInfo",
    "check_answer_keys",
    "check_answer_types",
    "get_template",
    "list_templates",
    "questions_for",
    "render_default",
    "templates_root",
]

# Answers portfoliokit itself provides; users never set them.
TOOL_ANSWERS = frozenset({"template_id", "portfoliokit_version"})


@dataclass(frozen=True)
class TemplateInfo:
    """One entry of the catalogue."""

    id: str
    summary: str
    produces: str


@dataclass(frozen=True)
class Question:
    """A question a template asks, as declared in its Copier question file."""

    name: str
    help: str
    default: Any
    choices: tuple[str, ...]
    asked: bool  # False for hidden, derived values (`when: false`)
    type: str = "str"


def templates_root() -> Path:
    """The Copier root: shipped inside the wheel, or `templates/` of a source checkout.

    `PORTFOLIOKIT_TEMPLATES`, when set, names another root (for template authors trying
    a template change, e.g. with `update`, and for tests of the lifecycle commands).
    """
    override = os.environ.get("PORTFOLIOKIT_TEMPLATES")
    if override:
        chosen = Path(override).expanduser()
        if (chosen / "copier.yml").is_file():
            return chosen
        raise PortfolioKitError(
            f"PORTFOLIOKIT_TEMPLATES={override} has no copier.yml; point it at a templates "
            "folder or unset it."
        )
    packaged = Path(__file__).with_name("templates")
    if (packaged / "copier.yml").is_file():
        return packaged
    checkout = Path(__file__).resolve().parents[2] / "templates"
    if (checkout / "copier.yml").is_file():
        return checkout
    raise PortfolioKitError(
        "portfoliokit's templates are missing from this installation; reinstall portfoliokit."
    )


@cache
def list_templates() -> tuple[TemplateInfo, ...]:
    """Every template, in catalogue order."""
    with (templates_root() / "catalogue.toml").open("rb") as handle:
        entries = tomllib.load(handle)
    return tuple(
        TemplateInfo(id=key, summary=value["summary"], produces=value["produces"])
        for key, value in entries.items()
    )


def get_template(template_id: str) -> TemplateInfo:
    """The catalogue entry of `template_id`, or an error that lists the valid ids."""
    for info in list_templates():
        if info.id == template_id:
            return info
    valid = ", ".join(info.id for info in list_templates())
    raise TemplateNotFoundError(
        f"unknown template {template_id!r}; choose one of: {valid} (see `portfoliokit list`)."
    )


@cache
def questions_for(template_id: str) -> tuple[Question, ...]:
    """The questions `template_id` asks, in the order Copier asks them.

    A question whose `when` is a Jinja expression belongs to the templates for which
    it renders true given `template_id` alone (that is the convention of the question
    files); a `when: false` question is a hidden, derived value.
    """
    env = _jinja()
    selected = []
    for name, spec in _question_specs().items():
        when = spec.get("when", True)
        if isinstance(when, str):
            if env.from_string(when).render(template_id=template_id).strip() != "True":
                continue
            when = True
        help_text = env.from_string(str(spec.get("help", "")))
        selected.append(
            Question(
                name=name,
                # Help may say different things per template (a question shared by two).
                help=" ".join(help_text.render(template_id=template_id).split()),
                default=spec.get("default"),
                choices=tuple(str(choice) for choice in spec.get("choices", ())),
                # `ask: false`: recorded, but set by portfoliokit (e.g. from --dataset).
                asked=bool(when) and name not in TOOL_ANSWERS and spec.get("ask") is not False,
                type=str(spec.get("type", "str")),
            )
        )
    return tuple(selected)


def render_default(question: Question, answers: Mapping[str, Any]) -> Any:
    """A question's default, with its Jinja rendered against the answers so far."""
    if not isinstance(question.default, str) or "{" not in question.default:
        return question.default
    return _jinja().from_string(question.default).render(**answers).strip()


@cache
def _jinja() -> Any:
    """A sandbox for the question files' expressions (defaults and `when`)."""
    import jinja2.sandbox

    return jinja2.sandbox.SandboxedEnvironment()


@cache
def _question_specs() -> dict[str, dict[str, Any]]:
    """Question name -> spec, merged from copier.yml and its `!include`d files."""
    import yaml

    root = templates_root()

    # libyaml's loader when present: parsing the question files is on the path of
    # every `new`, and the pure-Python loader takes several times longer.
    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class _Loader(base):  # type: ignore[valid-type,misc]
        """A loader of our own, so the `!include` constructor is not global."""

    def _include(loader: yaml.SafeLoader, node: yaml.Node) -> list[Any]:
        # Like Copier: the argument is a glob relative to the root; no match, no documents.
        pattern = str(loader.construct_scalar(node))  # type: ignore[arg-type]
        return [
            doc
            for path in sorted(root.glob(pattern))
            for doc in yaml.load_all(path.read_text("utf-8"), Loader=_Loader)
            if doc
        ]

    _Loader.add_constructor("!include", _include)
    documents: list[Any] = []
    for doc in yaml.load_all((root / "copier.yml").read_text("utf-8"), Loader=_Loader):
        documents.extend(doc if isinstance(doc, list) else [doc])
    specs: dict[str, dict[str, Any]] = {}
    for doc in documents:
        if not isinstance(doc, dict):
            continue
        for name, spec in doc.items():
            if not name.startswith("_"):
                specs[name] = spec if isinstance(spec, dict) else {"default": spec}
    return specs


def check_answer_keys(template_id: str, keys: Mapping[str, Any]) -> None:
    """Refuse keys the template does not ask, naming the valid ones."""
    valid = [q.name for q in questions_for(template_id) if q.asked]
    unknown = sorted(set(keys) - set(valid))
    if unknown:
        raise AnswerError(
            f"unknown answer {', '.join(map(repr, unknown))} for {template_id}; "
            f"valid keys: {', '.join(valid)}."
        )


_NUMBER_EXAMPLE = {"float": "2.5", "int": "3"}


def check_answer_types(template_id: str, answers: Mapping[str, Any]) -> None:
    """Refuse an answer that is not one of its choices or cannot become its type.

    Copier would say only "could not convert string to float: 'abc'"; the range of a
    number is the question's own validator's business.
    """
    for question in questions_for(template_id):
        if question.name not in answers:
            continue
        value = answers[question.name]
        if question.choices and str(value) not in question.choices:
            raise AnswerError(
                f"{question.name} must be one of {', '.join(question.choices)}, not {value!r}",
                question.name,
            )
        if question.type not in _NUMBER_EXAMPLE:
            continue
        try:
            if isinstance(value, bool):
                raise ValueError(value)
            float(value) if question.type == "float" else int(value)
        except (TypeError, ValueError):
            raise AnswerError(
                f"{question.name} must be a number, e.g. {_NUMBER_EXAMPLE[question.type]}, "
                f"not {value!r}",
                question.name,
            ) from None
