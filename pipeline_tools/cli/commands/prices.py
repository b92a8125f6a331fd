"""``pipeline-tools prices refresh``: rebuild the embedded price snapshots from the AWS Price List API."""

from __future__ import annotations

import argparse


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
    from pathlib import Path

    from pipeline_tools.cost.run import refresh_prices

    return refresh_prices(args.regions or [], Path(args.out) if args.out else None, args.keys)
