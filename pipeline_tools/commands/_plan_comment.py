"""``pipeline-tools plan comment``: one sticky pull request comment with every environment's plan."""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from typing import Any

MAX_ENVIRONMENTS = 30
_SHA = re.compile(r"^[0-9a-fA-F]{7,64}$")

DESCRIPTION = """\
Post (or update in place) ONE comment on a pull request with the plans of all environments: a
dashboard table (per environment: counts and risk flags), then one section per environment, where
an environment without changes takes one line. The comment carries a hidden marker with the commit,
a run ordering key and each plan's fingerprint; it is found again through that marker on every push
and edited in place, and a plan of an older commit never overwrites a newer one. The whole comment
stays within GitHub's 65,536-character limit.

Environment: GITHUB_TOKEN (required unless --dry-run), GITHUB_API_URL (default
https://api.github.com; GitHub Enterprise: https://HOST/api/v3), GITHUB_STEP_SUMMARY (when set, the
same markdown is appended to it). See docs/pr-comment.md.
"""

EPILOG = """\
Exit codes: 0 posted, updated, unchanged or skipped (a newer plan is already shown); 2 bad input
(arguments, token missing or rejected, repository or pull request not found, unreadable plan);
3 GitHub failed after retries.
"""


def register(actions: argparse._SubParsersAction) -> None:
    parser = actions.add_parser(
        "comment", help="post one sticky PR comment summarizing every environment's plan",
        description=DESCRIPTION, epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--repo", required=True, metavar="OWNER/NAME", help="the GitHub repository")
    parser.add_argument("--pr", required=True, type=int, metavar="N", help="the pull request number")
    parser.add_argument(
        "--env", nargs=2, action="append", dest="environments", default=[],
        metavar=("NAME", "PLAN_JSON"),
        help="an environment and its plan (terraform show -json output, or - for stdin); repeat in "
             "the order the dashboard should list them",
    )
    parser.add_argument(
        "--gate", nargs=2, action="append", dest="gates", default=[], metavar=("NAME", "GATE_JSON"),
        help="the security gate's result for environment NAME (pipeline-tools gate --json-out); "
             "its section is embedded after that environment's plan, within the comment's budget",
    )
    parser.add_argument(
        "--failed", nargs=2, action="append", default=[], metavar=("NAME", "ERROR_LOG"),
        help="environment NAME's plan failed; ERROR_LOG holds terraform's output, whose last lines "
             "(secrets masked) the comment shows as that environment's section",
    )
    parser.add_argument(
        "--plans-dir", metavar="DIR",
        help="a directory of plan artifacts, one subdirectory plan-NAME per environment holding "
             "plan.json (and gate.json when the gate ran), or, when the plan failed, plan-log.txt; "
             "a missing or empty directory means there is no plan to comment on (exit 0)",
    )
    parser.add_argument(
        "--order", metavar="NAMES", default="dev,staging,prod",
        help="with --plans-dir: comma-separated environments listed first, in this order; the "
             "others follow by name (default: dev,staging,prod)",
    )
    parser.add_argument(
        "--sha", metavar="COMMIT",
        help="the commit the plans were made for (default: the pull_request event's head sha from "
             "GITHUB_EVENT_PATH, else the pull request's current head, else GITHUB_SHA)",
    )
    parser.add_argument(
        "--run-key", metavar="KEY",
        help="ordering key of this run, dot-separated integers; a comment from a run with a larger "
             "key is never overwritten (default: GITHUB_RUN_ID.GITHUB_RUN_ATTEMPT when set)",
    )
    parser.add_argument(
        "--details-url", metavar="URL",
        help="link to the full report (default: this workflow run's page when running in GitHub Actions)",
    )
    parser.add_argument("--template-dir", metavar="DIR",
                        help="directory with templates overriding the shipped ones (plan/summary.md.j2)")
    parser.add_argument("--dry-run", action="store_true",
                        help="print the comment instead of posting it; contact nothing, write nothing")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from pipeline_tools.adapters.github import GitHub, parse_repo_name
    from pipeline_tools.comment import (
        MARKER_PREFIX,
        CommentMarkers,
        EnvironmentPlan,
        compose_plan_comment,
        parse_comment_markers,
        supersedes,
    )
    from pipeline_tools.comment.markers import RUN_KEY, valid_env_name
    from pipeline_tools.errors import ExternalError, InputError
    from pipeline_tools.plan.load import load_plan
    from pipeline_tools.plan.model import summarize

    env = os.environ
    repo = parse_repo_name(args.repo)
    if args.pr < 1:
        raise InputError(f"invalid pull request number {args.pr}")
    dir_names: list[str] = []
    if args.plans_dir is not None:
        found_plans, found_gates, found_failed, listed = _read_plans_dir(Path(args.plans_dir), args.order)
        args.environments += found_plans
        args.gates += found_gates
        args.failed += found_failed
        dir_names = [name for [name] in listed]
    if not args.environments and not args.failed:
        if args.plans_dir is None:
            raise InputError("nothing to comment on: give --env, --failed or --plans-dir")
        sys.stdout.write(f"no plan to comment on in {args.plans_dir}\n")
        return 0
    names = [name for name, _ in [*args.environments, *args.failed]]
    listing = [name for name, _ in args.environments if name not in dir_names] + \
        [name for name, _ in args.failed if name not in dir_names] + dir_names
    for name in names:
        if not valid_env_name(name):
            raise InputError(f"invalid environment name {name!r}: use letters, digits, '.', '_' and '-'")
    if len(set(names)) != len(names):
        raise InputError("each --env NAME may be given only once")
    if len(names) > MAX_ENVIRONMENTS:
        raise InputError(f"at most {MAX_ENVIRONMENTS} environments fit in one comment")
    if sum(1 for _, source in args.environments if source == "-") > 1:
        raise InputError("only one plan can be read from stdin (-)")
    if args.sha is not None and not _SHA.match(args.sha):
        raise InputError(f"invalid --sha {args.sha!r}: expected a hexadecimal commit id")
    run_key = args.run_key if args.run_key is not None else _default_run_key(env)
    if run_key is not None and not RUN_KEY.match(run_key):
        raise InputError(f"invalid --run-key {run_key!r}: expected dot-separated integers")
    details_url = args.details_url if args.details_url is not None else _default_details_url(env)
    if details_url is not None and not re.match(r"^https?://[^\s<>\"'`()\[\]]+$", details_url):
        raise InputError(f"invalid --details-url {details_url!r}: expected an http(s) URL")
    template_dir = Path(args.template_dir) if args.template_dir else None
    if template_dir is not None and not template_dir.is_dir():
        raise InputError(f"--template-dir {args.template_dir}: no such directory")
    github = None if args.dry_run else GitHub.from_env(env)

    gates = {}
    for name, source in args.gates:
        if name not in names:
            raise InputError(f"--gate {name}: no --env {name} to attach it to")
        gates[name] = _load_gate(source)
    environments = []
    for name, source in args.environments:
        plan = load_plan(source)
        environments.append(EnvironmentPlan(name, summarize(plan), _fingerprint(plan), gates.get(name),
                                            _change_tokens(plan)))
    if args.failed:
        from pipeline_tools.comment.failed import error_tail

        nothing = summarize({"format_version": "1.2", "resource_changes": []})
        for name, source in args.failed:
            environments.append(EnvironmentPlan(name, nothing, gate=gates.get(name),
                                                failure=error_tail(_read_log(source))))
    order = {name: index for index, name in enumerate(listing)}
    environments.sort(key=lambda e: order.get(e.name, len(order)))

    head_sha = None
    github_failure: ExternalError | None = None
    sha = args.sha or _event_head_sha(env, args.pr)
    if github is not None:
        try:
            head_sha = github.pr_head_sha(repo, args.pr)
        except ExternalError as exc:  # GitHub is failing: still write the job summary, then report it
            github_failure = exc
        sha = sha or head_sha
    sha = (sha or env.get("GITHUB_SHA") or "").lower()

    body = compose_plan_comment(environments, sha=sha, run_key=run_key, details_url=details_url,
                                template_dir=template_dir)

    if github is None:
        sys.stdout.write(body + "\n")
        sys.stderr.write(f"dry run: would post this comment ({len(body)} characters) on {repo}#{args.pr}\n")
        return 0

    _append_step_summary(env.get("GITHUB_STEP_SUMMARY"), body)
    if github_failure is not None:
        raise github_failure
    ours = parse_comment_markers(body) or CommentMarkers(sha=sha, run_key=run_key)

    def replace_if(existing_body: str) -> bool:
        return supersedes(ours, parse_comment_markers(existing_body), head_sha)

    result = github.upsert_comment(repo, args.pr, MARKER_PREFIX, body, replace_if=replace_if)
    if result.action == "skipped":
        newer = parse_comment_markers(result.comment.body) or CommentMarkers(sha="?")
        sys.stdout.write(
            f"skipped: {result.comment.url} already shows a newer plan (commit {newer.sha[:12]}, "
            f"run {newer.run_key or '?'}); this plan of commit {sha[:12] or '?'} was not posted\n")
    else:
        sys.stdout.write(f"{result.action} {result.comment.url}\n")
    return 0


def _read_plans_dir(directory: Any, order_spec: str) -> tuple[list[list[str]], ...]:
    """(--env, --gate, --failed, [names in order]) from a directory of ``plan-NAME`` folders."""
    from pipeline_tools.comment.markers import valid_env_name
    from pipeline_tools.errors import InputError

    if directory.exists() and not directory.is_dir():
        raise InputError(f"--plans-dir {directory}: not a directory")
    folders = sorted(p for p in directory.glob("plan-*") if p.is_dir()) if directory.is_dir() else []
    preferred = [name.strip() for name in order_spec.split(",") if name.strip()]
    rank = {name: index for index, name in enumerate(preferred)}
    plans, gates, failed, listed = [], [], [], []
    for folder in sorted(folders, key=lambda p: (rank.get(p.name[5:], len(rank)), p.name)):
        name = folder.name[len("plan-"):]
        if not valid_env_name(name):
            raise InputError(f"--plans-dir: {folder.name}: invalid environment name {name!r}")
        listed.append([name])
        if (folder / "plan.json").is_file():
            plans.append([name, str(folder / "plan.json")])
        elif (folder / "plan-log.txt").is_file():
            failed.append([name, str(folder / "plan-log.txt")])
        else:
            failed.append([name, ""])  # the job failed before terraform said anything
        if (folder / "gate.json").is_file():
            gates.append([name, str(folder / "gate.json")])
    return plans, gates, failed, listed


def _read_log(source: str) -> str:
    from pipeline_tools.errors import InputError

    if not source:
        return "(the job failed before terraform plan ran; see the run's log)"
    try:
        with open(source, encoding="utf-8", errors="replace") as handle:
            return handle.read()[-200_000:]
    except OSError as exc:
        raise InputError(f"--failed {source}: {exc.strerror or exc}") from None


def _load_gate(source: str) -> Any:
    import json

    from pipeline_tools.errors import InputError
    from pipeline_tools.gate.render import result_from_dict

    try:
        with open(source, encoding="utf-8") as handle:
            data = json.load(handle)
    except OSError as exc:
        raise InputError(f"--gate {source}: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise InputError(f"--gate {source}: not a gate JSON report ({exc})") from None
    if not isinstance(data, dict):
        raise InputError(f"--gate {source}: not a gate JSON report")
    return result_from_dict(data)


def _fingerprint(plan: dict[str, Any]) -> str | None:
    try:
        from pipeline_tools.plan.fingerprint import fingerprint
    except ImportError:  # recorded only where the fingerprint module is available
        return None
    return fingerprint(plan)


def _change_tokens(plan: dict[str, Any]) -> frozenset[str]:
    from pipeline_tools.plan.fingerprint import change_tokens

    return change_tokens(plan)


def _default_run_key(env: os._Environ[str] | dict[str, str]) -> str | None:
    run_id = env.get("GITHUB_RUN_ID", "")
    if not run_id.isdigit():
        return None
    attempt = env.get("GITHUB_RUN_ATTEMPT", "1")
    return f"{run_id}.{attempt if attempt.isdigit() else '1'}"


def _default_details_url(env: os._Environ[str] | dict[str, str]) -> str | None:
    server, repository, run_id = (env.get(k) for k in ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY",
                                                       "GITHUB_RUN_ID"))
    if server and repository and run_id:
        return f"{server.rstrip('/')}/{repository}/actions/runs/{run_id}"
    return None


def _event_head_sha(env: os._Environ[str] | dict[str, str], number: int) -> str | None:
    """The head commit of a ``pull_request`` event for this PR (GITHUB_SHA is the merge commit there)."""
    path = env.get("GITHUB_EVENT_PATH")
    if not path:
        return None
    try:
        with open(path, encoding="utf-8") as handle:
            event = json.load(handle)
    except (OSError, ValueError):
        return None
    pull = event.get("pull_request") if isinstance(event, dict) else None
    if not isinstance(pull, dict) or pull.get("number") != number:
        return None
    sha = (pull.get("head") or {}).get("sha")
    return sha if isinstance(sha, str) and _SHA.match(sha) else None


def _append_step_summary(path: str | None, body: str) -> None:
    """Append to the job summary file as GitHub Actions expects (it may hold other steps' text)."""
    if not path:
        return
    from pipeline_tools.errors import InputError

    try:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(body + "\n")
    except OSError as exc:
        raise InputError(f"GITHUB_STEP_SUMMARY {path}: cannot append: {exc.strerror or exc}") from None
