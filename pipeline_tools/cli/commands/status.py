"""``pipeline-tools status --env NAME``: what an environment runs and whether it matches its files."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "status",
        help="show an environment's running images, release file, last apply and drift",
        description="For each service of ENV: the digest its tasks run and the state of its current "
        "deployment, next to the digest in the release file; when the environment was last applied "
        "(from its S3 state object); and whether terraform sees drift.",
        epilog="exit codes: 0 healthy; 1 something needs attention (out of sync, deployment not "
        "completed, drift); 2 bad input; 3 AWS or terraform failed.",
    )
    parser.add_argument("--env", required=True, metavar="NAME", help="environment, e.g. prod")
    parser.add_argument("--environments-dir", default="environments", metavar="DIR",
                        help="directory holding the environment roots (default: environments)")
    parser.add_argument("--project",
                        help="project prefix: ECS clusters are named PROJECT-ENV (default: the cluster "
                        "pipeline-tools.yml names for the stage, PROJECT-ENV for any other environment)")
    parser.add_argument("--backend-config", action="append", default=[], metavar="KEY=VALUE",
                        help="S3 backend settings (bucket, key, ...) over those in backend.tf (repeatable)")
    parser.add_argument("--no-drift", action="store_true",
                        help="skip the drift check (it runs terraform plan, which takes a while)")
    parser.add_argument("--format", choices=["text", "json"], default="text")
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from pipeline_tools.status.run import status

    project, cluster = args.project, None
    if project is None:
        from pipeline_tools.config import load_config

        config = load_config(repo_root=Path.cwd())
        project, cluster = config.project, config.clusters().get(args.env)
    return status(env=args.env, environments_dir=Path(args.environments_dir), project=project,
                  cluster=cluster,
                  backend_config=args.backend_config, check_for_drift=not args.no_drift,
                  output_format=args.format)
