"""``pipeline-tools gate``: checkov, tfsec, trivy, zizmor and actionlint under one fail-closed policy."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

EPILOG = """\
exit codes:
  0  the gate passes
  1  violations: blocking findings, invalid or expired suppressions, a grown baseline
  2  the gate cannot trust the scan (fails closed) or the input is bad: checkov missing,
     crashed or not finished within --checkov-timeout, a report that is missing or not JSON,
     parse errors, zero Terraform resources scanned while .tf files exist, a PATH with nothing
     to scan or outside the repository, a malformed policy/exceptions/baseline file

Without security/policy.yml (and --policy) the built-in default policy applies, and the report
says so. 'pipeline-tools gate init' writes it to security/policy.yml to review and own.
See docs/security-gate.md for the policy, exceptions and baseline files.
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "gate",
        help="security gate: checkov (+ tfsec, trivy, zizmor, actionlint reports) under one policy",
        description="Run checkov once over PATHs (Terraform and GitHub Actions workflows) and once over "
        "a plan, read other scanners' reports, and judge every finding under the repository's policy.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="directories or files to scan with checkov (Terraform, workflows); 'init' alone writes "
        "the built-in default policy to security/policy.yml (a directory named init: ./init)",
    )
    parser.add_argument(
        "--plan",
        type=Path,
        metavar="PLAN_JSON",
        help="'terraform show -json' output: scanned by checkov and by the OIDC trust rules",
    )
    parser.add_argument(
        "--tfsec-json",
        action="append",
        default=[],
        type=Path,
        metavar="FILE",
        help="a tfsec JSON report (repeatable)",
    )
    parser.add_argument(
        "--trivy-json",
        action="append",
        default=[],
        type=Path,
        metavar="FILE",
        help="a 'trivy config -f json' report (repeatable)",
    )
    parser.add_argument(
        "--sarif",
        action="append",
        default=[],
        type=Path,
        metavar="FILE",
        help="a SARIF report from tfsec, trivy, zizmor or actionlint (repeatable)",
    )
    parser.add_argument(
        "--policy", type=Path, metavar="FILE", help="policy file (default security/policy.yml)"
    )
    parser.add_argument(
        "--exceptions",
        type=Path,
        metavar="FILE",
        help="exceptions file (default security/exceptions.yml when it exists)",
    )
    parser.add_argument(
        "--baseline",
        type=Path,
        metavar="FILE",
        help="baseline of legacy findings (default security/baseline.json when it exists)",
    )
    growth = parser.add_mutually_exclusive_group()
    growth.add_argument(
        "--baseline-base",
        metavar="GIT_REF",
        help="fail if the baseline has entries it did not have at GIT_REF (e.g. the PR base)",
    )
    growth.add_argument(
        "--baseline-old",
        type=Path,
        metavar="FILE",
        help="fail if the baseline has entries this older baseline file did not have",
    )
    parser.add_argument(
        "--write-baseline",
        action="store_true",
        help="write every currently unsuppressed finding to the baseline file and exit 0 "
        "(to adopt the gate, or to shrink the baseline after fixes)",
    )
    parser.add_argument(
        "--env",
        dest="environment",
        metavar="NAME",
        help="environment whose threshold applies (default: the policy's default_environment)",
    )
    parser.add_argument(
        "--format",
        choices=("markdown", "json", "text"),
        default="text",
        help="report format on stdout (default text)",
    )
    parser.add_argument("--sarif-out", type=Path, metavar="FILE", help="write merged SARIF here")
    parser.add_argument(
        "--json-out", type=Path, metavar="FILE", help="also write the JSON report here (whatever --format is)"
    )
    parser.add_argument(
        "--markdown-out",
        type=Path,
        metavar="FILE",
        help="also write the markdown section here (for the PR comment)",
    )
    parser.add_argument(
        "--max-chars",
        type=int,
        default=20_000,
        metavar="N",
        help="longest markdown section to print or write (default 20000); rows are dropped to fit",
    )
    parser.add_argument(
        "--repo-root",
        type=Path,
        metavar="DIR",
        help="repository root that reported paths are made relative to (default: git top level)",
    )
    parser.add_argument(
        "--today", metavar="YYYY-MM-DD", help="the date expiries are judged against (default: today, UTC)"
    )
    parser.add_argument(
        "--checkov-timeout",
        metavar="SECONDS",
        help="fail closed (exit 2) when checkov has not finished after this long (default: "
        "$PIPELINE_TOOLS_CHECKOV_TIMEOUT, else 300)",
    )
    parser.add_argument(
        "--allow-empty-paths",
        action="store_true",
        help="accept a PATH that holds no .tf files and no workflows (refused by default: checkov "
        "would scan nothing and pass)",
    )
    parser.add_argument(
        "--allow-outside-repo",
        action="store_true",
        help="accept a PATH outside the repository root (refused by default)",
    )
    parser.add_argument(
        "--force", action="store_true", help="init only: overwrite an existing security/policy.yml"
    )
    parser.set_defaults(func=run)


