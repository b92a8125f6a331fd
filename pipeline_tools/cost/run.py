"""The I/O shell of ``pipeline-tools plan cost``: read the plan and the prices, estimate, render."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from pipeline_tools.cost.model import CostReport, estimate
from pipeline_tools.cost.prices import PriceSnapshot, read_snapshot, shipped_snapshot

if TYPE_CHECKING:
    from pipeline_tools.cost.policy import CostPolicy

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


def load_cost_policy(path: str) -> CostPolicy:
    """The ``cost:`` section of the policy file (security/policy.yml)."""
    import yaml

    from pipeline_tools.core.errors import InputError
    from pipeline_tools.cost.policy import parse_cost_policy

    try:
        with open(path, encoding="utf-8") as handle:
            document = yaml.safe_load(handle)
    except OSError as exc:
        raise InputError(f"--policy {path}: {exc.strerror or exc}") from None
    except yaml.YAMLError as exc:
        raise InputError(f"--policy {path}: not valid YAML ({exc})") from None
    if document is not None and not isinstance(document, dict):
        raise InputError(f"--policy {path}: not a policy (expected a mapping)")
    return parse_cost_policy(document)


def refresh_prices(regions: Sequence[str], out: Path | None, keys: Sequence[str] | None = None, *,
                   client: Any = None, out_stream: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    """``prices refresh``: ask the AWS Price List API (``client``: a boto3 ``pricing`` client, made
    here when not given) for each region's prices and write each snapshot atomically to ``out``
    (default: the shipped snapshots' folder)."""
    import datetime
    import json

    from pipeline_tools.core.errors import ExternalError, InputError
    from pipeline_tools.core.files import write_text_atomic
    from pipeline_tools.cost.prices import PRICES_DIR, snapshot_to_dict, supported_regions
    from pipeline_tools.cost.refresh import PRICING_API_REGION, USAGE_TYPE_PREFIX, refresh_snapshot

    regions = list(regions) or supported_regions()
    for region in regions:
        if region not in USAGE_TYPE_PREFIX:
            supported = ", ".join(sorted(USAGE_TYPE_PREFIX))
            raise InputError(f"--region {region}: not supported (supported: {supported})")
    folder = out if out is not None else PRICES_DIR
    if not folder.is_dir():
        raise InputError(f"--out {folder}: not a directory")
    if client is None:
        import boto3
        from botocore.exceptions import BotoCoreError

        try:
            client = boto3.client("pricing", region_name=PRICING_API_REGION)
        except BotoCoreError as exc:
            raise ExternalError(f"cannot create the pricing client: {exc}") from None
    today = datetime.date.today().isoformat()
    for region in regions:
        previous = shipped_snapshot(region) if region in supported_regions() else None
        result = refresh_snapshot(client, region, previous, date=today, keys=keys)
        target = folder / f"{region}.json"
        # Atomic: never a half-written snapshot.
        write_text_atomic(target, json.dumps(snapshot_to_dict(result.snapshot), indent=2) + "\n")
        out_stream.write(f"{target}: {len(result.refreshed)} prices refreshed, "
                         f"{len(result.carried_over)} carried over\n")
        for key, problem in sorted(result.problems.items()):
            err.write(f"warning: {region} {key}: {problem}\n")
    return 0
