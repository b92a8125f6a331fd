"""Drift: objects changed outside terraform since the last apply (``resource_drift``).

Like terraform's own output, only drift that may affect this plan is listed: changes to the
attributes the plan refers to (``relevant_attributes``), and objects deleted outside terraform.
The rest is counted in one line.
"""

from __future__ import annotations

from pipeline_tools.core.records import Record
from pipeline_tools.plan.attributes import AttributeChange, attribute_changes, format_path
from pipeline_tools.plan.masking import mask_keys_and_strings, mask_mark_keys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any


class DriftItem(Record):
    """One drifted object that affects the plan, with its relevant (masked) attribute changes."""

    __slots__ = ("action", "address", "attributes")
    address: str
    action: str
    attributes: list[AttributeChange]

    def __init__(self, address: str, action: str, attributes: list[AttributeChange] | None = None) -> None:
        self.address = address
        self.action = action
        self.attributes = [] if attributes is None else attributes

    def to_json_dict(self) -> dict[str, Any]:
        return {"address": self.address, "action": self.action,
                "attributes": [attr.path for attr in self.attributes]}


class DriftSummary(Record):
    __slots__ = ("other_count", "relevant")
    relevant: list[DriftItem]
    other_count: int

    def __init__(self, relevant: list[DriftItem] | None = None, other_count: int = 0) -> None:
        self.relevant = [] if relevant is None else relevant
        self.other_count = other_count

    def to_json_dict(self) -> dict[str, Any]:
        return {"relevant": [item.to_json_dict() for item in self.relevant],
                "other_count": self.other_count}


def _matches(path: str, relevant: str) -> bool:
    return (path == relevant or path.startswith((relevant + ".", relevant + "["))
            or relevant.startswith((path + ".", path + "[")))


def summarize_drift(plan: dict[str, Any], mask: Callable[[str], str] | None = None) -> DriftSummary:
    """Drift that affects the plan; ``mask`` masks the plan's declared secrets in every value
    and address before anything encodes them."""
    summary = DriftSummary()
    relevant_paths: dict[str, list[str]] = {}
    for item in plan.get("relevant_attributes") or ():
        if isinstance(item, dict) and isinstance(item.get("resource"), str) \
                and isinstance(item.get("attribute"), list):
            relevant_paths.setdefault(item["resource"], []).append(format_path(item["attribute"]))
    for entry in plan.get("resource_drift") or ():
        change = entry.get("change") or {}
        actions = tuple(change.get("actions") or ())
        if actions == ("no-op",):
            continue
        address = str(entry.get("address", "?"))
        shown_address = mask(address) if mask else address
        if "delete" in actions and "create" not in actions:
            summary.relevant.append(DriftItem(shown_address, "deleted"))
            continue
        if mask is not None:
            change = {**change,
                      **{key: mask_keys_and_strings(change.get(key), mask) for key in ("before", "after")},
                      **{key: mask_mark_keys(change.get(key), mask)
                         for key in ("after_unknown", "before_sensitive", "after_sensitive")}}
        changed = attribute_changes(change)
        if not changed:
            # Provider bookkeeping (null became "" or []): terraform does not show it either.
            continue
        paths = relevant_paths.get(address) or ()
        attributes = [attr for attr in changed if any(_matches(attr.path, relevant) for relevant in paths)]
        if attributes:
            summary.relevant.append(DriftItem(shown_address, "updated", attributes))
        else:
            summary.other_count += 1
    return summary