def init(args: argparse.Namespace, repo_root: Path) -> int:
    """``gate init``: write the built-in default policy to security/policy.yml."""
    from pipeline_tools.core.errors import InputError
    from pipeline_tools.gate.run import DEFAULT_POLICY, builtin_policy_text

    if len(args.paths) > 1:
        raise InputError("gate init takes no PATHs (to scan a directory named init, write ./init)")
    target = repo_root / DEFAULT_POLICY
    if target.exists() and not args.force:
        raise InputError(f"{target} already exists (--force to overwrite it with the default policy)")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create {target.parent}: {exc.strerror or exc}") from None
    _write_atomic(target, builtin_policy_text())
    sys.stdout.write(
        f"wrote the default policy to {target}: review the environments and thresholds, then commit it\n"
    )
    return 0


def _write_atomic(path: Path, text: str) -> None:
    from pipeline_tools.core.errors import InputError
    from pipeline_tools.core.files import write_text_atomic

    try:
        write_text_atomic(path, text)
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror or exc}") from None


def run(args: argparse.Namespace) -> int:
    import json
    from datetime import UTC, date, datetime

    from pipeline_tools.core.ci import CIEnvironment
    from pipeline_tools.core.errors import ExitCode, InputError
    from pipeline_tools.gate import render
    from pipeline_tools.gate.baseline import baseline_document
    from pipeline_tools.gate.run import DEFAULT_BASELINE, GateRequest, find_repo_root, run_gate
    from pipeline_tools.gate.sarif_out import build_sarif

    try:
        today = date.fromisoformat(args.today) if args.today else datetime.now(UTC).date()
    except ValueError:
        raise InputError(f"--today {args.today!r} is not a date (YYYY-MM-DD)") from None
    from pipeline_tools.gate.scanners.checkov_run import parse_timeout, timeout_from_environment

    repo_root = (args.repo_root or find_repo_root(Path.cwd())).resolve()
    if not repo_root.is_dir():
        raise InputError(f"--repo-root {repo_root} is not a directory")
    if args.paths[:1] == ["init"]:
        return init(args, repo_root)
    checkov_timeout = (parse_timeout(args.checkov_timeout, "--checkov-timeout")
                       if args.checkov_timeout is not None else timeout_from_environment())
    if args.max_chars < 200:
        raise InputError("--max-chars must be at least 200")
    for output in (args.sarif_out, args.markdown_out, args.json_out):
        if output is not None and not output.resolve().parent.is_dir():
            raise InputError(f"cannot write {output}: its directory does not exist")

    request = GateRequest(
        paths=[Path(p) for p in args.paths],
        repo_root=repo_root,
        today=today,
        plan=args.plan,
        tfsec_json=list(args.tfsec_json),
        trivy_json=list(args.trivy_json),
        sarif=list(args.sarif),
        policy=args.policy,
        exceptions=args.exceptions,
        baseline=args.baseline,
        previous_baseline=args.baseline_old,
        baseline_base=args.baseline_base,
        environment=args.environment,
        checkov_timeout=checkov_timeout,
        allow_empty_paths=args.allow_empty_paths,
        allow_outside_repo=args.allow_outside_repo,
    )
    result = run_gate(request)

    if args.write_baseline:
        target = args.baseline or repo_root / DEFAULT_BASELINE
        if not target.resolve().parent.is_dir():
            raise InputError(f"cannot write {target}: its directory does not exist")
        document = baseline_document(result.findings)
        _write_atomic(target, json.dumps(document, indent=2) + "\n")
        sys.stdout.write(f"wrote {len(document['findings'])} baseline entries to {target}\n")
        return ExitCode.OK

    if args.sarif_out is not None:
        _write_atomic(args.sarif_out, json.dumps(build_sarif(result), indent=2) + "\n")
    if args.json_out is not None:
        _write_atomic(args.json_out, render.render_json(result))
    if args.markdown_out is not None:
        _write_atomic(args.markdown_out, render.render_gate_markdown(result, max_chars=args.max_chars))
    if CIEnvironment.from_env().in_actions:
        # On stderr: stdout carries the report and is often redirected to a file (gate.md); the
        # runner reads workflow commands from both streams.
        sys.stderr.write(render.render_annotations(result))
    if args.format == "json":
        sys.stdout.write(render.render_json(result))
    elif args.format == "markdown":
        sys.stdout.write(render.render_gate_markdown(result, max_chars=args.max_chars))
    else:
        sys.stdout.write(render.render_text(result))
    return ExitCode.OK if result.passed else ExitCode.FAILED
