"""The command line's one translation of outcomes into exit statuses."""

import os
import signal
import time
from pathlib import Path

import pytest

from {{ package_name }}.core.cli import PIPELINE, expand, parser, run
from {{ package_name }}.core.config import ConfigError
from {{ package_name }}.core.markers import MarkerError


class OwnError(ValueError):
    pass


def test_a_users_mistake_is_one_line_and_status_1(capsys: pytest.CaptureFixture[str]) -> None:
    def command() -> None:
        raise ConfigError("[costs] false_positive: must be positive")

    assert run(command) == 1
    assert capsys.readouterr().err == "error: [costs] false_positive: must be positive\n"


def test_a_missing_results_block_is_a_users_mistake(capsys: pytest.CaptureFixture[str]) -> None:
    def command() -> None:
        raise MarkerError("README.md has no results block")

    assert run(command) == 1
    assert capsys.readouterr().err == "error: README.md has no results block\n"


def test_a_projects_own_errors_are_translated_when_named(
    capsys: pytest.CaptureFixture[str],
) -> None:
    def command() -> None:
        raise OwnError("the data has no rows")

    assert run(command, also=(OwnError,)) == 1
    assert capsys.readouterr().err == "error: the data has no rows\n"
    with pytest.raises(OwnError):
        run(command)  # not named: a bug, and it keeps its traceback


def test_success_is_status_0_or_the_commands_own() -> None:
    assert run(lambda: None) == 0
    assert run(lambda: 3) == 3


def test_ctrl_c_is_status_130_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    def command() -> None:
        raise KeyboardInterrupt

    assert run(command) == 130
    assert capsys.readouterr().err.startswith("interrupted;")


def test_sigterm_stops_the_command_like_ctrl_c(capsys: pytest.CaptureFixture[str]) -> None:
    cleaned = []

    def command() -> None:
        try:
            os.kill(os.getpid(), signal.SIGTERM)
            for _ in range(500):  # the handler runs between two bytecodes of this loop
                time.sleep(0.01)
        finally:
            cleaned.append(True)

    before = signal.getsignal(signal.SIGTERM)
    assert run(command) == 143
    assert cleaned == [True]
    assert capsys.readouterr().err.startswith("terminated;")
    assert signal.getsignal(signal.SIGTERM) is before


def test_common_options_and_stages() -> None:
    args = parser("prog", "does things").parse_args([])
    assert args.config == Path("config.toml")
    assert parser("prog", "x").parse_args(["--config", "c.toml"]).config == Path("c.toml")
    assert expand("all") == PIPELINE == ("data", "train", "evaluate", "report")
    assert expand("train") == ("train",)
    assert expand("all", ("a", "b")) == ("a", "b")
