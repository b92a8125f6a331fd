"""The promotion model: evidence about the source environment, preconditions, and the change.

Pure: no AWS, GitHub or terraform calls here. Adapters gather the evidence; this module decides.
Every precondition fails closed: missing evidence is a failed check with its own message.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

# The facts the AWS integration reads live in core, so that it needs nothing from this package.
from pipeline_tools.core.deployments import DeploymentEvidence, RegistryImage
from pipeline_tools.promote.release import Release


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


@dataclass
class ServicePromotion:
    service: str
    current: Release
    proposed: Release
    evidence: DeploymentEvidence | None
    checks: list[Check] = field(default_factory=list)

    @property
    def changes(self) -> bool:
        return self.current.digest != self.proposed.digest

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)


@dataclass
class Promotion:
    source_env: str
    target_env: str
    services: list[ServicePromotion]
    checks: list[Check]
    reason: str
    rollback: bool
    plan_markdown: str = ""

    @property
    def all_checks(self) -> list[Check]:
        return [*self.checks, *(c for s in self.services for c in s.checks)]

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.all_checks)

    @property
    def changed_services(self) -> list[ServicePromotion]:
        return [s for s in self.services if s.changes]


def short(digest: str) -> str:
    return digest.removeprefix("sha256:")[:12]


# --- preconditions -----------------------------------------------------------------------


def check_deployment_completed(evidence: DeploymentEvidence) -> Check:
    name = f"{evidence.env} deployment of {evidence.service} completed"
    if evidence.deployment_id is None:
        return Check(name, False, f"service {evidence.service} in cluster {evidence.cluster} "
                     f"has no PRIMARY deployment ({evidence.rollout_state_reason})")
    if evidence.rollout_state != "COMPLETED":
        return Check(name, False, f"deployment {evidence.deployment_id} is "
                     f"{evidence.rollout_state or 'in an unknown state'}: {evidence.rollout_state_reason}")
    if evidence.other_deployments:
        return Check(name, False, f"{evidence.other_deployments} other deployment(s) still active "
                     "(a rollout or rollback is under way)")
    if "roll" in evidence.rollout_state_reason.lower() and "back" in evidence.rollout_state_reason.lower():
        return Check(name, False, f"deployment {evidence.deployment_id} was rolled back: "
                     f"{evidence.rollout_state_reason}")
    return Check(name, True, f"deployment {evidence.deployment_id} COMPLETED")


def check_soak(evidence: DeploymentEvidence, *, now: datetime, soak: timedelta) -> Check:
    name = f"{evidence.env} stable for {_duration(soak)}"
    if evidence.updated_at is None:
        return Check(name, False, "the deployment reports no update time")
    stable_for = now - evidence.updated_at
    if stable_for < soak:
        remaining = soak - stable_for
        return Check(name, False, f"stable for only {_duration(stable_for)}; "
                     f"try again in {_duration(remaining)}")
    return Check(name, True, f"stable since {evidence.updated_at:%Y-%m-%d %H:%M:%S} UTC "
                 f"({_duration(stable_for)})")


def check_running_matches_release(evidence: DeploymentEvidence, source_release: Release,
                                  expected_digest: str | None) -> Check:
    name = f"{evidence.env} runs the digest in its release file"
    running = set(evidence.running_digests)
    if not running:
        return Check(name, False, f"cannot tell which digest {evidence.service} runs in {evidence.env}")
    if running != {source_release.digest}:
        shown = ", ".join(sorted(short(d) for d in running))
        return Check(name, False, f"{evidence.env} runs {shown} ({evidence.digest_source}) but its "
                     f"release file says {short(source_release.digest)}")
    if expected_digest is not None and expected_digest != source_release.digest:
        return Check(name, False, f"--expected-digest {short(expected_digest)} does not match "
                     f"{evidence.env}'s {short(source_release.digest)}")
    return Check(name, True, f"runs {short(source_release.digest)} ({evidence.digest_source})")


def check_in_registry(image: RegistryImage | None, repository: str, digest: str) -> Check:
    name = f"{short(digest)} exists in {repository}"
    if image is None:
        return Check(name, False, f"image {repository}@{digest} is not in the registry the target pulls from")
    return Check(name, True, "found" + (f" (tags: {', '.join(image.tags)})" if image.tags else ""))


def check_no_drift(env: str, plan_exit_code: int | None, detail: str = "") -> Check:
    name = f"{env} has no pending drift"
    suffix = f": {detail}" if detail else ""
    if plan_exit_code == 0:
        return Check(name, True, "terraform plan -detailed-exitcode: no changes")
    if plan_exit_code == 2:
        return Check(name, False, f"terraform plan shows pending changes in {env}{suffix}; "
                     "resolve the drift before promoting")
    return Check(name, False, f"could not plan {env}{suffix}")


def check_no_open_promotion(target_env: str, open_numbers: list[int]) -> Check:
    name = f"no other promotion to {target_env} open"
    if open_numbers:
        shown = ", ".join(f"#{n}" for n in open_numbers)
        return Check(name, False, f"promotion pull request(s) {shown} still open")
    return Check(name, True, "none open")


def _duration(delta: timedelta) -> str:
    seconds = max(0, int(delta.total_seconds()))
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{hours}h{minutes:02d}m"
    if minutes:
        return f"{minutes}m{seconds:02d}s"
    return f"{seconds}s"
