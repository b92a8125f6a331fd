"""The plan summary model: what changes, why, how risky, in one pass over the plan.

``summarize(plan)`` takes the parsed output of ``terraform show -json PLANFILE`` (see
:func:`pipeline_tools.plan.load.load_plan`) and returns a :class:`PlanSummary`. It keeps
references into the plan rather than copies, and computes attribute-level diffs lazily, only for
the renderers that ask for them, so that huge plans stay cheap.

Schema of :meth:`PlanSummary.to_json_dict` is documented in docs/plan-summary.md.
"""

from __future__ import annotations

import json

from pipeline_tools.core.records import Record
from pipeline_tools.plan.attributes import (
    AttributeChange,
    attribute_changes,
    changed_top_level_keys,
    format_path,
)
from pipeline_tools.plan.counts import Counts
from pipeline_tools.plan.drift import DriftSummary, summarize_drift
from pipeline_tools.plan.masking import (
    NO_MASK,
    SENSITIVE,
    UNKNOWN,
    collect_sensitive_strings,
    display,
    has_mark,
    mask_keys_and_strings,
    mask_mark_keys,
    mask_strings,
    text_masker,
)
from pipeline_tools.plan.risk import RiskFlag, risk_flags_for

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

JSON_SCHEMA_VERSION = 1

# Terraform's symbols, and the words we use for each action.
SYMBOLS = {
    "create": "+",
    "update": "~",
    "replace-destroy-first": "-/+",
    "replace-create-first": "+/-",
    "delete": "-",
    "read": "<=",
    "forget": ".",
    "no-op": " ",
}
# Order in which actions are listed (most consequential first).
ACTION_ORDER = ("delete", "replace", "update", "create", "forget", "read", "no-op")

ACTION_REASONS = {
    "replace_because_tainted": "tainted: the object is marked as damaged",
    "replace_because_cannot_update": "attributes that cannot be updated in place changed",
    "replace_by_request": "replacement requested (-replace)",
    "replace_by_triggers": "replace_triggered_by",
    "delete_because_no_resource_config": "its resource block is no longer in the configuration",
    "delete_because_no_module": "its module is no longer in the configuration",
    "delete_because_wrong_repetition": "count/for_each was added or removed",
    "delete_because_count_index": "its count index is out of range",
    "delete_because_each_key": "its for_each key is no longer in the map",
    "delete_because_no_move_target": "the target of a moved block does not exist",
    "read_because_config_unknown": "its configuration depends on values not yet known",
    "read_because_dependency_pending": "it depends on resources with pending changes",
    "read_because_check_nested": "it is used in a check block",
}


_ACTION_WORDS = {
    "create": "create", "update": "update in place", "delete": "destroy", "read": "read",
    "forget": "forget (remove from state, keep the object)", "no-op": "no change",
}


