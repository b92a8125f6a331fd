"""``pipeline-tools affected``: which environment roots a change affects, and why."""

from __future__ import annotations

import argparse
import sys


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "affected",
        help="list the environment roots a change affects, with the reasons",
        description=(
            "List the Terraform roots under --root-dir that the change base...head affects: files "
            "inside a root (configuration, tfvars, backend, lock and release files), local modules "
            "they use directly or through other modules, and the pipeline's own tooling and "
            "workflows (which affect every root). Roots whose code was deleted are reported apart. "
            "Run it from the repository checked out at --head; only the list of changed paths comes "
            "from git. See docs/affected.md."
        ),
        epilog="Exit codes: 0 success (also when nothing is affected), 2 bad input (unknown revision, "
        "missing --root-dir), 3 git failed.",
    )
    parser.add_argument("--base", required=True, metavar="REF",
                        help="the revision the change is compared with (e.g. origin/main)")
    parser.add_argument("--head", default="HEAD", metavar="REF", help="the changed revision (default HEAD)")
    parser.add_argument("--format", choices=("json", "github-matrix", "text"), default="text",
                        help="json: list of roots with reasons; github-matrix: {\"include\": [...]} for "
                        "strategy.matrix; text: for people (default)")
    parser.add_argument("--root-dir", default="environments", metavar="DIR",
                        help="directory holding the environment roots (default environments)")
    parser.add_argument("--no-cache", action="store_true",
                        help="do not read or write the parse cache (.git/pipeline-tools-cache/)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pipeline_tools.affected.output import render
    from pipeline_tools.affected.run import find_affected

    result = find_affected(args.base, args.head, root_dir=args.root_dir, use_cache=not args.no_cache)
    sys.stdout.write(render(result, args.format))
    return 0
