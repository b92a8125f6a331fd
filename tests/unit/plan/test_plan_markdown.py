"""Markdown of plan summaries: the size budget, degradation steps, structure and templates.

Inputs: the real scenario plan (terraform against the moto server, tests/support/plan_scenarios.py) and
public corpus plans (tests/fixtures/plans/terraform-json/), scaled up by repeating their
resource changes under numbered modules where a big plan is needed.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from pipeline_tools.plan.model import PlanSummary, summarize
from pipeline_tools.plan.render.markdown import render_plan_markdown
from tests.support.cli import run_cli
from tests.support.paths import FIXTURES
from tests.support.plan_scenarios import ScenarioPlan, scale_plan, scenario_plan  # noqa: F401

CORPUS = FIXTURES / "plans" / "terraform-json"


def _corpus(name: str) -> dict:
    return json.loads((CORPUS / f"{name}__plan.json").read_text())


def assert_well_formed(markdown: str) -> None:
    """Nothing cut in half: every <details> closed, every code fence closed."""
    assert markdown.count("<details>") == markdown.count("</details>")
    fences = re.findall(r"^(`{3,})", markdown, flags=re.MULTILINE)
    assert len(fences) % 2 == 0, fences
    stack: list[str] = []
    for line in markdown.splitlines():
        match = re.match(r"^(`{3,})", line)
        if match:
            if stack and match.group(1) == stack[-1]:
                stack.pop()
            else:
                stack.append(match.group(1))
    assert not stack


@pytest.fixture(scope="module")
def real_summary(scenario_plan: ScenarioPlan) -> PlanSummary:  # noqa: F811
    return summarize(scenario_plan.plan)


@pytest.mark.terraform
def test_full_detail_when_it_fits(real_summary: PlanSummary) -> None:
    markdown = render_plan_markdown(real_summary, env="prod")
    assert len(markdown) <= 65536
    assert markdown.startswith("### Terraform plan for `prod`")
    assert "```diff" in markdown and "<details>" in markdown
    assert "~ bucket = \"pt-scn-logs-v1\" -> \"pt-scn-logs-v2\"  # forces replacement" in markdown
    assert '~   maxReceiveCount: 3 -> 5' in markdown
    assert "left out" not in markdown
    assert_well_formed(markdown)


@pytest.mark.terraform
def test_degrades_step_by_step_and_always_fits(real_summary: PlanSummary) -> None:
    full = render_plan_markdown(real_summary)
    seen_levels = []
    details_counts = []
    for max_chars in [len(full) - 1, *range(len(full) - 500, 0, -137)]:
        markdown = render_plan_markdown(real_summary, max_chars=max_chars, details_url="https://ci.example/run/1")
        assert len(markdown) <= max_chars, max_chars
        assert_well_formed(markdown)
        if max_chars >= 1500:
            # Header, counts and every risk flag survive every step.
            assert markdown.startswith("### Terraform plan")
            assert real_summary.plan_line in markdown
            assert markdown.count("will be replaced") + markdown.count("will be destroyed") == 3
            assert "opens ingress" in markdown and "widens its policy" in markdown
            assert "https://ci.example/run/1" in markdown
            assert "left out" in markdown or "not listed" in markdown
        details_counts.append(markdown.count("<details>"))
        if "```diff" in markdown:
            seen_levels.append("full")
            if markdown.count("<details>") < full.count("<details>"):
                # In between full and names-only: the first resources keep their diffs.
                assert re.search(r"Attribute values of \d+ resources are left out", markdown)
        elif ": `tags`" in markdown or "`tags`" in markdown:
            seen_levels.append("keys")
        elif "`aws_s3_bucket.logs`" in markdown:
            seen_levels.append("addresses")
        else:
            seen_levels.append("counts")
    # Detail only ever decreases as the budget shrinks, through the documented steps.
    order = ["full", "keys", "addresses", "counts"]
    ranks = [order.index(level) for level in seen_levels]
    assert ranks == sorted(ranks)
    assert {"keys", "addresses", "counts"} <= set(seen_levels)
    # Diffs are given up a few at a time, never all at once when some would fit.
    assert details_counts == sorted(details_counts, reverse=True)
    assert len(set(details_counts)) >= 4


def test_big_plan_lists_what_fits_and_says_how_many_are_left_out() -> None:
    summary = summarize(scale_plan(_corpus("basic"), 3000))  # 24,000 resource changes
    assert len(summary.resources) == 24000
    markdown = render_plan_markdown(summary, env="dev")
    assert len(markdown) <= 65536
    assert_well_formed(markdown)
    assert "**Plan: 21000 to add, 0 to change, 0 to destroy.**" in markdown
    listed = len(re.findall(r"^- `module\.copy_", markdown, flags=re.MULTILINE))
    assert 500 < listed < 24000
    assert f"{24000 - listed} of 24000 resources are not listed" in markdown
    assert "pipeline-tools plan summarize --format text" in markdown


def test_tiny_budgets_still_fit_and_keep_the_counts() -> None:
    summary = summarize(_corpus("action_reason"))
    for max_chars in (1, 10, 60, 120, 300):
        markdown = render_plan_markdown(summary, max_chars=max_chars)
        assert len(markdown) <= max_chars
    assert summary.plan_line in render_plan_markdown(summary, max_chars=120)


def test_no_changes_and_warnings_are_loud() -> None:
    summary = summarize(_corpus("actions"))
    markdown = render_plan_markdown(summary)
    assert "No changes. Your infrastructure matches the configuration." in markdown
    assert not summary.has_changes
    # The same real plan, as terraform would write it had planning failed part way.
    plan = _corpus("action_reason") | {"errored": True, "complete": False,
                                       "deferred_changes": [{"reason": "provider_config_unknown"}]}
    markdown = render_plan_markdown(summarize(plan), max_chars=400)
    assert markdown.count("[!CAUTION]") == 3 or "WARNING" in markdown
    full = render_plan_markdown(summarize(plan))
    assert full.index("[!CAUTION]") < full.index("**Plan:")
    assert "errors while planning" in full and "incomplete" in full and "deferred" in full


def test_template_dir_overrides_the_shipped_template(tmp_path: Path) -> None:
    (tmp_path / "plan").mkdir()
    (tmp_path / "plan" / "summary.md.j2").write_text(
        "custom {{ summary.plan_line }} risks={{ risk_flags | length }} level={{ level }}\n")
    result = run_cli("plan", "summarize", str(CORPUS / "action_reason__plan.json"),
                     "--template-dir", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout == "custom Plan: 1 to add, 0 to change, 1 to destroy. risks=0 level=full\n"


def test_markdown_escapes_what_it_does_not_own() -> None:
    plan = _corpus("has_checks")
    markdown = render_plan_markdown(summarize(plan))
    # for_each keys with quotes stay readable in HTML and code spans.
    assert "<code>+ module.files.local_file.foo[&quot;file1.txt&quot;]</code>" in markdown
    assert_well_formed(markdown)
