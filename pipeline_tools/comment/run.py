"""``pipeline-tools plan comment``'s I/O shell: load the plans (and gate reports), compose the one
sticky comment, and post it unless a newer plan is already shown. The GitHub client and the CI
environment are passed in; the comment itself is pure (:mod:`.compose`, :mod:`.markers`).
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from pipeline_tools.core.ci import CIEnvironment

if TYPE_CHECKING:
    from pipeline_tools.integrations.github import GitHub

# One comment carries every environment's fingerprint in its marker (about 90 characters each), so
# beyond several hundred environments the marker alone outgrows GitHub's limit (docs/scale.md).
MAX_ENVIRONMENTS = 1000
_SHA = re.compile(r"^[0-9a-fA-F]{7,64}$")


def post_plan_comment(
    *,
    repo: str,
    pr: int,
    environments: Sequence[tuple[str, str]],
    gates: Sequence[tuple[str, str]] = (),
    costs: Sequence[tuple[str, str]] = (),
    failed: Sequence[tuple[str, str]] = (),
    plans_dir: Path | None = None,
    order: str = "dev,staging,prod",
    sha: str | None = None,
    run_key: str | None = None,
    details_url: str | None = None,
    template_dir: Path | None = None,
    summary_file: str | None = None,
    dry_run: bool = False,
    github: Callable[[], GitHub] | None = None,
    ci: CIEnvironment | None = None,
    out: TextIO = sys.stdout,
    err: TextIO = sys.stderr,
) -> int:
    """Compose the plan comment of pull request ``pr`` and post it (``dry_run``: print it).

    ``environments``, ``gates`` and ``costs`` are (name, JSON file or ``-``) pairs, ``failed``
    (name, terraform's log) pairs of plans that failed; ``plans_dir`` adds every ``plan-NAME``
    folder of a directory of plan artifacts (see :func:`read_plans_dir`). ``github`` builds the
    client (default: from GITHUB_TOKEN/GITHUB_API_URL; called once, before anything is read, so a
    missing token fails first). Defaults for the commit, run key, details link and job summary come
    from ``ci`` (default: this process's environment). Returns 0; raises InputError or ExternalError.
    """
    from pipeline_tools.comment import (
        MARKER_PREFIX,
        CommentMarkers,
        EnvironmentPlan,
        compose_plan_comment,
        parse_comment_markers,
        supersedes,
    )
    from pipeline_tools.core.errors import ExternalError, InputError
    from pipeline_tools.plan.load import load_plan
    from pipeline_tools.plan.model import summarize

    given = _with_plans_dir(PlanArtifacts(list(environments), list(gates), list(costs), list(failed)),
                            plans_dir, order)
    environments, gates, costs, failed, dir_names = (given.plans, given.gates, given.costs, given.failed,
                                                     given.names)
    if not environments and not failed:
        if plans_dir is None:
            raise InputError("nothing to comment on: give --env, --failed or --plans-dir")
        out.write(f"no plan to comment on in {plans_dir}\n")
        return 0
    listing = [name for name, _ in environments if name not in dir_names] + \
        [name for name, _ in failed if name not in dir_names] + dir_names

    ci = ci if ci is not None else CIEnvironment.from_env()
    if github is None:
        from pipeline_tools.integrations.github import GitHub

        github = GitHub.from_env
    repo, run_key, details_url = _validate(repo, pr, [*environments, *failed], sha, run_key, details_url,
                                           template_dir, ci)
    client = None if dry_run else github()
    names = [name for name, _ in [*environments, *failed]]
    gate_results = _load_gates(gates, names)
    cost_results = _load_costs(costs, names)
    plans = []
    for name, source in environments:
        plan = load_plan(source)
        plans.append(EnvironmentPlan(name, summarize(plan), _fingerprint(plan), gate_results.get(name),
                                     cost=cost_results.get(name), changes=_change_tokens(plan)))
    if failed:
        from pipeline_tools.comment.failed import error_tail

        nothing = summarize({"format_version": "1.2", "resource_changes": []})
        for name, source in failed:
            plans.append(EnvironmentPlan(name, nothing, gate=gate_results.get(name),
                                         failure=error_tail(_read_log(source))))
    position = {name: index for index, name in enumerate(listing)}
    plans.sort(key=lambda e: position.get(e.name, len(position)))

    head_sha = None
    github_failure: ExternalError | None = None
    sha = sha or ci.pull_request_head_sha(pr)
    if client is not None:
        try:
            head_sha = client.pr_head_sha(repo, pr)
        except ExternalError as exc:  # GitHub is failing: still write the job summary, then report it
            github_failure = exc
        sha = sha or head_sha
    sha = (sha or ci.sha or "").lower()

    try:
        body = compose_plan_comment(plans, sha=sha, run_key=run_key, details_url=details_url,
                                    template_dir=template_dir)
    except ValueError as exc:  # e.g. too many environments for one comment
        from pipeline_tools.core.errors import InputError

        raise InputError(str(exc)) from None
    summary = _job_summary(plans, body, sha)
    if summary_file:
        _append_summary_file(summary_file, summary)

    if client is None:
        out.write(body + "\n")
        err.write(f"dry run: would post this comment ({len(body)} characters) on {repo}#{pr}\n")
        return 0

    _append_step_summary(ci, summary)
    if github_failure is not None:
        raise github_failure
    ours = parse_comment_markers(body) or CommentMarkers(sha=sha, run_key=run_key)

    def replace_if(existing_body: str) -> bool:
        return supersedes(ours, parse_comment_markers(existing_body), head_sha)

    result = client.upsert_comment(repo, pr, MARKER_PREFIX, body, replace_if=replace_if)
    if result.action == "skipped":
        newer = parse_comment_markers(result.comment.body) or CommentMarkers(sha="?")
        out.write(
            f"skipped: {result.comment.url} already shows a newer plan (commit {newer.sha[:12]}, "
            f"run {newer.run_key or '?'}); this plan of commit {sha[:12] or '?'} was not posted\n")
    else:
        out.write(f"{result.action} {result.comment.url}\n")
    return 0


def _validate(repo: str, pr: int, environments: Sequence[tuple[str, str]], sha: str | None,
              run_key: str | None, details_url: str | None, template_dir: Path | None,
              ci: CIEnvironment) -> tuple[str, str | None, str | None]:
    """Check the arguments before anything is read; return the repository, run key and details URL."""
    from pipeline_tools.comment.markers import RUN_KEY, valid_env_name
    from pipeline_tools.core.errors import InputError
    from pipeline_tools.core.repository import parse_repo_name

    repo = parse_repo_name(repo)
    if pr < 1:
        raise InputError(f"invalid pull request number {pr}")
    names = [name for name, _ in environments]
    for name in names:
        if not valid_env_name(name):
            raise InputError(f"invalid environment name {name!r}: use letters, digits, '.', '_' and '-'")
    if len(set(names)) != len(names):
        raise InputError("each --env NAME may be given only once")
    if len(names) > MAX_ENVIRONMENTS:
        raise InputError(f"at most {MAX_ENVIRONMENTS} environments fit in one comment")
    if sum(1 for _, source in environments if source == "-") > 1:
        raise InputError("only one plan can be read from stdin (-)")
    if sha is not None and not _SHA.match(sha):
        raise InputError(f"invalid --sha {sha!r}: expected a hexadecimal commit id")
    run_key = run_key if run_key is not None else ci.run_key()
    if run_key is not None and not RUN_KEY.match(run_key):
        raise InputError(f"invalid --run-key {run_key!r}: expected dot-separated integers")
    details_url = details_url if details_url is not None else ci.run_url()
    if details_url is not None and not re.match(r"^https?://[^\s<>\"'`()\[\]]+$", details_url):
        raise InputError(f"invalid --details-url {details_url!r}: expected an http(s) URL")
    if template_dir is not None and not template_dir.is_dir():
        raise InputError(f"--template-dir {template_dir}: no such directory")
    return repo, run_key, details_url


def _load_gates(gates: Sequence[tuple[str, str]], names: list[str]) -> dict[str, Any]:
    from pipeline_tools.core.errors import InputError

    loaded = {}
    for name, source in gates:
        if name not in names:
            raise InputError(f"--gate {name}: no --env {name} to attach it to")
        loaded[name] = _load_gate(source)
    return loaded


def _load_gate(source: str) -> Any:
    from pipeline_tools.core.errors import InputError
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


def _load_costs(costs: Sequence[tuple[str, str]], names: list[str]) -> dict[str, Any]:
    from pipeline_tools.core.errors import InputError
    from pipeline_tools.cost.comment import summary_from_json

    loaded = {}
    for name, source in costs:
        if name not in names:
            raise InputError(f"--cost {name}: no --env {name} to attach it to")
        try:
            with open(source, encoding="utf-8") as handle:
                loaded[name] = summary_from_json(json.load(handle))
        except OSError as exc:
            raise InputError(f"--cost {source}: {exc.strerror or exc}") from None
        except ValueError as exc:
            raise InputError(f"--cost {source}: not a 'plan cost --format json' report ({exc})") from None
    return loaded


@dataclass
class PlanArtifacts:
    """What a directory of plan artifacts holds: (name, file) pairs per kind, and every name."""

    plans: list[tuple[str, str]] = field(default_factory=list)
    gates: list[tuple[str, str]] = field(default_factory=list)
    costs: list[tuple[str, str]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    names: list[str] = field(default_factory=list)


def _with_plans_dir(given: PlanArtifacts, plans_dir: Path | None, order: str) -> PlanArtifacts:
    """``given`` (its ``names`` empty) plus what ``plans_dir`` holds (see :func:`read_plans_dir`);
    ``names`` are the directory's environments."""
    if plans_dir is None:
        return given
    found = read_plans_dir(plans_dir, order)
    return PlanArtifacts(given.plans + found.plans, given.gates + found.gates, given.costs + found.costs,
                         given.failed + found.failed, found.names)


def read_plans_dir(directory: Path, order_spec: str) -> PlanArtifacts:
    """Each ``plan-NAME`` folder holds ``plan.json`` (with ``gate.json`` and ``cost.json`` when those
    ran) or, when the plan failed, ``plan-log.txt``; a folder with neither is a job that failed before
    terraform said anything. Folders named in ``order_spec`` (comma-separated) come first, in that
    order, the others by name. A missing directory holds nothing."""
    from pipeline_tools.comment.markers import valid_env_name
    from pipeline_tools.core.errors import InputError

    if directory.exists() and not directory.is_dir():
        raise InputError(f"--plans-dir {directory}: not a directory")
    folders = [p for p in directory.glob("plan-*") if p.is_dir()] if directory.is_dir() else []
    preferred = [name.strip() for name in order_spec.split(",") if name.strip()]
    rank = {name: index for index, name in enumerate(preferred)}
    found = PlanArtifacts()
    for folder in sorted(folders, key=lambda p: (rank.get(p.name[5:], len(rank)), p.name)):
        name = folder.name[len("plan-"):]
        if not valid_env_name(name):
            raise InputError(f"--plans-dir: {folder.name}: invalid environment name {name!r}")
        found.names.append(name)
        if (folder / "plan.json").is_file():
            found.plans.append((name, str(folder / "plan.json")))
            if (folder / "cost.json").is_file() and (folder / "cost.json").stat().st_size:
                found.costs.append((name, str(folder / "cost.json")))
        elif (folder / "plan-log.txt").is_file():
            found.failed.append((name, str(folder / "plan-log.txt")))
        else:
            found.failed.append((name, ""))  # the job failed before terraform said anything
        if (folder / "gate.json").is_file():
            found.gates.append((name, str(folder / "gate.json")))
    return found


def _read_log(source: str) -> str:
    from pipeline_tools.core.errors import InputError

    if not source:
        return "(the job failed before terraform plan ran; see the run's log)"
    try:
        with open(source, encoding="utf-8", errors="replace") as handle:
            return handle.read()[-200_000:]
    except OSError as exc:
        raise InputError(f"--failed {source}: {exc.strerror or exc}") from None


def _change_tokens(plan: dict[str, Any]) -> frozenset[str]:
    from pipeline_tools.plan.fingerprint import change_tokens

    return change_tokens(plan)


def _fingerprint(plan: dict[str, Any]) -> str | None:
    try:
        from pipeline_tools.plan.fingerprint import fingerprint
    except ImportError:  # recorded only where the fingerprint module is available
        return None
    return fingerprint(plan)


def _job_summary(plans: Sequence[Any], body: str, sha: str) -> str:
    """The comment, preceded by every environment's row when the comment collapsed some."""
    from pipeline_tools.comment.compose import COLLAPSE_ABOVE, compose_job_summary

    if len(plans) <= COLLAPSE_ABOVE:
        return body
    return compose_job_summary(list(plans), sha=sha) + "\n\n" + body


def _append_summary_file(path: str, text: str) -> None:
    from pipeline_tools.core.errors import InputError

    try:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(text + "\n")
    except OSError as exc:
        raise InputError(f"--summary-file {path}: cannot append: {exc.strerror or exc}") from None


def _append_step_summary(ci: CIEnvironment, body: str) -> None:
    from pipeline_tools.core.errors import InputError

    try:
        ci.append_step_summary(body)
    except OSError as exc:
        raise InputError(f"GITHUB_STEP_SUMMARY {ci.step_summary}: cannot append: "
                         f"{exc.strerror or exc}") from None
