"""scripts/bake_results.py without running a pipeline: which templates it bakes, how it
splices a run's result blocks into a template, and that a failed bake leaves the
template as it was."""

from pathlib import Path

import bake_results
import pytest

DOC = """# Title

<!-- results:start -->
{% filter trim %}{% if demo_results %}
{# baked-results: scripts/bake_results.py writes the block below from a real run #}
{% raw %}
OLD BLOCK
{% endraw %}
{% else %}
No results yet.
{% endif %}{% endfilter %}
<!-- results:end -->
"""


def fake_template(root: Path) -> Path:
    template = root / "demo"
    (template / "docs").mkdir(parents=True)
    (template / "pyproject.toml.jinja").write_text("", encoding="utf-8")
    (template / "docs" / "card.md.jinja").write_text(DOC, encoding="utf-8")
    reports = template / bake_results.REPORTS_DIR
    (reports / "figures").mkdir(parents=True)
    (reports / "metrics.json").write_text('{"old": true}\n', encoding="utf-8")
    (template / "uv.lock.jinja").write_text("old lock\n", encoding="utf-8")
    return template


def project_with(root: Path, block: str) -> Path:
    project = root / "project"
    (project / "docs").mkdir(parents=True)
    text = f"# Title\n\n<!-- results:start -->\n{block}\n<!-- results:end -->\n"
    (project / "docs" / "card.md").write_text(text, encoding="utf-8")
    return project


def test_without_an_id_every_template_is_baked_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    baked: list[str] = []
    monkeypatch.setattr(bake_results, "bake", lambda t, **_: baked.append(t) or 0)
    assert bake_results.main([]) == 0
    assert baked == ["classification-api", "nlp-pipeline", "recommender"]
    baked.clear()
    assert bake_results.main(["recommender", "--verify"]) == 0
    assert baked == ["recommender"]


def test_the_first_failing_template_stops_the_bake(monkeypatch: pytest.MonkeyPatch) -> None:
    baked: list[str] = []
    fails = "nlp-pipeline"
    monkeypatch.setattr(bake_results, "bake", lambda t, **_: baked.append(t) or int(t == fails))
    assert bake_results.main([]) == 1
    assert baked == ["classification-api", "nlp-pipeline"]


def test_an_unknown_template_is_one_line_naming_the_templates(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert bake_results.main(["recomender"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "'recomender'" in err and "recommender" in err


def test_splicing_writes_the_runs_block_into_the_raw_section(tmp_path: Path) -> None:
    template = fake_template(tmp_path)
    project = project_with(tmp_path, "NEW BLOCK\n\nwith two paragraphs")
    bake_results.splice_docs(project, template)
    text = (template / "docs" / "card.md.jinja").read_text(encoding="utf-8")
    assert "{% raw %}\nNEW BLOCK\n\nwith two paragraphs\n{% endraw %}" in text
    assert "OLD BLOCK" not in text and text.count("{% raw %}") == 1


def test_an_empty_block_from_the_run_is_refused(tmp_path: Path) -> None:
    # A run that wrote no results into a doc (a stage that did not run, a doc its report
    # does not know) must not empty the template's block.
    template = fake_template(tmp_path)
    project = project_with(tmp_path, "")
    with pytest.raises(bake_results.BakeError, match="empty"):
        bake_results.splice_docs(project, template)
    assert "OLD BLOCK" in (template / "docs" / "card.md.jinja").read_text(encoding="utf-8")


@pytest.mark.parametrize("failure", ["check", "interrupt"])
def test_a_failed_bake_puts_the_template_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: str
) -> None:
    template = fake_template(tmp_path)
    before = {p: p.read_bytes() for p in template.rglob("*") if p.is_file()}
    monkeypatch.setattr(bake_results, "TEMPLATES", tmp_path)
    import template_locks

    def lock(template_id: str, upgrade: bool = False) -> Path:
        (template / "uv.lock.jinja").write_text("new lock\n", encoding="utf-8")
        return template / "uv.lock.jinja"

    def render(template_id: str, destination: Path, **answers: str) -> None:
        project_with(destination.parent, "NEW BLOCK")

    def run_verbs(project: Path, *verbs: str) -> None:
        (project / "reports" / "figures").mkdir(parents=True)
        (project / "reports" / "metrics.json").write_text('{"new": true}\n', encoding="utf-8")

    def check_rerender(*args: object) -> None:
        if failure == "interrupt":  # Ctrl-C, or SIGTERM, which the bake turns into it
            raise KeyboardInterrupt
        raise bake_results.BakeError("re-rendered docs/ differs from the run")

    monkeypatch.setattr(template_locks, "lock_template", lock)
    monkeypatch.setattr(bake_results, "render", render)
    monkeypatch.setattr(bake_results, "run_verbs", run_verbs)
    monkeypatch.setattr(bake_results, "check_rerender", check_rerender)
    assert bake_results.main(["demo"]) == (130 if failure == "interrupt" else 1)
    after = {p: p.read_bytes() for p in template.rglob("*") if p.is_file()}
    assert after == before
