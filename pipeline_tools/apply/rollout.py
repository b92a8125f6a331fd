"""``apply rollout``'s model: which services of an environment to roll out after an apply. Pure.

A service is rolled out when what ECS runs differs from its release file (``status``'s ``in_sync``);
it is rolled out to the image by digest the release file names, so the apply's rollout and the
release file can never disagree about which image that is.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pipeline_tools.promote.release import Release
from pipeline_tools.status.model import ServiceStatus


@dataclass(frozen=True)
class RolloutTarget:
    """One service to roll out: its cluster, its container (named like the service, as the
    environment roots define it) and the image by digest."""

    cluster: str
    service: str
    container: str
    image: str

    @property
    def digest(self) -> str:
        return self.image.rpartition("@")[2]


def rollout_targets(cluster: str, services: Sequence[ServiceStatus],
                    releases: Mapping[str, Release]) -> list[RolloutTarget]:
    """The services whose running image differs from ``releases``, in service-name order."""
    targets = []
    for status in sorted(services, key=lambda s: s.service):
        release = releases.get(status.service)
        # A service with no release yet (the placeholder digest) is never rolled out: there is no
        # image to run, and rolling out the placeholder would break or roll back what runs.
        if release is None or not release.released or status.in_sync:
            continue
        targets.append(RolloutTarget(cluster=cluster, service=status.service, container=status.service,
                                     image=f"{release.repository}@{release.digest}"))
    return targets


def render_plan(env: str, cluster: str, services: Sequence[ServiceStatus],
                targets: Sequence[RolloutTarget]) -> str:
    """What the rollout is about to do, one line per service (the job log)."""
    if not services:
        return f"{env}: the release file names no service: nothing to roll out\n"
    wanted = {target.service for target in targets}
    lines = []
    for status in sorted(services, key=lambda s: s.service):
        if not status.released:
            lines.append(f"{cluster}/{status.service}: no release yet: nothing to roll out")
        elif status.service in wanted:
            running = ", ".join(status.running_digests) or "nothing"
            lines.append(f"{cluster}/{status.service}: runs {running}, release file says "
                         f"{status.release_digest}: rolling out")
        else:
            lines.append(f"{cluster}/{status.service}: runs the release file's {status.release_digest}: "
                         "nothing to do")
    return "\n".join(lines) + "\n"
