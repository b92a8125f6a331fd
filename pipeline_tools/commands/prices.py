"""``pipeline-tools prices refresh``: rebuild the embedded price snapshots from the AWS Price List API."""

from __future__ import annotations

import argparse
import sys


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "prices",
        help="manage the price snapshots 'plan cost' uses",
        description="Manage the offline price snapshots of 'pipeline-tools plan cost' (docs/cost.md).",
    )
    actions = parser.add_subparsers(dest="prices_action", metavar="ACTION", parser_class=type(parser))
    actions.required = True
    refresh = actions.add_parser(
        "refresh",
        help="rebuild price snapshots from the AWS Price List Query API (needs AWS credentials)",
        description="Query the AWS Price List Query API (pricing:GetProducts, through boto3 with the "
        "usual AWS credentials; the API answers from us-east-1) for every price 'plan cost' uses, "
        "and write one snapshot per region, dated today. A price the API does not answer for keeps "
        "the previous snapshot's value and is named in the snapshot's source.",
        epilog="Exit codes: 0 written, 2 bad arguments or an unwritable --out, 3 the Price List API "
        "failed (credentials, network, throttling).",
    )
    refresh.add_argument("--region", action="append", dest="regions", metavar="R",
                         help="region to refresh; repeat for several (default: every shipped snapshot)")
    refresh.add_argument("--out", metavar="DIR",
                         help="directory to write <region>.json into (default: the package's own "
                         "pipeline_tools/data/prices, i.e. update the embedded snapshots)")
    refresh.add_argument("--key", action="append", dest="keys", metavar="KEY",
                         help="refresh only this price key (repeatable); the others are carried over")
    refresh.set_defaults(func=run_refresh)


def run_refresh(args: argparse.Namespace) -> int:
    import datetime
    import json
    from pathlib import Path

    from pipeline_tools.cost.prices import PRICES_DIR, shipped_snapshot, snapshot_to_dict, supported_regions
    from pipeline_tools.cost.refresh import PRICING_API_REGION, USAGE_TYPE_PREFIX, refresh_snapshot
    from pipeline_tools.errors import ExternalError, InputError

    regions = args.regions or supported_regions()
    for region in regions:
        if region not in USAGE_TYPE_PREFIX:
            supported = ", ".join(sorted(USAGE_TYPE_PREFIX))
            raise InputError(f"--region {region}: not supported (supported: {supported})")
    out = Path(args.out) if args.out else PRICES_DIR
    if not out.is_dir():
        raise InputError(f"--out {out}: not a directory")
    try:
        import boto3
        from botocore.exceptions import BotoCoreError

        client = boto3.client("pricing", region_name=PRICING_API_REGION)
    except BotoCoreError as exc:
        raise ExternalError(f"cannot create the pricing client: {exc}") from None
    today = datetime.date.today().isoformat()
    for region in regions:
        previous = shipped_snapshot(region) if region in supported_regions() else None
        result = refresh_snapshot(client, region, previous, date=today, keys=args.keys)
        target = out / f"{region}.json"
        temporary = target.with_suffix(".json.tmp")
        temporary.write_text(json.dumps(snapshot_to_dict(result.snapshot), indent=2) + "\n", encoding="utf-8")
        temporary.replace(target)  # atomic: never a half-written snapshot
        sys.stdout.write(f"{target}: {len(result.refreshed)} prices refreshed, "
                         f"{len(result.carried_over)} carried over\n")
        for key, problem in sorted(result.problems.items()):
            sys.stderr.write(f"warning: {region} {key}: {problem}\n")
    return 0
