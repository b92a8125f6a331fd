"""Wildcards, ARNs and policy variables as IAM matches them (pure).

- Actions: ``service:Name``, case-insensitive, ``*`` and ``?`` wildcards.
- ``Resource`` and ``ArnLike``: the six colon-separated ARN parts are matched one by one
  (a wildcard never spans a ``:`` between parts, but may span ``/`` inside the resource part),
  case-sensitively.
- ``StringLike``: the whole string, case-sensitively, ``*`` and ``?``.
- Policy variables (``${aws:username}``, ``${aws:PrincipalTag/team}``) are replaced from the
  request context before matching; ``${*}``, ``${?}`` and ``${$}`` stand for the literal
  characters. A variable the context lacks makes the pattern match nothing (AWS: the statement
  does not apply).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache

_VARIABLE = re.compile(r"\$\{([^}]+)\}")
_LITERAL_ESCAPES = {"*": "\x00STAR\x00", "?": "\x00QMARK\x00", "$": "\x00DOLLAR\x00"}


class MissingVariable(Exception):
    """A policy variable has no value in the request context."""


def substitute_variables(pattern: str, context: Mapping[str, object]) -> str:
    """Replace ``${key}`` with the context's value; literal escapes survive as placeholders."""
    if "${" not in pattern:
        return pattern
    lowered = {key.lower(): value for key, value in context.items()}

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in _LITERAL_ESCAPES:
            return _LITERAL_ESCAPES[name]
        # ${key, 'default'} gives a default when the key is missing.
        key, _, default = name.partition(",")
        value = lowered.get(key.strip().lower())
        if value is None:
            default = default.strip()
            if default.startswith("'") and default.endswith("'") and len(default) >= 2:
                return default[1:-1]
            raise MissingVariable(key.strip())
        if isinstance(value, list | tuple):
            raise MissingVariable(key.strip())  # a multivalued key is no variable
        return str(value)

    return _VARIABLE.sub(replace, pattern)


@lru_cache(maxsize=4096)
def _glob_regex(pattern: str, ignore_case: bool) -> re.Pattern[str]:
    parts = []
    for char in pattern:
        if char == "*":
            parts.append(".*")
        elif char == "?":
            parts.append(".")
        else:
            parts.append(re.escape(char))
    regex = "".join(parts)
    for placeholder, literal in ((_LITERAL_ESCAPES["*"], "*"), (_LITERAL_ESCAPES["?"], "?"),
                                 (_LITERAL_ESCAPES["$"], "$")):
        regex = regex.replace(re.escape(placeholder), re.escape(literal))
    return re.compile(regex, re.DOTALL | (re.IGNORECASE if ignore_case else 0))


def glob_match(pattern: str, value: str, *, ignore_case: bool = False) -> bool:
    """``*`` any run of characters, ``?`` one character, everything else literal."""
    return _glob_regex(pattern, ignore_case).fullmatch(value) is not None


def action_matches(pattern: str, action: str) -> bool:
    """``iam:Put*`` matches ``iam:PutRolePolicy``; ``*`` matches every action; case-insensitive."""
    return glob_match(pattern, action, ignore_case=True)


def arn_matches(pattern: str, arn: str) -> bool:
    """ARN matching of ``Resource`` and ``ArnLike``: part by part, wildcards within a part."""
    if pattern == "*":
        return True
    pattern_parts = pattern.split(":", 5)
    arn_parts = arn.split(":", 5)
    if len(pattern_parts) != 6 or len(arn_parts) != 6:
        # Not an ARN (e.g. a bare "*" already handled, or a malformed value): plain glob.
        return glob_match(pattern, arn)
    return all(glob_match(p, a) for p, a in zip(pattern_parts, arn_parts, strict=True))
