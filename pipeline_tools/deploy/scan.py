"""An image's ECR scan result, as the deploy's chat message reports it. Pure: no I/O (the read is
:func:`pipeline_tools.deploy.images.read_scan_findings`, with the ECR client passed in).

A scan is reported, never enforced: the deploy goes ahead whatever the findings (a gate on CVEs
belongs before the push, where the build can be fixed), and a scan that cannot be read (none
configured, still running, failed, access denied) is said as such, never an error.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

# ECR's severities, most severe first (basic scanning adds UNDEFINED, enhanced UNTRIAGED).
SEVERITIES: tuple[str, ...] = ("CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL", "UNDEFINED", "UNTRIAGED")
# Findings at these severities make the chat message call the scan out.
ALERT_SEVERITIES: frozenset[str] = frozenset({"CRITICAL"})
# Scan states whose findings are final enough to report (ACTIVE: enhanced, continuous scanning).
RESULT_STATES: frozenset[str] = frozenset({"COMPLETE", "ACTIVE"})
# The message names at most this many findings, each cut to NAME_LIMIT characters.
MAX_NAMED_FINDINGS = 5
NAME_LIMIT = 60


@dataclass(frozen=True)
class ImageScan:
    """One image's scan: ``available`` False means no result could be read, and ``note`` says why."""

    repository: str
    digest: str
    region: str = ""
    registry_id: str = ""
    available: bool = False
    note: str = ""
    # severity -> count, from ECR's findingSeverityCounts (all findings, not just the first page).
    counts: Mapping[str, int] = field(default_factory=dict)
    # The most severe findings' names (CVE ids), most severe first, at most MAX_NAMED_FINDINGS.
    top_findings: tuple[str, ...] = ()

    @property
    def critical(self) -> int:
        return int(self.counts.get("CRITICAL", 0))

    @property
    def high(self) -> int:
        return int(self.counts.get("HIGH", 0))

    @property
    def alarming(self) -> bool:
        return self.available and any(self.counts.get(s, 0) for s in ALERT_SEVERITIES)

    def counts_text(self) -> str:
        """``2 critical, 5 high, 1 medium`` (severities in order, zeros left out) or ``no findings``."""
        parts = [f"{self.counts[s]} {s.lower()}" for s in _ordered(self.counts) if self.counts[s]]
        return ", ".join(parts) if parts else "no findings"

    def to_dict(self) -> dict[str, object]:
        return {
            "available": self.available,
            "note": self.note,
            "counts": {s: self.counts[s] for s in _ordered(self.counts)},
            "top_findings": list(self.top_findings),
            "console_url": console_url(self),
        }


def _ordered(counts: Mapping[str, int]) -> list[str]:
    known = [s for s in SEVERITIES if s in counts]
    return known + sorted(s for s in counts if s not in SEVERITIES)


def unavailable(repository: str, digest: str, note: str, *, region: str = "",
                registry_id: str = "") -> ImageScan:
    return ImageScan(repository=repository, digest=digest, region=region, registry_id=registry_id,
                     available=False, note=note)


def from_findings(response: Mapping[str, Any], repository: str, digest: str, *, region: str = "",
                  registry_id: str = "") -> ImageScan:
    """An :class:`ImageScan` from an ``ecr:DescribeImageScanFindings`` response (basic or enhanced
    scanning). A scan that is not finished (IN_PROGRESS, FAILED, UNSUPPORTED_IMAGE...) is
    ``available=False`` with ECR's status and description as the note."""
    registry_id = str(response.get("registryId") or registry_id)
    status = response.get("imageScanStatus") or {}
    state = str(status.get("status") or "")
    if state not in RESULT_STATES:
        description = str(status.get("description") or "").strip()
        note = f"scan {state or 'status unknown'}" + (f": {description}" if description else "")
        return unavailable(repository, digest, note, region=region, registry_id=registry_id)
    findings = response.get("imageScanFindings") or {}
    counts: dict[str, int] = {}
    for severity, count in (findings.get("findingSeverityCounts") or {}).items():
        try:
            counts[str(severity).upper()] = max(int(count), 0)
        except (TypeError, ValueError):
            continue
    named = [(str(f.get("severity") or "").upper(), str(f.get("name") or ""))
             for f in findings.get("findings") or []]
    for finding in findings.get("enhancedFindings") or []:
        details = finding.get("packageVulnerabilityDetails") or {}
        name = details.get("vulnerabilityId") or finding.get("title") or ""
        named.append((str(finding.get("severity") or "").upper(), str(name)))
    rank = {severity: index for index, severity in enumerate(SEVERITIES)}
    seen: set[str] = set()
    top: list[str] = []
    # Stable: ECR's own order within a severity.
    for _severity, name in sorted(named, key=lambda item: rank.get(item[0], len(SEVERITIES))):
        name = " ".join(name.split())[:NAME_LIMIT]
        if name and name not in seen and len(top) < MAX_NAMED_FINDINGS:
            seen.add(name)
            top.append(name)
    if not counts:
        # Some responses carry findings without counts: count them ourselves.
        for severity, _name in named:
            counts[severity or "UNDEFINED"] = counts.get(severity or "UNDEFINED", 0) + 1
    return ImageScan(repository=repository, digest=digest, region=region, registry_id=registry_id,
                     available=True, counts=counts, top_findings=tuple(top))


def console_url(scan: ImageScan) -> str:
    """The image's page in the ECR console (its scan results are one tab there); "" when the
    account is unknown (the console path needs it)."""
    if not scan.registry_id or not scan.digest:
        return ""
    region = scan.region or "us-east-1"
    return (f"https://{region}.console.aws.amazon.com/ecr/repositories/private/"
            f"{quote(scan.registry_id, safe='')}/{quote(scan.repository, safe='/')}/_/image/"
            f"{quote(scan.digest, safe=':')}/details?region={quote(region, safe='')}")


def chat_summary(scan: ImageScan) -> str:
    """The line the chat message leads with when the scan is alarming; "" otherwise."""
    if not scan.alarming:
        return ""
    named = ", ".join(scan.top_findings)
    total = sum(scan.counts.values())
    more = total - len(scan.top_findings)
    if named and more > 0:
        named += f" and {more} more"
    return f"Image scan: {scan.counts_text()}" + (f" ({named})" if named else "")


def field_text(scan: ImageScan) -> str:
    """The value of the message's "Image scan" field."""
    if not scan.available:
        return f"no scan result available ({scan.note})" if scan.note else "no scan result available"
    return scan.counts_text()