class ResourceChange(Record):
    """One entry of ``resource_changes`` that does something.

    ``action`` is one word: create, update, replace, delete, read, forget or no-op (a pure move
    or import). ``replace_order`` is ``destroy-first`` (``-/+``) or ``create-first`` (``+/-``) for
    replacements. ``replace_paths`` are the attributes that force a replacement.
    """

    __slots__ = (
        "_attributes",
        "_change",
        "_mask",
        "action",
        "action_reason",
        "actions",
        "address",
        "deposed",
        "importing",
        "importing_id",
        "mode",
        "module_address",
        "name",
        "previous_address",
        "replace_order",
        "replace_paths",
        "type",
    )
    address: str
    mode: str
    type: str
    name: str
    module_address: str | None
    actions: tuple[str, ...]
    action: str
    replace_order: str | None
    previous_address: str | None
    importing_id: str | None
    importing: bool
    action_reason: str | None
    deposed: str | None
    replace_paths: list[str]
    _change: dict[str, Any]
    _attributes: list[AttributeChange] | None
    # Masks the plan's declared secrets in a string (see PlanSummary.mask_text).
    _mask: Callable[[str], str] | None

    def __init__(self, *, address: str, mode: str, type: str, name: str, module_address: str | None,
                 actions: tuple[str, ...], action: str, replace_order: str | None,
                 previous_address: str | None, importing_id: str | None, importing: bool,
                 action_reason: str | None, deposed: str | None, replace_paths: list[str],
                 _change: dict[str, Any], _attributes: list[AttributeChange] | None = None,
                 _mask: Callable[[str], str] | None = None) -> None:
        self.address = address
        self.mode = mode
        self.type = type
        self.name = name
        self.module_address = module_address
        self.actions = actions
        self.action = action
        self.replace_order = replace_order
        self.previous_address = previous_address
        self.importing_id = importing_id
        self.importing = importing
        self.action_reason = action_reason
        self.deposed = deposed
        self.replace_paths = replace_paths
        self._change = _change
        self._attributes = _attributes
        self._mask = _mask

    @property
    def symbol(self) -> str:
        if self.action == "replace":
            return SYMBOLS[f"replace-{self.replace_order}"]
        return SYMBOLS.get(self.action, "?")

    @property
    def moved(self) -> bool:
        return bool(self.previous_address) and self.previous_address != self.address

    @property
    def reason(self) -> str | None:
        """Why terraform plans this action, in words (None when it does not say)."""
        if not self.action_reason:
            return None
        return ACTION_REASONS.get(self.action_reason, self.action_reason.replace("_", " "))

    @property
    def description(self) -> str:
        """What happens, in words: ``replace (destroy first)``, ``import and update``, ..."""
        words = _ACTION_WORDS
        if self.action == "replace":
            text = "replace (destroy first)" if self.replace_order == "destroy-first" else \
                "replace (create first)"
        else:
            text = words.get(self.action, self.action)
        extras = []
        if self.importing:
            extras.append("import" + (f" from {json.dumps(self.importing_id)}" if self.importing_id else ""))
        if self.moved:
            extras.append(f"moved from {self.previous_address}")
        if self.deposed:
            extras.append(f"deposed object {self.deposed}")
        if self.action == "no-op" and extras:
            return ", ".join(extras)
        return ", ".join([text, *extras])

    def attribute_changes(self) -> list[AttributeChange]:
        """Changed attributes, masked (computed once, on demand)."""
        if self._attributes is None:
            self._attributes = attribute_changes(_masked_values(self._change, self._mask), self.replace_paths)
        return self._attributes

    def changed_keys(self) -> list[str]:
        """Names of the top-level attributes that change."""
        return changed_top_level_keys(self._change)

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "address": self.address,
            "mode": self.mode,
            "type": self.type,
            "name": self.name,
            "module_address": self.module_address,
            "actions": list(self.actions),
            "action": self.action,
            "replace_order": self.replace_order,
            "previous_address": self.previous_address,
            "importing": self.importing,
            "import_id": self.importing_id,
            "action_reason": self.action_reason,
            "deposed": self.deposed,
            "replace_paths": self.replace_paths,
            # Only where it informs: a create sets everything, a delete removes everything.
            "changed_attributes": self.changed_keys() if self.action in ("update", "replace") else [],
        }


class OutputChange(Record):
    """A root module output that changes; ``before``/``after`` are masked display strings."""

    __slots__ = ("action", "after", "before", "name", "sensitive")
    name: str
    action: str
    before: str | None
    after: str | None
    sensitive: bool

    def __init__(self, name: str, action: str, before: str | None, after: str | None,
                 sensitive: bool) -> None:
        self.name = name
        self.action = action
        self.before = before
        self.after = after
        self.sensitive = sensitive

    @property
    def symbol(self) -> str:
        return {"create": "+", "update": "~", "delete": "-"}.get(self.action, "~")

    def to_json_dict(self) -> dict[str, Any]:
        return {"name": self.name, "action": self.action, "sensitive": self.sensitive,
                "before": self.before, "after": self.after}


