"""Was every change of a fresh plan reviewed? Set semantics over per-resource change tokens (pure).

At apply time the environment is re-planned. That plan is accepted when each change in it was
reviewed *identically* in the plan of some pull request merged since the environment's last
successful apply:

* after a partial failure the re-plan holds the changes that did not land: a subset, accepted;
* two pull requests merged back to back: the re-plan holds both, each reviewed in one, accepted;
* a change that appears in none of the reviewed plans (an unreviewed commit, an out-of-band change,
  a value that differs) refuses, naming the resource and whether it was reviewed with another
  change or not at all.

A reviewed plan whose comment could not record its tokens (too many changes for the comment) still
matches when the whole-plan fingerprint is equal.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pipeline_tools.plan.fingerprint import describe_change, fingerprint, resource_changes


@dataclass(frozen=True)
class ReviewedPlan:
    """What one pull request's plan comment recorded for the environment."""

    source: str  # "pull request #12" or a file name, for messages
    fingerprint: str | None
    tokens: frozenset[str] | None = None  # None: not recorded (too many changes, or an old comment)


@dataclass(frozen=True)
class Unreviewed:
    address: str
    what: str  # the fresh change, described without values
    reviewed_differently: bool  # the address was reviewed, with another change

    def reason(self) -> str:
        if self.reviewed_differently:
            return f"{self.address}: {self.what} differs from the change reviewed for it"
        return f"{self.address}: {self.what} was not in any reviewed plan"


@dataclass(frozen=True)
class Verdict:
    accepted: bool
    fingerprint: str
    changes: int
    matched_by: tuple[str, ...] = ()  # sources whose plans cover the changes
    unreviewed: tuple[Unreviewed, ...] = field(default_factory=tuple)
    matched_whole: bool = False  # the whole-plan fingerprint equals a reviewed one


def verify_reviewed(plan: dict[str, Any], reviewed: Sequence[ReviewedPlan], sensitive_key: Any) -> Verdict:
    """Check ``plan`` against the plans that were reviewed (see the module documentation)."""
    current = fingerprint(plan, sensitive_key)
    changes = resource_changes(plan, sensitive_key)
    whole = [r.source for r in reviewed if r.fingerprint == current]
    if whole:
        return Verdict(True, current, len(changes), tuple(whole), matched_whole=True)
    recorded = [r for r in reviewed if r.tokens is not None]
    covering: dict[str, str] = {}  # token -> first source that reviewed it
    for plan_reviewed in recorded:
        for token in plan_reviewed.tokens or ():
            covering.setdefault(token, plan_reviewed.source)
    addresses = {token[:8] for token in covering}
    missing = tuple(
        Unreviewed(change.address, describe_change(change.entry), change.address_hash in addresses)
        for change in changes if change.token not in covering
    )
    if missing or (changes and not recorded):
        if not missing:  # nothing recorded per resource, and the whole plan differs
            missing = tuple(Unreviewed(c.address, describe_change(c.entry), False) for c in changes)
        return Verdict(False, current, len(changes), (), missing)
    used = {covering[change.token] for change in changes}
    sources = tuple(dict.fromkeys(r.source for r in reviewed if r.source in used))
    return Verdict(True, current, len(changes), sources)
