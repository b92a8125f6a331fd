"""Our own rules on GitHub OIDC trust policies, evaluated on the plan JSON.

checkov's CKV_AWS_358 accepts ``repo:org/*`` subjects, rejects the newer immutable-id subject
(``repo:org@123/repo@456:...``), and never sees a trust policy whose federated principal is a
reference to an ``aws_iam_openid_connect_provider`` resource. On the plan, references are
resolved (or, where the provider does not exist yet, traced through the configuration), so each
role whose trust policy admits GitHub's OIDC provider is checked:

- ``gate/oidc-aud``: ``token.actions.githubusercontent.com:aud`` must be pinned (StringEquals) to
  exactly ``sts.amazonaws.com``;
- ``gate/oidc-sub``: a ``:sub`` condition must exist and every value must name the owner and the
  repository without wildcards, in the legacy ``repo:OWNER/REPO:...`` form, the immutable form
  ``repo:OWNER@OWNER_ID/REPO@REPO_ID:...``, or a customized template carrying ``repository_id``
  (or ``repository_owner[_id]`` and ``repository``) claims;
- ``gate/oidc-apply-environment``: roles that apply changes (by name pattern or tag, see the
  policy) must bind every subject to a GitHub environment (``...:environment:NAME``);
- ``gate/oidc-unverifiable``: a role that trusts the GitHub provider but whose trust policy
  cannot be reconstructed from the plan fails closed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pipeline_tools.gate.model import GATE_TOOL, Finding, Severity
from pipeline_tools.gate.policy import Policy

GITHUB_ISSUER = "token.actions.githubusercontent.com"
AUD_KEY = f"{GITHUB_ISSUER}:aud"
SUB_KEY = f"{GITHUB_ISSUER}:sub"
EXPECTED_AUDIENCE = "sts.amazonaws.com"

RULE_AUD = "gate/oidc-aud"
RULE_SUB = "gate/oidc-sub"
RULE_APPLY_ENV = "gate/oidc-apply-environment"
RULE_UNVERIFIABLE = "gate/oidc-unverifiable"
RULE_SEVERITY = {
    RULE_AUD: Severity.HIGH,
    RULE_SUB: Severity.CRITICAL,
    RULE_APPLY_ENV: Severity.HIGH,
    RULE_UNVERIFIABLE: Severity.HIGH,
}

_WILDCARD = re.compile(r"[*?]")
_OWNER = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]*)(?:@\d+)?$")
_REPO = re.compile(r"^[A-Za-z0-9._-]+(?:@\d+)?$")
# Marks a value that is a reference to a GitHub OIDC provider not created yet (unknown ARN).
_GITHUB_PROVIDER_REF = "<github-oidc-provider>"
_UNRESOLVED = "<unresolved>"


@dataclass(frozen=True)
class Subject:
    ok: bool
    problem: str
    environment: str | None  # the bound GitHub environment, if any


def parse_subject(value: str) -> Subject:
    """Judge one ``sub`` pattern: does it pin the owner and the repository?"""
    if value.startswith("repo:"):
        repo_part, _, context = value[len("repo:") :].partition(":")
        owner, slash, repo = repo_part.partition("/")
        if not slash or not owner or not repo:
            return Subject(False, f"{value!r} names no OWNER/REPO", None)
        if _WILDCARD.search(repo_part) or not _OWNER.match(owner) or not _REPO.match(repo):
            return Subject(
                False, f"{value!r} has a wildcard or invalid name in the owner or repository", None
            )
        if not context:
            return Subject(False, f"{value!r} has no context after the repository", None)
        return Subject(True, "", _environment(context))
    # A customized subject template: "key:value:key:value..." with GitHub's claim names.
    claims = dict(
        re.findall(
            r"(?:^|:)(repository_owner_id|repository_owner|repository_id|repository)"
            r":([^:]*)",
            value,
        )
    )
    repo_ok = bool(re.fullmatch(r"\d+", claims.get("repository_id", ""))) or (
        "repository" in claims and not _WILDCARD.search(claims["repository"]) and "/" in claims["repository"]
    )
    owner_value = claims.get("repository_owner_id") or claims.get("repository_owner") or ""
    owner_ok = "repository_id" in claims or (bool(owner_value) and not _WILDCARD.search(owner_value))
    if claims and repo_ok and owner_ok and not any(_WILDCARD.search(v) for v in claims.values()):
        return Subject(True, "", _environment(value))
    return Subject(False, f"{value!r} does not pin the owner and repository without wildcards", None)


def _environment(context: str) -> str | None:
    match = re.search(r"(?:^|:)environment:([^:]+)", context)
    if not match or _WILDCARD.search(match.group(1)):
        return None
    return match.group(1)


# --- reading the plan ------------------------------------------------------------------------


def _module_resources(module: dict[str, Any] | None) -> Iterator[dict[str, Any]]:
    if not module:
        return
    yield from module.get("resources") or []
    for child in module.get("child_modules") or []:
        yield from _module_resources(child)


def _config_resources(
    module: dict[str, Any] | None, prefix: str = ""
) -> Iterator[tuple[str, dict[str, Any]]]:
    if not module:
        return
    for resource in module.get("resources") or []:
        yield prefix, resource
    for name, call in (module.get("module_calls") or {}).items():
        yield from _config_resources(call.get("module"), f"{prefix}module.{name}.")


def _strip_index(address: str) -> str:
    return re.sub(r"\[[^\]]*\]", "", address)


class _Plan:
    def __init__(self, plan: dict[str, Any]) -> None:
        self.values: dict[str, dict[str, Any]] = {}
        for section in (plan.get("prior_state") or {}).get("values"), plan.get("planned_values"):
            for resource in _module_resources((section or {}).get("root_module")):
                self.values[resource["address"]] = resource
        # Planned "after" values of data sources read during apply (deferred): their blocks are
        # there with unknown parts as null.
        self.after: dict[str, dict[str, Any]] = {
            change["address"]: (change.get("change") or {}).get("after") or {}
            for change in plan.get("resource_changes") or []
            if change.get("mode") == "data" and isinstance((change.get("change") or {}).get("after"), dict)
        }
        self.config: dict[str, tuple[str, dict[str, Any]]] = {
            prefix + resource["address"]: (prefix, resource)
            for prefix, resource in _config_resources((plan.get("configuration") or {}).get("root_module"))
        }
        self.variables = {name: v.get("value") for name, v in (plan.get("variables") or {}).items()}
        self.github_provider_arns = {
            str(r["values"]["arn"])
            for r in self.values.values()
            if r.get("type") == "aws_iam_openid_connect_provider"
            and GITHUB_ISSUER in str((r.get("values") or {}).get("url") or "")
            and (r.get("values") or {}).get("arn")
        }
        self.github_provider_addresses = {
            address
            for address, (_, resource) in self.config.items()
            if resource.get("type") == "aws_iam_openid_connect_provider"
            and GITHUB_ISSUER in json.dumps(resource.get("expressions", {}).get("url", {}))
        } | {
            # The URL may come from a variable: the planned value says where it points.
            _strip_index(r["address"])
            for r in self.values.values()
            if r.get("type") == "aws_iam_openid_connect_provider"
            and GITHUB_ISSUER in str((r.get("values") or {}).get("url") or "")
        }

    def resolve(self, expression: dict[str, Any], prefix: str) -> Any:
        """A configuration expression's value: constant, variable, or GitHub provider reference."""
        if "constant_value" in expression:
            return expression["constant_value"]
        references = expression.get("references") or []
        for reference in references:
            target = prefix + reference
            if any(target == a or target.startswith(a + ".") for a in self.github_provider_addresses):
                return _GITHUB_PROVIDER_REF
        for reference in references:
            if reference.startswith("var.") and not prefix:
                name = reference[4:].split(".")[0]
                if name in self.variables:
                    return self.variables[name]
        return _UNRESOLVED


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _document_from_config(plan: _Plan, prefix: str, config: dict[str, Any]) -> dict[str, Any]:
    """Rebuild an aws_iam_policy_document's statements from its configuration blocks."""
    statements = []
    for block in config.get("expressions", {}).get("statement") or []:
        statement: dict[str, Any] = {
            "Effect": plan.resolve(block.get("effect", {"constant_value": "Allow"}), prefix),
            "Action": plan.resolve(block.get("actions", {"constant_value": []}), prefix),
            "Principal": {},
            "Condition": {},
        }
        for principal in block.get("principals") or []:
            kind = plan.resolve(principal.get("type", {}), prefix)
            identifiers = plan.resolve(principal.get("identifiers", {}), prefix)
            statement["Principal"].setdefault(str(kind), [])
            statement["Principal"][str(kind)] += _as_list(identifiers)
        for condition in block.get("condition") or []:
            test = str(plan.resolve(condition.get("test", {}), prefix))
            variable = str(plan.resolve(condition.get("variable", {}), prefix))
            values = plan.resolve(condition.get("values", {}), prefix)
            statement["Condition"].setdefault(test, {}).setdefault(variable, [])
            statement["Condition"][test][variable] += _as_list(values)
        statements.append(statement)
    return {"Statement": statements}