class PlanSummary(Record):
    """Everything a reviewer needs from one plan. See docs/plan-summary.md."""

    __slots__ = (
        "_mask",
        "_plan",
        "_secrets",
        "applyable",
        "complete",
        "counts",
        "drift",
        "errored",
        "format_version",
        "outputs",
        "resources",
        "risk_flags",
        "terraform_version",
        "warnings",
    )
    terraform_version: str | None
    format_version: str | None
    counts: Counts
    resources: list[ResourceChange]
    risk_flags: list[RiskFlag]
    outputs: list[OutputChange]
    drift: DriftSummary
    warnings: list[str]
    errored: bool
    complete: bool
    applyable: bool | None
    _plan: dict[str, Any]
    _secrets: set[str] | None
    _mask: Callable[[str], str] | None

    def __init__(self, *, terraform_version: str | None, format_version: str | None, counts: Counts,
                 resources: list[ResourceChange], risk_flags: list[RiskFlag], outputs: list[OutputChange],
                 drift: DriftSummary, warnings: list[str], errored: bool, complete: bool,
                 applyable: bool | None, _plan: dict[str, Any], _secrets: set[str] | None = None,
                 _mask: Callable[[str], str] | None = None) -> None:
        self.terraform_version = terraform_version
        self.format_version = format_version
        self.counts = counts
        self.resources = resources
        self.risk_flags = risk_flags
        self.outputs = outputs
        self.drift = drift
        self.warnings = warnings
        self.errored = errored
        self.complete = complete
        self.applyable = applyable
        self._plan = _plan
        self._secrets = _secrets
        self._mask = _mask

    @property
    def has_changes(self) -> bool:
        """Whether applying would do anything (resources, moves, imports or outputs)."""
        return bool(self.resources) or bool(self.outputs)

    @property
    def plan_line(self) -> str:
        """Terraform's own summary line, or its ``No changes.`` wording."""
        if not self.resources and not self.outputs:
            return "No changes. Your infrastructure matches the configuration."
        return self.counts.terraform_line()

    def sensitive_values(self) -> set[str]:
        """Values declared secret (sensitive variables and outputs), for the renderers' last-line
        scrub. Attributes that providers mark sensitive are masked by construction but not
        scrubbed: an SSM parameter's value is always marked sensitive, and scrubbing ``platform``
        everywhere because one parameter holds it would garble the summary."""
        if self._secrets is None:
            self._secrets = collect_sensitive_strings(self._plan, include_resources=False)
        return self._secrets

    def mask_text(self, text: str) -> str:
        """``text`` with the declared secrets (:meth:`sensitive_values`) masked, in clear or in
        any escaped form. Renderers call it on every string *before* they escape it."""
        if self._mask is None:
            self._mask = text_masker(self.sensitive_values())
        return self._mask(str(text))

    def resources_by_action(self) -> list[tuple[str, list[ResourceChange]]]:
        groups: dict[str, list[ResourceChange]] = {}
        for resource in self.resources:
            groups.setdefault(resource.action, []).append(resource)
        return [(action, groups[action]) for action in ACTION_ORDER if action in groups]

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "schema_version": JSON_SCHEMA_VERSION,
            "terraform_version": self.terraform_version,
            "format_version": self.format_version,
            "has_changes": self.has_changes,
            "plan_line": self.plan_line,
            "errored": self.errored,
            "complete": self.complete,
            "applyable": self.applyable,
            "warnings": self.warnings,
            "counts": self.counts.to_json_dict(),
            "risk_flags": [flag.to_json_dict() for flag in self.risk_flags],
            "resources": [resource.to_json_dict() for resource in self.resources],
            "outputs": [output.to_json_dict() for output in self.outputs],
            "drift": self.drift.to_json_dict(),
        }


def _action_of(actions: tuple[str, ...]) -> tuple[str, str | None]:
    if actions == ("delete", "create"):
        return "replace", "destroy-first"
    if actions == ("create", "delete"):
        return "replace", "create-first"
    if len(actions) == 1:
        return actions[0], None
    if "create" in actions and "delete" in actions:
        return "replace", "destroy-first"
    return "+".join(actions) or "no-op", None


def _text(value: Any) -> str | None:
    """A string field of the plan, or None when absent or not a string (never trust shapes)."""
    return value if isinstance(value, str) else None


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _masked_values(change: dict[str, Any], mask: Callable[[str], str] | None) -> dict[str, Any]:
    """``change`` with the declared secrets masked in its values, before anything JSON-encodes
    them (an encoded secret, ``\\"`` for ``"``, would no longer be found)."""
    if mask is None or not any(change.get(key) for key in ("before", "after")):
        return change
    return {**change,
            **{key: mask_keys_and_strings(change.get(key), mask) for key in ("before", "after")},
            **{key: mask_mark_keys(change.get(key), mask)
               for key in ("after_unknown", "before_sensitive", "after_sensitive")}}


def _resource(entry: dict[str, Any], change: dict[str, Any], actions: tuple[str, ...],
              mask: Callable[[str], str] | None = None) -> ResourceChange:
    action, order = _action_of(actions)
    importing = change.get("importing")
    import_id = importing.get("id") if isinstance(importing, dict) else None
    # Once per resource of a plan that may hold tens of thousands: plain lookups, and the
    # optional text fields masked only when present (the loader checked that they are strings).
    get = entry.get
    address = str(get("address", "?"))
    name = str(get("name", ""))
    module_address = _text(get("module_address"))
    previous_address = _text(get("previous_address"))
    action_reason = _text(get("action_reason"))
    deposed = _text(get("deposed"))
    replace_paths = change.get("replace_paths")
    paths = [format_path(p) for p in replace_paths if isinstance(p, list)] \
        if isinstance(replace_paths, list) and replace_paths else []
    if mask is not None:
        address, name = mask(address), mask(name)
        if module_address is not None:
            module_address = mask(module_address)
        if previous_address is not None:
            previous_address = mask(previous_address)
        if action_reason is not None:
            action_reason = mask(action_reason)
        if deposed is not None:
            deposed = mask(deposed)
        if isinstance(import_id, str):
            import_id = mask(import_id)
        paths = [mask(path) for path in paths]
    return ResourceChange(
        address=address,
        mode=str(get("mode", "managed")),
        type=str(get("type", "")),
        name=name,
        module_address=module_address,
        actions=actions,
        action=action,
        replace_order=order,
        previous_address=previous_address,
        importing_id=import_id if isinstance(import_id, str) else None,
        importing=importing is not None,
        action_reason=action_reason,
        deposed=deposed,
        replace_paths=paths,
        _change=change,
        _mask=mask,
    )


