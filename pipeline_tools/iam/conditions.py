"""The ``Condition`` element (pure), following AWS's documented rules:

- operators in a block are ANDed, keys under an operator are ANDed, the values of one key are
  ORed (NOR for a negated operator such as ``StringNotEquals``);
- a key missing from the request context makes a condition false, except for negated operators
  (true), ``...IfExists`` (true) and ``Null`` (which tests exactly that);
- ``ForAnyValue:`` / ``ForAllValues:`` compare a multivalued context key; ``ForAllValues`` is
  true for a missing or empty key, ``ForAnyValue`` false;
- condition key names are case-insensitive, values are compared as each operator says.

Supported: String*, Arn*, Bool, Null, Numeric*. Anything else raises :class:`UnsupportedCondition`
so that a policy the evaluator cannot judge is never silently allowed or denied.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pipeline_tools.iam.matching import MissingVariable, arn_matches, glob_match, substitute_variables


class UnsupportedCondition(ValueError):
    """An operator this evaluator does not implement."""


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else [value]


def _number(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _numeric(policy: str, context: str, compare: Callable[[float, float], bool]) -> bool:
    policy_number, context_number = _number(policy), _number(context)
    return policy_number is not None and context_number is not None and compare(policy_number, context_number)


def _bool(value: Any) -> str:
    return str(value).lower()


# Positive comparisons: (policy value, context value) -> bool. Negated operators are their NOT.
_BASE: dict[str, tuple[Callable[[str, str], bool], bool]] = {
    # name: (compare, substitutes policy variables)
    "stringequals": (lambda p, c: p == c, True),
    "stringequalsignorecase": (lambda p, c: p.lower() == c.lower(), True),
    "stringlike": (lambda p, c: glob_match(p, c), True),
    "arnequals": (lambda p, c: arn_matches(p, c), True),
    "arnlike": (lambda p, c: arn_matches(p, c), True),
    "bool": (lambda p, c: _bool(p) == _bool(c), False),
    "numericequals": (lambda p, c: _numeric(p, c, lambda pv, cv: cv == pv), False),
    "numericlessthan": (lambda p, c: _numeric(p, c, lambda pv, cv: cv < pv), False),
    "numericlessthanequals": (lambda p, c: _numeric(p, c, lambda pv, cv: cv <= pv), False),
    "numericgreaterthan": (lambda p, c: _numeric(p, c, lambda pv, cv: cv > pv), False),
    "numericgreaterthanequals": (lambda p, c: _numeric(p, c, lambda pv, cv: cv >= pv), False),
}
_NEGATED = {
    "stringnotequals": "stringequals",
    "stringnotequalsignorecase": "stringequalsignorecase",
    "stringnotlike": "stringlike",
    "arnnotequals": "arnequals",
    "arnnotlike": "arnlike",
    "numericnotequals": "numericequals",
}


def _lookup(context: Mapping[str, Any], key: str) -> tuple[bool, Any]:
    lowered = key.lower()
    for name, value in context.items():
        if name.lower() == lowered:
            return True, value
    return False, None


def _policy_values(values: list[Any], context: Mapping[str, Any], substitute: bool) -> list[str]:
    """The policy's values with variables replaced; a value whose variable is missing is dropped."""
    resolved = []
    for value in values:
        text = str(value).lower() if isinstance(value, bool) else str(value)
        if substitute:
            try:
                text = substitute_variables(text, context)
            except MissingVariable:
                continue
        resolved.append(text)
    return resolved


def _one_key(operator: str, key: str, values: Any, context: Mapping[str, Any]) -> bool:
    name = operator.lower()
    qualifier = ""
    if ":" in name:
        qualifier, name = name.split(":", 1)
        if qualifier not in ("foranyvalue", "forallvalues"):
            raise UnsupportedCondition(operator)
    if_exists = name.endswith("ifexists")
    if if_exists:
        name = name[: -len("ifexists")]
    present, context_value = _lookup(context, key)

    if name == "null":
        # Null: true means "the key is absent" (or an empty list).
        absent = not present or context_value in (None, [], ())
        return any(_bool(v) == _bool(absent) for v in _as_list(values))

    negated = name in _NEGATED
    base_name = _NEGATED.get(name, name)
    if base_name not in _BASE:
        raise UnsupportedCondition(operator)
    compare, substitute = _BASE[base_name]
    policy_values = _policy_values(_as_list(values), context, substitute)

    def matches_any(context_item: Any) -> bool:
        item = _bool(context_item) if isinstance(context_item, bool) else str(context_item)
        return any(compare(p, item) for p in policy_values)

    def holds(context_item: Any) -> bool:
        return not matches_any(context_item) if negated else matches_any(context_item)

    if qualifier == "forallvalues":
        items = _as_list(context_value) if present and context_value is not None else []
        return all(holds(item) for item in items)
    if qualifier == "foranyvalue":
        items = _as_list(context_value) if present and context_value is not None else []
        return any(holds(item) for item in items)

    if not present or context_value is None:
        return if_exists or negated
    if isinstance(context_value, list | tuple):
        # A multivalued key without a set qualifier: AWS compares it as one value, which in
        # practice never matches a single-valued pattern; treat as "any item" for positives.
        items = list(context_value)
        return all(holds(item) for item in items) if negated else any(holds(item) for item in items)
    return holds(context_value)


def conditions_hold(block: Mapping[str, Mapping[str, Any]] | None, context: Mapping[str, Any]) -> bool:
    """True when every operator and key of a statement's ``Condition`` holds for the context."""
    if not block:
        return True
    return all(
        _one_key(operator, key, values, context)
        for operator, keys in block.items()
        for key, values in keys.items()
    )