def _blocks_to_document(plan: _Plan, prefix: str, data_address: str, after: dict[str, Any]) -> dict[str, Any]:
    """A policy document from a deferred data source's planned ``statement`` blocks.

    Values unknown at plan time are null there; a principal identifier that is null is resolved
    through the configuration (a reference to the GitHub OIDC provider resource, typically).
    """
    config = (plan.config.get(_strip_index(data_address)) or ("", {}))[1]
    config_blocks = (config.get("expressions") or {}).get("statement") or []
    statements = []
    for number, block in enumerate(after.get("statement") or []):
        config_block = config_blocks[number] if number < len(config_blocks) else {}
        statement: dict[str, Any] = {
            "Effect": block.get("effect") or "Allow",
            "Action": block.get("actions") or [],
            "Principal": {},
            "Condition": {},
        }
        for index, principal in enumerate(block.get("principals") or []):
            identifiers = [i for i in _as_list(principal.get("identifiers")) if i is not None]
            if None in _as_list(principal.get("identifiers")):
                config_principals = config_block.get("principals") or []
                expression = (
                    config_principals[index].get("identifiers", {}) if index < len(config_principals) else {}
                )
                identifiers.append(plan.resolve(expression, prefix))
            statement["Principal"].setdefault(str(principal.get("type")), []).extend(identifiers)
        for condition in block.get("condition") or []:
            values = [_UNRESOLVED if v is None else v for v in _as_list(condition.get("values"))] or [
                _UNRESOLVED
            ]
            test = str(condition.get("test") or _UNRESOLVED)
            variable = str(condition.get("variable") or _UNRESOLVED)
            statement["Condition"].setdefault(test, {}).setdefault(variable, []).extend(values)
        statements.append(statement)
    return {"Statement": statements}


