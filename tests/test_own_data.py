"""`new --dataset FILE`: the user's file is checked before anything is written, then
copied into the project, which speaks of it; on data sets the tests make, not the bundled.
"""

import hashlib
import json
import re
import subprocess
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from click.testing import Result

from portfoliokit.dataset_file import MAX_BYTES
from portfoliokit.dataset_rules import rules_for

from .conftest import TEMPLATE_IDS, run_cli
from .datasets import churn, clicks, reviews, write_csv
from .projects import git
from .test_own_data_text import DEMO_WORDS

CHURN_ANSWERS = [
    "--data", "target_column=churned",
    "--data", "positive_class=yes",
    "--data", "subgroup_columns=region",
]  # fmt: skip
REVIEW_ANSWERS = [
    "--data", "text_column=body", "--data", "label_column=sentiment",
    "--data", "positive_class=neg",
]  # fmt: skip
CLICK_ANSWERS = [
    "--data", "user_column=visitor", "--data", "item_column=article",
    "--data", "rating_column=", "--data", "time_column=read_at",
]  # fmt: skip

# Per template: a data set the tests make, its name and the answers that fit it.
OWN: dict[str, tuple[Callable[[Path], Path], str, list[str]]] = {
    "classification-api": (churn, "churn.csv", CHURN_ANSWERS),
    "nlp-pipeline": (reviews, "reviews.csv", REVIEW_ANSWERS),
    "recommender": (clicks, "clicks.csv", CLICK_ANSWERS),
}

# How the demo data and its domain are named in the docs.
DEMO_TEXT = re.compile(
    r"(?i:german|credit|applicant|sms|spam|insteval|lecture|student|semester)|\bETH\b"
)
DEMO_FILE = {
    "classification-api": "german_credit.csv",
    "nlp-pipeline": "SMS Spam Collection",
    "recommender": "InstEval",
}


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    """Where the user keeps their files: outside the folder the project is made in."""
    folder = tmp_path / "inputs"
    folder.mkdir()
    return folder


def new(template: str, dataset: Path, *answers: str, dest: str = "proj") -> Result:
    return run_cli("new", template, dest, "-y", "--dataset", str(dataset), *answers)


def refused(result: Result, workdir: Path) -> list[str]:
    """The error lines of a refused run, after checking it wrote nothing."""
    assert result.exit_code == 1, result.output
    assert list(workdir.iterdir()) == []
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith("Error: ")
    return [lines[0].removeprefix("Error: "), *lines[1:]]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- what a project made on the user's file holds -------------------------------------


def test_the_file_is_copied_the_config_points_at_it_and_the_card_records_it(
    workdir: Path, inputs: Path
) -> None:
    source = churn(inputs / "Customer Churn (2024).csv")
    result = new("classification-api", source, *CHURN_ANSWERS)
    assert result.exit_code == 0, result.output
    project = workdir / "proj"
    copied = project / "data" / "Customer_Churn_2024.csv"
    assert copied.read_bytes() == source.read_bytes()
    config = tomllib.loads((project / "config.toml").read_text())
    assert config["data"]["path"] == "data/Customer_Churn_2024.csv"
    assert config["data"]["target_column"] == "churned"
    assert config["data"]["positive_class"] == "yes"

    card = (project / "docs" / "data_card.md").read_text()
    assert "# Data card: data/Customer_Churn_2024.csv" in card
    assert "copied from `Customer Churn (2024).csv`" in card
    assert f"{source.stat().st_size:,} bytes, 400 rows" in card
    assert f"`{sha256(source)}`" in card
    # The licence is the user's to write: a visible marker, counted by `check`.
    licence = [line for line in card.splitlines() if "licence of `data/Customer" in line]
    assert licence and licence[0].startswith("> **YOUR STORY:**")

    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert answers["dataset_sha256"] == sha256(source)
    assert answers["dataset_rows"] == 400
    assert (
        "Copied Customer Churn (2024).csv (400 rows) to data/Customer_Churn_2024.csv; state "
        "its licence where docs/data_card.md and data/README.md mark it"
    ) in result.output
    assert "make all       # run the pipeline on data/Customer_Churn_2024.csv" in result.output
    # The file is part of the project's one commit.
    assert "data/Customer_Churn_2024.csv" in git(project, "ls-files").split()


def check_findings(project: Path) -> list[dict[str, str]]:
    findings: list[dict[str, str]] = json.loads(run_cli("check", str(project), "--json").output)[
        "findings"
    ]
    return findings


