"""AWS's policy evaluation logic for one request of an IAM role session, within one account (pure).

The order AWS documents ("Policy evaluation logic", "Policy evaluation for requests within a
single account"):

1. An explicit ``Deny`` in any applicable policy (identity, permissions boundary, resource
   policy) decides: denied.
2. Resource policy: an ``Allow`` naming the role *session* ARN (or ``*``) allows even when the
   identity policy or the boundary is silent; one naming the role ARN allows only if the
   permissions boundary (when there is one) allows too. One naming the account (``:root`` or
   the bare id) delegates to IAM: it grants nothing by itself.
3. Identity policies (inline and managed): an ``Allow``, and the boundary's ``Allow`` when the
   role has a boundary (the effective permissions are the intersection).
4. Otherwise: implicitly denied.

KMS keys are the documented exception: the key policy must allow the request, either naming the
principal or delegating to the account's IAM policies; without that no IAM policy helps.

Not modelled (nothing in this platform uses them): SCPs/RCPs, session policies, cross-account
requests, ``NotPrincipal``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pipeline_tools.iam.conditions import conditions_hold
from pipeline_tools.iam.matching import MissingVariable, action_matches, arn_matches, substitute_variables


@dataclass(frozen=True)
class Statement:
    effect: str
    actions: tuple[str, ...] = ()
    not_actions: tuple[str, ...] | None = None
    resources: tuple[str, ...] | None = ("*",)
    not_resources: tuple[str, ...] | None = None
    principals: Mapping[str, tuple[str, ...]] | None = None  # resource policies only; None = "*"
    condition: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    sid: str = ""
    source: str = ""  # which policy it comes from, for explanations


def _tuple(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    return tuple(str(v) for v in value) if isinstance(value, list | tuple) else (str(value),)


def parse_policy(document: Mapping[str, Any] | str, source: str = "") -> list[Statement]:
    """A policy document (dict or JSON text) as statements."""
    import json

    policy: Mapping[str, Any] = json.loads(document) if isinstance(document, str) else document
    statements = policy.get("Statement", [])
    if isinstance(statements, Mapping):
        statements = [statements]
    parsed: list[Statement] = []
    for raw in statements:
        principals: dict[str, tuple[str, ...]] | None = None
        if "Principal" in raw:
            principal = raw["Principal"]
            principals = {"AWS": ("*",)} if principal == "*" else {k: _tuple(v) for k, v in principal.items()}
        parsed.append(Statement(
            effect=str(raw.get("Effect", "")),
            actions=_tuple(raw.get("Action")),
            not_actions=_tuple(raw["NotAction"]) if "NotAction" in raw else None,
            resources=_tuple(raw["Resource"]) if "Resource" in raw else None,
            not_resources=_tuple(raw["NotResource"]) if "NotResource" in raw else None,
            principals=principals,
            condition=raw.get("Condition") or {},
            sid=str(raw.get("Sid", "")),
            source=source,
        ))
    return parsed


@dataclass(frozen=True)
class Request:
    """One API call: the IAM action, the resource ARN, and the request context keys."""

    action: str
    resource: str
    context: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Principal:
    """An IAM role session: its role ARN, its policies and its boundary."""

    role_arn: str
    identity: Sequence[Statement]
    boundary: Sequence[Statement] | None = None
    session_name: str = "session"

    @property
    def account(self) -> str:
        return self.role_arn.split(":")[4]

    @property
    def session_arn(self) -> str:
        partition = self.role_arn.split(":")[1]
        role_name = self.role_arn.split(":role/", 1)[1].rsplit("/", 1)[-1]
        return f"arn:{partition}:sts::{self.account}:assumed-role/{role_name}/{self.session_name}"


@dataclass(frozen=True)
class Decision:
    allowed: bool
    # "allowed", "explicit-deny", "implicit-deny", "boundary-implicit-deny", "key-policy-implicit-deny"
    reason: str
    statements: tuple[str, ...] = ()  # source#sid of the deciding statements

    def __bool__(self) -> bool:
        return self.allowed


def _resource_matches(patterns: Iterable[str], resource: str, context: Mapping[str, Any]) -> bool:
    for pattern in patterns:
        try:
            resolved = substitute_variables(pattern, context)
        except MissingVariable:
            continue
        if arn_matches(resolved, resource):
            return True
    return False


def statement_applies(statement: Statement, request: Request) -> bool:
    """Action, resource and condition of one statement match the request (principal aside)."""
    if statement.not_actions is not None:
        if any(action_matches(p, request.action) for p in statement.not_actions):
            return False
    elif not any(action_matches(p, request.action) for p in statement.actions):
        return False
    if statement.not_resources is not None:
        if _resource_matches(statement.not_resources, request.resource, request.context):
            return False
    elif not _resource_matches(statement.resources or (), request.resource, request.context):
        return False
    return conditions_hold(statement.condition, request.context)


def _principal_kind(statement: Statement, principal: Principal) -> str | None:
    """How a resource-policy statement names the caller: "session", "role", "account" or None."""
    if statement.principals is None:
        return None
    aws = statement.principals.get("AWS", ())
    if "*" in aws:
        return "session"
    account_root = f"arn:{principal.role_arn.split(':')[1]}:iam::{principal.account}:root"
    if principal.session_arn in aws:
        return "session"
    if principal.role_arn in aws:
        return "role"
    if account_root in aws or principal.account in aws:
        return "account"
    return None


def _label(statement: Statement) -> str:
    return f"{statement.source}#{statement.sid}" if statement.sid else statement.source


def evaluate(principal: Principal, request: Request, *, resource_policy: Sequence[Statement] | None = None,
             key_policy: bool = False) -> Decision:
    """Decide one request. ``key_policy``: ``resource_policy`` is a KMS key policy (required)."""
    context = {
        "aws:PrincipalArn": principal.role_arn,
        "aws:PrincipalAccount": principal.account,
        "aws:userid": f"AROA:{principal.session_name}",
        **request.context,
    }
    request = Request(request.action, request.resource, context)

    identity = [s for s in principal.identity if statement_applies(s, request)]
    boundary = (None if principal.boundary is None
                else [s for s in principal.boundary if statement_applies(s, request)])
    resource_matches: list[tuple[Statement, str | None]] = []
    for statement in resource_policy or ():
        kind = _principal_kind(statement, principal)
        if kind is not None and statement_applies(statement, request):
            resource_matches.append((statement, kind))

    applicable = [*identity, *(boundary or ()), *(s for s, _ in resource_matches)]
    denies = [s for s in applicable if s.effect == "Deny"]
    if denies:
        return Decision(False, "explicit-deny", tuple(_label(s) for s in denies))

    identity_allows = [s for s in identity if s.effect == "Allow"]
    boundary_allows = None if boundary is None else [s for s in boundary if s.effect == "Allow"]
    resource_allows = [(s, kind) for s, kind in resource_matches if s.effect == "Allow"]
    boundary_ok = boundary_allows is None or bool(boundary_allows)

    if key_policy:
        direct = [s for s, kind in resource_allows if kind in ("session", "role")]
        delegated = [s for s, kind in resource_allows if kind == "account"]
        if direct and (boundary_ok or any(k == "session" for _, k in resource_allows)):
            return Decision(True, "allowed", tuple(_label(s) for s in direct))
        if not delegated:
            return Decision(False, "key-policy-implicit-deny")
        # The key policy delegates to IAM: identity and boundary decide as usual.
    else:
        session_grants = [s for s, kind in resource_allows if kind == "session"]
        if session_grants:
            return Decision(True, "allowed", tuple(_label(s) for s in session_grants))
        role_grants = [s for s, kind in resource_allows if kind == "role"]
        if role_grants and boundary_ok:
            return Decision(True, "allowed", tuple(_label(s) for s in role_grants))

    if identity_allows and boundary_ok:
        deciding = identity_allows + list(boundary_allows or [])
        return Decision(True, "allowed", tuple(_label(s) for s in deciding))
    if identity_allows:
        return Decision(False, "boundary-implicit-deny")
    return Decision(False, "implicit-deny")


def trust_allows(trust: Sequence[Statement], *, action: str, context: Mapping[str, Any],
                 federated: str | None = None, service: str | None = None) -> bool:
    """Whether a role's trust policy lets a caller assume it: a web-identity caller (``Federated``
    principal, ``federated=``) or an AWS service (``Service`` principal, ``service=``).

    A trust policy has no ``Resource`` (it is the role itself), so only action, principal and
    condition count; an explicit deny wins.
    """
    if (federated is None) == (service is None):
        raise ValueError("trust_allows needs exactly one of federated= or service=")
    kind, caller = ("Federated", federated) if federated is not None else ("Service", service)
    request = Request(action, "*", context)

    def applies(statement: Statement) -> bool:
        named = (statement.principals or {}).get(kind, ())
        stripped = Statement(statement.effect, statement.actions, statement.not_actions, ("*",), None,
                             None, statement.condition, statement.sid, statement.source)
        return caller in named and statement_applies(stripped, request)

    matching = [s for s in trust if applies(s)]
    return bool(matching) and not any(s.effect == "Deny" for s in matching)
