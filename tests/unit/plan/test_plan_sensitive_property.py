"""Property: no sensitive value appears in any output format, for any plan shape.

Hypothesis builds plans of arbitrary shape (nested objects and lists, every action, imports,
moves, drift with relevant attributes, JSON held in strings, outputs, variables) and marks
values sensitive the way terraform does (``true`` on a subtree, or a structure mirroring the
value). Secret values use a marker alphabet that cannot occur by chance, around characters that
escaping rewrites (markdown ``\\_``, HTML ``&lt;``/``&amp;``/``&quot;``, JSON ``\\"`` and
``\\u00e9``, ``_`` shown as a space): a secret masked only in clear would still show its
markers. The value of a variable declared sensitive is also put where terraform does not mark it
(as ``nonsensitive()`` would): plain attributes, JSON held in strings, map keys, ``for_each``
addresses, import ids, action reasons, outputs. Each format is checked twice: as shipped, and with
the renderers' defence-in-depth scrub disabled, to prove the masking holds by construction and
happens before any escaping.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pipeline_tools.plan.render.json_output as json_output
import pipeline_tools.plan.render.markdown as markdown
import pipeline_tools.plan.render.text as text
from pipeline_tools.plan.model import summarize

SECRET_PREFIX = "SeCrEt"
SECRET_SUFFIX = "tErCeS"
# Characters some escaping step rewrites (markdown, HTML, JSON, Slack/Discord, percent-encoding).
ESCAPED_BY_SOMETHING = '_"<>&\\*`[]|#~\'é\U0001f600 %'
_names = st.text(alphabet="abcdefghij_", min_size=1, max_size=6)
_escapable = st.text(alphabet=ESCAPED_BY_SOMETHING, min_size=1, max_size=4)
_secret = st.tuples(_escapable, st.integers(min_value=0, max_value=16**8), _escapable).map(
    lambda parts: f"{SECRET_PREFIX}{parts[0]}{parts[1]:08x}{parts[2]}{SECRET_SUFFIX}")
_plain_leaf = st.one_of(st.none(), st.booleans(), st.integers(-1000, 1000),
                        st.text(alphabet="xyz0123 -/", max_size=10))


def _sensitive_subtree(depth: int) -> st.SearchStrategy[Any]:
    """A whole-sensitive value (marked ``true``): secrets inside, any shape."""
    if depth <= 0:
        return _secret
    child = _sensitive_subtree(depth - 1)
    return st.one_of(_secret, st.lists(child, max_size=3), st.dictionaries(_names, child, max_size=3),
                     _secret.map(lambda s: json.dumps({"Statement": [{"Action": s, "Resource": "*"}]})))


def _marked(depth: int) -> st.SearchStrategy[tuple[Any, Any]]:
    """(value, sensitivity mark) pairs shaped like terraform's before/after + *_sensitive."""
    whole = _sensitive_subtree(2).map(lambda value: (value, True))
    plain = _plain_leaf.map(lambda value: (value, False))
    json_string = st.dictionaries(_names, _plain_leaf, max_size=3).map(lambda d: (json.dumps(d), False))
    if depth <= 0:
        return st.one_of(plain, whole, json_string)
    child = _marked(depth - 1)

    def as_dict(items: dict[str, tuple[Any, Any]]) -> tuple[Any, Any]:
        return ({k: v for k, (v, _) in items.items()},
                {k: m for k, (_, m) in items.items() if m})

    def as_list(items: list[tuple[Any, Any]]) -> tuple[Any, Any]:
        return [v for v, _ in items], [m for _, m in items]

    return st.one_of(
        plain, whole, json_string,
        st.dictionaries(_names, child, max_size=4).map(as_dict),
        st.lists(child, max_size=3).map(as_list),
    )


_actions = st.sampled_from([["create"], ["update"], ["delete"], ["delete", "create"], ["create", "delete"],
                            ["no-op"], ["read"], ["forget"]])
_types = st.sampled_from(["aws_s3_bucket", "aws_iam_policy", "aws_security_group", "aws_db_instance",
                          "aws_ssm_parameter", "null_resource"])


