"""``pipeline-tools plan fingerprint`` and ``plan verify``: the canonical hash of a plan's changes.

``fingerprint`` prints it; ``verify`` compares a fresh plan with the fingerprint recorded when the
change was reviewed (the apply workflow's guard against applying something nobody reviewed).
"""

from __future__ import annotations

import argparse
import sys


def register(actions: argparse._SubParsersAction) -> None:
    parser = actions.add_parser(
        "fingerprint",
        help="print the canonical hash (sha256:...) of what a plan changes",
        description=(
            "Print sha256:<hex>, a hash of the plan's semantic change set: resource addresses, "
            "actions, changed attributes (before/after, unknowns), replace paths and output changes, "
            "sorted. Timestamps, refresh order, unchanged (hidden) attributes and no-op resources do "
            "not enter it, so two plans of the same change give the same fingerprint. Sensitive "
            "values enter as an HMAC under PIPELINE_TOOLS_FINGERPRINT_KEY when it is set, otherwise "
            "only as '<sensitive>' (see docs/workflows.md)."
        ),
        epilog="Exit codes: 0 printed, 2 unreadable or not a plan.",
    )
    parser.add_argument("plan", metavar="PLAN_JSON",
                        help="terraform show -json PLANFILE output, or - for stdin")
    parser.add_argument("--explain", action="store_true",
                        help="print the canonical change set that is hashed (JSON) instead of the hash")
    parser.set_defaults(func=run_fingerprint)

    verify = actions.add_parser(
        "verify",
        help="check that every change of a plan was reviewed in a pull request's plan comment",
        description=(
            "Compare the fresh plan PLAN_JSON of environment --env with what was reviewed. The plan "
            "is accepted when its fingerprint equals a recorded one, or when every change in it "
            "(per resource, attribute by attribute) was reviewed identically in the plan of some "
            "pull request given: a subset after a partial failure is accepted, so are the changes "
            "of two pull requests together; anything else is refused, naming each resource whose "
            "change was not reviewed. Reviewed plans come from --recorded, from --comment-file "
            "(offline; the marker must be the file's first line), or from GitHub (--repo with --pr "
            "and/or --since-deployment): then only plan comments written by the pipeline's own "
            "identity count (the token's account, or --trusted-author / PIPELINE_TOOLS_TRUSTED_AUTHOR)."
        ),
        epilog="Exit codes: 0 every change was reviewed, 1 something was not reviewed or nothing was "
        "recorded, 2 bad input (unreadable plan, malformed --recorded, a comment file whose first "
        "line is not a plan comment marker, token missing or rejected), 3 GitHub failed.",
    )
    verify.add_argument("plan", metavar="PLAN_JSON",
                        help="terraform show -json PLANFILE output, or - for stdin")
    verify.add_argument("--env", metavar="NAME", default="",
                        help="the environment whose recorded plan to compare with (needed for "
                        "--comment-file and GitHub); named in messages")
    verify.add_argument("--recorded", metavar="sha256:HEX",
                        help="a whole-plan fingerprint recorded when the change was reviewed")
    verify.add_argument("--comment-file", metavar="FILE", action="append", default=[],
                        help="a file holding the body of a pull request's plan comment; repeat, "
                        "one per merged pull request")
    verify.add_argument("--repo", metavar="OWNER/NAME",
                        help="read the plan comments from GitHub (GITHUB_TOKEN, GITHUB_API_URL)")
    verify.add_argument("--pr", metavar="N", type=int, action="append", default=[],
                        help="a merged pull request whose plan comment to trust (repeatable; needs --repo)")
    verify.add_argument("--since-deployment", metavar="ENV",
                        help="also every pull request merged since the last successful apply "
                        "recorded as a GitHub Deployment of ENV (pipeline-tools apply record); "
                        "needs --repo")
    verify.add_argument("--base", metavar="BRANCH", default="main",
                        help="with --since-deployment: only pull requests merged into BRANCH "
                        "(default main)")
    verify.add_argument("--checked", action="store_true",
                        help="from GitHub: count only pull requests that meet `apply check`'s "
                        "requirements for --env (gate passed, approved for the planned commit, no "
                        "changes requested)")
    verify.add_argument("--trusted-author", metavar="LOGIN",
                        help="the account whose plan comments are trusted (default: the token's own)")
    verify.set_defaults(func=run_verify)


def run_fingerprint(args: argparse.Namespace) -> int:
    import json

    from pipeline_tools.plan.fingerprint import change_set, fingerprint, key_from_env
    from pipeline_tools.plan.load import load_plan

    key = key_from_env()
    plan = load_plan(args.plan)
    if args.explain:
        # Sensitive values are masked or keyed-hashed in the change set, so it is safe to print.
        sys.stdout.write(json.dumps(change_set(plan, key), indent=2, sort_keys=True) + "\n")
    else:
        sys.stdout.write(fingerprint(plan, key) + "\n")
    return 0


MAX_NAMED = 10  # unreviewed changes named in the one-line error (all are printed on stdout)


