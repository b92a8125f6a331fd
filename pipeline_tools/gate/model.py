"""The normalized finding every scanner's output is turned into, and the gate's result.

Pure data: no I/O. A finding's identity (its fingerprint) deliberately leaves line numbers out, so
that moving a resource inside a file, or adding a comment above it, does not turn a baselined or
excepted finding into a "new" one.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from enum import IntEnum, StrEnum


class Severity(IntEnum):
    """Ordered so that ``a >= b`` means "a is at least as severe as b"."""

    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    @classmethod
    def parse(cls, value: object) -> Severity | None:
        """Tool spellings (``High``, ``warning``-free names, ``Informational``) to a severity."""
        if value is None:
            return None
        text = str(value).strip().upper()
        aliases = {"INFO": "LOW", "INFORMATIONAL": "LOW", "NOTE": "LOW", "UNKNOWN": ""}
        text = aliases.get(text, text)
        return cls.__members__.get(text)

    @classmethod
    def from_security_severity(cls, score: float) -> Severity:
        """GitHub code scanning's bands for SARIF ``security-severity`` scores."""
        if score >= 9.0:
            return cls.CRITICAL
        if score >= 7.0:
            return cls.HIGH
        if score >= 4.0:
            return cls.MEDIUM
        return cls.LOW

    @property
    def security_severity(self) -> str:
        """A score inside this severity's band, as SARIF's ``security-severity`` wants it."""
        return {Severity.CRITICAL: "9.5", Severity.HIGH: "8.0", Severity.MEDIUM: "5.5", Severity.LOW: "2.0"}[
            self
        ]


class Status(StrEnum):
    FAILED = "failed"
    SUPPRESSED = "suppressed"
    BASELINED = "baselined"


# Rules the gate itself reports about suppressions and the baseline: they always block,
# whatever the environment's threshold, and can be neither excepted nor baselined.
GATE_TOOL = "pipeline-tools"
RULE_INVALID_SUPPRESSION = "gate/invalid-suppression"
RULE_INVALID_EXCEPTION = "gate/invalid-exception"
RULE_BASELINE_GREW = "gate/baseline-grew"
META_RULES = frozenset({RULE_INVALID_SUPPRESSION, RULE_INVALID_EXCEPTION, RULE_BASELINE_GREW})


@dataclass(frozen=True)
class InlineSkip:
    """A suppression written in the scanned source (``checkov:skip=`` / ``tfsec:ignore:``)."""

    directive: str  # e.g. "checkov:skip" or "tfsec:ignore"
    reason: str  # empty when the author gave none
    expires: date | None


@dataclass
class Finding:
    """One rule violated by one resource, as reported by one or more tools."""

    tool: str
    rule_id: str
    canonical_rule: str
    severity: Severity | None  # None until the policy assigns one (checkov brings none)
    resource: str
    file: str  # repository-relative, forward slashes; "" when the tool gives no file
    start_line: int | None
    end_line: int | None
    message: str
    category: str  # what was scanned: terraform, terraform_plan, github_actions, ...
    inline_skip: InlineSkip | None = None
    # Filled in by the evaluation:
    status: Status = Status.FAILED
    blocking: bool = False
    note: str = ""  # why it is suppressed/baselined, or why an inline skip did not count
    # Every (tool, rule id) that reported this same finding, after de-duplication.
    reported_by: list[tuple[str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.reported_by:
            self.reported_by = [(self.tool, self.rule_id)]

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.canonical_rule, self.file, self.resource, self.message)

    @property
    def rule(self) -> str:
        """The name a user reads and writes in exceptions: the canonical rule."""
        return self.canonical_rule

    @property
    def is_meta(self) -> bool:
        return self.canonical_rule in META_RULES


def fingerprint(canonical_rule: str, file: str, resource: str, message: str = "") -> str:
    """Stable identity of a finding: rule, file and resource, never line numbers.

    Tools that name no resource (actionlint) are told apart by their message instead.
    """
    discriminator = resource if resource else message
    digest = hashlib.sha256(f"{canonical_rule}\x1f{file}\x1f{discriminator}".encode()).hexdigest()
    return digest[:24]


@dataclass
class ScanProblem:
    """A reason the gate cannot trust a scan: it fails closed (exit 2) on any of these."""

    tool: str
    message: str


@dataclass
class GateResult:
    environment: str
    threshold: Severity
    findings: list[Finding]
    stale_baseline: list[dict[str, str]] = field(default_factory=list)
    unused_exceptions: list[str] = field(default_factory=list)  # valid entries that matched nothing
    scanned: dict[str, int] = field(default_factory=dict)  # tool/category -> resources scanned
    timings: dict[str, float] = field(default_factory=dict)  # step -> wall seconds (e.g. checkov)
    policy_source: str = ""  # the policy file judged by, or "built-in default policy"

    @property
    def blocking(self) -> list[Finding]:
        return [f for f in self.findings if f.blocking]

    @property
    def passed(self) -> bool:
        return not self.blocking

    @property
    def verdict(self) -> str:
        return "pass" if self.passed else "fail"

    def count(self, status: Status) -> int:
        return sum(1 for f in self.findings if f.status is status)
