"""The I/O shell of ``pipeline-tools plan cost``: read the plan and the prices, estimate, render."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pipeline_tools.cost.model import CostReport, estimate
from pipeline_tools.cost.prices import PriceSnapshot, read_snapshot, shipped_snapshot

DEFAULT_REGION = "us-east-1"


def plan_region(plan: Mapping[str, Any]) -> str | None:
    """The region of the plan's default ``aws`` provider, when the configuration states it: a
    constant, or a root variable whose value the plan records."""
    provider = ((plan.get("configuration") or {}).get("provider_config") or {}).get("aws") or {}
    region = (provider.get("expressions") or {}).get("region") or {}
    if isinstance(region.get("constant_value"), str):
        return region["constant_value"]
    for reference in region.get("references") or ():
        if isinstance(reference, str) and reference.startswith("var."):
            value = ((plan.get("variables") or {}).get(reference[4:]) or {}).get("value")
            if isinstance(value, str):
                return value
    return None


def choose_snapshot(plan: Mapping[str, Any], prices_file: str | None, region: str | None) -> PriceSnapshot:
    """``--prices FILE``, else the shipped snapshot of ``--region``, of the plan's provider region, or
    of us-east-1."""
    if prices_file is not None:
        return read_snapshot(prices_file)
    return shipped_snapshot(region or plan_region(plan) or DEFAULT_REGION)


def cost_of_plan_file(plan_source: str, prices_file: str | None = None,
                      region: str | None = None) -> CostReport:
    """Load the plan with the same loader as ``plan summarize`` and estimate it."""
    from pipeline_tools.plan.load import load_plan

    plan = load_plan(plan_source)
    return estimate(plan, choose_snapshot(plan, prices_file, region))