@pytest.mark.parametrize("template", TEMPLATE_IDS)
def test_check_reports_the_licence_to_write_until_it_is_written(
    workdir: Path, inputs: Path, template: str
) -> None:
    make, name, answers = OWN[template]
    assert new(template, make(inputs / name), *answers).exit_code == 0
    project = workdir / "proj"
    findings = check_findings(project)
    errors = {f["code"] for f in findings if f["level"] == "error"}
    assert errors == {"data-license-unwritten", "results-missing"}
    places = {(f["path"], f["message"][:25]) for f in findings if f["code"] == "place-unwritten"}
    for where in ("docs/data_card.md", "data/README.md"):
        assert (where, f"the licence of `data/{name}"[:25]) in places

    for where in ("README.md", "data/README.md", "docs/data_card.md"):
        path = project / where
        lines = path.read_text().splitlines()
        path.write_text(
            "\n".join(
                "Licence: CC BY 4.0."
                if line.startswith("> **YOUR STORY:**") and "licen" in line
                else line
                for line in lines
            )
            + "\n"
        )
    errors = {f["code"] for f in check_findings(project) if f["level"] == "error"}
    assert errors == {"results-missing"}  # `make all` writes them


@pytest.mark.parametrize("template", TEMPLATE_IDS)
def test_readme_and_docs_speak_of_the_users_data_not_the_demos(
    workdir: Path, inputs: Path, template: str
) -> None:
    make, name, answers = OWN[template]
    source = make(inputs / name)
    result = new(template, source, *answers)  # the project is named after the file
    assert result.exit_code == 0, result.output
    project = workdir / "proj"
    for doc in ("README.md", "docs/data_card.md"):
        assert f"data/{name}" in (project / doc).read_text(), doc
    for doc in ("README.md", "docs/data_card.md", "docs/model_card.md", "config.toml"):
        text = (project / doc).read_text()
        # Saying that the demo file is still in data/ and may be deleted is allowed.
        paragraphs = [" ".join(p.split()) for p in text.split("\n\n")]
        text = "\n\n".join(p for p in paragraphs if DEMO_FILE[template] not in p)
        found = DEMO_TEXT.findall(text)
        assert found == [], (doc, found)
    readme = (project / "data" / "README.md").read_text()
    own_section = readme.split("\n## ", 2)[1]  # the first section is the user's file
    assert own_section.startswith(f"data/{name}: your data")
    assert sha256(source) in own_section
    assert not (project / "reports").exists()  # no demo results shipped


def test_a_numeric_target_takes_a_numeric_positive_class(workdir: Path, inputs: Path) -> None:
    source = churn(inputs / "churn.csv", target="numeric")
    args = ["--data", "target_column=churned", "--data", "subgroup_columns="]
    lines = refused(new("classification-api", source, *args), workdir)
    assert lines == [
        "positive_class 'bad' is not a value of 'churned' in churn.csv; its values are "
        "'0', '1' (--data positive_class=VALUE)."
    ]
    result = new("classification-api", source, *args, "--data", "positive_class=1")
    assert result.exit_code == 0, result.output
    config = tomllib.loads((workdir / "proj" / "config.toml").read_text())
    assert config["data"]["positive_class"] == "1"
    assert config["subgroups"]["columns"] == []


def test_a_derived_subgroup_needs_its_source_column(workdir: Path, inputs: Path) -> None:
    source = write_csv(
        inputs / "ages.csv",
        ["age_years", "y"],
        [[20 + i % 50, "a" if i % 2 else "b"] for i in range(60)],
    )
    args = ["--data", "target_column=y", "--data", "positive_class=a"]
    result = new("classification-api", source, *args, "--data", "subgroup_columns=age_band")
    assert result.exit_code == 0, result.output  # age_band is cut from age_years
    # The default subgroups are age_band and foreign_worker.
    lines = refused(new("classification-api", source, *args, dest="other"), _only(workdir, "proj"))
    assert lines == [
        "subgroup_columns: ages.csv has no column 'foreign_worker'; its columns are "
        "age_years, y (--data subgroup_columns=COLUMN, or --data subgroup_columns= for none)."
    ]


def _only(workdir: Path, keep: str) -> Path:
    """workdir, after moving the one project made so far out of the way."""
    (workdir / keep).rename(workdir.parent / f"{keep}-made")
    return workdir


