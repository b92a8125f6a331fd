"""Which attributes of a resource change, with values masked and unknowns named.

:func:`attribute_changes` walks ``before``/``after`` together with ``after_unknown`` and the two
sensitivity marks and returns flat, dotted paths (``tags.env``, ``ingress[1].cidr_blocks``) of
only what changes. Values leave this module only through :mod:`.masking`, so a sensitive value
cannot be shown. Attributes holding JSON in a string get a structural diff (:mod:`.jsondiff`).
"""

from __future__ import annotations

import json

from pipeline_tools.core.records import Record
from pipeline_tools.plan.jsondiff import JsonChange, diff_json_strings
from pipeline_tools.plan.masking import SENSITIVE, UNKNOWN, display, has_mark, sub_mark, union_marks

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_ABSENT = object()
# Null and these are the same thing to a reviewer (providers flip between them).
_EMPTY_VALUES: tuple[object, ...] = ("", [], {}, None)


class AttributeChange(Record):
    """One changed attribute (or nested element) of a resource.

    ``before``/``after`` are display strings, already masked: a JSON literal,
    ``(sensitive value)``, ``(known after apply)``, or None when that side does not exist.
    """

    __slots__ = ("after", "before", "forces_replacement", "json_changes", "path", "sensitive", "unknown")
    path: str
    before: str | None
    after: str | None
    sensitive: bool
    unknown: bool
    forces_replacement: bool
    json_changes: list[JsonChange] | None

    def __init__(self, path: str, before: str | None, after: str | None, sensitive: bool = False,
                 unknown: bool = False, forces_replacement: bool = False,
                 json_changes: list[JsonChange] | None = None) -> None:
        self.path = path
        self.before = before
        self.after = after
        self.sensitive = sensitive
        self.unknown = unknown
        self.forces_replacement = forces_replacement
        self.json_changes = json_changes

    @property
    def kind(self) -> str:
        if self.before is None:
            return "added"
        if self.after is None:
            return "removed"
        return "changed"


def join_path(path: str, key: Any) -> str:
    if isinstance(key, bool) or not isinstance(key, int | str):
        key = json.dumps(key)
    if isinstance(key, int):
        return f"{path}[{key}]"
    if path and not key.replace("_", "a").replace("-", "a").isalnum():
        return f"{path}[{json.dumps(key)}]"
    return f"{path}.{key}" if path else key


def format_path(steps: list[str | int]) -> str:
    """A ``replace_paths`` / ``relevant_attributes`` step list as a dotted path."""
    path = ""
    for step in steps:
        path = join_path(path, step)
    return path


def attribute_changes(change: dict[str, Any],
                      replace_paths: list[str] | None = None) -> list[AttributeChange]:
    """The changed attributes of one resource change (``resource_changes[].change``)."""
    out: list[AttributeChange] = []
    before = change.get("before")
    after = change.get("after")
    _walk(
        before if before is not None else _ABSENT,
        after if after is not None else _ABSENT,
        change.get("after_unknown") or False,
        change.get("before_sensitive") or False,
        change.get("after_sensitive") or False,
        "",
        out,
    )
    if replace_paths:
        for item in out:
            item.forces_replacement = any(
                item.path == forced or item.path.startswith((forced + ".", forced + "["))
                or forced.startswith((item.path + ".", item.path + "["))
                for forced in replace_paths
            )
    return out


def changed_top_level_keys(change: dict[str, Any]) -> list[str]:
    """Names of the top-level attributes that change: cheap, for the JSON output of big plans.

    Like :func:`attribute_changes`, a change between null and an empty value is not a change.
    """
    before = change.get("before")
    after = change.get("after")
    unknown = change.get("after_unknown")
    if not isinstance(after, dict):
        after = {}
    keys = [key for key, value in unknown.items() if value is True or (value and has_mark(value))] \
        if isinstance(unknown, dict) and unknown else []
    empty = _EMPTY_VALUES
    if isinstance(before, dict) and before:
        # One pass per side, identity before equality: most attributes of an update are the
        # same object or equal scalars, and a deep compare runs only where they differ.
        for key, old in before.items():
            new = after.get(key)
            if old is new or old == new or (old in empty and new in empty):
                continue
            keys.append(key)
        keys += [key for key, new in after.items()
                 if key not in before and new is not None and new not in empty]
    else:
        keys += [key for key, value in after.items() if value is not None and value not in empty]
    return sorted(set(keys))


def _is_empty(value: Any) -> bool:
    return value is _ABSENT or value is None