def _outputs(plan: dict[str, Any], mask: Callable[[str], str] | None = None) -> list[OutputChange]:
    outputs = []
    planned = ((plan.get("planned_values") or {}).get("outputs")) or {}
    for name, change in (plan.get("output_changes") or {}).items():
        actions = tuple(change.get("actions") or ())
        if actions in ((), ("no-op",)):
            continue
        sensitive = (has_mark(change.get("before_sensitive")) or has_mark(change.get("after_sensitive"))
                     or bool((planned.get(name) or {}).get("sensitive")))
        action = "update" if "create" in actions and "delete" in actions else actions[-1]
        before = change.get("before")
        after = change.get("after")
        if sensitive:
            before_text = SENSITIVE if before is not None else None
            after_text = SENSITIVE if after is not None or change.get("after_unknown") else None
        else:
            before_text = None if before is None else display(mask_strings(before, mask) if mask else before)
            after_text = None if after is None else display(mask_strings(after, mask) if mask else after)
        if change.get("after_unknown") is True:
            after_text = UNKNOWN
        if action == "delete":
            after_text = None
        outputs.append(OutputChange(mask(name) if mask else name, action, before_text, after_text, sensitive))
    return outputs


def _warnings(plan: dict[str, Any]) -> list[str]:
    warnings = []
    if plan.get("errored"):
        warnings.append("Terraform reported errors while planning: this plan is incomplete and must "
                        "not be applied. Read the plan log for the errors.")
    if plan.get("complete") is False:
        warnings.append("This plan is incomplete (complete: false): terraform deferred part of it, "
                        "so another plan and apply will be needed after this one.")
    deferred = plan.get("deferred_changes") or []
    if deferred:
        warnings.append(f"{len(deferred)} resource change(s) are deferred to a later plan "
                        "(their configuration depends on values not known yet).")
    failed_checks = [
        check["address"].get("to_display", "?") if isinstance(check.get("address"), dict) else "?"
        for check in plan.get("checks") or () if check.get("status") in ("fail", "error")
    ]
    if failed_checks:
        warnings.append("Checks failing: " + ", ".join(str(c) for c in failed_checks))
    return warnings


def summarize(plan: dict[str, Any]) -> PlanSummary:
    """Summarize a parsed plan (one pass over ``resource_changes``, nothing copied)."""
    counts = Counts()
    resources: list[ResourceChange] = []
    flags: list[RiskFlag] = []
    # Declared secrets (sensitive variables and outputs) are masked in every string the summary
    # takes from the plan, before any renderer encodes it. Providers' sensitive attributes are
    # masked by their marks instead (see PlanSummary.sensitive_values for why not by value).
    secrets = collect_sensitive_strings(plan, include_resources=False)
    text_mask = text_masker(secrets)
    mask = None if text_mask is NO_MASK else text_mask
    for entry in plan.get("resource_changes") or ():
        change = entry.get("change") or {}
        actions = tuple(change.get("actions") or ("no-op",))
        mode = entry.get("mode", "managed")
        importing = change.get("importing") is not None
        previous = _text(entry.get("previous_address"))
        moved = bool(previous) and previous != entry.get("address")
        counts.count(actions, mode=mode, importing=importing, moved=moved)
        if actions == ("no-op",) and not importing and not moved:
            continue
        resource = _resource(entry, change, actions, mask)
        resources.append(resource)
        resource_flags = risk_flags_for(resource.address, resource.type, resource.mode, actions, change,
                                        resource.replace_order)
        if mask is not None:
            resource_flags = [RiskFlag(f.kind, f.address, mask(f.message)) for f in resource_flags]
        flags += resource_flags
    order = {action: index for index, action in enumerate(ACTION_ORDER)}
    resources.sort(key=lambda r: order.get(r.action, len(order)))
    kind_order = {"stateful-destroy": 0, "iam-widened": 1, "open-ingress": 2}
    flags.sort(key=lambda f: kind_order.get(f.kind, 3))
    return PlanSummary(
        terraform_version=plan.get("terraform_version"),
        format_version=plan.get("format_version"),
        counts=counts,
        resources=resources,
        risk_flags=flags,
        outputs=_outputs(plan, mask),
        drift=summarize_drift(plan, mask),
        warnings=[mask(w) for w in _warnings(plan)] if mask else _warnings(plan),
        errored=bool(plan.get("errored")),
        complete=plan.get("complete") is not False,
        applyable=plan.get("applyable"),
        _plan=plan,
        _secrets=secrets,
        _mask=text_mask,
    )
