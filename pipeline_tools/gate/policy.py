"""The repository's security policy: severities for rules that bring none, thresholds per environment.

checkov, run offline, reports ``severity: null`` for every built-in check, so its findings get
their severity here; a rule the map does not name counts as HIGH. tfsec, trivy and zizmor bring
their own severities, which the map may still override (by rule id or canonical rule).
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from typing import Any

from pipeline_tools.core.errors import InputError
from pipeline_tools.gate.model import Severity

UNMAPPED_SEVERITY = Severity.HIGH


@dataclass(frozen=True)
class Policy:
    thresholds: dict[str, Severity]  # environment -> lowest severity that fails
    default_environment: str
    severities: dict[str, Severity] = field(default_factory=dict)  # rule id or canonical -> severity
    apply_role_patterns: tuple[str, ...] = ("*apply*",)
    apply_role_tag: tuple[str, str] | None = ("pipeline-tools:role", "apply")

    def threshold(self, environment: str) -> Severity:
        try:
            return self.thresholds[environment]
        except KeyError:
            known = ", ".join(sorted(self.thresholds))
            raise InputError(f"environment {environment!r} is not in the policy (known: {known})") from None

    def severity_for(self, rule_ids: list[str], tool_severity: Severity | None) -> Severity:
        """Policy map first (any of the ids), then the tool's own, then HIGH."""
        mapped = [self.severities[r.upper()] for r in rule_ids if r.upper() in self.severities]
        if mapped:
            return max(mapped)
        return tool_severity if tool_severity is not None else UNMAPPED_SEVERITY

    def is_apply_role(self, name: str, tags: dict[str, str]) -> bool:
        if self.apply_role_tag and tags.get(self.apply_role_tag[0]) == self.apply_role_tag[1]:
            return True
        return any(fnmatch.fnmatchcase(name, pattern) for pattern in self.apply_role_patterns)


def _severity(value: Any, where: str) -> Severity:
    severity = Severity.parse(value)
    if severity is None:
        raise InputError(f"policy: {where}: {value!r} is not one of LOW, MEDIUM, HIGH, CRITICAL")
    return severity


def parse_policy(data: Any) -> Policy:
    """Validate the policy document (already loaded from YAML)."""
    if not isinstance(data, dict):
        raise InputError("policy: the file must be a mapping with 'environments' and 'severity'")
    environments = data.get("environments")
    if not isinstance(environments, dict) or not environments:
        raise InputError("policy: 'environments' must map each environment to {fail_at: SEVERITY}")
    thresholds: dict[str, Severity] = {}
    for name, settings in environments.items():
        if not isinstance(settings, dict) or "fail_at" not in settings:
            raise InputError(f"policy: environments.{name} needs 'fail_at'")
        thresholds[str(name)] = _severity(settings["fail_at"], f"environments.{name}.fail_at")
    default = data.get("default_environment")
    if default is None:
        # Without a declared default the strictest environment applies: fail closed.
        default = min(thresholds, key=lambda env: thresholds[env])
    elif str(default) not in thresholds:
        raise InputError(f"policy: default_environment {default!r} is not under 'environments'")
    severity_map = data.get("severity") or {}
    if not isinstance(severity_map, dict):
        raise InputError("policy: 'severity' must map rule ids to severities")
    severities = {
        str(rule).upper(): _severity(value, f"severity.{rule}") for rule, value in severity_map.items()
    }
    oidc = data.get("oidc") or {}
    if not isinstance(oidc, dict):
        raise InputError("policy: 'oidc' must be a mapping")
    patterns = oidc.get("apply_role_name_patterns", ["*apply*"])
    if not isinstance(patterns, list) or not all(isinstance(p, str) for p in patterns):
        raise InputError("policy: oidc.apply_role_name_patterns must be a list of glob patterns")
    tag = oidc.get("apply_role_tag", {"key": "pipeline-tools:role", "value": "apply"})
    if tag is not None and not (isinstance(tag, dict) and {"key", "value"} <= tag.keys()):
        raise InputError("policy: oidc.apply_role_tag must be {key: ..., value: ...}")
    return Policy(
        thresholds=thresholds,
        default_environment=str(default),
        severities=severities,
        apply_role_patterns=tuple(patterns),
        apply_role_tag=(str(tag["key"]), str(tag["value"])) if tag else None,
    )
