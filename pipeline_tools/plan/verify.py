"""``pipeline-tools plan verify``'s I/O shell: gather the reviewed plans (a recorded fingerprint,
plan comment files, the trusted plan comments on GitHub) and compare the fresh plan with them.

The comparison is pure (:mod:`.reviewed`); the GitHub client is built by the factory passed in
(default: from GITHUB_TOKEN/GITHUB_API_URL). The CLI module
(:mod:`pipeline_tools.cli.commands._plan_fingerprint`) only parses arguments.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from pipeline_tools.core.errors import InputError, VerdictError

if TYPE_CHECKING:
    from pipeline_tools.integrations.github import GitHub
    from pipeline_tools.plan.reviewed import ReviewedPlan, Verdict

MAX_NAMED = 10  # unreviewed changes named in the one-line error (all are printed on ``out``)


def verify_plan(
    source: str,
    *,
    env: str = "",
    recorded: str | None = None,
    comment_files: Sequence[str] = (),
    repo: str | None = None,
    prs: Sequence[int] = (),
    since_deployment: str | None = None,
    base: str = "main",
    checked: bool = False,
    policy: str | None = None,
    trusted_author: str | None = None,
    github: Callable[[str | None], GitHub] | None = None,
    out: TextIO | None = None,
) -> int:
    """Check that every change of the plan in ``source`` (a file, or ``-``) was reviewed for ``env``.

    Returns 0 when it was; raises VerdictError naming what was not (or when nothing was recorded),
    InputError on bad input. ``github`` builds the client for a trusted author (None: the token's
    own account or PIPELINE_TOOLS_TRUSTED_AUTHOR). With ``checked``, the requirements include the
    cost policy of ``policy`` (:func:`pipeline_tools.apply.run.apply_cost_policy`).
    """
    from pipeline_tools.plan.fingerprint import key_from_env
    from pipeline_tools.plan.load import load_plan
    from pipeline_tools.plan.reviewed import verify_reviewed

    out = out or sys.stdout
    from_github = bool(prs or since_deployment)
    if not (recorded or comment_files or from_github):
        raise InputError("nothing to compare with: give --recorded, --comment-file, or --repo with "
                         "--pr/--since-deployment")
    if from_github and not repo:
        raise InputError("--pr and --since-deployment need --repo OWNER/NAME")
    if (comment_files or from_github) and not env:
        raise InputError("--comment-file, --pr and --since-deployment need --env NAME (whose plan to read)")
    notes: list[str] = []  # why a source contributed nothing
    reviewed = _recorded(recorded) + _reviewed_in_comment_files(comment_files, env, notes)
    if from_github:
        from pipeline_tools.apply.records import reviewed_plans_from_github
        from pipeline_tools.apply.run import apply_cost_policy

        cost_policy = apply_cost_policy(policy, out, env) if checked else None
        client = github(trusted_author) if github is not None else None  # None: built from the environment
        reviewed += reviewed_plans_from_github(
            repo or "", env, prs=prs, since_deployment=since_deployment, base=base,
            trusted_author=trusted_author, notes=notes, github=client, checked=checked,
            cost_policy=cost_policy)
    plan = load_plan(source)
    where = f" for {env}" if env else ""
    if not reviewed:
        why = f" ({'; '.join(notes)})" if notes else ""
        raise VerdictError(f"no reviewed plan{where} was recorded{why}; refusing to apply an unreviewed plan")
    for note in notes:
        out.write(f"note: {note}\n")
    verdict = verify_reviewed(plan, reviewed, key_from_env())
    if not verdict.accepted:
        _refuse(verdict, reviewed, where, out)
    if verdict.matched_whole:
        out.write(f"plan{where} matches the reviewed plan of {', '.join(verdict.matched_by)} "
                  f"({verdict.fingerprint})\n")
    elif verdict.changes == 0:
        out.write(f"plan{where} changes nothing ({verdict.fingerprint})\n")
    else:
        out.write(f"plan{where}: all {verdict.changes} change(s) were reviewed in "
                  f"{', '.join(verdict.matched_by)} ({verdict.fingerprint})\n")
    return 0


def _refuse(verdict: Verdict, reviewed: Sequence[ReviewedPlan], where: str, out: TextIO) -> None:
    """Print every unreviewed change, then raise the VerdictError that names them."""
    for item in verdict.unreviewed:
        out.write(f"unreviewed: {item.reason()}\n")
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


def _sources(reviewed: Sequence[ReviewedPlan]) -> str:
    names = [r.source for r in reviewed]
    return ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")


def _recorded(recorded: str | None) -> list[ReviewedPlan]:
    """The whole-plan fingerprint given with --recorded (none when not given)."""
    from pipeline_tools.plan.fingerprint import is_fingerprint
    from pipeline_tools.plan.reviewed import ReviewedPlan

    if recorded is None:
        return []
    recorded = recorded.strip()
    if not is_fingerprint(recorded):
        raise InputError(
            f"recorded fingerprint {recorded!r} is malformed (expected sha256: and 64 hex digits)")
    return [ReviewedPlan("--recorded", recorded)]


def _reviewed_in_comment_files(paths: Sequence[str], env: str, notes: list[str]) -> list[ReviewedPlan]:
    found = (_reviewed_in_comment_file(path, env, notes) for path in paths)
    return [reviewed for reviewed in found if reviewed is not None]


def _reviewed_in_comment_file(path: str, env: str, notes: list[str]) -> ReviewedPlan | None:
    """What the plan comment in ``path`` recorded for ``env``; None when it recorded no plan for it.

    The marker must be the body's first line: that is where the tool writes it, and a marker
    further down is someone quoting or imitating it.
    """
    from pipeline_tools.comment import parse_comment_markers
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
