"""Composing the one plan comment: dashboard, per-environment sections, size budget, markers.

Plans are real `terraform show -json` output from the public corpus (tests/fixtures/SOURCES.md);
the "huge" environments are such a plan scaled up in memory (its resources repeated in modules),
because thousands of resources cannot be planned in a test's time.
"""

from __future__ import annotations

import copy
import json

import pytest

from pipeline_tools.comment import (
    MARKER_PREFIX,
    CommentMarkers,
    EnvironmentPlan,
    compose_plan_comment,
    format_marker,
    parse_comment_markers,
    supersedes,
)
from pipeline_tools.plan.model import summarize
from pipeline_tools.plan.render.markdown import render_plan_markdown
from tests.support.paths import FIXTURES

PLANS = FIXTURES / "plans" / "terraform-json"
SHA = "0123456789abcdef0123456789abcdef01234567"


def load(name: str) -> dict:
    return json.loads((PLANS / f"{name}__plan.json").read_text())


def scaled(plan: dict, copies: int) -> dict:
    """``plan`` with its resource changes repeated in ``copies`` modules (addresses stay unique)."""
    plan = copy.deepcopy(plan)
    changes = plan.get("resource_changes") or []
    plan["resource_changes"] = [
        {**change, "address": f"module.copy{i}.{change['address']}", "module_address": f"module.copy{i}"}
        for i in range(copies) for change in changes
    ]
    return plan


def env(name: str, plan: dict, fingerprint: str | None = None) -> EnvironmentPlan:
    return EnvironmentPlan(name, summarize(plan), fingerprint)


def section_lines(body: str, name: str) -> list[str]:
    return [line for line in body.splitlines() if f"`{name}`" in line]


def test_no_change_environment_is_one_line_and_changed_ones_get_their_full_summary():
    basic = summarize(load("basic"))
    body = compose_plan_comment(
        [env("dev", load("actions")), EnvironmentPlan("prod", basic)], sha=SHA, run_key="7.1")

    # dev: one dashboard row and one line, nothing else mentions it
    dev_lines = section_lines(body, "dev")
    assert len(dev_lines) == 2
    assert dev_lines[0].startswith("| `dev` | :white_check_mark: no changes | 0 | 0 | 0 |")
    assert dev_lines[1] == ("**`dev`**: :white_check_mark: no changes. Your infrastructure matches the "
                            "configuration.")
    # prod: its dashboard row, then the whole summary exactly as `plan summarize` renders it
    assert "| `prod` | changes | 7 | 0 | 0 | 1 read |  |" in body
    assert render_plan_markdown(basic, env="prod").rstrip() in body
    # order: marker first, dashboard, then what needs attention: prod's changes before dev's
    # no-change line, although dev was given first
    assert body.startswith(MARKER_PREFIX)
    prod_section = body.index("### Terraform plan for `prod`")
    assert body.index("| Environment |") < prod_section < body.index("**`dev`**")
    assert body.index("| `prod` |") < body.index("| `dev` |")


def test_several_huge_environments_fit_and_small_ones_keep_full_detail():
    huge = scaled(load("basic"), 3000)  # 24,000 resource changes each
    environments = [
        env("dev", load("actions")),
        env("qa", load("action_reason")),
        env("staging", huge), env("prod", huge), env("dr", scaled(load("action_reason"), 5000)),
    ]
    body = compose_plan_comment(environments, sha=SHA, run_key="8.1", details_url="https://ci.example/run/8")

    assert len(body) <= 65_536
    assert len(body) > 60_000  # the budget is used, not wasted
    for name in ("staging", "prod", "dr"):
        assert f"### Terraform plan for `{name}`" in body
    assert "| `staging` | changes | 21000 | 0 | 0 | 3000 read |" in body
    assert "| `dr` | changes | 5000 | 0 | 5000 | 5000 replace |" in body
    # A huge section says what it left out and where the rest is.
    assert "to fit the size limit" in body and "https://ci.example/run/8" in body
    # The small environment is untouched by the budget squeeze: full attribute diffs.
    qa = summarize(load("action_reason"))
    assert render_plan_markdown(qa, env="qa", details_url="https://ci.example/run/8").rstrip() in body
    assert body.count("```diff") >= 1


@pytest.mark.parametrize("limit", [4_000, 12_000, 30_000, 65_536])
def test_every_limit_is_respected(limit):
    environments = [env(name, scaled(load("basic"), 400)) for name in ("a", "b", "c", "d")]
    body = compose_plan_comment(environments, sha=SHA, max_chars=limit)
    assert len(body) <= limit
    assert parse_comment_markers(body).environments == ["a", "b", "c", "d"]
    for name in "abcd":
        assert f"### Terraform plan for `{name}`" in body


def test_too_many_environments_for_the_limit_is_an_error_not_a_truncated_comment():
    environments = [env(f"e{i}", load("actions")) for i in range(5)]
    with pytest.raises(ValueError, match="do not fit"):
        compose_plan_comment(environments, sha=SHA, max_chars=300)


def test_invalid_or_duplicate_environment_names_are_refused():
    with pytest.raises(ValueError, match="only once"):
        compose_plan_comment([env("dev", load("actions")), env("dev", load("basic"))], sha=SHA)
    with pytest.raises(ValueError, match="invalid environment name"):
        compose_plan_comment([env("dev -->", load("actions"))], sha=SHA)
    with pytest.raises(ValueError, match="no environments"):
        compose_plan_comment([], sha=SHA)