@st.composite
def _resource_change(draw: st.DrawFn, index: int, declared: str = "") -> dict[str, Any]:
    """``declared``: the sensitive variable's value, put unmarked into some of the places above."""
    actions = draw(_actions)
    before, before_sens = draw(_marked(2)) if actions != ["create"] else (None, False)
    after, after_sens = draw(_marked(2)) if actions not in (["delete"], ["forget"]) else (None, False)
    if draw(st.booleans()):  # terraform's usual top-level objects
        before = {"a": before, "b": draw(_plain_leaf)} if before is not None else None
        before_sens = {"a": before_sens} if before_sens else {}
        after = {"a": after, "policy": draw(st.sampled_from(['{"Statement": []}', "x"]))} \
            if after is not None else None
        after_sens = {"a": after_sens} if after_sens else {}
    unknown = draw(st.sampled_from([False, True, {"z": True}, {}]))
    where = draw(st.sets(st.sampled_from(["value", "json", "key", "address", "import", "reason"])))
    if declared and isinstance(after, dict):
        if "value" in where:
            after = {**after, "c": declared}
        if "json" in where:
            after = {**after, "policy": json.dumps({"Statement": [{"Action": "s3:GetObject",
                                                                   "Resource": f"arn:aws:s3:::{declared}"}]})}
        if "key" in where:
            after = {**after, "tags": {declared: "v", "k": declared}}
    change: dict[str, Any] = {"actions": actions, "before": before, "after": after,
                              "after_unknown": unknown, "before_sensitive": before_sens,
                              "after_sensitive": after_sens}
    if draw(st.booleans()):
        change["replace_paths"] = [["a"]]
    if draw(st.booleans()) or (declared and "import" in where):
        change["importing"] = {"id": declared if declared and "import" in where else f"import-{index}"}
    mode = "data" if actions == ["read"] else "managed"
    resource_type = draw(_types)
    key = f"[{json.dumps(declared)}]" if declared and "address" in where else ""
    entry = {"address": f"{resource_type}.r{index}{key}", "mode": mode, "type": resource_type,
             "name": f"r{index}", "change": change}
    if declared and "reason" in where:
        entry["action_reason"] = f"replace_because_{declared}"
    if draw(st.booleans()):
        entry["previous_address"] = f"{resource_type}.old{index}"
    return entry


@st.composite
def plans(draw: st.DrawFn) -> dict[str, Any]:
    secret_var = draw(_secret)
    count = draw(st.integers(0, 5))
    changes = [draw(_resource_change(i, secret_var if draw(st.booleans()) else "")) for i in range(count)]
    drift = [draw(_resource_change(100 + i, secret_var if draw(st.booleans()) else ""))
             for i in range(draw(st.integers(0, 2)))]
    relevant = [{"resource": d["address"], "attribute": [draw(st.sampled_from(["a", "b", "policy"]))]}
                for d in drift]
    outputs: dict[str, Any] = {}
    planned_outputs: dict[str, Any] = {}
    for i in range(draw(st.integers(0, 3))):
        value, mark = draw(_marked(2))
        before, before_mark = draw(_marked(1))
        outputs[f"out{i}"] = {"actions": ["update"], "before": before, "after": value,
                              "after_unknown": False, "before_sensitive": before_mark,
                              "after_sensitive": mark}
        planned_outputs[f"out{i}"] = {"sensitive": bool(mark is True), "value": value}
    if draw(st.booleans()):  # an output that passes the secret on through nonsensitive()
        outputs["passed_on"] = {"actions": ["create"], "before": None, "after": secret_var,
                                "after_unknown": False, "before_sensitive": False, "after_sensitive": False}
        planned_outputs["passed_on"] = {"sensitive": False, "value": secret_var}
    return {
        "format_version": "1.2",
        "terraform_version": "1.11.4",
        "variables": {"password": {"value": secret_var}, "region": {"value": "us-east-1"}},
        "configuration": {"root_module": {"variables": {"password": {"sensitive": True}, "region": {}}}},
        "planned_values": {"outputs": planned_outputs, "root_module": {}},
        "resource_changes": changes,
        "resource_drift": drift,
        "relevant_attributes": relevant,
        "output_changes": outputs,
        "errored": draw(st.booleans()),
        "complete": draw(st.booleans()),
    }


