"""``pipeline-tools affected``: which environment roots a change affects, and why."""

from __future__ import annotations

import argparse
import sys


def _max_jobs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if not 1 <= value <= 256:
        raise argparse.ArgumentTypeError(f"expected 1 to 256 (GitHub's matrix limit), got {value}")
    return value


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
            "from git. Each root's stage comes from pipeline-tools.yml (docs/configuration.md). "
            "See docs/affected.md."
        ),
        epilog="Exit codes: 0 success (also when nothing is affected), 2 bad input (unknown revision, "
        "missing --root-dir, invalid configuration or timings file), 3 git failed.",
    )
    parser.add_argument("--base", required=True, metavar="REF",
                        help="the revision the change is compared with (e.g. origin/main)")
    parser.add_argument("--head", default="HEAD", metavar="REF", help="the changed revision (default HEAD)")
    parser.add_argument("--format", choices=("json", "github-matrix", "github-stages", "text"),
                        default="text",
                        help="json: list of roots with reasons and stages; github-matrix: {\"include\": "
                        "[...]} for strategy.matrix, at most --max-jobs entries; github-stages: the stages "
                        "with affected roots, in apply order; text: for people (default)")
    parser.add_argument("--root-dir", default=None, metavar="DIR",
                        help="directory holding the environment roots (default: roots_dir of "
                        "pipeline-tools.yml, else environments)")
    parser.add_argument("--config", metavar="FILE",
                        help="repository configuration (default: pipeline-tools.yml at the repository "
                        "root, else the built-in dev/staging/prod stages)")
    parser.add_argument("--stage", metavar="NAME",
                        help="github-matrix and github-stages: only the roots of this stage ('' for roots "
                        "no stage matches)")
    parser.add_argument("--max-jobs", type=_max_jobs, metavar="N",
                        help="github-matrix: at most N entries, beyond which roots are planned in groups "
                        "(default: matrix.max_jobs of the configuration, 256)")
    parser.add_argument("--timings", metavar="FILE",
                        help="github-matrix: JSON {\"<root path>\": <recent plan seconds>} to balance "
                        "groups by time (default: matrix.timings_file of the configuration); a missing "
                        "file means balance by count")
    parser.add_argument("--base-fallback", action="store_true",
                        help="when --base is empty, all zeros (a push that created the branch) or not a "
                        "commit of this clone (after a force push), compare with --head's parent")
    parser.add_argument("--github-output", metavar="FILE",
                        help="also append the workflows' step outputs to FILE (GITHUB_OUTPUT): any, "
                        "matrix, names and deleted (docs/workflows.md); a deleted root is also a "
                        "workflow warning")
    parser.add_argument("--apply-stages", action="store_true",
                        help="with --github-output: also stage-0 ... stage-5, each stage's apply matrix "
                        "(one job per root up to --max-jobs per stage, beyond that groups of roots one job "
                        "applies one after another)")
    parser.add_argument("--step-summary", action="store_true",
                        help="also append the text form to the job summary (GITHUB_STEP_SUMMARY)")
    parser.add_argument("--no-cache", action="store_true",
                        help="do not read or write the parse cache (.git/pipeline-tools-cache/)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from pipeline_tools.affected.gitdiff import find_repository_root, usable_base
    from pipeline_tools.affected.matrix import build_matrix
    from pipeline_tools.affected.output import render
    from pipeline_tools.affected.run import find_affected, read_timings, write_github_outputs
    from pipeline_tools.config import load_config

    repo_root = find_repository_root(Path.cwd().resolve())
    config = load_config(Path(args.config) if args.config else None, repo_root=repo_root)
    base = usable_base(repo_root, args.base, args.head) if args.base_fallback else args.base
    if args.base_fallback and base != args.base:
        sys.stderr.write(f"no usable --base {args.base!r}: comparing with {base}\n")
    result = find_affected(base, args.head, root_dir=args.root_dir or config.roots_dir,
                           start=repo_root, use_cache=not args.no_cache)
    entries = None
    timings: dict[str, float] = {}
    if args.format in ("github-matrix", "github-stages") or args.github_output:
        # --timings is relative to the working directory, the configuration's to the repository.
        timings_path = Path(args.timings) if args.timings else (
            repo_root / config.matrix.timings_file if config.matrix.timings_file else None)
        def warn(text: str) -> None:
            sys.stderr.write(text + "\n")

        timings = read_timings(timings_path, warn=warn) if timings_path is not None else {}
        entries = build_matrix(result.roots, config, max_jobs=args.max_jobs or config.matrix.max_jobs,
                               timings=timings, stage=args.stage)
    sys.stdout.write(render(result, args.format, config=config, entries=entries))
    if args.apply_stages and not args.github_output:
        from pipeline_tools.core.errors import InputError

        raise InputError("--apply-stages goes with --github-output FILE")
    if args.step_summary:
        from pipeline_tools.core.ci import CIEnvironment

        CIEnvironment.from_env().append_step_summary(render(result, "text", config=config))
    if args.github_output:
        write_github_outputs(Path(args.github_output), result, config, entries or [], timings=timings,
                             apply_stages=args.apply_stages,
                             max_jobs=args.max_jobs or config.matrix.max_jobs)
    return 0