def _policy_document_address(
    references: list[str], role_address: str, plan: _Plan, prefix: str
) -> str | None:
    """Which aws_iam_policy_document instance a role's assume_role_policy refers to."""
    instance = next((r for r in references if re.match(r"data\.aws_iam_policy_document\.[^.]+\[", r)), None)
    if instance:
        return prefix + re.sub(r"\.json$", "", instance)
    plain = next((r for r in references if re.match(r"data\.aws_iam_policy_document\.[^.\[]+", r)), None)
    if not plain:
        return None
    plain_match = re.match(r"data\.aws_iam_policy_document\.[^.\[]+", plain)
    if plain_match is None:  # cannot happen: `plain` was chosen because it matches
        return None
    base = prefix + plain_match.group(0)
    index = re.search(r"(\[[^\]]*\])$", role_address)
    if index and ("each.key" in references or "count.index" in references):
        return base + index.group(1)
    return base


def _trust_document(plan: _Plan, address: str, values: dict[str, Any]) -> dict[str, Any] | str:
    """The role's trust policy as a document, or a string saying why it cannot be known."""
    text = values.get("assume_role_policy")
    if isinstance(text, str) and text:
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            return "its assume_role_policy is not JSON"
    prefix, config = plan.config.get(_strip_index(address), ("", {}))
    references = ((config.get("expressions") or {}).get("assume_role_policy") or {}).get("references") or []
    data_address = _policy_document_address(references, address, plan, prefix)
    if data_address:
        known = ((plan.values.get(data_address) or {}).get("values") or {}).get("json")
        if isinstance(known, str) and known:
            return json.loads(known)
        if data_address in plan.after:
            return _blocks_to_document(plan, prefix, data_address, plan.after[data_address])
        data_config = plan.config.get(_strip_index(data_address))
        if data_config and data_address == _strip_index(data_address):
            return _document_from_config(plan, *data_config)
    if any(plan.resolve({"references": [r]}, prefix) == _GITHUB_PROVIDER_REF for r in references):
        return (
            "its trust policy references the GitHub OIDC provider but is unknown until apply; "
            "build it with data.aws_iam_policy_document so the gate can check it"
        )
    return ""