def _render_all(plan: dict[str, Any]) -> dict[str, str]:
    summary = summarize(plan)
    out = {
        "json": json_output.render_plan_json(summary),
        "text": text.render_plan_text(summary, color=False),
        "text-color": text.render_plan_text(summary, color=True),
        "model": json.dumps(summary.to_json_dict()),
    }
    for max_chars in (65536, 1500, 400):
        out[f"markdown-{max_chars}"] = markdown.render_plan_markdown(summary, max_chars=max_chars)
    return out


def _assert_no_secret(plan: dict[str, Any], rendered: dict[str, str]) -> None:
    # Both markers are letters only, which no escaping rewrites: any copy of a secret, in clear
    # or escaped, or any piece of one left by a mask that matched only part of it, shows one.
    for name, output in rendered.items():
        assert SECRET_PREFIX not in output and SECRET_SUFFIX not in output, (name, output)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans())
def test_no_sensitive_value_in_any_format(plan: dict[str, Any]) -> None:
    _assert_no_secret(plan, _render_all(plan))
    # Same property with the last-line scrub switched off in every renderer: masking holds by
    # construction, not only thanks to the scrub.
    with pytest.MonkeyPatch.context() as patch:
        for module in (json_output, markdown, text):
            patch.setattr(module, "scrub", lambda value, secrets, **_: value)
        _assert_no_secret(plan, _render_all(plan))


def test_the_generator_does_put_secrets_in_plans() -> None:
    """Guard against a vacuous property: the plans really carry secrets in clear, and secrets
    holding characters that escaping rewrites."""

    @settings(max_examples=30, deadline=None)
    @given(plans())
    def collect(plan: dict[str, Any]) -> None:
        seen.append(SECRET_PREFIX in json.dumps(plan["resource_changes"] + [plan["output_changes"]]))
        escaped.append(any(c in plan["variables"]["password"]["value"] for c in '_"<&é'))

    seen: list[bool] = []
    escaped: list[bool] = []
    collect()
    assert any(seen) and any(escaped)


_json = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=5)),
                     lambda children: st.one_of(st.lists(children, max_size=3),
                                                st.dictionaries(st.text(max_size=4), children, max_size=3)),
                     max_leaves=10)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.fixed_dictionaries(
    {"address": st.text(max_size=8), "mode": st.sampled_from(["managed", "data"]),
     "type": st.sampled_from(["aws_s3_bucket", "aws_security_group", "aws_iam_policy"]),
     "change": st.fixed_dictionaries({"actions": st.lists(st.sampled_from(
         ["create", "update", "delete", "read", "no-op", "forget"]), max_size=2)},
         optional={"before": _json, "after": _json, "after_unknown": _json,
                   "before_sensitive": _json, "after_sensitive": _json, "replace_paths": _json,
                   "importing": _json})},
    optional={"previous_address": _json, "action_reason": _json}), max_size=4),
    st.dictionaries(st.text(max_size=4), st.fixed_dictionaries(
        {"actions": st.lists(st.sampled_from(["create", "update", "delete"]), min_size=1, max_size=1)},
        optional={"before": _json, "after": _json, "after_unknown": _json,
                  "before_sensitive": _json, "after_sensitive": _json}), max_size=2))
def test_odd_but_loadable_plans_never_crash(changes: list[dict[str, Any]],
                                            outputs: dict[str, Any]) -> None:
    """Whatever values a loadable plan holds, every format renders (no internal error)."""
    from pipeline_tools.plan.load import parse_plan

    plan = parse_plan(json.dumps({"format_version": "1.2", "resource_changes": changes,
                                  "output_changes": outputs}).encode())
    rendered = _render_all(plan)
    assert all(isinstance(text, str) for text in rendered.values())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(
    ["planned_values", "output_changes", "variables", "configuration", "relevant_attributes",
     "checks", "deferred_changes", "resource_drift", "errored", "complete", "applyable",
     "terraform_version"]), _json, max_size=6))
def test_odd_top_level_fields_are_bad_input_or_fine(fields: dict[str, Any]) -> None:
    """Any top-level field of any JSON type: exit-2 material (InputError) or a summary."""
    from pipeline_tools.core.errors import InputError
    from pipeline_tools.plan.load import parse_plan

    document = {"format_version": "1.2", "resource_changes": [], **fields}
    try:
        plan = parse_plan(json.dumps(document).encode())
    except InputError:
        return
    assert all(isinstance(text, str) for text in _render_all(plan).values())
