"""Release files (environments/<env>/release.auto.tfvars.json) are read strictly (issue 11, item 8):
duplicate keys, UTF-16, NaN and deep nesting are exit 2 with one line naming the problem.

Through the real CLI (`pipeline-tools status`, which reads the release file before asking AWS
anything); a valid file with no services needs no AWS call at all, which is the control.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import assert_one_line_error, run_cli

DIGEST = "sha256:" + "a" * 64
AWS_ENV = {"AWS_DEFAULT_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "testing",
           "AWS_SECRET_ACCESS_KEY": "testing"}
ENTRY = '"repository": "platform/api", "digest": "' + DIGEST + '"'


def _status(tmp_path: Path, data: bytes):
    root = tmp_path / "environments" / "dev"
    root.mkdir(parents=True, exist_ok=True)
    (root / "release.auto.tfvars.json").write_bytes(data)
    return run_cli("status", "--env", "dev", "--environments-dir", str(tmp_path / "environments"),
                   "--no-drift", "--format", "json", env=AWS_ENV)


def test_an_empty_release_file_is_read(tmp_path: Path) -> None:
    result = _status(tmp_path, b'{"releases": {}}\n')
    assert result.returncode in (0, 1), result.stderr
    assert json.loads(result.stdout)["env"] == "dev"


def test_a_duplicate_key_is_refused_and_named(tmp_path: Path) -> None:
    text = '{"releases": {"api": {' + ENTRY + ', "digest": "sha256:' + "b" * 64 + '"}}}'
    result = _status(tmp_path, text.encode())
    assert_one_line_error(result, code=2)
    assert "key 'digest' appears twice" in result.stderr and "release.auto.tfvars.json" in result.stderr


def test_a_duplicate_service_is_refused(tmp_path: Path) -> None:
    entry = "{" + ENTRY + "}"
    result = _status(tmp_path, ('{"releases": {"api": ' + entry + ', "api": ' + entry + "}}").encode())
    assert_one_line_error(result, code=2)
    assert "key 'api' appears twice" in result.stderr


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-32"])
def test_wide_encodings_are_refused(tmp_path: Path, encoding: str) -> None:
    result = _status(tmp_path, '{"releases": {}}'.encode(encoding))
    assert_one_line_error(result, code=2)
    assert "UTF-8" in result.stderr


def test_deep_nesting_and_nan_are_refused(tmp_path: Path) -> None:
    deep = _status(tmp_path, ('{"releases": ' + "[" * 5000 + "]" * 5000 + "}").encode())
    assert_one_line_error(deep, code=2)
    assert "nested too deeply" in deep.stderr
    shallow_but_deep = _status(tmp_path, ('{"releases": {"api": ' + "[" * 20 + "]" * 20 + "}}").encode())
    assert_one_line_error(shallow_but_deep, code=2)
    nan = _status(tmp_path, b'{"releases": {"api": {"repository": "r", "digest": NaN}}}')
    assert_one_line_error(nan, code=2)


def test_a_tag_that_is_not_text_is_refused(tmp_path: Path) -> None:
    text = '{"releases": {"api": {' + ENTRY + ', "tag": {"a": 1}}}}'
    result = _status(tmp_path, text.encode())
    assert_one_line_error(result, code=2)
    assert "releases.api.tag must be a string" in result.stderr
