"""The baseline of legacy findings: they are reported but do not fail; it may only shrink.

File format (``security/baseline.json``)::

    {"version": 1, "findings": [{"fingerprint": "...", "rule": "...", "file": "...", "resource": "..."}]}

Only ``fingerprint`` is matched; the other fields are there for reviewers. A change that adds
entries is caught by comparing with the baseline as it was before the change
(:func:`added_entries`), so the baseline cannot be used to wave new findings through.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pipeline_tools.core.errors import InputError
from pipeline_tools.gate.model import Finding, Status

BASELINE_VERSION = 1


@dataclass(frozen=True)
class Baseline:
    entries: dict[str, dict[str, str]]  # fingerprint -> entry

    def __contains__(self, fingerprint: str) -> bool:
        return fingerprint in self.entries


EMPTY = Baseline({})


def parse_baseline(data: Any, source: str = "baseline") -> Baseline:
    if not isinstance(data, dict) or not isinstance(data.get("findings"), list):
        raise InputError(f"{source}: expected {{'version': 1, 'findings': [...]}}")
    if data.get("version") != BASELINE_VERSION:
        raise InputError(f"{source}: unsupported version {data.get('version')!r} (expected 1)")
    entries: dict[str, dict[str, str]] = {}
    for index, raw in enumerate(data["findings"]):
        if not isinstance(raw, dict) or not isinstance(raw.get("fingerprint"), str) or not raw["fingerprint"]:
            raise InputError(f"{source}: entry #{index + 1} has no 'fingerprint'")
        entries[raw["fingerprint"]] = {str(k): str(v) for k, v in raw.items()}
    return Baseline(entries)


def added_entries(current: Baseline, previous: Baseline) -> list[dict[str, str]]:
    """Entries of ``current`` that ``previous`` did not have: the baseline grew."""
    return [entry for fp, entry in sorted(current.entries.items()) if fp not in previous]


def baseline_document(findings: list[Finding]) -> dict[str, Any]:
    """A baseline holding every finding that would otherwise fail (for adoption or shrinking)."""
    entries = {}
    for finding in findings:
        if finding.is_meta or finding.status is Status.SUPPRESSED:
            continue
        entries[finding.fingerprint] = {
            "fingerprint": finding.fingerprint,
            "rule": finding.canonical_rule,
            "file": finding.file,
            "resource": finding.resource,
        }
    return {"version": BASELINE_VERSION, "findings": [entries[k] for k in sorted(entries)]}
