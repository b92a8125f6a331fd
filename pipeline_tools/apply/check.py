"""The requirements a merged pull request must meet before its environment is applied.

Checked at apply time, from GitHub, not trusted from the workflow's inputs:

1. the commit was merged through a pull request (or one is named);
2. that pull request has a plan comment written by the pipeline's own identity (first line: marker);
3. the comment recorded a plan for the environment, and that plan did not fail;
4. the security gate's verdict recorded for the environment is ``pass``;
5. the pull request was approved by someone other than its author, for the commit whose plan the
   comment shows (an approval of an earlier commit did not see this plan), and nobody's latest
   review requests changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pipeline_tools.integrations.github import GitHub, Review


@dataclass(frozen=True)
class CheckResult:
    pull_request: int | None
    unmet: list[str] = field(default_factory=list)
    met: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.unmet


def check_apply(github: GitHub, repo: str, *, env: str, sha: str, pr: int | None = None) -> CheckResult:
    from pipeline_tools.comment import MARKER_PREFIX, parse_comment_markers

    if pr is None:
        merged = github.pulls_of_commit(repo, sha)
        if not merged:
            return CheckResult(None, [f"commit {sha[:12]} was not merged through a pull request: "
                                      "nothing about it was reviewed"])
        pr = merged[0].number
    unmet: list[str] = []
    met: list[str] = []
    identity = github.identity()
    comment = github.find_comment(repo, pr, MARKER_PREFIX, first_line=True)
    markers = parse_comment_markers(comment.body, first_line_only=True) if comment else None
    if markers is None:
        unmet.append(f"pull request #{pr} has no plan comment by {identity}")
    else:
        met.append(f"plan comment by {identity}")
        if env in markers.failed:
            unmet.append(f"the plan of {env} failed in pull request #{pr}")
        elif markers.fingerprints.get(env) is None:
            unmet.append(f"the plan comment of pull request #{pr} recorded no plan for {env}")
        else:
            met.append(f"plan recorded for {env}")
        verdict = markers.gates.get(env)
        if verdict == "pass":
            met.append(f"security gate passed for {env}")
        elif verdict == "fail":
            unmet.append(f"the security gate failed for {env} in pull request #{pr}")
        else:
            unmet.append(f"no security gate verdict was recorded for {env} in pull request #{pr}")
    author = github.pull_author(repo, pr)
    planned = markers.sha if markers is not None else ""
    unmet_reviews, approvers = _review_verdict(github.pull_reviews(repo, pr), author, planned)
    unmet += [f"pull request #{pr}: {text}" for text in unmet_reviews]
    if approvers:
        met.append(f"approved by {', '.join(approvers)}")
    return CheckResult(pr, unmet, met)


def _review_verdict(reviews: list[Review], author: str, planned_sha: str) -> tuple[list[str], list[str]]:
    """(unmet requirements, approvers) from the reviews: each reviewer's latest decisive review
    counts (COMMENTED and PENDING reviews do not change a decision; DISMISSED withdraws it)."""
    latest: dict[str, Review] = {}
    for review in reviews:
        if review.state in ("APPROVED", "CHANGES_REQUESTED", "DISMISSED") and review.login:
            latest[review.login.lower()] = review
    unmet = [f"changes requested by {r.login}" for r in latest.values() if r.state == "CHANGES_REQUESTED"]
    approvals = [r for r in latest.values() if r.state == "APPROVED" and r.login.lower() != author.lower()]
    current = [r for r in approvals if not planned_sha or r.commit_id == planned_sha]
    if not approvals:
        unmet.append("not approved by a reviewer other than its author")
    elif not current:
        unmet.append(f"approved only for an earlier commit than {planned_sha[:12]}, whose plan the comment "
                     "shows")
    return unmet, [r.login for r in current]
