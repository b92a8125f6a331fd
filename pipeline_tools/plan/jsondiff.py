"""Structural diffs of attributes that hold JSON in a string.

IAM policy documents, ECS container definitions and SQS redrive policies are strings to
terraform, so a naive summary shows two long strings. :func:`diff_json_strings` parses both
sides and reports only the keys and list elements that changed. List elements are matched by a
natural key when they have one (``Sid`` for policy statements, ``name`` for containers and
environment variables) so that inserting a statement does not show every later one as changed.
"""

from __future__ import annotations

import json
import math

from pipeline_tools.core.records import FrozenRecord

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# Keys that identify an element of a JSON list, in order of preference.
_ELEMENT_KEYS = ("Sid", "name", "Name", "id", "Id")
_MISSING = object()


class JsonChange(FrozenRecord):
    """One changed location inside a JSON document: ``kind`` is added, removed or changed."""

    __slots__ = ("after", "before", "kind", "path")
    path: str
    kind: str
    before: Any
    after: Any

    def __init__(self, path: str, kind: str, before: Any = None, after: Any = None) -> None:
        object.__setattr__(self, "path", path)
        object.__setattr__(self, "kind", kind)
        object.__setattr__(self, "before", before)
        object.__setattr__(self, "after", after)


def parse_json_string(value: Any) -> Any:
    """The parsed document if ``value`` is a string holding a JSON object or array, else None."""
    if not isinstance(value, str):
        return None
    text = value.lstrip()
    if not text or text[0] not in "{[":
        return None
    try:
        # Strict: a string holding NaN or Infinity is not JSON (and would make --format json
        # output that is not JSON either); one nested past the interpreter's depth is shown as text.
        return _STRICT_DECODER.decode(text)
    except (ValueError, RecursionError):
        return None


def _refuse_constant(constant: str) -> Any:
    raise ValueError(f"{constant} is not JSON")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text} is too large")
    return value


# What json.loads(text, parse_constant=..., parse_float=...) builds on every call, built once: a
# big plan parses a policy document per IAM resource, and building the decoder cost as much as
# parsing a small document.
_STRICT_DECODER = json.JSONDecoder(parse_constant=_refuse_constant, parse_float=_finite_float)


def diff_json_strings(before: Any, after: Any) -> list[JsonChange] | None:
    """Changes between two JSON-holding strings, or None when either side is not such a string.

    ``before`` or ``after`` may be None (created or removed attribute): the other side is then
    reported as one added or removed document.
    """
    old = parse_json_string(before) if before is not None else _MISSING
    new = parse_json_string(after) if after is not None else _MISSING
    if old is None or new is None or (old is _MISSING and new is _MISSING):
        return None
    changes: list[JsonChange] = []
    _diff(old, new, "", changes)
    return changes


def _join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    if key.isidentifier():
        return f"{path}.{key}" if path else key
    return f"{path}[{json.dumps(key)}]"


def _diff(old: Any, new: Any, path: str, out: list[JsonChange]) -> None:
    if old is _MISSING:
        out.append(JsonChange(path or "(document)", "added", after=new))
        return
    if new is _MISSING:
        out.append(JsonChange(path or "(document)", "removed", before=old))
        return
    if old == new:
        return
    if isinstance(old, dict) and isinstance(new, dict):
        for key in list(old) + [k for k in new if k not in old]:
            _diff(old.get(key, _MISSING), new.get(key, _MISSING), _join(path, key), out)
        return
    if isinstance(old, list) and isinstance(new, list):
        _diff_lists(old, new, path, out)
        return
    out.append(JsonChange(path or "(document)", "changed", before=old, after=new))


def _element_key(items: list[Any]) -> str | None:
    """The key naming every element of ``items`` uniquely, if there is one."""
    if not items or not all(isinstance(item, dict) for item in items):
        return None
    for key in _ELEMENT_KEYS:
        names = [item.get(key) for item in items]
        if all(isinstance(name, str) for name in names) and len(set(names)) == len(names):
            return key
    return None


def _diff_lists(old: list[Any], new: list[Any], path: str, out: list[JsonChange]) -> None:
    key = _element_key(old) if old and new else None
    if key is not None and _element_key(new) == key:
        old_by_name = {item[key]: item for item in old}
        new_by_name = {item[key]: item for item in new}
        for name in list(old_by_name) + [n for n in new_by_name if n not in old_by_name]:
            label = f"{path}[{key}={json.dumps(name)}]"
            _diff(old_by_name.get(name, _MISSING), new_by_name.get(name, _MISSING), label, out)
        return
    if all(not isinstance(item, dict | list) for item in old + new):
        # Lists of scalars (actions, resources): what was added and what was removed.
        for item in old:
            if item not in new:
                out.append(JsonChange(path, "removed", before=item))
        for item in new:
            if item not in old:
                out.append(JsonChange(path, "added", after=item))
        return
    if len(old) == len(new):
        for index, (before, after) in enumerate(zip(old, new, strict=True)):
            _diff(before, after, _join(path, index), out)
        return
    # Different lengths and no natural key: elements present on one side only.
    for index, item in enumerate(old):
        if item not in new:
            out.append(JsonChange(_join(path, index), "removed", before=item))
    for index, item in enumerate(new):
        if item not in old:
            out.append(JsonChange(_join(path, index), "added", after=item))
