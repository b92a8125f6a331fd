"""``pipeline-tools docs terraform [--check] PATH...``: generated tables in Terraform READMEs."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "docs",
        help="generate documentation (Terraform module README tables)",
        description="Generate documentation from source.",
    )
    kinds = parser.add_subparsers(dest="docs_kind", metavar="KIND")
    kinds.required = True
    terraform = kinds.add_parser(
        "terraform",
        help="write the inputs/outputs/resources tables of each module's README.md",
        description="For every directory with *.tf files at or under PATH, regenerate the block "
        "between <!-- BEGIN_TF_DOCS --> and <!-- END_TF_DOCS --> in its README.md from the HCL "
        "(a README without the markers gets the block appended; a missing README is created). "
        "Exit codes: 0 up to date or written, 1 stale READMEs with --check, 2 bad input "
        "(missing path, no .tf files, unparsable HCL, broken markers).",
    )
    terraform.add_argument("paths", nargs="+", type=Path, metavar="PATH",
                           help="a module directory or a directory containing modules")
    terraform.add_argument("--check", action="store_true",
                           help="write nothing; exit 1 listing READMEs that are out of date")
    terraform.set_defaults(func=_terraform)


def _terraform(args: argparse.Namespace) -> int:
    from pipeline_tools.core.errors import VerdictError
    from pipeline_tools.tfdocs import run as tfdocs

    updates = tfdocs.plan_updates(args.paths)
    stale = [update for update in updates if update.stale]
    if args.check:
        for update in stale:
            sys.stdout.write(f"stale: {update.readme}\n")
        if stale:
            raise VerdictError(f"{len(stale)} of {len(updates)} README(s) out of date; "
                               "run 'make docs' (pipeline-tools docs terraform PATH...)")
        sys.stdout.write(f"{len(updates)} README(s) up to date\n")
        return 0
    for path in tfdocs.write(stale):
        sys.stdout.write(f"wrote {path}\n")
    sys.stdout.write(f"{len(stale)} of {len(updates)} README(s) updated\n")
    return 0
