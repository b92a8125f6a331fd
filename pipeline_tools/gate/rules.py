"""Canonical rule names: one name for the same rule across checkov, tfsec, trivy and zizmor.

The table ships as package data (``pipeline_tools/data/gate_rules.json``). tfsec and trivy share
Aqua's AVD ids, spelled ``AVD-AWS-0107`` by tfsec and trivy before v0.69 and ``AWS-0107`` after;
both spellings normalize to the same key, so those two tools agree even on rules the table lacks.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

_AVD = re.compile(r"^(?:AVD-)?([A-Z0-9]+-\d{4})$", re.IGNORECASE)


@dataclass(frozen=True)
class RuleTable:
    by_tool_id: dict[tuple[str, str], str]  # (tool family, rule id upper-cased) -> canonical

    def canonical(self, tool: str, rule_id: str) -> str:
        """The canonical name of ``rule_id`` as reported by ``tool``; unknown rules keep their id."""
        family = _family(tool)
        avd = _AVD.match(rule_id)
        if family == "aqua" and avd:
            key = ("avd", avd.group(1).upper())
            return self.by_tool_id.get(key, avd.group(1).upper())
        return self.by_tool_id.get((family, rule_id.upper()), rule_id)


def _family(tool: str) -> str:
    tool = tool.lower()
    if tool in {"tfsec", "trivy", "defsec"}:
        return "aqua"
    return tool


def build_table(data: dict) -> RuleTable:
    mapping: dict[tuple[str, str], str] = {}
    for entry in data["rules"]:
        canonical = entry["canonical"]
        if entry.get("avd"):
            mapping[("avd", entry["avd"].upper())] = canonical
        if entry.get("tfsec"):
            mapping[("aqua", entry["tfsec"].upper())] = canonical
        for tool in ("checkov", "zizmor", "actionlint"):
            for rule_id in entry.get(tool, []):
                mapping[(tool, rule_id.upper())] = canonical
    return RuleTable(mapping)


@lru_cache(maxsize=1)
def default_table() -> RuleTable:
    text = resources.files("pipeline_tools").joinpath("data/gate_rules.json").read_text()
    return build_table(json.loads(text))
