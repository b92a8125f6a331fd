"""What a deploy ended in, and the exit code each outcome maps to (documented in docs/deployer.md
and ``pipeline-tools deploy --help``). Pure: no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from pipeline_tools.deploy.scan import ImageScan


class Outcome(StrEnum):
    COMPLETED = "completed"
    # Nothing was changed, on purpose: a duplicate event, an image older than the one running,
    # or the service already runs this digest.
    SKIPPED = "skipped"
    # --no-wait: update_service succeeded and nobody followed the rollout.
    STARTED = "started"
    FAILED = "failed"
    ROLLED_BACK = "rolled_back"
    TIMED_OUT = "timed_out"
    BUSY = "busy"
    SUPERSEDED = "superseded"

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self]

    @property
    def is_success(self) -> bool:
        return self in (Outcome.COMPLETED, Outcome.SKIPPED, Outcome.STARTED)


EXIT_CODES: dict[Outcome, int] = {
    Outcome.COMPLETED: 0,
    Outcome.SKIPPED: 0,
    Outcome.STARTED: 0,
    Outcome.FAILED: 10,
    Outcome.ROLLED_BACK: 11,
    Outcome.TIMED_OUT: 12,
    Outcome.BUSY: 13,
    Outcome.SUPERSEDED: 14,
}

# When one event deploys several services, the process exits with the most severe outcome.
SEVERITY: tuple[Outcome, ...] = (
    Outcome.FAILED, Outcome.ROLLED_BACK, Outcome.TIMED_OUT, Outcome.SUPERSEDED, Outcome.BUSY,
)


@dataclass
class DeployResult:
    """One service's deploy, as reported to the caller and to chat."""

    outcome: Outcome
    cluster: str
    service: str
    container: str
    environment: str
    new_image: str
    new_tag: str = ""
    old_image: str = ""
    old_tag: str = ""
    task_definition_arn: str = ""
    previous_task_definition_arn: str = ""
    deployment_id: str = ""
    trigger: str = ""
    source_commit: str = ""
    region: str = ""
    duration_seconds: float = 0.0
    reason: str = ""
    # Most recent first; only those seen since the deploy started.
    service_events: list[str] = field(default_factory=list)
    # "reason (N tasks)" lines, most frequent first.
    stopped_reasons: list[str] = field(default_factory=list)
    # The new image's ECR scan, when it was read (None: not read, e.g. nothing was deployed).
    image_scan: ImageScan | None = None

    @property
    def exit_code(self) -> int:
        return self.outcome.exit_code

    def to_dict(self) -> dict[str, object]:
        return {
            "outcome": self.outcome.value,
            "exit_code": self.exit_code,
            "cluster": self.cluster,
            "service": self.service,
            "container": self.container,
            "environment": self.environment,
            "old_image": self.old_image,
            "old_tag": self.old_tag,
            "new_image": self.new_image,
            "new_tag": self.new_tag,
            "task_definition_arn": self.task_definition_arn,
            "previous_task_definition_arn": self.previous_task_definition_arn,
            "deployment_id": self.deployment_id,
            "trigger": self.trigger,
            "duration_seconds": round(self.duration_seconds, 1),
            "reason": self.reason,
            "service_events": self.service_events,
            "stopped_reasons": self.stopped_reasons,
            "image_scan": self.image_scan.to_dict() if self.image_scan else None,
        }


def combined_exit_code(results: list[DeployResult]) -> int:
    outcomes = {result.outcome for result in results}
    for outcome in SEVERITY:
        if outcome in outcomes:
            return outcome.exit_code
    return 0