def _is_github_statement(plan: _Plan, statement: dict[str, Any]) -> bool:
    if str(statement.get("Effect", "Allow")) != "Allow":
        return False
    actions = [str(a) for a in _as_list(statement.get("Action"))]
    if not any(a in {"sts:AssumeRoleWithWebIdentity", "sts:*", "*"} for a in actions):
        return False
    principal = statement.get("Principal") or {}
    federated = _as_list(principal.get("Federated")) if isinstance(principal, dict) else []
    if any(
        GITHUB_ISSUER in str(p) or str(p) in plan.github_provider_arns or p == _GITHUB_PROVIDER_REF
        for p in federated
    ):
        return True
    # A principal the plan cannot resolve, but conditions on GitHub's claims: it is GitHub's.
    conditions = statement.get("Condition") or {}
    return any(
        str(key).lower().startswith(GITHUB_ISSUER + ":")
        for block in conditions.values()
        if isinstance(block, dict)
        for key in block
    )


def _condition_values(statement: dict[str, Any], key: str) -> dict[str, list[Any]]:
    """operator -> values for ``key`` under every positive string operator."""
    found: dict[str, list[Any]] = {}
    for operator, conditions in (statement.get("Condition") or {}).items():
        if "Not" in operator or not isinstance(conditions, dict):
            continue
        for condition_key, values in conditions.items():
            if condition_key.lower() == key.lower():
                found.setdefault(operator, []).extend(_as_list(values))
    return found


def evaluate_trust_policies(plan: dict[str, Any], policy: Policy, plan_file: str) -> list[Finding]:
    model = _Plan(plan)
    findings: list[Finding] = []

    def violation(rule: str, address: str, message: str) -> None:
        findings.append(
            Finding(
                tool=GATE_TOOL,
                rule_id=rule,
                canonical_rule=rule,
                severity=RULE_SEVERITY[rule],
                resource=address,
                file=plan_file,
                start_line=None,
                end_line=None,
                message=message,
                category="terraform_plan",
            )
        )

    roles = [
        r
        for r in _module_resources((plan.get("planned_values") or {}).get("root_module"))
        if r.get("type") == "aws_iam_role" and r.get("mode", "managed") == "managed"
    ]
    for role in roles:
        address, values = role["address"], role.get("values") or {}
        document = _trust_document(model, address, values)
        if isinstance(document, str):
            if document:
                violation(RULE_UNVERIFIABLE, address, f"{address}: {document}")
            continue
        statements = [s for s in _as_list(document.get("Statement")) if isinstance(s, dict)]
        github = [s for s in statements if _is_github_statement(model, s)]
        if not github:
            continue
        name = str(values.get("name") or address.rsplit(".", 1)[-1])
        tags = {**(values.get("tags_all") or {}), **(values.get("tags") or {})}
        is_apply = policy.is_apply_role(name, {str(k): str(v) for k, v in tags.items()})
        for statement in github:
            _check_statement(statement, address, is_apply, violation)
    return findings


def _check_statement(statement: dict[str, Any], address: str, is_apply: bool, violation) -> None:
    audiences = _condition_values(statement, AUD_KEY)
    pinned = audiences.get("StringEquals") or audiences.get("ForAllValues:StringEquals") or []
    other_ops = [op for op in audiences if op not in {"StringEquals", "ForAllValues:StringEquals"}]
    if not pinned or {str(v) for v in pinned} != {EXPECTED_AUDIENCE} or other_ops:
        shown = json.dumps(audiences) if audiences else "no aud condition"
        violation(
            RULE_AUD,
            address,
            f"{address}: trust policy must pin {AUD_KEY} to {EXPECTED_AUDIENCE} with StringEquals ({shown})",
        )
    subjects = [v for values in _condition_values(statement, SUB_KEY).values() for v in values]
    if not subjects:
        violation(
            RULE_SUB, address, f"{address}: no {SUB_KEY} condition: any repository on GitHub can assume it"
        )
        return
    for value in subjects:
        if value in {_UNRESOLVED, _GITHUB_PROVIDER_REF} or not isinstance(value, str):
            violation(RULE_SUB, address, f"{address}: a {SUB_KEY} value cannot be resolved from the plan")
            continue
        subject = parse_subject(value)
        if not subject.ok:
            violation(RULE_SUB, address, f"{address}: {subject.problem}")
        elif is_apply and subject.environment is None:
            violation(
                RULE_APPLY_ENV,
                address,
                f"{address}: apply role trusts {value!r}, which is not bound to a GitHub environment",
            )
