"""The Copier speed-ups in src/portfoliokit/copier_tuning.py must not change a rendered byte."""

import stat
import subprocess
from pathlib import Path

import copier
import copier._template
import pytest
from copier._jinja_ext import YieldExtension, get_yield_context
from copier._main import Worker
from jinja2 import DictLoader
from jinja2.sandbox import SandboxedEnvironment

from portfoliokit import __version__
from portfoliokit.catalogue import templates_root
from portfoliokit.copier_tuning import (
    TolerantBytecodeCache,
    cache_dir,
    compiled_code_fingerprint,
    memoise_from_string,
    tuned_copier,
)
from portfoliokit.render import render_template

from .conftest import TEMPLATE_IDS

USER_DEFAULTS = {"author_name": "Ada Tester", "author_email": "ada@example.org"}


def answers_for(template_id: str) -> dict[str, str]:
    return {"template_id": template_id, "portfoliokit_version": __version__}


def files_and_modes(root: Path) -> dict[str, tuple[bytes, int]]:
    return {
        p.relative_to(root).as_posix(): (p.read_bytes(), stat.S_IMODE(p.stat().st_mode))
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def plain_copier(template_id: str, dest: Path) -> None:
    copier.run_copy(
        str(templates_root()),
        str(dest),
        data=answers_for(template_id),
        user_defaults=dict(USER_DEFAULTS),
        defaults=True,
        quiet=True,
        skip_tasks=True,
    )


def tuned(template_id: str, dest: Path) -> None:
    dest.mkdir()
    render_template(dest, answers_for(template_id), user_defaults=USER_DEFAULTS, interactive=False)


@pytest.mark.parametrize("template_id", TEMPLATE_IDS)
def test_tuned_render_is_byte_identical_to_plain_copier(tmp_path: Path, template_id: str) -> None:
    plain_copier(template_id, tmp_path / "plain")
    tuned(template_id, tmp_path / "cold")  # compiles and fills the bytecode cache
    assert any(cache_dir().iterdir())
    tuned(template_id, tmp_path / "warm")  # loads compiled templates from the cache

    expected = files_and_modes(tmp_path / "plain")
    assert files_and_modes(tmp_path / "cold") == expected
    assert files_and_modes(tmp_path / "warm") == expected


def test_a_corrupt_bytecode_cache_is_recompiled(tmp_path: Path) -> None:
    tuned("recommender", tmp_path / "first")
    entries = [p for p in cache_dir().rglob("*") if p.is_file()]
    assert entries
    for cached in entries:
        cached.write_bytes(cached.read_bytes()[:20] + b"garbage")
    tuned("recommender", tmp_path / "second")
    assert files_and_modes(tmp_path / "second") == files_and_modes(tmp_path / "first")


def test_an_unusable_cache_folder_is_skipped(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would go")
    cache = TolerantBytecodeCache(blocker / "jinja")
    env = SandboxedEnvironment(bytecode_cache=cache)
    env.globals["name"] = "world"
    # Loading through a loader is what consults the cache.
    env.loader = DictLoader({"hello.txt": "hello {{ name }}"})
    assert env.get_template("hello.txt").render() == "hello world"
    assert blocker.read_text().startswith("a file")


def test_cache_dir_follows_xdg_cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "xdg" / "portfoliokit" / "jinja"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert cache_dir() == Path.home() / ".cache" / "portfoliokit" / "jinja"


@pytest.mark.parametrize(
    "source",
    [
        "README.md",
        "",
        "{{ project_slug }}",
        "{% if flag %}reports{% endif %}",
        "{# a comment #}name",
        "line one\nline two\n",
        "trailing newline\n",
        "windows\r\nline",
        "kept ## dropped",
        "{{ '{{' }} braces",
    ],
)
def test_memoised_from_string_renders_like_jinja(source: str) -> None:
    options = {"line_comment_prefix": "##", "extensions": [YieldExtension]}
    plain = SandboxedEnvironment(**options)
    memoised = SandboxedEnvironment(**options)
    memoise_from_string(memoised)
    context = {"project_slug": "demo", "flag": True}
    for _ in range(2):  # the second call comes from the memo
        assert memoised.from_string(source).render(**context) == plain.from_string(source).render(
            **context
        )


def test_memoised_from_string_resets_yield_state_on_every_call() -> None:
    env = SandboxedEnvironment(extensions=[YieldExtension])
    memoise_from_string(env)
    looped = "{% yield item from items %}{{ item }}{% endyield %}"
    for _ in range(2):
        env.from_string(looped).render(items=["a", "b"])
        assert get_yield_context(env).yield_name == "item"
        env.from_string("plain").render()
        assert get_yield_context(env).yield_name is None


def test_memoised_from_string_passes_other_arguments_through() -> None:
    env = SandboxedEnvironment()
    memoise_from_string(env)
    with pytest.raises(TypeError):
        env.from_string(42)  # type: ignore[arg-type]
    assert env.from_string("{{ x }}", globals={"x": 1}).render() == "1"


def copier_members() -> tuple[object, ...]:
    return (
        vars(Worker)["jinja_env"],
        vars(Worker)["_sync_git_index_executable_bit"],
        vars(Worker)["answers_relpath"],
        copier._template.get_repo,
        copier._template.yaml,
    )


def test_copier_is_restored_after_the_block(tmp_path: Path) -> None:
    before = copier_members()
    with tuned_copier(templates_root(), tmp_path / "cache"):
        during = copier_members()
        assert all(a is not b for a, b in zip(during, before, strict=True))
        assert copier._template.get_repo(str(templates_root())) is None
    assert copier_members() == before


# Small Copier templates that use what portfoliokit's own templates do not.
EDGE_TEMPLATES = {
    "yield-in-file-names": {
        "copier.yml": "items:\n  type: yaml\n  default: '[alpha, beta]'\n",
        "{% yield item from items %}{{ item }}{% endyield %}.txt.jinja": "item {{ item }}\n",
        "count.txt.jinja": "{{ items | length }} items\n",
    },
    "templated-answers-file": {
        "copier.yml": "_answers_file: '.{{ name }}-answers.yml'\nname: demo\n",
        "{{ name }}.txt.jinja": "{{ name }}\n",
        "{{ _copier_conf.answers_file }}.jinja": "{{ _copier_answers | to_nice_yaml }}",
    },
}


EDGE_OUTPUTS = {
    "yield-in-file-names": {"alpha.txt", "beta.txt", "count.txt"},
    "templated-answers-file": {".demo-answers.yml", "demo.txt"},
}


@pytest.mark.parametrize("name", sorted(EDGE_TEMPLATES))
def test_templates_using_other_copier_features_render_alike(tmp_path: Path, name: str) -> None:
    template = tmp_path / "template"
    for relative, text in EDGE_TEMPLATES[name].items():
        (template / relative).parent.mkdir(parents=True, exist_ok=True)
        (template / relative).write_text(text)
    copier.run_copy(str(template), str(tmp_path / "plain"), defaults=True, quiet=True)
    for run in ("cold", "warm"):
        with tuned_copier(template, tmp_path / "cache"):
            copier.run_copy(str(template), str(tmp_path / run), defaults=True, quiet=True)
        assert files_and_modes(tmp_path / run) == files_and_modes(tmp_path / "plain")
    assert set(files_and_modes(tmp_path / "plain")) == EDGE_OUTPUTS[name]


def test_a_template_folder_that_is_a_repository_still_goes_to_git(tmp_path: Path) -> None:
    repo = tmp_path / "template-repo"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    with tuned_copier(repo, None):
        assert copier._template.get_repo(str(repo)) == repo.as_posix()


def test_compiled_strings_are_reused_by_a_later_run(tmp_path: Path) -> None:
    source = "{{ name | upper }} of {{ items | join(', ') }}"
    first = SandboxedEnvironment()
    memoise_from_string(first, TolerantBytecodeCache(tmp_path / "cache"))
    expected = first.from_string(source).render(name="a", items=["b", "c"])

    later = SandboxedEnvironment()
    memoise_from_string(later, TolerantBytecodeCache(tmp_path / "cache"))

    def no_compiling(*args: object, **kwargs: object) -> None:
        raise AssertionError("compiled again although the cache holds the code")

    later.compile = no_compiling  # type: ignore[method-assign,assignment]
    assert later.from_string(source).render(name="a", items=["b", "c"]) == expected == "A of b, c"


def test_the_cache_folder_depends_on_what_shapes_compiled_code() -> None:
    plain = compiled_code_fingerprint(SandboxedEnvironment())
    assert compiled_code_fingerprint(SandboxedEnvironment()) == plain
    assert compiled_code_fingerprint(SandboxedEnvironment(keep_trailing_newline=True)) != plain
    assert compiled_code_fingerprint(SandboxedEnvironment(variable_start_string="[[")) != plain
    assert compiled_code_fingerprint(SandboxedEnvironment(extensions=[YieldExtension])) != plain


def test_templates_loaded_from_the_cache_still_reset_yield_state(tmp_path: Path) -> None:
    def environment() -> SandboxedEnvironment:
        return SandboxedEnvironment(
            loader=DictLoader({"file.txt": "{{ 1 + 1 }}"}),
            extensions=[YieldExtension],
            bytecode_cache=TolerantBytecodeCache(tmp_path / "cache"),
        )

    environment().get_template("file.txt")  # compiles into the cache
    later = environment()
    later.from_string("{% yield x from xs %}{% endyield %}").render(xs=[1])
    assert get_yield_context(later).yield_name == "x"
    assert later.get_template("file.txt").render() == "2"  # from the cache
    assert get_yield_context(later).yield_name is None
