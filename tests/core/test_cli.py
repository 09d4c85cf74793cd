"""The ``avvik`` console script offers only what works: no inherited Flask commands or
options that pick another app, load a .env file or need a package we do not install."""

from __future__ import annotations

import re
from importlib.metadata import version
from pathlib import Path

import pytest
from click.testing import CliRunner

from avvik.cli import cli

#: Every command ``avvik --help`` lists: the project's own and those of Flask-Migrate
#: (db), Flask-Limiter (limiter) and flask-smorest (openapi).
COMMANDS = {"create-token", "create-user", "db", "demo-data", "escalate", "limiter",
            "oidc-public-key", "openapi", "rotate-identity-key", "send-test-mail", "serve",
            "worker-status"}


@pytest.fixture
def runner(tmp_path: Path) -> CliRunner:
    return CliRunner(env={"AVVIK_ENV": "development", "AVVIK_INSTANCE_DIR": str(tmp_path),
                          "AVVIK_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}"})


def listed(help_text: str, section: str) -> list[str]:
    """The names in one section ("Options", "Commands") of click's help."""
    block = help_text.split(f"{section}:\n", 1)[1].split("\n\n", 1)[0]
    return re.findall(r"^  (\S+)", block, flags=re.MULTILINE)


def test_help_lists_only_working_commands_and_options(runner):
    result = runner.invoke(cli, ["--help"], prog_name="avvik")
    assert result.exit_code == 0, result.output
    assert set(listed(result.output, "Commands")) == COMMANDS
    assert listed(result.output, "Options") == ["--version", "--help"]
    for command in COMMANDS:  # each one loads and explains itself
        sub = runner.invoke(cli, [command, "--help"], prog_name="avvik")
        assert sub.exit_code == 0, (command, sub.output)


@pytest.mark.parametrize("argv", [["run"], ["shell"], ["routes"], ["-e", ".env", "serve"],
                                  ["--app", "other:app", "serve"], ["--debug", "serve"]])
def test_flask_commands_and_options_are_refused(runner, argv):
    result = runner.invoke(cli, argv, prog_name="avvik")
    assert result.exit_code == 2
    assert "No such" in result.output


def test_version_is_the_installed_package(runner):
    result = runner.invoke(cli, ["--version"], prog_name="avvik")
    assert result.exit_code == 0
    assert result.output == f"avvik, version {version('avvik')}\n"
