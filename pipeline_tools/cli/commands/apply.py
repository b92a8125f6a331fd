"""``pipeline-tools apply``: an apply job's steps (requirements, record, rollout, report)."""

from __future__ import annotations

import argparse

CHECK_DESCRIPTION = """\
Check, from GitHub, that the pull request merged as --sha may be applied to --env: it has a plan
comment written by the pipeline's own identity (the token's account, or --trusted-author), which
recorded a plan for the environment that did not fail and a security gate verdict of pass; and it
was approved by someone other than its author, for the commit whose plan the comment shows, with no
reviewer's latest review requesting changes. Where the cost policy (the `cost` section of --policy)
limits the environment's monthly increase, the increase the plan comment recorded must be within
it, or the pull request must carry the policy's label or be approved by one of its approvers; no
recorded increase counts as over the limit (docs/cost.md#enforced-at-apply-time).
Environment: GITHUB_TOKEN, GITHUB_API_URL.
"""

RECORD_DESCRIPTION = """\
Record an apply of --sha to --env as a GitHub Deployment (task terraform-apply) and add --state as its
status. The deployment of the same workflow run attempt (GITHUB_RUN_ID.GITHUB_RUN_ATTEMPT, or
--run-key) is reused, so "in_progress" at the start and "success" or "failure" at the end are one
deployment. The newest successful one is where `plan verify --since-deployment` starts counting merged
pull requests. Environment: GITHUB_TOKEN, GITHUB_API_URL.
"""

ROLLOUT_DESCRIPTION = """\
After an apply: roll out every service of --env whose running image (ECS) differs from the image
its release file (ROOT/release.auto.tfvars.json) names, one after the other, each as
`pipeline-tools deploy --cluster ... --image REPOSITORY@DIGEST` would (same checks, and the same
per-service lock as the deployer Lambda where the environment has its lock table). The cluster is
the stage's `cluster` in pipeline-tools.yml. No release file: nothing to do. AWS credentials and
region from the environment, as boto3 reads them.
"""

