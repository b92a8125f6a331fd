"""``OWNER/NAME``: the one parser every command uses for --repo and GITHUB_REPOSITORY."""

from __future__ import annotations

import pytest

from pipeline_tools.core.errors import ExitCode, InputError
from pipeline_tools.core.repository import parse_repo_name


@pytest.mark.parametrize("name", ["acme/platform", "a/b", "Octo-Cat/repo.name_1", "x" * 39 + "/" + "y" * 100])
def test_valid_names_are_returned_unchanged(name: str) -> None:
    assert parse_repo_name(name) == name


@pytest.mark.parametrize("name", ["acme", "acme/", "/platform", "acme/platform/extra", "-acme/platform",
                                  "acme/plat form", "x" * 40 + "/repo", "acme/" + "y" * 101, None, 42])
def test_invalid_names_are_bad_input(name: object) -> None:
    with pytest.raises(InputError, match="OWNER/NAME") as raised:
        parse_repo_name(name)
    assert raised.value.exit_code == ExitCode.BAD_INPUT


def test_a_missing_name_says_where_it_can_come_from() -> None:
    with pytest.raises(InputError, match=r"--repo OWNER/NAME is required \(or set GITHUB_REPOSITORY\)"):
        parse_repo_name("")
