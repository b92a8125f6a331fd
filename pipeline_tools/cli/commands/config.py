"""``pipeline-tools config``: check and print the repository configuration (pipeline-tools.yml)."""

from __future__ import annotations

import argparse
import sys


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "config",
        help="check and print the repository configuration (pipeline-tools.yml)",
        description=(
            "Read pipeline-tools.yml at the repository root (or --config FILE), validate it strictly "
            "and print it with every name resolved: project, region, the stages in apply order with "
            "their root globs, approval rules, cluster and role names, and the state bucket. Without "
            "a file, the built-in default (dev, staging, prod) is printed. See docs/configuration.md."
        ),
        epilog="Exit codes: 0 valid, 2 invalid or unreadable configuration.",
    )
    parser.add_argument("action", choices=("show", "check"),
                        help="show: print the resolved configuration; check: only validate it")
    parser.add_argument("--config", metavar="FILE",
                        help="the configuration file (default: pipeline-tools.yml at the repository root)")
    parser.add_argument("--account-id", default="", metavar="ID",
                        help="AWS account id, to fill {account_id} and turn role names into ARNs")
    parser.add_argument("--format", choices=("json", "text"), default="text",
                        help="output format (default text)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import json
    import re
    from pathlib import Path

    from pipeline_tools.config import load_config
    from pipeline_tools.core.errors import InputError

    if args.account_id and not re.fullmatch(r"\d{12}", args.account_id):
        raise InputError(f"--account-id {args.account_id!r}: expected 12 digits")
    config = load_config(Path(args.config) if args.config else None, repo_root=_repository_root())
    if args.action == "check":
        sys.stdout.write(f"{config.source}: valid ({len(config.stages)} stages: "
                         f"{', '.join(stage.name for stage in config.stages)})\n")
        return 0
    resolved = config.resolved(args.account_id)
    if args.format == "json":
        sys.stdout.write(json.dumps(resolved, indent=2) + "\n")
        return 0
    lines = [f"configuration: {resolved['source']}",
             f"project {resolved['project']}, region {resolved['region']}, "
             f"roots under {resolved['roots_dir']}/",
             f"state bucket: {resolved['state_bucket']}",
             f"matrix: at most {resolved['matrix']['max_jobs']} jobs",
             "stages, in apply order:"]
    for stage in resolved["stages"]:
        rules = [f"GitHub environment {stage['github_environment']}",
                 "required reviewers" if stage["required_reviewers"] else "no required reviewers",
                 "images roll out automatically" if stage["auto_deploy"] else "images by promotion",
                 "applied on merge" if stage["apply_on_merge"] else "not applied on merge"]
        lines.append(f"  {stage['index'] + 1}. {stage['name']}: roots {', '.join(stage['roots'])}")
        lines.append(f"     {'; '.join(rules)}")
        lines.append(f"     cluster {stage['cluster']}; roles: plan {stage['plan_role']}, "
                     f"apply {stage['apply_role']}, drift {stage['drift_role']}")
    sys.stdout.write("\n".join(lines) + "\n")
    return 0


def _repository_root():  # -> Path | None
    """The enclosing git work tree, without running git (the configuration is read offline)."""
    from pathlib import Path

    here = Path.cwd().resolve()
    for candidate in (here, *here.parents):
        if (candidate / ".git").exists():
            return candidate
    return here
