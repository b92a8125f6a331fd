"""Plan JSON that used to cause internal errors (exit 4) is bad input (exit 2), and what is accepted
comes back out of ``--format json`` as strict JSON (issue 11, item 8). The real CLI, in a subprocess."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from tests.conftest import assert_one_line_error, run_cli


def _plan(change: dict, **extra) -> dict:
    entry = {"address": "aws_s3_bucket.a", "mode": "managed", "type": "aws_s3_bucket", "name": "a",
             "provider_name": "registry.terraform.io/hashicorp/aws", "change": change}
    return {"format_version": "1.2", "resource_changes": [entry], **extra}


def _change(**fields) -> dict:
    return {"actions": ["update"], "before": {"x": 1}, "after": {"x": 2}, "after_unknown": {},
            "before_sensitive": {}, "after_sensitive": {}, **fields}


def _strict_loads(text: str):
    def refuse(constant: str):
        raise ValueError(f"{constant} is not JSON")

    return json.loads(text, parse_constant=refuse)


def _write(tmp_path: Path, document: dict | str) -> Path:
    path = tmp_path / "plan.json"
    path.write_text(document if isinstance(document, str) else json.dumps(document))
    return path


@pytest.mark.parametrize(("actions", "message"), [
    ([1], "a list of strings"),
    ([["create"]], "a list of strings"),
    ([{"create": True}], "a list of strings"),
    ("update", "a list of strings"),
])
def test_actions_that_are_not_a_list_of_strings(tmp_path: Path, actions, message) -> None:
    plan = _write(tmp_path, _plan(_change(actions=actions)))
    for command in (["plan", "summarize", str(plan), "--format", "json"], ["plan", "fingerprint", str(plan)]):
        result = run_cli(*command)
        assert_one_line_error(result, code=2)
        assert "resource_changes[0]" in result.stderr and message in result.stderr


def test_output_actions_that_are_not_a_list(tmp_path: Path) -> None:
    outputs = {"url": {"actions": "update", "before": 1, "after": 2, "after_unknown": False,
                       "before_sensitive": False, "after_sensitive": False}}
    plan = _write(tmp_path, _plan(_change(), output_changes=outputs))
    result = run_cli("plan", "summarize", str(plan))
    assert_one_line_error(result, code=2)
    assert "output_changes.url.actions is not a list of strings" in result.stderr


def _nested(depth: int):
    value: object = True
    for _ in range(depth):
        value = [value]
    return value


def test_nine_hundred_levels_are_summarized_and_past_the_limit_is_bad_input(tmp_path: Path) -> None:
    """Up to orjson's 1024 levels a plan is read and every walk over it finishes; deeper is exit 2."""
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 5000))  # to write the test document only
    plan = _write(tmp_path, _plan(_change(after_sensitive={"x": _nested(900)}, after={"x": _nested(900)})))
    for command in (["plan", "fingerprint", str(plan)], ["plan", "summarize", str(plan), "--format", "json"],
                    ["plan", "summarize", str(plan), "--format", "text"], ["plan", "summarize", str(plan)]):
        result = run_cli(*command)
        assert result.returncode == 0, (command, result.stderr[-300:])
    too_deep = _write(tmp_path, _plan(_change(after={"x": _nested(1100)})))
    result = run_cli("plan", "summarize", str(too_deep))
    assert_one_line_error(result, code=2)
    assert "nested too deeply (more than 1024 levels)" in result.stderr


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e400"])
def test_nan_and_infinity_in_a_plan_are_bad_input(tmp_path: Path, number: str) -> None:
    text = json.dumps(_plan(_change(after={"x": 0})))
    text = text.replace('"after": {"x": 0}', f'"after": {{"x": {number}}}')
    result = run_cli("plan", "summarize", str(_write(tmp_path, text)), "--format", "json")
    assert_one_line_error(result, code=2)


def test_nan_inside_a_json_string_attribute_still_gives_strict_json(tmp_path: Path) -> None:
    """A policy document held in a string is diffed as JSON only when it is strict JSON."""
    change = _change(before={"policy": '{"Version": 1}'}, after={"policy": '{"Version": NaN, "Big": 1e400}'})
    result = run_cli("plan", "summarize", str(_write(tmp_path, _plan(change))), "--format", "json")
    assert result.returncode == 0, result.stderr
    summary = _strict_loads(result.stdout)
    assert summary["resources"][0]["changed_attributes"] == ["policy"]


def test_a_utf16_plan_is_bad_input(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_bytes(json.dumps(_plan(_change())).encode("utf-16"))
    result = run_cli("plan", "summarize", str(path))
    assert_one_line_error(result, code=2)
    assert "UTF-16" in result.stderr