def test_a_multi_class_text_set_is_accepted_for_nlp_pipeline(workdir: Path, inputs: Path) -> None:
    source = reviews(inputs / "reviews.csv", labels=("pos", "neg", "neutral"))
    args = ["--data", "text_column=body", "--data", "label_column=sentiment"]
    lines = refused(new("nlp-pipeline", source, *args), workdir)  # the default: spam
    assert lines == [
        "positive_class 'spam' is not a value of 'sentiment' in reviews.csv; its values are "
        "'neg', 'neutral', 'pos' (--data positive_class=VALUE)."
    ]
    result = new("nlp-pipeline", source, *args, "--data", "positive_class=neg")
    assert result.exit_code == 0, result.output
    config = tomllib.loads((workdir / "proj" / "config.toml").read_text())
    assert config["data"] == config["data"] | {
        "path": "data/reviews.csv",
        "text_column": "body",
        "label_column": "sentiment",
    }


def test_a_classification_target_with_three_values_is_refused(workdir: Path, inputs: Path) -> None:
    source = reviews(inputs / "reviews.csv", labels=("pos", "neg", "neutral"))
    args = ["--data", "target_column=sentiment", "--data", "subgroup_columns="]
    lines = refused(new("classification-api", source, *args), workdir)
    assert lines == [
        "target_column 'sentiment' must hold exactly 2 classes for classification-api; "
        "reviews.csv has 3: 'neg', 'neutral', 'pos'."
    ]


def test_interactions_without_ratings(workdir: Path, inputs: Path) -> None:
    source = clicks(inputs / "clicks.csv")
    result = new("recommender", source, *CLICK_ANSWERS)
    assert result.exit_code == 0, result.output
    config = tomllib.loads((workdir / "proj" / "config.toml").read_text())
    assert config["data"]["rating_column"] == ""
    assert config["data"]["time_column"] == "read_at"
    assert config["data"]["user_column"] == "visitor"


def test_the_defaults_of_optional_columns_must_be_in_the_file(workdir: Path, inputs: Path) -> None:
    source = clicks(inputs / "clicks.csv")
    args = ["--data", "user_column=visitor", "--data", "item_column=article"]
    lines = refused(new("recommender", source, *args), workdir)
    assert lines == [
        "rating_column: clicks.csv has no column 'rating'; its columns are visitor, article, "
        "read_at (--data rating_column=COLUMN, or --data rating_column= for none).",
        "time_column: clicks.csv has no column 'lecture_age'; its columns are visitor, "
        "article, read_at (--data time_column=COLUMN, or --data time_column= for none).",
    ]


def test_a_rating_column_must_hold_numbers(workdir: Path, inputs: Path) -> None:
    source = write_csv(
        inputs / "r.csv", ["u", "i", "stars"], [["a", "x", 5], ["b", "y", "five"], ["a", "y", 3]]
    )
    args = ["--data", "user_column=u", "--data", "item_column=i", "--data", "time_column="]
    lines = refused(new("recommender", source, *args, "--data", "rating_column=stars"), workdir)
    assert lines == [
        "rating_column 'stars' must hold numbers, but line 3 of r.csv has 'five'; fix the "
        "values or choose another column."
    ]


# --- missing values --------------------------------------------------------------------


def test_missing_feature_values_are_accepted_but_a_missing_target_is_not(
    workdir: Path, inputs: Path
) -> None:
    source = churn(inputs / "churn.csv")  # monthly_charges is empty on every 17th row
    text = source.read_text().splitlines()
    text[5] = text[5].rsplit(",", 1)[0] + ","  # line 6: no target
    source.write_text("\n".join(text) + "\n")
    lines = refused(new("classification-api", source, *CHURN_ANSWERS), workdir)
    assert lines == [
        "target_column 'churned' is empty on 1 row(s) of churn.csv (first on line 6); fill "
        "those cells in or remove the rows."
    ]


def test_empty_texts_are_left_to_the_quarantine_but_count_against_the_minimum(
    workdir: Path, inputs: Path
) -> None:
    # 40 rows, every 20th text empty (both 'neg'): 18 usable rows of 'neg', below the 20 needed.
    source = reviews(inputs / "reviews.csv", rows=40)
    lines = refused(new("nlp-pipeline", source, *REVIEW_ANSWERS), workdir)
    assert lines == [
        "label_column 'sentiment': nlp-pipeline needs at least 20 rows of each class with "
        "every needed column filled; reviews.csv has 'neg': 18, 'pos': 20."
    ]
    result = new("nlp-pipeline", reviews(inputs / "more.csv", rows=60), *REVIEW_ANSWERS)
    assert result.exit_code == 0, result.output


# --- failure paths: one line each, naming the column and what is there; nothing written --


