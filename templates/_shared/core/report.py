"""Report rendering shared by every portfoliokit project: wording in Jinja templates.

The numbers come from typed results (pydantic models read from `metrics.json`); the
sentences live in `.md.j2` templates in the package's `report_templates/` folder, so a
sentence can be read and changed without reading the code that computes its numbers.
The filters below are the only formatting the templates use.
"""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined


def environment(package: str, folder: str = "report_templates") -> Environment:
    """A Jinja environment over `package/folder`; undefined names are errors."""
    env = Environment(
        loader=PackageLoader(package, folder),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )
    env.filters.update(
        num=num,
        pct=pct,
        ci=ci,
        est=est,
        signed=signed,
        rate=rate_text,
        share=share,
        share_ci=share_ci,
        verb=verb,
    )
    return env


def render(env: Environment, name: str, **context: Any) -> str:
    """The template `name` filled from `context`, with one trailing newline."""
    return env.get_template(name).render(**context).strip() + "\n"


def num(value: float | None, digits: int = 0) -> str:
    """1234.5 -> '1,234' (digits=0) or '1,234.50' (digits=2); None -> 'n/a'."""
    return "n/a" if value is None else f"{value:,.{digits}f}"


def signed(value: float | None, digits: int = 0) -> str:
    """A signed number: '+12', '-0.05'; None -> 'n/a'."""
    return "n/a" if value is None else f"{value:+,.{digits}f}"


def pct(value: float | None, digits: int = 0) -> str:
    """A share in [0, 1] as a percentage: 0.123 -> '12 %'; None -> 'n/a'."""
    return "n/a" if value is None else f"{value * 100:.{digits}f} %"


def est(interval: Any, digits: int = 0, scale: float = 1.0) -> str:
    """The estimate of an Interval, times `scale`."""
    value = interval.estimate
    return "n/a" if value is None else f"{value * scale:,.{digits}f}"


def ci(interval: Any, digits: int = 0, scale: float = 1.0) -> str:
    """The bounds of an Interval as '[low, high]', times `scale`; undefined -> 'n/a'."""
    if interval.low is None or interval.high is None:
        return "n/a"
    return f"[{interval.low * scale:,.{digits}f}, {interval.high * scale:,.{digits}f}]"


def share(interval: Any, digits: int = 0) -> str:
    """A rate Interval as a percentage with its interval: '67 % [59 %, 74 %]'."""
    if interval.estimate is None:
        return "undefined"
    return (
        f"{interval.estimate * 100:.{digits}f} % [{interval.low * 100:.{digits}f} %, "
        f"{interval.high * 100:.{digits}f} %]"
    )


def share_ci(interval: Any, digits: int = 0) -> str:
    """The bounds of a rate Interval as percentages: '[59 %, 74 %]'; undefined -> 'n/a'."""
    if interval.low is None or interval.high is None:
        return "n/a"
    return f"[{interval.low * 100:.{digits}f} %, {interval.high * 100:.{digits}f} %]"


def rate_text(interval: Any, digits: int = 2) -> str:
    """A rate Interval with its count and denominator: '0.67 [0.59, 0.74] (78 of 117)'."""
    counts = f"{interval.count} of {interval.denominator}"
    if interval.estimate is None:
        return f"undefined ({counts})"
    return f"{interval.estimate:.{digits}f} {ci(interval, digits)} ({counts})"


def verb(action: str) -> str:
    """An action in the third person: 'reject' -> 'rejects', 'pass' -> 'passes'."""
    if action.endswith(("s", "sh", "ch", "x", "z")):
        return action + "es"
    return action + "s"