def _walk(before: Any, after: Any, unknown: Any, before_sens: Any, after_sens: Any,
          path: str, out: list[AttributeChange]) -> None:
    if unknown is True:
        # Terraform hides both sides of a sensitive attribute: a value marked sensitive only
        # after the change (it is unknown until apply) must not show its old value either.
        out.append(AttributeChange(
            path or "(value)",
            None if _is_empty(before) else display(before, union_marks(before_sens, after_sens)),
            UNKNOWN,
            sensitive=before_sens is True or after_sens is True,
            unknown=True,
        ))
        return
    if before_sens is True or after_sens is True:
        if _is_empty(before) and _is_empty(after):
            return
        if before != after or before_sens != after_sens:
            out.append(AttributeChange(
                path or "(value)",
                None if _is_empty(before) else SENSITIVE,
                None if _is_empty(after) else SENSITIVE,
                sensitive=True,
            ))
        return
    both_dicts = isinstance(before, dict) and isinstance(after, dict)
    both_lists = isinstance(before, list) and isinstance(after, list)
    dict_and_nothing = (isinstance(before, dict) and _is_empty(after)) or (
        _is_empty(before) and isinstance(after, dict))
    list_and_nothing = (isinstance(before, list) and _is_empty(after)) or (
        _is_empty(before) and isinstance(after, list))
    if both_dicts or dict_and_nothing:
        old = before if isinstance(before, dict) else {}
        new = after if isinstance(after, dict) else {}
        if old == new and not has_mark(unknown):
            return
        if not old and not new and not has_mark(unknown):
            _leaf(before, after, before_sens, after_sens, path, out)
            return
        keys = set(old) | set(new)
        if isinstance(unknown, dict):
            keys |= set(unknown)
        for key in sorted(keys):
            _walk(
                old.get(key, _ABSENT) if old.get(key) is not None else _ABSENT,
                new.get(key, _ABSENT) if new.get(key) is not None else _ABSENT,
                sub_mark(unknown, key), sub_mark(before_sens, key), sub_mark(after_sens, key),
                join_path(path, key), out,
            )
        return
    if both_lists or list_and_nothing:
        _walk_list(before, after, unknown, before_sens, after_sens, path, out)
        return
    if before == after:
        return
    _leaf(before, after, before_sens, after_sens, path, out)


def _walk_list(before: Any, after: Any, unknown: Any, before_sens: Any, after_sens: Any,
               path: str, out: list[AttributeChange]) -> None:
    old_list = before if isinstance(before, list) else []
    new_list = after if isinstance(after, list) else []
    if old_list == new_list and not has_mark(unknown):
        return
    marked = has_mark(unknown) or has_mark(before_sens) or has_mark(after_sens)
    if (not old_list or not new_list or len(old_list) != len(new_list)) and not marked and not (
            _contains_container(old_list) or _contains_container(new_list)):
        # Lists of scalars that grow or shrink: one line, old list -> new list.
        _leaf(before, after, before_sens, after_sens, path, out)
        return

    def step(old_index: int | None, new_index: int | None) -> None:
        index = new_index if new_index is not None else old_index
        assert index is not None
        _walk(
            old_list[old_index] if old_index is not None and old_list[old_index] is not None else _ABSENT,
            new_list[new_index] if new_index is not None and new_list[new_index] is not None else _ABSENT,
            sub_mark(unknown, new_index) if new_index is not None else False,
            sub_mark(before_sens, old_index) if old_index is not None else False,
            sub_mark(after_sens, new_index) if new_index is not None else False,
            join_path(path, index), out,
        )

    if len(old_list) == len(new_list) or marked:
        for index in range(max(len(old_list), len(new_list))):
            step(index if index < len(old_list) else None, index if index < len(new_list) else None)
        return
    # Blocks (often sets) that gained or lost elements: equal elements are unchanged wherever
    # they sit; the others are shown as removed or added whole.
    unmatched_new = list(range(len(new_list)))
    for old_index, item in enumerate(old_list):
        match = next((n for n in unmatched_new if new_list[n] == item), None)
        if match is None:
            step(old_index, None)
        else:
            unmatched_new.remove(match)
    for new_index in unmatched_new:
        step(None, new_index)


def _contains_container(items: list[Any]) -> bool:
    return any(isinstance(item, dict | list) for item in items)


def _leaf(before: Any, after: Any, before_sens: Any, after_sens: Any, path: str,
          out: list[AttributeChange]) -> None:
    if before is after or (before == after and type(before) is type(after)):
        return
    # Empty to null (and back) is provider bookkeeping, not a change anyone reviews.
    if (_is_empty(after) and before in _EMPTY_VALUES) or (_is_empty(before) and after in _EMPTY_VALUES):
        return
    old = None if _is_empty(before) else before
    new = None if _is_empty(after) else after
    json_changes = None
    if not has_mark(before_sens) and not has_mark(after_sens):
        json_changes = diff_json_strings(old, new)
    # A part marked on either side is hidden on both (as terraform shows it).
    marks = union_marks(before_sens, after_sens)
    out.append(AttributeChange(
        path or "(value)",
        None if old is None else display(old, marks),
        None if new is None else display(new, marks),
        json_changes=json_changes,
    ))