def test_markers_record_sha_run_and_fingerprints_and_read_back():
    fingerprint = "sha256:" + "ab" * 32
    body = compose_plan_comment(
        [env("dev", load("actions"), fingerprint), env("prod.eu-1", load("basic"), None)],
        sha=SHA, run_key="123456789.2")
    markers = parse_comment_markers(body)
    assert markers == CommentMarkers(sha=SHA, run_key="123456789.2",
                                     fingerprints={"dev": fingerprint, "prod.eu-1": None})
    assert markers.run_order() == (123456789, 2)
    # The marker is invisible on GitHub: one HTML comment on the first line.
    first = body.splitlines()[0]
    assert first.startswith("<!-- ") and first.endswith(" -->") and first.count("-->") == 1


def test_marker_values_cannot_break_out_of_the_html_comment():
    tricky = CommentMarkers(sha="abc --> <b>x</b>", run_key="-", fingerprints={"dev": "a b=c-->"})
    line = format_marker(tricky)
    assert line.count("-->") == 1 and line.endswith(" -->")
    assert parse_comment_markers(line + "\nrest") == tricky


def test_parser_ignores_quotes_missing_and_unreadable_markers():
    real = format_marker(CommentMarkers(sha=SHA, run_key="1.1", fingerprints={"dev": None}))
    assert parse_comment_markers(f"> {real}\nI disagree") is None  # a reply quoting the comment
    assert parse_comment_markers("just a comment") is None
    assert parse_comment_markers(None) is None
    assert parse_comment_markers(real.replace("v=1", "v=x")) is None
    assert parse_comment_markers(real.replace("\n", "\r\n") + "\r\nbody").sha == SHA
    assert parse_comment_markers(real.replace(" -->", " future=field -->")).sha == SHA


HEAD, OLD = "b" * 40, "a" * 40


@pytest.mark.parametrize(
    ("new", "existing", "head", "expected"),
    [
        (CommentMarkers(HEAD, "10.1"), None, HEAD, True),
        (CommentMarkers(HEAD, "10.1"), CommentMarkers(OLD, "9.1"), HEAD, True),  # a new push
        (CommentMarkers(OLD, "9.1"), CommentMarkers(HEAD, "10.1"), HEAD, False),  # a late old run
        # an old commit's run started later (re-run, dispatch) still never overwrites the head
        (CommentMarkers(OLD, "12.1"), CommentMarkers(HEAD, "10.1"), HEAD, False),
        # the head's plan wins even over a later-started run of an old commit
        (CommentMarkers(HEAD, "10.1"), CommentMarkers(OLD, "12.1"), HEAD, True),
        # same commit: the later run (or attempt) wins, a re-run of the same attempt refreshes
        (CommentMarkers(HEAD, "10.2"), CommentMarkers(HEAD, "10.1"), HEAD, True),
        (CommentMarkers(HEAD, "10.1"), CommentMarkers(HEAD, "10.2"), HEAD, False),
        (CommentMarkers(HEAD, "10.1"), CommentMarkers(HEAD, "10.1"), HEAD, True),
        # both stale (the PR moved on to a third commit): the later run wins
        (CommentMarkers(OLD, "9.1"), CommentMarkers("c" * 40, "8.1"), HEAD, True),
        (CommentMarkers(OLD, "8.1"), CommentMarkers("c" * 40, "9.1"), HEAD, False),
        # no run keys (local use): nothing says the existing one is newer
        (CommentMarkers(HEAD, None), CommentMarkers(HEAD, "9.1"), HEAD, True),
    ],
)
def test_older_plans_never_supersede_newer_ones(new, existing, head, expected):
    assert supersedes(new, existing, head) is expected


def test_an_errored_or_incomplete_plan_without_changes_is_never_shrunk_to_one_line():
    errored = {**load("actions"), "errored": True}
    incomplete = {**load("actions"), "complete": False}
    body = compose_plan_comment([env("dev", errored), env("qa", incomplete), env("prod", load("actions"))],
                                sha=SHA)
    assert "| `dev` | :x: **errored** |" in body
    assert "| `qa` | :warning: **incomplete** |" in body
    assert "### Terraform plan for `dev`" in body and "### Terraform plan for `qa`" in body
    assert "must not be applied" in body  # the renderer's loud warning is kept
    assert "**`prod`**: :white_check_mark: no changes." in body


_SUMMARIES: dict[tuple[str, int], object] = {}


def _summary(name: str, copies: int):
    # Summaries are cached: hypothesis explores budgets and combinations, not parsing.
    key = (name, copies)
    if key not in _SUMMARIES:
        plan = load(name) if copies == 1 else scaled(load(name), copies)
        _SUMMARIES[key] = summarize(plan)
    return _SUMMARIES[key]


def test_any_mix_of_environments_fits_any_limit():
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    plan_choice = st.tuples(st.sampled_from(["actions", "action_reason", "basic"]),
                            st.sampled_from([1, 40, 400]))

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(plan_choice, min_size=1, max_size=5), st.integers(3_000, 65_536))
    def check(choices, limit):
        environments = [EnvironmentPlan(f"env{i}", _summary(name, copies), "sha256:" + "0" * 64)
                        for i, (name, copies) in enumerate(choices)]
        body = compose_plan_comment(environments, sha=SHA, run_key="1.1", max_chars=limit)
        assert len(body) <= limit
        markers = parse_comment_markers(body)
        assert markers.environments == [env.name for env in environments]
        for env_plan in environments:
            assert f"| `{env_plan.name}` |" in body  # every environment keeps its dashboard row

    check()
