"""A fingerprint several environments share is written once in the marker (``fp:<n>``) and named
by reference (``env:<name>=@<n>``): every plan without changes has the same fingerprint, so a
comment for a thousand quiet roots fits GitHub's 65,536 characters (docs/scale.md)."""

from __future__ import annotations

import json
from pathlib import Path

from pipeline_tools.comment import (
    CommentMarkers,
    EnvironmentPlan,
    compose_plan_comment,
    format_marker,
    parse_comment_markers,
)
from pipeline_tools.plan.fingerprint import fingerprint as plan_fingerprint
from pipeline_tools.plan.model import summarize

PLANS = Path(__file__).resolve().parents[2] / "fixtures" / "plans" / "terraform-json"
SHA = "0123456789abcdef0123456789abcdef01234567"
QUIET = "sha256:" + "4a" * 32
CHANGED = "sha256:" + "c3" * 32


def test_shared_fingerprints_are_written_once_and_read_back_for_every_environment() -> None:
    fingerprints = {"dev": QUIET, "staging": CHANGED, "prod": QUIET, "tools": None, "sandbox": QUIET}
    marker = format_marker(CommentMarkers(sha=SHA, run_key="7.1", fingerprints=fingerprints))
    assert marker.count(QUIET.removeprefix("sha256:")) == 1
    assert marker.count(CHANGED.removeprefix("sha256:")) == 1  # used once: written in place
    parsed = parse_comment_markers(marker, first_line_only=True)
    assert parsed is not None
    assert parsed.fingerprints == fingerprints
    assert list(parsed.fingerprints) == list(fingerprints)  # the order environments were given


def test_a_reference_to_nothing_is_no_fingerprint_so_nothing_applies() -> None:
    marker = ("<!-- pipeline-tools:plan-comment v=1 sha=abc run=- env:dev=@1 env:prod=@0 "
              f"fp:0={QUIET} -->")
    parsed = parse_comment_markers(marker, first_line_only=True)
    assert parsed is not None
    assert parsed.fingerprints == {"dev": None, "prod": QUIET}


def test_a_value_that_looks_like_a_reference_is_still_itself() -> None:
    # Values are percent-encoded, so a fingerprint string starting with "@" never reads as one.
    fingerprints = {"dev": "@0", "prod": QUIET, "staging": QUIET}
    marker = format_marker(CommentMarkers(sha=SHA, fingerprints=fingerprints))
    parsed = parse_comment_markers(marker)
    assert parsed is not None and parsed.fingerprints == fingerprints


def test_a_thousand_quiet_roots_fit_one_comment_with_each_fingerprint_recorded() -> None:
    quiet_plan = json.loads((PLANS / "actions__plan.json").read_text())
    changed_plan = json.loads((PLANS / "basic__plan.json").read_text())
    quiet, changed = summarize(quiet_plan), summarize(changed_plan)
    quiet_fingerprint, changed_fingerprint = plan_fingerprint(quiet_plan), plan_fingerprint(changed_plan)
    environments = [EnvironmentPlan(f"root-{i:04d}", quiet, quiet_fingerprint) for i in range(990)]
    environments += [EnvironmentPlan(f"team-{i:02d}", changed, changed_fingerprint) for i in range(10)]
    body = compose_plan_comment(environments, sha=SHA, run_key="9.1")
    assert len(body) <= 65_536
    parsed = parse_comment_markers(body, first_line_only=True)
    assert parsed is not None
    assert parsed.fingerprints == {env.name: env.fingerprint for env in environments}
