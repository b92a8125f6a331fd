"""The status report as terminal text. Pure."""

from __future__ import annotations

from pipeline_tools.promote.model import short
from pipeline_tools.status.model import EnvironmentStatus


def render_text(status: EnvironmentStatus) -> str:
    lines = [f"environment {status.env}: {'healthy' if status.healthy else 'ATTENTION NEEDED'}"]
    for service in status.services:
        if not service.released:
            lines.append(f"  service {service.service}: no release (release file "
                         f"{'has the placeholder digest' if service.release_digest else 'has no entry'}; "
                         "created with zero tasks until its first promotion)")
            continue
        running = ", ".join(short(d) for d in service.running_digests) or "unknown"
        sync = "in sync" if service.in_sync else "OUT OF SYNC with the release file"
        lines.append(f"  service {service.service}: runs {running} ({service.digest_source}); "
                     f"release file {service.release_tag or '-'} {short(service.release_digest)}: {sync}")
        lines.append(f"    deployment {service.deployment_id or '-'}: {service.rollout_state or 'unknown'}"
                     + (f" since {service.updated_at}" if service.updated_at else "")
                     + (f" ({service.rollout_state_reason})" if service.rollout_state_reason else ""))
    if status.last_apply is not None:
        apply = status.last_apply
        if apply.error:
            lines.append(f"  last apply: unknown ({apply.error}; {apply.state_location})")
        else:
            lines.append(f"  last apply: {apply.last_modified} (state serial {apply.serial}, "
                         f"terraform {apply.terraform_version}; {apply.state_location})")
    lines.append(f"  drift: {status.drift}")
    return "\n".join(lines) + "\n"
