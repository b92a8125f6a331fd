"""The hidden per-resource change tokens in the plan comment: recorded, read back, and kept within
their share of GitHub's 65,536-character limit (the compact "omitted" form for many changes).

The plans are real terraform JSON from the shared fixture set (tests/fixtures/plans); the big one is
that plan with its resources copied under many module addresses, as test_plan_comment does.
"""

from __future__ import annotations

import copy
import json

from pipeline_tools.comment import EnvironmentPlan, compose_plan_comment, parse_comment_markers
from pipeline_tools.comment.compose import CHANGES_BUDGET
from pipeline_tools.comment.markers import CHANGES_PREFIX, format_changes_block
from pipeline_tools.plan.fingerprint import change_tokens, fingerprint
from pipeline_tools.plan.model import summarize
from tests.conftest import FIXTURES

PLAN = json.loads((FIXTURES / "plans" / "terraform-json" / "basic__plan.json").read_text())


def scaled(copies: int) -> dict:
    big = copy.deepcopy(PLAN)
    big["resource_changes"] = [{**c, "address": f"module.copy{i}.{c['address']}"}
                               for i in range(copies) for c in PLAN["resource_changes"]]
    return big


def env(name: str, plan: dict) -> EnvironmentPlan:
    return EnvironmentPlan(name, summarize(plan), fingerprint(plan, None), None, change_tokens(plan, None))


def test_tokens_round_trip_through_the_comment():
    body = compose_plan_comment([env("dev", PLAN)], sha="a" * 40)
    markers = parse_comment_markers(body, first_line_only=True)
    assert markers.changes["dev"] == change_tokens(PLAN, None)
    assert len(markers.changes["dev"]) >= 3


def test_many_changes_record_omitted_and_the_comment_still_fits():
    small, big = PLAN, scaled(400)  # 400 copies of each change: far over the tokens' budget
    body = compose_plan_comment([env("dev", small), env("prod", big)], sha="a" * 40)
    assert len(body) <= 65_536
    markers = parse_comment_markers(body, first_line_only=True)
    assert markers.changes["dev"] == change_tokens(small, None)  # the small set still fits
    assert markers.changes["prod"] is None  # omitted: only the whole fingerprint can match
    assert markers.fingerprints["prod"] == fingerprint(big, None)
    blocks = [line for line in body.splitlines() if line.startswith(CHANGES_PREFIX)]
    assert sum(len(line) + 1 for line in blocks) <= CHANGES_BUDGET
    assert f"omitted={len(change_tokens(big, None))}" in blocks[-1]


def test_a_damaged_block_counts_as_nothing_recorded():
    tokens = change_tokens(PLAN, None)
    line = format_changes_block("dev", tokens)
    damaged = line.replace(f"n={len(tokens)}", f"n={len(tokens) + 1}")
    marker = compose_plan_comment([env("dev", PLAN)], sha="a" * 40).splitlines()[0]
    assert "dev" not in parse_comment_markers(f"{marker}\n{damaged}\n").changes
    assert parse_comment_markers(f"{marker}\n{line}\n").changes["dev"] == tokens


def test_a_different_value_gives_a_different_token_for_the_same_address():
    changed = copy.deepcopy(PLAN)
    target = next(c for c in changed["resource_changes"]
                  if c["change"]["actions"] not in (["no-op"], ["read"]))
    target["change"]["after"] = {**(target["change"].get("after") or {}), "triggers": {"x": "other"}}
    before, after = change_tokens(PLAN, None), change_tokens(changed, None)
    moved = before - after
    assert len(moved) == 1 and len(after - before) == 1
    assert next(iter(moved))[:8] == next(iter(after - before))[:8]  # same address hash