def run_verify(args: argparse.Namespace) -> int:
    from pipeline_tools.core.errors import InputError, VerdictError
    from pipeline_tools.plan.fingerprint import is_fingerprint, key_from_env
    from pipeline_tools.plan.load import load_plan
    from pipeline_tools.plan.reviewed import ReviewedPlan, verify_reviewed

    from_github = bool(args.pr or args.since_deployment)
    if not (args.recorded or args.comment_file or from_github):
        raise InputError("nothing to compare with: give --recorded, --comment-file, or --repo with "
                         "--pr/--since-deployment")
    if from_github and not args.repo:
        raise InputError("--pr and --since-deployment need --repo OWNER/NAME")
    if (args.comment_file or from_github) and not args.env:
        raise InputError("--comment-file, --pr and --since-deployment need --env NAME (whose plan to read)")
    reviewed: list[ReviewedPlan] = []
    notes: list[str] = []  # why a source contributed nothing
    if args.recorded is not None:
        recorded = args.recorded.strip()
        if not is_fingerprint(recorded):
            raise InputError(
                f"recorded fingerprint {recorded!r} is malformed (expected sha256: and 64 hex digits)")
        reviewed.append(ReviewedPlan("--recorded", recorded))
    for path in args.comment_file:
        found = _reviewed_in_comment_file(path, args.env, notes)
        if found is not None:
            reviewed.append(found)
    if from_github:
        from pipeline_tools.apply.records import reviewed_plans_from_github

        reviewed += reviewed_plans_from_github(
            args.repo, args.env, prs=args.pr, since_deployment=args.since_deployment, base=args.base,
            trusted_author=args.trusted_author, notes=notes, checked=args.checked)
    plan = load_plan(args.plan)
    where = f" for {args.env}" if args.env else ""
    if not reviewed:
        why = f" ({'; '.join(notes)})" if notes else ""
        raise VerdictError(f"no reviewed plan{where} was recorded{why}; refusing to apply an unreviewed plan")
    for note in notes:
        sys.stdout.write(f"note: {note}\n")
    verdict = verify_reviewed(plan, reviewed, key_from_env())
    if not verdict.accepted:
        for item in verdict.unreviewed:
            sys.stdout.write(f"unreviewed: {item.reason()}\n")
        named = "; ".join(item.reason() for item in verdict.unreviewed[:MAX_NAMED])
        more = len(verdict.unreviewed) - MAX_NAMED
        if all(r.tokens is None for r in reviewed):  # only whole-plan fingerprints to compare with
            recorded = ", ".join(dict.fromkeys(r.fingerprint or "none" for r in reviewed))
            raise VerdictError(
                f"the plan{where} is not the plan that was reviewed: recorded {recorded}, now "
                f"{verdict.fingerprint}; refusing to apply (re-run the pull request's plan, review it "
                "again, and merge that)")
        raise VerdictError(
            f"the plan{where} ({verdict.fingerprint}) holds {len(verdict.unreviewed)} change(s) that were "
            f"not reviewed in {_sources(reviewed)}: {named}{f'; and {more} more' if more > 0 else ''}; "
            "refusing to apply (open a pull request so that this plan is reviewed)"
        )
    if verdict.matched_whole:
        sys.stdout.write(f"plan{where} matches the reviewed plan of {', '.join(verdict.matched_by)} "
                         f"({verdict.fingerprint})\n")
    elif verdict.changes == 0:
        sys.stdout.write(f"plan{where} changes nothing ({verdict.fingerprint})\n")
    else:
        sys.stdout.write(f"plan{where}: all {verdict.changes} change(s) were reviewed in "
                         f"{', '.join(verdict.matched_by)} ({verdict.fingerprint})\n")
    return 0


def _sources(reviewed: list) -> str:
    names = [r.source for r in reviewed]
    return ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")


def _reviewed_in_comment_file(path: str, env: str, notes: list[str]):  # -> ReviewedPlan | None
    """What the plan comment in ``path`` recorded for ``env``; None when it recorded no plan for it.

    The marker must be the body's first line: that is where the tool writes it, and a marker
    further down is someone quoting or imitating it.
    """
    from pathlib import Path

    from pipeline_tools.comment import parse_comment_markers
    from pipeline_tools.core.errors import InputError
    from pipeline_tools.plan.reviewed import ReviewedPlan

    try:
        body = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or exc
        raise InputError(f"--comment-file {path}: cannot read: {reason}") from None
    markers = parse_comment_markers(body, first_line_only=True)
    if markers is None:
        raise InputError(f"--comment-file {path}: its first line is not a pipeline-tools plan comment marker")
    if markers.fingerprints.get(env) is None and env not in markers.changes:
        recorded = ", ".join(name for name, value in markers.fingerprints.items() if value) or "none"
        notes.append(f"{path} recorded no plan for {env}, only for {recorded}")
        return None
    return ReviewedPlan(path, markers.fingerprints.get(env), markers.changes.get(env))
