"""The catalogue and the question files agree with the template folders."""

import pytest

from portfoliokit.catalogue import (
    check_answer_keys,
    get_template,
    list_templates,
    questions_for,
    render_default,
    templates_root,
)
from portfoliokit.errors import AnswerError, TemplateNotFoundError

from .conftest import TEMPLATE_IDS

COMMON = ["project_name", "description", "author_name", "author_email", "license"]


def test_every_catalogue_entry_is_a_template_folder_and_a_choice() -> None:
    root = templates_root()
    folders = {p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith(("_", "."))}
    folders.discard("questions")
    assert set(TEMPLATE_IDS) == folders == {"classification-api", "nlp-pipeline", "recommender"}
    template_question = next(q for q in questions_for("recommender") if q.name == "template_id")
    assert set(template_question.choices) == set(TEMPLATE_IDS)


def test_entries_describe_what_they_produce() -> None:
    for info in list_templates():
        assert info.summary and info.produces


@pytest.mark.parametrize("template_id", TEMPLATE_IDS)
def test_common_questions_come_first_and_have_help(template_id: str) -> None:
    asked = [q for q in questions_for(template_id) if q.asked]
    assert [q.name for q in asked][: len(COMMON)] == COMMON
    assert all(q.help for q in asked)
    license_question = next(q for q in asked if q.name == "license")
    assert license_question.choices == ("MIT", "Apache-2.0", "BSD-3-Clause", "none")
    assert license_question.default == "MIT"


OWN_QUESTIONS = {
    "classification-api": {"dataset_path", "target_column", "positive_class", "subgroup_columns",
                           "cost_false_positive", "cost_false_negative"},
    "nlp-pipeline": {"dataset_path", "text_column", "label_column", "positive_class",
                     "cost_false_positive", "cost_false_negative"},
    "recommender": {"dataset_path", "user_column", "item_column", "rating_column",
                    "time_column", "positive_threshold"},
}  # fmt: skip


@pytest.mark.parametrize("template_id", TEMPLATE_IDS)
def test_each_template_asks_its_own_questions_and_no_others(template_id: str) -> None:
    asked = {q.name for q in questions_for(template_id) if q.asked}
    own = OWN_QUESTIONS.get(template_id, set())
    assert own <= asked
    others = set().union(*OWN_QUESTIONS.values()) - own
    assert not others & asked


def test_shared_question_names_take_each_templates_defaults() -> None:
    defaults = {
        template_id: {
            q.name: render_default(q, {"template_id": template_id})
            for q in questions_for(template_id)
            if q.name in OWN_QUESTIONS[template_id]
        }
        for template_id in OWN_QUESTIONS
    }
    assert defaults["classification-api"]["dataset_path"] == "data/german_credit.csv"
    assert defaults["nlp-pipeline"]["dataset_path"] == "data/sms_spam.csv"
    assert defaults["nlp-pipeline"]["positive_class"] == "spam"
    assert defaults["recommender"]["dataset_path"] == "data/insteval.csv"
    helps = {t: {q.name: q.help for q in questions_for(t)} for t in OWN_QUESTIONS}
    assert "German Credit" in helps["classification-api"]["dataset_path"]
    assert "SMS Spam" in helps["nlp-pipeline"]["dataset_path"]
    assert "InstEval" in helps["recommender"]["dataset_path"]
    assert "{%" not in helps["nlp-pipeline"]["positive_class"]


def test_recommender_asks_its_own_questions_and_shares_dataset_path() -> None:
    own = {"user_column", "item_column", "rating_column", "time_column", "positive_threshold"}
    asked = {q.name for q in questions_for("recommender") if q.asked}
    assert own | {"dataset_path"} <= asked
    assert "dataset_path" in {q.name for q in questions_for("classification-api") if q.asked}
    assert not own & {q.name for q in questions_for("classification-api")}


def test_unknown_template_lists_the_valid_ids() -> None:
    with pytest.raises(
        TemplateNotFoundError, match="classification-api, nlp-pipeline, recommender"
    ):
        get_template("classifier")


def test_unknown_answer_key_lists_the_valid_keys() -> None:
    with pytest.raises(AnswerError) as caught:
        check_answer_keys("recommender", {"licence": "MIT", "project_name": "x"})
    message = str(caught.value)
    assert "'licence'" in message and "license" in message and "project_name" in message
    assert "template_id" not in message.split("valid keys:")[1]


def test_hidden_and_tool_answers_cannot_be_set() -> None:
    for key in ("project_slug", "package_name", "portfoliokit_version", "template_id"):
        with pytest.raises(AnswerError):
            check_answer_keys("recommender", {key: "x"})
