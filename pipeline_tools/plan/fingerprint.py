"""A canonical fingerprint of what a plan will change: ``sha256:<hex>``.

The PR comment records one per environment; the apply workflow re-plans the merged commit and
applies only when the new plan's fingerprint equals the recorded one, so what runs is what was
reviewed. It therefore hashes the *semantic change set* and nothing else:

- each resource change that does something (``no-op`` left out, except a ``moved`` resource), by
  address: its actions, action reason, previous address (moves), import id, replace paths;
- for each of them only the attributes that change: ``(path, before, after)`` at the leaves where
  the values differ, an attribute unknown until apply as ``(path, before, <unknown>)``. Unchanged
  attributes (those plan output hides and counts) do not enter, so refreshed computed values that
  the plan does not touch, and how many attributes there are, change nothing;
- a deleted resource contributes its address and its ``id`` (which object goes), not its contents;
- output changes the same way;
- everything sorted; the plan's timestamp, terraform version, prior state, drift, planned values
  and the order of resource changes never enter.

Sensitive values never enter the hash in clear: a hash of a short secret could be guessed back
from the published fingerprint. With a key (``PIPELINE_TOOLS_FINGERPRINT_KEY``, a repository secret
that both the plan and the apply job see) each sensitive value enters as an HMAC-SHA256 under that
key, so a sensitive value that differs between review and apply still changes the fingerprint.
Without a key a sensitive value enters only as ``<sensitive>`` (changed or not): two plans that
differ only in which new secret value they write are then not told apart.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any

from pipeline_tools.core.errors import InputError

FINGERPRINT_VERSION = 1
PREFIX = "sha256:"

_MISSING = {"<absent>": True}
_UNKNOWN = {"<unknown>": True}
_SENSITIVE = {"<sensitive>": True}
KEY_ENV = "PIPELINE_TOOLS_FINGERPRINT_KEY"


class _FromEnvironment:
    """Default of ``sensitive_key``: read ``PIPELINE_TOOLS_FINGERPRINT_KEY``."""


FROM_ENVIRONMENT = _FromEnvironment()


def fingerprint(plan: dict[str, Any],
                sensitive_key: bytes | _FromEnvironment | None = FROM_ENVIRONMENT) -> str:
    """``sha256:<64 hex>`` of the canonical change set of ``plan`` (``terraform show -json``).

    ``sensitive_key``: see the module documentation; None hashes sensitive values as ``<sensitive>``.
    By default the key comes from ``PIPELINE_TOOLS_FINGERPRINT_KEY``, so that every caller (the PR
    comment recording it, ``plan verify`` checking it) computes the same fingerprint in one job.
    """
    key = key_from_env() if isinstance(sensitive_key, _FromEnvironment) else sensitive_key
    canonical = _canonical_json(change_set(plan, key))
    return PREFIX + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def key_from_env(environ: dict[str, str] | None = None) -> bytes | None:
    """The HMAC key for sensitive values from ``PIPELINE_TOOLS_FINGERPRINT_KEY``, registered for redaction."""
    import os

    from pipeline_tools.core.redaction import register_secret

    value = (environ if environ is not None else os.environ).get(KEY_ENV, "")
    if not value:
        return None
    register_secret(value)
    return value.encode("utf-8")


def is_fingerprint(text: str) -> bool:
    digest = text.removeprefix(PREFIX)
    return text.startswith(PREFIX) and len(digest) == 64 and all(c in "0123456789abcdef" for c in digest)


def change_set(plan: dict[str, Any], sensitive_key: bytes | None = None) -> dict[str, Any]:
    """The canonical document the fingerprint hashes (useful to see *why* two plans differ)."""
    hide = _Hider(sensitive_key)
    resources = []
    for index, change in enumerate(plan.get("resource_changes") or []):
        if not isinstance(change, dict) or not isinstance(change.get("change", {}), dict):
            # Never hash around a part of the plan we cannot read: that could match wrongly.
            raise InputError(f"plan: resource_changes[{index}] is not a resource change object")
        entry = _resource_entry(change, hide)
        if entry is not None:
            resources.append(entry)
    outputs = []
    output_changes = plan.get("output_changes") or {}
    if not isinstance(output_changes, dict) or not all(isinstance(c, dict) for c in output_changes.values()):
        raise InputError("plan: output_changes is not a map of output change objects")
    for name, change in sorted(output_changes.items()):
        actions = list(change.get("actions") or [])
        if actions in ([], ["no-op"]):
            continue
        outputs.append({"name": name, "actions": actions, "changes": _attribute_changes(change, hide)})
    resources.sort(key=lambda r: (str(r["address"]), str(r.get("deposed", ""))))
    return {"version": FINGERPRINT_VERSION, "resources": resources, "outputs": outputs}


class _Hider:
    """What a sensitive value becomes in the change set: ``<sensitive>`` or its keyed HMAC."""

    def __init__(self, key: bytes | None) -> None:
        self._key = key

    def __call__(self, value: Any) -> Any:
        if value is _MISSING:
            return _MISSING
        if not self._key:
            return _SENSITIVE
        mac = hmac.new(self._key, _canonical_json(value).encode("utf-8"), hashlib.sha256).hexdigest()
        return {"<sensitive>": mac}


def _resource_entry(change: dict[str, Any], hide: _Hider) -> dict[str, Any] | None:
    body = change.get("change") or {}
    actions = list(body.get("actions") or [])
    previous = change.get("previous_address")
    importing = body.get("importing")
    if actions in ([], ["no-op"]) and not previous and not importing:
        return None
    entry: dict[str, Any] = {"address": change.get("address"), "actions": actions}
    for key in ("action_reason", "deposed"):
        if change.get(key):
            entry[key] = change[key]
    if previous:
        entry["previous_address"] = previous
    if isinstance(importing, dict) and importing.get("id") is not None:
        entry["import_id"] = importing["id"]
    # Read as the summary reads it (model.py): a list of attribute paths, anything else ignored.
    replace_paths = body.get("replace_paths")
    if isinstance(replace_paths, list) and replace_paths:
        entry["replace_paths"] = sorted(replace_paths, key=lambda p: json.dumps(p))
    if actions == ["delete"]:
        before = body.get("before")
        if isinstance(before, dict) and "id" in before:
            entry["id"] = hide(before["id"]) if _is_sensitive(body.get("before_sensitive"), ("id",)) \
                else before["id"]
        return entry
    entry["changes"] = _attribute_changes(body, hide)
    return entry


def _attribute_changes(body: dict[str, Any], hide: _Hider) -> list[list[Any]]:
    """``[path, before, after]`` for every leaf that differs or is unknown, sorted by path."""
    before: dict[tuple[Any, ...], Any] = {}
    after: dict[tuple[Any, ...], Any] = {}
    unknown: dict[tuple[Any, ...], Any] = {}
    # A null object (before a create, after a delete) has no attributes rather than a null one.
    for value, out in ((body.get("before"), before), (body.get("after"), after),
                       (body.get("after_unknown"), unknown)):
        if value is not None:
            _flatten(value, (), out)
    unknown_paths = [path for path, value in unknown.items() if value is True]
    sensitive_marks = (body.get("before_sensitive"), body.get("after_sensitive"))
    changes: list[list[Any]] = []
    for path in unknown_paths:
        old = _subtree(body.get("before"), path)
        sensitive = any(_is_sensitive(mark, path) for mark in sensitive_marks)
        changes.append([list(path), hide(old) if sensitive else old, _UNKNOWN])
    for path in sorted(set(before) | set(after), key=_path_key):
        if any(path[:len(u)] == u for u in unknown_paths):
            continue
        old, new = before.get(path, _MISSING), after.get(path, _MISSING)
        if old == new:
            continue
        if any(_is_sensitive(mark, path) for mark in sensitive_marks):
            old, new = hide(old), hide(new)
        changes.append([list(path), old, new])
    changes.sort(key=lambda item: _path_key(tuple(item[0])))
    return changes


def _flatten(value: Any, path: tuple[Any, ...], out: dict[tuple[Any, ...], Any]) -> None:
    """Leaves by path; empty containers and null are leaves too (so {} and absent differ)."""
    if isinstance(value, dict) and value:
        for key, item in value.items():
            _flatten(item, (*path, key), out)
    elif isinstance(value, list) and value:
        for index, item in enumerate(value):
            _flatten(item, (*path, index), out)
    else:
        out[path] = value


def _subtree(value: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        in_dict = isinstance(value, dict) and isinstance(step, str) and step in value
        in_list = isinstance(value, list) and isinstance(step, int) and step < len(value)
        if not (in_dict or in_list):
            return _MISSING
        value = value[step]
    return value


def _is_sensitive(mark: Any, path: tuple[Any, ...]) -> bool:
    """Whether ``path`` (or anything above it, or anything below it) is marked sensitive."""
    for step in path:
        if mark is True:
            return True
        if isinstance(mark, dict) and isinstance(step, str):
            mark = mark.get(step, False)
        elif isinstance(mark, list) and isinstance(step, int) and step < len(mark):
            mark = mark[step]
        else:
            return False
    return _any_true(mark)


def _any_true(mark: Any) -> bool:
    if mark is True:
        return True
    if isinstance(mark, dict):
        return any(_any_true(v) for v in mark.values())
    if isinstance(mark, list):
        return any(_any_true(v) for v in mark)
    return False


def _path_key(path: tuple[Any, ...]) -> list[Any]:
    # Mixed str/int paths: sort by type then value, so that ordering never raises.
    return [(0, step, "") if isinstance(step, int) else (1, 0, str(step)) for step in path]


# ----- per-resource change fingerprints ----------------------------------------------------------
# A change token: 8 base64 characters (48 bits) of a hash of the address, so a refusal can say
# "this resource was reviewed, but with another change", then 22 (128 bits) of the hash of the
# resource's canonical change (address included), so two different changes never share a token
# by accident or by design (a collision needs about 2^64 attempts).
ADDRESS_CHARS = 8
CHANGE_CHARS = 22
TOKEN_CHARS = ADDRESS_CHARS + CHANGE_CHARS


@dataclass(frozen=True)
class ResourceChange:
    """One entry of the change set (a resource or an output) and its token."""

    address: str  # the resource address, or output.NAME
    token: str
    entry: dict[str, Any]

    @property
    def address_hash(self) -> str:
        return self.token[:ADDRESS_CHARS]


def _b64(text: str, chars: int) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return base64.b64encode(digest).decode("ascii")[:chars]


def address_hash(address: str) -> str:
    return _b64("address:" + address, ADDRESS_CHARS)


def resource_changes(plan: dict[str, Any], sensitive_key: bytes | _FromEnvironment | None = FROM_ENVIRONMENT
                     ) -> list[ResourceChange]:
    """Each change of ``plan`` (resources, then outputs as ``output.NAME``) with its token.

    The token hashes exactly the entry the whole-plan fingerprint hashes for that resource, so a
    change whose token was reviewed is the change that was reviewed, attribute by attribute.
    """
    key = key_from_env() if isinstance(sensitive_key, _FromEnvironment) else sensitive_key
    document = change_set(plan, key)
    found = []
    for entry in document["resources"]:
        address = str(entry["address"]) + (f" (deposed {entry['deposed']})" if entry.get("deposed") else "")
        token = _token(address, {"version": FINGERPRINT_VERSION, **entry})
        found.append(ResourceChange(address, token, entry))
    for entry in document["outputs"]:
        address = f"output.{entry['name']}"
        token = _token(address, {"version": FINGERPRINT_VERSION, "output": entry})
        found.append(ResourceChange(address, token, entry))
    return found


def change_tokens(plan: dict[str, Any],
                  sensitive_key: bytes | _FromEnvironment | None = FROM_ENVIRONMENT) -> frozenset[str]:
    """The set of change tokens of ``plan`` (what the plan comment records per environment)."""
    return frozenset(change.token for change in resource_changes(plan, sensitive_key))


def _token(address: str, entry: dict[str, Any]) -> str:
    return address_hash(address) + _b64(_canonical_json(entry), CHANGE_CHARS)


def describe_change(entry: dict[str, Any], limit: int = 3) -> str:
    """A short, secret-free account of a change-set entry: its actions and the first paths it changes.

    Values come from the change set, where sensitive values are already ``<sensitive>`` or an HMAC.
    """
    actions = "/".join(entry.get("actions") or []) or "no-op"
    paths = [".".join(str(step) for step in item[0]) for item in entry.get("changes") or [] if item[0]]
    if entry.get("previous_address"):
        paths.insert(0, f"moved from {entry['previous_address']}")
    shown = ", ".join(paths[:limit]) + (f" and {len(paths) - limit} more" if len(paths) > limit else "")
    return f"{actions}" + (f" ({shown})" if shown else "")
