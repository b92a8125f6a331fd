"""Display helpers shared by the plan renderers: diff lines of one resource, escaping, fences.

Values only ever come from :class:`~pipeline_tools.plan.attributes.AttributeChange` (already
masked) and :class:`~pipeline_tools.plan.jsondiff.JsonChange` of non-sensitive attributes.
"""

from __future__ import annotations

import json
import re
from typing import Any

from pipeline_tools.plan.attributes import AttributeChange
from pipeline_tools.plan.model import ResourceChange

# Actions whose attributes are worth listing (a destroyed or forgotten object's every attribute
# is noise: what matters is that it goes).
DETAILED_ACTIONS = frozenset({"create", "update", "replace", "read"})
ACTION_TITLES = {
    "delete": "Destroy",
    "replace": "Replace",
    "update": "Update in place",
    "create": "Create",
    "forget": "Forget (removed from state, not destroyed)",
    "read": "Read (data sources)",
    "no-op": "Move or import only",
}
# Markdown's special characters (the backslash is escaped first, on its own).
_MARKDOWN_SPECIALS = tuple((char, "\\" + char) for char in "`*_{}[]<>#|~")


def escape_markdown(text: str) -> str:
    """Text safe to put in markdown prose (no accidental emphasis, tables or HTML): each special
    character behind a backslash."""
    # One C-level replace per character present: a regex with a replacement template expands it
    # in Python for each match, and str.translate to longer strings looks up every character
    # (either costs a tenth of a second on a big plan's summary).
    text = str(text)
    if "\\" in text:
        text = text.replace("\\", "\\\\")
    for char, escaped in _MARKDOWN_SPECIALS:
        if char in text:
            text = text.replace(char, escaped)
    return text


def escape_html(text: str) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def code_span(text: str) -> str:
    """Inline code that survives backticks in ``text``."""
    text = str(text)
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    ticks = "`" * (longest + 1)
    padding = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{padding}{text}{padding}{ticks}"


def fence_for(text: str) -> str:
    """A code fence longer than any backtick run inside ``text``."""
    longest = max((len(run) for run in re.findall(r"`{3,}", text)), default=0)
    return "`" * max(3, longest + 1)


def _json_value(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def attribute_lines(attr: AttributeChange) -> list[str]:
    """Diff lines (``+``/``-``/``~`` first) for one changed attribute."""
    note = "  # forces replacement" if attr.forces_replacement else ""
    whole = attr.json_changes[0] if attr.json_changes and len(attr.json_changes) == 1 else None
    if whole is not None and whole.path == "(document)" and whole.kind in ("added", "removed"):
        if whole.kind == "added":
            return [f"+ {attr.path} (JSON) = {_json_value(whole.after)}{note}"]
        return [f"- {attr.path} (JSON) = {_json_value(whole.before)}{note}"]
    if attr.json_changes:
        lines = [f"~ {attr.path} (JSON):{note}"]
        for item in attr.json_changes:
            inner = item.path or "(document)"
            if item.kind == "added":
                lines.append(f"+   {inner}: {_json_value(item.after)}")
            elif item.kind == "removed":
                lines.append(f"-   {inner}: {_json_value(item.before)}")
            else:
                lines.append(f"~   {inner}: {_json_value(item.before)} -> {_json_value(item.after)}")
        return lines
    if attr.before is None:
        return [f"+ {attr.path} = {attr.after}{note}"]
    if attr.after is None:
        return [f"- {attr.path} = {attr.before}{note}"]
    return [f"~ {attr.path} = {attr.before} -> {attr.after}{note}"]


def resource_diff_lines(resource: ResourceChange) -> list[str]:
    if resource.action not in DETAILED_ACTIONS:
        return []
    lines: list[str] = []
    for attr in resource.attribute_changes():
        lines += attribute_lines(attr)
    return lines
