"""``apply rollout``'s model: which services of an environment to roll out after an apply. Pure.

A service is rolled out when what ECS runs differs from its release file (``status``'s ``in_sync``);
it is rolled out to the image by digest the release file names, so the apply's rollout and the
release file can never disagree about which image that is.

A service whose running revision was not built from the task definition Terraform manages now
(``stale``: an apply changed the task definition; ECS keeps running the deployer's revision, as the
service ignores ``task_definition``) is rolled out too, so that the change takes effect (issue 18
item 6): with the release file's image, or, in a stage images reach by ECR push (``auto_deploy``,
dev), with the image it runs. There the release file is never the source: rolling it out would roll
back what the deployer deployed since, or to the placeholder.
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
                    releases: Mapping[str, Release], *, stale: Mapping[str, str] | None = None,
                    auto_deploy: bool = False) -> list[RolloutTarget]:
    """The services whose running image differs from ``releases``, or whose running revision is not
    built from Terraform's task definition (``stale``: service -> the image it runs), in
    service-name order. ``auto_deploy``: only the stale ones, each with the image it runs."""
    stale = stale or {}
    targets = []
    for status in sorted(services, key=lambda s: s.service):
        if auto_deploy:
            running = stale.get(status.service, "")
            # Never the placeholder, never anything not pinned by digest.
            if not running or not _by_digest(running):
                continue
            targets.append(RolloutTarget(cluster=cluster, service=status.service, container=status.service,
                                         image=running))
            continue
        release = releases.get(status.service)
        # A service with no release yet (the placeholder digest) is never rolled out: there is no
        # image to run, and rolling out the placeholder would break or roll back what runs.
        if release is None or not release.released or (status.in_sync and status.service not in stale):
            continue
        targets.append(RolloutTarget(cluster=cluster, service=status.service, container=status.service,
                                     image=f"{release.repository}@{release.digest}"))
    return targets


def _by_digest(image: str) -> bool:
    from pipeline_tools.promote.release import PLACEHOLDER_DIGEST

    _, sep, digest = image.rpartition("@")
    return bool(sep) and digest.startswith("sha256:") and digest != PLACEHOLDER_DIGEST


def render_plan(env: str, cluster: str, services: Sequence[ServiceStatus],
                targets: Sequence[RolloutTarget], *, stale: Mapping[str, str] | None = None,
                auto_deploy: bool = False) -> str:
    """What the rollout is about to do, one line per service (the job log)."""
    if not services:
        return f"{env}: the release file names no service: nothing to roll out\n"
    stale = stale or {}
    wanted = {target.service: target for target in targets}
    lines = []
    for status in sorted(services, key=lambda s: s.service):
        if auto_deploy:
            if status.service in wanted:
                digest = wanted[status.service].digest
                lines.append(f"{cluster}/{status.service}: runs {digest} in a revision not built from "
                             "Terraform's task definition: rolling out that image with Terraform's "
                             "task definition")
            elif status.service in stale:
                lines.append(f"{cluster}/{status.service}: runs {stale[status.service] or 'nothing'}, not "
                             "an image by digest: nothing to roll out")
            else:
                lines.append(f"{cluster}/{status.service}: images arrive by ECR push and it runs Terraform's "
                             "task definition: nothing to do")
            continue
        if not status.released:
            lines.append(f"{cluster}/{status.service}: no release yet: nothing to roll out")
        elif status.service in wanted and status.in_sync:
            lines.append(f"{cluster}/{status.service}: runs the release file's {status.release_digest} in a "
                         "revision not built from Terraform's task definition: rolling out")
        elif status.service in wanted:
            running = ", ".join(status.running_digests) or "nothing"
            lines.append(f"{cluster}/{status.service}: runs {running}, release file says "
                         f"{status.release_digest}: rolling out")
        else:
            lines.append(f"{cluster}/{status.service}: runs the release file's {status.release_digest}: "
                         "nothing to do")
    return "\n".join(lines) + "\n"
