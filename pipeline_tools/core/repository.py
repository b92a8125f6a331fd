"""GitHub repository names (``OWNER/NAME``): the one parser every command uses."""

from __future__ import annotations

import re

from pipeline_tools.core.errors import InputError

# GitHub's rules: an owner is 1-39 letters, digits and hyphens, not starting with a hyphen; a
# repository name is 1-100 letters, digits, '.', '_' and '-'.
_REPO_NAME = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}$")


def parse_repo_name(full_name: object) -> str:
    """Validate ``OWNER/NAME`` and return it; raises :class:`InputError` otherwise."""
    if not full_name:
        raise InputError("--repo OWNER/NAME is required (or set GITHUB_REPOSITORY)")
    if not isinstance(full_name, str) or not _REPO_NAME.match(full_name):
        raise InputError(f"invalid repository {full_name!r}: expected OWNER/NAME")
    return full_name