def test_a_wrong_column_lists_the_files_columns(workdir: Path, inputs: Path) -> None:
    source = churn(inputs / "churn.csv")
    args = ["--data", "target_column=left", "--data", "subgroup_columns=region,country"]
    lines = refused(new("classification-api", source, *args), workdir)
    columns = "customer_ref, tenure_months, plan, region, monthly_charges, churned"
    assert lines == [
        f"target_column: churn.csv has no column 'left'; its columns are {columns} "
        "(--data target_column=COLUMN).",
        f"subgroup_columns: churn.csv has no column 'country'; its columns are {columns} "
        "(--data subgroup_columns=COLUMN, or --data subgroup_columns= for none).",
    ]


def test_a_positive_class_absent_from_the_labels(workdir: Path, inputs: Path) -> None:
    source = reviews(inputs / "reviews.csv")
    args = ["--data", "text_column=body", "--data", "label_column=sentiment"]
    lines = refused(new("nlp-pipeline", source, *args), workdir)  # default: spam
    assert lines == [
        "positive_class 'spam' is not a value of 'sentiment' in reviews.csv; its values are "
        "'neg', 'pos' (--data positive_class=VALUE)."
    ]


def test_an_empty_text_column(workdir: Path, inputs: Path) -> None:
    source = write_csv(
        inputs / "t.csv",
        ["body", "sentiment"],
        [["", "pos" if i % 2 else "neg"] for i in range(50)],
    )
    lines = refused(new("nlp-pipeline", source, *REVIEW_ANSWERS), workdir)
    assert lines == [
        "text_column 'body' is empty on every row of t.csv; choose a column that holds values."
    ]


def test_a_missing_file(workdir: Path, inputs: Path) -> None:
    lines = refused(new("classification-api", inputs / "nope.csv", *CHURN_ANSWERS), workdir)
    assert lines == [
        f"--dataset {inputs / 'nope.csv'}: no such file; give the path of your CSV file."
    ]


def test_a_file_that_is_not_utf8(workdir: Path, inputs: Path) -> None:
    source = inputs / "latin.csv"
    source.write_bytes("name,churned\nJos\xe9,yes\n".encode("cp1252"))
    lines = refused(new("classification-api", source, *CHURN_ANSWERS), workdir)
    assert lines == [
        "latin.csv is not UTF-8: byte 0xE9 on line 2 is not valid UTF-8 (the file may be "
        "Windows-1252 or Latin-1); convert it, e.g. `iconv -f WINDOWS-1252 -t UTF-8 latin.csv "
        "> latin-utf8.csv`."
    ]


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"\xff\xfeh\x00", "t.csv is UTF-16 text; save it as UTF-8"),
        (b"a;b\n1;2\n", "t.csv looks semicolon-separated"),
        (b"a,a\n1,2\n", "t.csv: the header names 'a' more than once"),
        (b"a,b\n", "t.csv has a header but no rows"),
        (b"", "t.csv is empty"),
        (b"a,b\n1,2,3\n", "t.csv: line 2 has 3 fields, but the header has 2 columns"),
    ],
)
def test_a_file_that_is_not_a_usable_csv(
    workdir: Path, inputs: Path, content: bytes, problem: str
) -> None:
    source = inputs / "t.csv"
    source.write_bytes(content)
    (line,) = refused(new("classification-api", source, *CHURN_ANSWERS), workdir)
    assert line.startswith(problem)


def test_another_format_is_refused_with_what_to_do(workdir: Path, inputs: Path) -> None:
    source = inputs / "texts.jsonl"
    source.write_text('{"text": "hi", "label": "ham"}\n')
    (line,) = refused(new("nlp-pipeline", source), workdir)
    assert line.startswith("--dataset takes a .csv file for nlp-pipeline, not texts.jsonl")


@pytest.mark.parametrize(
    "size", [MAX_BYTES + 1, 101 * 1024 * 1024], ids=["over-50MB", "over-100MB"]
)
def test_a_file_too_large_to_publish_is_refused(workdir: Path, inputs: Path, size: int) -> None:
    """Documented limit: what `check` calls an error and `publish` refuses to push."""
    source = inputs / "big.csv"
    with source.open("wb") as handle:  # sparse: no disk used, no time spent
        handle.truncate(size)
    (line,) = refused(new("classification-api", source, *CHURN_ANSWERS), workdir)
    assert line.startswith(f"big.csv is {size // 1024 // 1024} MB; a project's files must stay")
    assert "head -n 100001 big.csv > sample.csv" in line


