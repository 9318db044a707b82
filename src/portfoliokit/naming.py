"""Pure rules that turn a project name into a folder slug and a Python package name.

The same rules are written as Jinja in `templates/questions/common.yml` (for plain
Copier users); `tests/test_naming.py` checks that both agree.
"""

import keyword
import re
import sys
from dataclasses import dataclass

from .errors import AnswerError

__all__ = ["ProjectNames", "package_name", "project_names", "slugify"]

_NAME_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9 _-]{0,63}$")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")

# Packages a generated project imports or installs: a project package with one of
# these names would shadow it. The standard library is checked separately.
_SHADOWED_PACKAGES = frozenset(
    {
        "copier", "fairlearn", "fastapi", "git", "hypothesis", "matplotlib", "mypy",
        "numpy", "pandas", "portfoliokit", "pydantic", "pytest", "ruff", "scipy",
        "skops", "sklearn", "src", "starlette", "test", "tests", "uvicorn",
    }
)  # fmt: skip

_ALLOWED = "use 1 to 64 letters, digits, spaces, '-' or '_', starting with a letter"


@dataclass(frozen=True)
class ProjectNames:
    """The three spellings of one project."""

    name: str  # as the user wrote it, e.g. "Credit Risk API"
    slug: str  # folder and distribution name, e.g. "credit-risk-api"
    package: str  # importable package, e.g. "credit_risk_api"


def slugify(name: str) -> str:
    """Lower-case `name` and join its runs of letters and digits with '-'."""
    return _NON_ALNUM.sub("-", name.lower()).strip("-")


def package_name(slug: str) -> str:
    """The importable package name of a slug."""
    return slug.replace("-", "_")


def project_names(name: str) -> ProjectNames:
    """Validate a project name and derive its slug and package name.

    Raises:
        AnswerError: the name is empty, has characters outside the allowed set, or
            gives a package name that is a keyword, a standard-library module or a
            package the generated project depends on.
    """
    stripped = name.strip()
    if not stripped:
        raise AnswerError(f"project_name is empty; {_ALLOWED}.", "project_name")
    if not _NAME_PATTERN.match(stripped):
        raise AnswerError(f"project_name {name!r} is not allowed; {_ALLOWED}.", "project_name")
    slug = slugify(stripped)
    package = package_name(slug)
    if keyword.iskeyword(package) or package in sys.stdlib_module_names:
        raise AnswerError(
            f"project_name {name!r} gives the package name {package!r}, which Python already "
            "uses; choose a more specific name, e.g. 'my-" + slug + "'.",
            "project_name",
        )
    if package in _SHADOWED_PACKAGES:
        raise AnswerError(
            f"project_name {name!r} gives the package name {package!r}, which would shadow a "
            "module the project imports; choose a more specific name.",
            "project_name",
        )
    return ProjectNames(name=stripped, slug=slug, package=package)
