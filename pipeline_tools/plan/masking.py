"""Masking sensitive values by construction.

Terraform's plan JSON carries sensitive values in clear and marks them in parallel structures
(``before_sensitive``/``after_sensitive``: ``true`` for a sensitive subtree, otherwise objects and
lists mirroring the value). Everything the summary shows of a value goes through
:func:`masked` or :func:`display`, which consult those marks, so a sensitive value cannot reach a
renderer. :func:`collect_sensitive_strings` gathers the clear values anyway, for a last
defence-in-depth scrub of rendered text.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

SENSITIVE = "(sensitive value)"
UNKNOWN = "(known after apply)"


def sub_mark(mark: Any, key: str | int) -> Any:
    """The mark (sensitive or unknown) of ``key`` inside a value marked ``mark``."""
    if mark is True:
        return True
    if isinstance(mark, dict):
        return mark.get(key, False) if isinstance(key, str) else False
    if isinstance(mark, list):
        return mark[key] if isinstance(key, int) and 0 <= key < len(mark) else False
    return False


def union_marks(first: Any, second: Any) -> Any:
    """A mark flagging whatever ``first`` or ``second`` flags (the two sides of one change)."""
    if first is True or second is True:
        return True
    if not has_mark(first):
        return second if has_mark(second) else False
    if not has_mark(second):
        return first
    if isinstance(first, dict) and isinstance(second, dict):
        return {key: union_marks(first.get(key, False), second.get(key, False))
                for key in first.keys() | second.keys()}
    if isinstance(first, list) and isinstance(second, list):
        return [union_marks(first[i] if i < len(first) else False, second[i] if i < len(second) else False)
                for i in range(max(len(first), len(second)))]
    return True  # marks of different shapes: hide the whole value rather than guess


def has_mark(mark: Any) -> bool:
    """Whether ``mark`` flags anything at all (``{"tags": {}}`` flags nothing)."""
    if mark is True:
        return True
    if not mark or not isinstance(mark, dict | list):
        return False
    # Marks hold only containers and booleans: one C-level repr beats a Python walk. (A key
    # spelled "True" only costs a needless walk later, never a missed mark.)
    return "True" in repr(mark)


def masked(value: Any, sensitive: Any) -> Any:
    """A copy of ``value`` with every sensitive part replaced by :data:`SENSITIVE`."""
    if sensitive is True:
        return SENSITIVE
    if not sensitive:
        return value
    if isinstance(value, dict):
        return {key: masked(item, sub_mark(sensitive, key)) for key, item in value.items()}
    if isinstance(value, list):
        return [masked(item, sub_mark(sensitive, index)) for index, item in enumerate(value)]
    return value


def display(value: Any, sensitive: Any = False) -> str:
    """One value as the summary prints it: JSON, with sensitive parts masked."""
    if sensitive is True:
        return SENSITIVE
    return json.dumps(masked(value, sensitive), ensure_ascii=False)


def _sensitive_leaves(value: Any, sensitive: Any) -> Iterator[Any]:
    if sensitive is True:
        if isinstance(value, dict):
            for item in value.values():
                yield from _sensitive_leaves(item, True)
        elif isinstance(value, list):
            for item in value:
                yield from _sensitive_leaves(item, True)
        elif value is not None:
            yield value
        return
    if isinstance(sensitive, dict) and isinstance(value, dict):
        for key, mark in sensitive.items():
            if mark and key in value:
                yield from _sensitive_leaves(value[key], mark)
    elif isinstance(sensitive, list) and isinstance(value, list):
        for index, mark in enumerate(sensitive):
            if mark and index < len(value):
                yield from _sensitive_leaves(value[index], mark)


def sensitive_strings(value: Any, sensitive: Any) -> Iterable[str]:
    """The clear text of every sensitive leaf of ``value`` (strings and numbers)."""
    for leaf in _sensitive_leaves(value, sensitive):
        if isinstance(leaf, str):
            yield leaf
        elif isinstance(leaf, int | float) and not isinstance(leaf, bool):
            yield json.dumps(leaf)


def collect_sensitive_strings(plan: dict[str, Any], *, include_resources: bool = True) -> set[str]:
    """Sensitive values the plan carries in clear: outputs and variables declared sensitive, and
    (with ``include_resources``) resource attributes marked sensitive by their provider."""
    found: set[str] = set()
    for key in ("resource_changes", "resource_drift") if include_resources else ():
        for entry in plan.get(key) or ():
            change = entry.get("change") or {}
            for value_key, mark_key in (("before", "before_sensitive"), ("after", "after_sensitive")):
                mark = change.get(mark_key)
                if has_mark(mark):
                    found.update(sensitive_strings(change.get(value_key), mark))
    for change in (plan.get("output_changes") or {}).values():
        for value_key, mark_key in (("before", "before_sensitive"), ("after", "after_sensitive")):
            mark = change.get(mark_key)
            if mark:
                found.update(sensitive_strings(change.get(value_key), mark))
    outputs = ((plan.get("planned_values") or {}).get("outputs")) or {}
    for output in outputs.values():
        if output.get("sensitive"):
            found.update(sensitive_strings(output.get("value"), True))
    variables = plan.get("variables") or {}
    for name in sensitive_variable_names(plan):
        if name in variables:
            found.update(sensitive_strings(variables[name].get("value"), True))
    return found


def sensitive_variable_names(plan: dict[str, Any]) -> set[str]:
    """Root variables declared ``sensitive = true`` (the plan's ``variables`` do not say so)."""
    declared = (((plan.get("configuration") or {}).get("root_module") or {}).get("variables")) or {}
    return {name for name, spec in declared.items() if isinstance(spec, dict) and spec.get("sensitive")}


SCRUB_MIN_LENGTH = 8


def text_masker(secrets: Iterable[str], *, min_length: int = SCRUB_MIN_LENGTH) -> Callable[[str], str]:
    """A function masking ``secrets`` (those at least ``min_length`` long) in a string, in clear
    or in any common escaped form (markdown, HTML, JSON, percent-encoding; see
    :func:`pipeline_tools.core.redaction.secret_pattern`). Identity when there is nothing to mask."""
    from pipeline_tools.core.redaction import MASK, secret_pattern

    kept = [s for s in secrets if isinstance(s, str) and len(s) >= min_length]
    if not kept:
        return _identity
    pattern = secret_pattern(kept)
    anchors = tuple(matcher.anchor for matcher in pattern.matchers)
    if any(len(anchor) < 2 for anchor in anchors):
        return lambda text: pattern.sub(text, MASK)

    def mask(text: str) -> str:
        # Every encoding of a secret holds its anchor (its longest run of letters and digits):
        # a text holding none of them is returned as it is, without a call per secret (the
        # summary masks tens of thousands of addresses and names on a big plan).
        for anchor in anchors:
            if anchor in text:
                return pattern.sub(text, MASK)
        return text

    return mask


def _identity(text: str) -> str:
    return text


NO_MASK = _identity  # what text_masker returns when there is nothing to mask


def mask_strings(value: Any, mask: Callable[[str], str]) -> Any:
    """A copy of ``value`` with ``mask`` applied to every string in it, before anything encodes
    it (JSON, markdown, HTML). Keys are kept: sensitivity marks are looked up by key."""
    if mask is _identity:
        return value
    if isinstance(value, str):
        return mask(value)
    if isinstance(value, dict):
        return {key: mask_strings(item, mask) for key, item in value.items()}
    if isinstance(value, list):
        return [mask_strings(item, mask) for item in value]
    return value


def mask_keys_and_strings(value: Any, mask: Callable[[str], str]) -> Any:
    """:func:`mask_strings`, and map keys masked too (a ``for_each`` key or a tag name can hold a
    secret). Use :func:`mask_mark_keys` on the value's marks so that they still line up."""
    if mask is _identity:
        return value
    if isinstance(value, str):
        return mask(value)
    if isinstance(value, dict):
        return {mask(key) if isinstance(key, str) else key: mask_keys_and_strings(item, mask)
                for key, item in value.items()}
    if isinstance(value, list):
        return [mask_keys_and_strings(item, mask) for item in value]
    return value


def mask_mark_keys(mark: Any, mask: Callable[[str], str]) -> Any:
    """A sensitivity or unknown mark with its keys masked as :func:`mask_keys_and_strings` masks
    the value's; two keys that mask alike get the union of their marks (never less hidden)."""
    if mask is _identity:
        return mark
    if isinstance(mark, dict):
        out: dict[Any, Any] = {}
        for key, item in mark.items():
            new_key = mask(key) if isinstance(key, str) else key
            item = mask_mark_keys(item, mask)
            out[new_key] = union_marks(out[new_key], item) if new_key in out else item
        return out
    if isinstance(mark, list):
        return [mask_mark_keys(item, mask) for item in mark]
    return mark


def scrub(text: str, secrets: Iterable[str], *, min_length: int = SCRUB_MIN_LENGTH) -> str:
    """Defence in depth: replace any clear sensitive value that still made it into ``text``.

    The summary never prints sensitive values in the first place (see :func:`masked`), and masks
    the declared secrets (sensitive variables and outputs) in every value before encoding it (see
    :func:`mask_strings`); this last pass catches what remains, in clear or in any escaped form.
    Values shorter than ``min_length`` are left alone: masking every short word would garble
    addresses and names.
    """
    return text_masker(secrets, min_length=min_length)(text)
