"""The naming rules, and that Copier's Jinja copy of them agrees with Python's."""

import jinja2.sandbox
import pytest
from jinja2_ansible_filters import AnsibleCoreFiltersExtension

from portfoliokit.catalogue import _question_specs
from portfoliokit.errors import AnswerError
from portfoliokit.naming import package_name, project_names, slugify


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Credit Risk API", "credit-risk-api"),
        ("  spaced   out  ", "spaced-out"),
        ("snake_case_name", "snake-case-name"),
        ("Trailing--dashes--", "trailing-dashes"),
        ("A1 b2", "a1-b2"),
    ],
)
def test_slugify(name: str, slug: str) -> None:
    assert slugify(name) == slug


def test_package_name_replaces_dashes() -> None:
    assert package_name("credit-risk-api") == "credit_risk_api"


def test_project_names_strip_and_derive() -> None:
    names = project_names("  Movie Recs 2 ")
    assert (names.name, names.slug, names.package) == (
        "Movie Recs 2",
        "movie-recs-2",
        "movie_recs_2",
    )


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "project_name is empty"),
        ("   ", "project_name is empty"),
        ("..", "is not allowed"),
        ("../escape", "is not allowed"),
        ("a/b", "is not allowed"),
        ("/abs", "is not allowed"),
        ("9lives", "is not allowed"),
        ("naïve", "is not allowed"),
        ("x" * 65, "is not allowed"),
        ("class", "which Python already uses"),
        ("JSON", "which Python already uses"),
        ("test", "would shadow a module"),
        ("sklearn", "would shadow a module"),
        ("Pandas", "would shadow a module"),
    ],
)
def test_project_names_rejects_with_what_is_allowed(name: str, message: str) -> None:
    with pytest.raises(AnswerError, match=message):
        project_names(name)


def _jinja() -> jinja2.sandbox.SandboxedEnvironment:
    return jinja2.sandbox.SandboxedEnvironment(extensions=[AnsibleCoreFiltersExtension])


@pytest.mark.parametrize(
    "name", ["Credit Risk API", "snake_case_name", "Trailing--dashes--", "A", "Mixed_Case-and 99"]
)
def test_template_derives_the_same_slug_and_package(name: str) -> None:
    specs = _question_specs()
    env = _jinja()
    slug = env.from_string(specs["project_slug"]["default"]).render(project_name=name)
    package = env.from_string(specs["package_name"]["default"]).render(project_slug=slug)
    names = project_names(name)
    assert (slug, package) == (names.slug, names.package)


@pytest.mark.parametrize("name", ["", "..", "a/b", "9lives", "x" * 65, "naïve"])
def test_template_validator_rejects_what_python_rejects(name: str) -> None:
    validator = _question_specs()["project_name"]["validator"]
    assert _jinja().from_string(validator).render(project_name=name).strip()
    with pytest.raises(AnswerError):
        project_names(name)


def test_template_validator_accepts_a_valid_name() -> None:
    validator = _question_specs()["project_name"]["validator"]
    assert _jinja().from_string(validator).render(project_name="Credit Risk API").strip() == ""