REPORT_DESCRIPTION = """\
The apply job's last step: from the outcomes of its check, verify, apply and deploy steps, say how
the apply went (applied; applied but the rollout failed; REFUSED, with the reason's last line from
--reason-file; FAILED) in the job summary (GITHUB_STEP_SUMMARY), as one comment per environment on
the merged pull request (edited on re-runs), and in chat (SLACK_WEBHOOK_URL, DISCORD_WEBHOOK_URL).
When the pull request carries the label promotion:ENV and the plan comparison ran, also record the
promotion's outcome (as `promote report`): success only when it was applied and rolled out.
Environment: GITHUB_TOKEN, GITHUB_API_URL (needed only with --pr).
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "apply", help="check an apply's requirements and record its outcome on GitHub",
        description="The apply workflow's GitHub side: requirements before, the record after.")
    actions = parser.add_subparsers(dest="apply_action", metavar="ACTION", parser_class=type(parser))
    actions.required = True

    check = actions.add_parser(
        "check", help="check that the merged pull request may be applied to an environment",
        description=CHECK_DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Exit codes: 0 every requirement is met; 1 a requirement is not met (each one is "
        "named); 2 bad input (arguments, policy, token missing or rejected, repository not found); "
        "3 GitHub failed.")
    _common(check)
    check.add_argument("--pr", type=int, metavar="N",
                       help="the pull request (default: the one GitHub associates with --sha as merged)")
    check.add_argument("--trusted-author", metavar="LOGIN",
                       help="the account whose plan comment is trusted (default: the token's own)")
    check.add_argument("--policy", metavar="FILE",
                       help="policy file whose 'cost' section limits each environment's monthly increase "
                       "(default: security/policy.yml when present; without it no cost limit applies)")
    check.set_defaults(func=run_check)

    pull = actions.add_parser(
        "pr", help="print the number of the pull request merged as a commit (nothing if none)",
        description="Print the number of the pull request that GitHub associates with --sha as merged "
        "into --base; print nothing (and a warning on stderr) when the commit was not merged through "
        "a pull request. Environment: GITHUB_TOKEN, GITHUB_API_URL.",
        epilog="Exit codes: 0 printed (or nothing to print); 2 bad input; 3 GitHub failed.")
    pull.add_argument("--repo", required=True, metavar="OWNER/NAME", help="the GitHub repository")
    pull.add_argument("--sha", required=True, metavar="COMMIT", help="the pushed commit (full sha)")
    pull.add_argument("--base", default="main", metavar="BRANCH", help="the branch it was merged into")
    pull.set_defaults(func=run_pr)

    record = actions.add_parser(
        "record", help="record an apply (GitHub Deployment and status)", description=RECORD_DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Exit codes: 0 recorded; 2 bad input; 3 GitHub failed.")
    _common(record)
    record.add_argument("--state", required=True, choices=["in_progress", "success", "failure", "error"],
                        help="the apply's state now")
    record.add_argument("--run-key", metavar="KEY",
                        help="which run this is (default GITHUB_RUN_ID.GITHUB_RUN_ATTEMPT)")
    record.add_argument("--log-url", metavar="URL", help="link to the run, shown on the deployment")
    record.add_argument("--description", metavar="TEXT", default="", help="the status's description")
    record.add_argument("--trusted-author", metavar="LOGIN", help=argparse.SUPPRESS)
    record.set_defaults(func=run_record)

    rollout = actions.add_parser(
        "rollout", help="roll out the services whose running image differs from the release file",
        description=ROLLOUT_DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Exit codes: 0 every service runs its release (rolled out now, or already); 2 bad "
        "input (arguments, configuration, release file, an image or service that does not exist); "
        "3 AWS failed; 10-14 a rollout failed, as `pipeline-tools deploy` (the most severe wins).")
    rollout.add_argument("--env", required=True, metavar="NAME",
                         help="the environment root's name (under the configuration's roots_dir)")
    rollout.add_argument("--sha", default="", metavar="COMMIT",
                         help="the commit applied, named as the deploys' trigger and source commit")
    rollout.add_argument("--config", metavar="FILE",
                         help="the repository configuration (default: pipeline-tools.yml here, if any)")
    rollout.add_argument("--lock-table", metavar="NAME", default=None,
                         help="the deployer's DynamoDB lock table (default: the root's terraform "
                         "output deploy_lock_table_name when the root is initialised; none otherwise)")
    rollout.add_argument("--timeout", type=float, default=900, metavar="SECONDS",
                         help="how long to follow each service's rollout (default 900)")
    rollout.add_argument("--no-notify", action="store_true", help="no chat message per deploy")
    rollout.set_defaults(func=run_rollout)

    report = actions.add_parser(
        "report", help="report an apply job's outcome: job summary, PR comment, chat, promotion",
        description=REPORT_DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Exit codes: 0 reported (a comment or chat message that could not be delivered is a "
        "warning); 2 bad input; 3 GitHub failed while recording a promotion's outcome.")
    _common(report)
    outcomes = ["success", "failure", "cancelled", "skipped", ""]
    for step in ("check", "verify", "apply", "deploy"):
        report.add_argument(f"--{step}-outcome", required=True, choices=outcomes, metavar="OUTCOME",
                            help=f"the outcome of the job's {step} step (steps.<id>.outcome; empty: "
                            "it never ran)")
    report.add_argument("--pr", type=_pull_number, default=None, metavar="N",
                        help="the merged pull request (empty: none; then no comment, no promotion)")
    report.add_argument("--log-url", metavar="URL", default=None,
                        help="link to the run (default: this GitHub Actions run)")
    report.add_argument("--reason-file", metavar="FILE", default=None,
                        help="the check's or verify's output: its last line says why a refusal refused")
    report.set_defaults(func=run_report)


def _pull_number(value: str) -> int | None:
    # The workflow passes the merged pull request's number, or "" when the push merged none.
    if value == "":
        return None
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"expected a pull request number, got {value!r}")
    return int(value)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--repo", required=True, metavar="OWNER/NAME", help="the GitHub repository")
    parser.add_argument("--env", required=True, metavar="NAME", help="the environment")
    parser.add_argument("--sha", required=True, metavar="COMMIT", help="the commit applied (full sha)")


def run_check(args: argparse.Namespace) -> int:
    from pipeline_tools.apply.run import check

    return check(repo=args.repo, env=args.env, sha=args.sha, pr=args.pr, trusted_author=args.trusted_author,
                 policy=args.policy)


def run_pr(args: argparse.Namespace) -> int:
    from pipeline_tools.apply.run import merged_pull

    return merged_pull(repo=args.repo, sha=args.sha, base=args.base)


def run_rollout(args: argparse.Namespace) -> int:
    from pathlib import Path

    from pipeline_tools.apply.run import rollout
    from pipeline_tools.config import load_config

    config = load_config(Path(args.config) if args.config else None, repo_root=Path.cwd())
    return rollout(env=args.env, sha=args.sha, config=config, repo_root=Path.cwd(),
                   lock_table=args.lock_table, timeout_seconds=args.timeout, notify=not args.no_notify)


def run_report(args: argparse.Namespace) -> int:
    from pathlib import Path

    from pipeline_tools.apply.report import StepOutcomes
    from pipeline_tools.apply.run import report

    steps = StepOutcomes(check=args.check_outcome, verify=args.verify_outcome, apply=args.apply_outcome,
                         deploy=args.deploy_outcome)
    return report(repo=args.repo, env=args.env, sha=args.sha, steps=steps, pr=args.pr, log_url=args.log_url,
                  reason_file=Path(args.reason_file) if args.reason_file else None)


def run_record(args: argparse.Namespace) -> int:
    from pipeline_tools.apply.run import record

    return record(repo=args.repo, env=args.env, sha=args.sha, state=args.state, run_key=args.run_key,
                  log_url=args.log_url, description=args.description, trusted_author=args.trusted_author)