def test_a_file_just_under_the_limit_is_read(inputs: Path) -> None:
    from portfoliokit.dataset_file import open_data_file

    source = churn(inputs / "churn.csv")
    with source.open("ab") as handle:  # padded with blank lines, which are skipped
        handle.write(b"\n" * (MAX_BYTES - source.stat().st_size))
    assert source.stat().st_size == MAX_BYTES
    assert open_data_file(source).header[-1] == "churned"


def test_the_demo_files_name_is_never_taken(workdir: Path, inputs: Path) -> None:
    source = churn(inputs / "german_credit.csv")
    # A demo project's answers (e.g. through --data-file) name the demo file.
    demo_path = ["--data", "dataset_path=data/german_credit.csv"]
    result = new("classification-api", source, *CHURN_ANSWERS, *demo_path)
    assert result.exit_code == 0, result.output
    project = workdir / "proj"
    config = tomllib.loads((project / "config.toml").read_text())
    assert config["data"]["path"] == "data/own_german_credit.csv"
    assert (project / "data" / "own_german_credit.csv").read_bytes() == source.read_bytes()
    assert "German Credit (UCI Statlog)" not in (project / "docs/data_card.md").read_text()
    lines = refused(
        new(
            "classification-api", source, *CHURN_ANSWERS, "--data", "dataset_path=x.txt", dest="two"
        ),
        _only(workdir, "proj"),
    )
    assert lines == [
        "dataset_path x.txt must end in .csv to receive the --dataset file; answer it with "
        "--data dataset_path=VALUE."
    ]


def test_a_dry_run_lists_the_file_and_writes_nothing(workdir: Path, inputs: Path) -> None:
    source = churn(inputs / "churn.csv")
    result = run_cli(
        "new", "classification-api", "--dry-run", "-y", "--dataset", str(source), *CHURN_ANSWERS
    )
    assert result.exit_code == 0, result.output
    assert "  data/churn.csv\n" in result.output
    assert list(workdir.iterdir()) == []


def test_update_keeps_the_users_file(workdir: Path, inputs: Path) -> None:
    """The file is no template file: a fresh render lacks it, and the merge must keep it."""
    source = churn(inputs / "churn.csv")
    assert new("classification-api", source, *CHURN_ANSWERS).exit_code == 0
    result = run_cli("update", str(workdir / "proj"))
    assert result.exit_code == 0, result.output
    assert "is up to date" in result.output
    assert (workdir / "proj" / "data" / "churn.csv").read_bytes() == source.read_bytes()
    status = subprocess.run(
        ["git", "status", "--porcelain"], cwd=workdir / "proj", capture_output=True, text=True
    )
    assert status.stdout == ""


# --- the rules file ---------------------------------------------------------------------


@pytest.mark.parametrize("template", TEMPLATE_IDS)
def test_every_rule_names_a_question_of_its_template(template: str) -> None:
    from portfoliokit.catalogue import questions_for

    asked = {q.name for q in questions_for(template) if q.asked}
    rules = rules_for(template)
    named = {rule.answer for rule in rules.columns} | {
        rule.positive for rule in rules.columns if rule.positive
    }
    assert named <= asked
    assert set(rules.count_rows_with) <= named


@pytest.mark.parametrize("template", ["classification-api", "nlp-pipeline"])
def test_the_class_minimum_is_the_generated_configs(workdir: Path, template: str) -> None:
    assert run_cli("new", template, "p", "-y", "--no-git").exit_code == 0
    config = tomllib.loads((workdir / "p" / "config.toml").read_text())
    assert rules_for(template).min_rows_per_class == config["data"]["min_rows_per_class"]


def test_no_demo_words_in_the_classification_docs(workdir: Path, inputs: Path) -> None:
    result = new("classification-api", churn(inputs / "churn.csv"), *CHURN_ANSWERS,
                 "--data", "project_name=Churn Radar")  # fmt: skip
    assert result.exit_code == 0
    for doc in ("README.md", "docs/data_card.md", "config.toml"):
        text = (workdir / "proj" / doc).read_text()
        assert DEMO_WORDS.findall(text) == [], doc


def test_without_a_terminal_the_missing_answers_are_named_and_dataset_path_is_not_one(
    workdir: Path, inputs: Path
) -> None:
    source = churn(inputs / "churn.csv")
    result = run_cli("new", "classification-api", "--dataset", str(source), *CHURN_ANSWERS)
    (line,) = refused(result, workdir)
    assert "(missing: project_name, description, author_name, author_email, license, cost_" in line
    assert "dataset_path" not in line
