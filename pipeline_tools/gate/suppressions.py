"""Suppressions: the exceptions file and inline skips, and when each one counts.

An exception names a rule, a resource or a path, a justification, an owner and an expiry at most
``MAX_EXCEPTION_DAYS`` away. An inline ``checkov:skip=`` / ``tfsec:ignore:`` counts only when it
carries a reason and ``exp:YYYY-MM-DD`` (within the same window), or when an exception covers the
finding anyway. Expired, reasonless or over-long suppressions are violations in their own right.
``today`` is always passed in, so tests run on a fixed clock.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from pipeline_tools.core.errors import InputError
from pipeline_tools.gate.model import Finding, InlineSkip

MAX_EXCEPTION_DAYS = 90
_EXPIRY = re.compile(r"\bexp:(\d{4}-\d{2}-\d{2})\b")
# What checkov puts in ``suppress_comment`` when the skip has no text after the check id.
CHECKOV_NO_COMMENT = "No comment provided"


@dataclass(frozen=True)
class ExceptionEntry:
    index: int  # position in the file, for messages
    rule: str
    resource: str | None
    path: str | None
    justification: str
    owner: str
    expires: date | None

    def matches(self, finding: Finding) -> bool:
        rule = self.rule.upper()
        ids = {finding.canonical_rule.upper(), *(rule_id.upper() for _, rule_id in finding.reported_by)}
        if rule not in ids:
            return False
        if self.resource is not None and not fnmatch.fnmatchcase(finding.resource, self.resource):
            return False
        return self.path is None or fnmatch.fnmatchcase(finding.file, self.path)

    @property
    def label(self) -> str:
        target = self.resource if self.resource is not None else self.path
        return f"exception #{self.index + 1} ({self.rule} on {target}, owner {self.owner or '?'})"


def _parse_date(value: Any, where: str) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):  # a YAML timestamp: an expiry is a day, not a moment
        raise InputError(f"exceptions: {where}: expires {value.isoformat()} is a date and time; "
                         "write the day only (YYYY-MM-DD)")
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise InputError(f"exceptions: {where}: {value!r} is not a date (YYYY-MM-DD)") from None


def parse_exceptions(data: Any) -> list[ExceptionEntry]:
    """Structural validation only (exit 2 on a malformed file); :func:`exception_problems` judges content."""
    if data is None:
        return []
    if not isinstance(data, dict) or not isinstance(data.get("exceptions", []), list):
        raise InputError("exceptions: the file must be a mapping with a list under 'exceptions'")
    entries: list[ExceptionEntry] = []
    for index, raw in enumerate(data.get("exceptions") or []):
        where = f"entry #{index + 1}"
        if not isinstance(raw, dict):
            raise InputError(f"exceptions: {where} must be a mapping")
        unknown = set(raw) - {"rule", "resource", "path", "justification", "owner", "expires"}
        if unknown:
            raise InputError(f"exceptions: {where}: unknown keys {', '.join(sorted(unknown))}")
        for key in ("rule", "resource", "path", "justification", "owner"):
            if isinstance(raw.get(key), dict | list):
                raise InputError(f"exceptions: {where}: '{key}' must be text, not a "
                                 f"{'mapping' if isinstance(raw[key], dict) else 'list'}")
        if not raw.get("rule"):
            raise InputError(f"exceptions: {where} names no 'rule'")
        if not raw.get("resource") and not raw.get("path"):
            raise InputError(f"exceptions: {where} names neither 'resource' nor 'path'")
        if raw.get("resource") in {"*", "**"} or raw.get("path") in {"*", "**"}:
            raise InputError(f"exceptions: {where} matches everything; name a resource or path")
        entries.append(
            ExceptionEntry(
                index=index,
                rule=str(raw["rule"]),
                resource=str(raw["resource"]) if raw.get("resource") else None,
                path=str(raw["path"]) if raw.get("path") else None,
                justification=str(raw.get("justification") or "").strip(),
                owner=str(raw.get("owner") or "").strip(),
                expires=_parse_date(raw.get("expires"), where),
            )
        )
    return entries


def expiry_problem(expires: date | None, today: date) -> str | None:
    if expires is None:
        return "has no expiry"
    if expires < today:
        return f"expired on {expires.isoformat()}"
    if expires > today + timedelta(days=MAX_EXCEPTION_DAYS):
        return f"expires {expires.isoformat()}, more than {MAX_EXCEPTION_DAYS} days away"
    return None


def exception_problem(entry: ExceptionEntry, today: date) -> str | None:
    """Why this exception does not count (it is then a violation itself), or None."""
    problems = []
    if not entry.justification:
        problems.append("has no justification")
    if not entry.owner:
        problems.append("has no owner")
    expiry = expiry_problem(entry.expires, today)
    if expiry:
        problems.append(expiry)
    return "; ".join(problems) or None


def parse_inline_comment(directive: str, comment: str) -> InlineSkip:
    """Split an inline skip's free text into reason and ``exp:`` date."""
    text = "" if comment.strip() == CHECKOV_NO_COMMENT else comment
    expires = None
    match = _EXPIRY.search(text)
    if match:
        try:
            expires = date.fromisoformat(match.group(1))
        except ValueError:
            expires = None
        text = text[: match.start()] + text[match.end() :]
    reason = " ".join(text.replace("--", " ").split()).strip(" :-")
    return InlineSkip(directive=directive, reason=reason, expires=expires)


def inline_skip_problem(skip: InlineSkip, today: date) -> tuple[str | None, bool]:
    """(why the skip does not count, whether that makes it a violation itself)."""
    if not skip.reason:
        return f"{skip.directive} gives no reason", True
    if skip.expires is None:
        return f"{skip.directive} has no exp:YYYY-MM-DD", False
    expiry = expiry_problem(skip.expires, today)
    if expiry:
        return f"{skip.directive} {expiry}", True
    return None, False
