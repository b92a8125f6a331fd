"""Risk flags: the changes a reviewer must not miss, shown before anything else.

* deleting or replacing a resource that holds data (databases, buckets, tables, file systems,
  caches, KMS keys, ...): the data goes with it;
* IAM or resource policies that widen: new actions, resources or principals, or wildcards;
  attaching an AWS-managed administrator policy;
* security group ingress newly opened to the whole internet (``0.0.0.0/0`` or ``::/0``).

Only non-sensitive facts reach a message: addresses, types, actions, ports and CIDRs.
Sensitive or unknown policies are not analysed, nor ingress rules whose CIDRs, ports or protocol
are sensitive; marks are honoured down to the element (one ``inline_policy`` block, one
``ingress`` rule), as terraform marks them.
"""

from __future__ import annotations

import fnmatch
import functools

from pipeline_tools.core.records import FrozenRecord, Record
from pipeline_tools.plan.jsondiff import parse_json_string
from pipeline_tools.plan.masking import has_mark, sub_mark

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# Resource types whose deletion loses data, with a name a reviewer recognises.
STATEFUL_TYPES: dict[str, str] = {
    "aws_db_instance": "RDS instance",
    "aws_rds_cluster": "RDS cluster",
    "aws_rds_cluster_instance": "RDS cluster instance",
    "aws_rds_global_cluster": "RDS global cluster",
    "aws_docdb_cluster": "DocumentDB cluster",
    "aws_neptune_cluster": "Neptune cluster",
    "aws_redshift_cluster": "Redshift cluster",
    "aws_s3_bucket": "S3 bucket",
    "aws_s3_directory_bucket": "S3 directory bucket",
    "aws_dynamodb_table": "DynamoDB table",
    "aws_dynamodb_global_table": "DynamoDB global table",
    "aws_efs_file_system": "EFS file system",
    "aws_fsx_lustre_file_system": "FSx file system",
    "aws_fsx_windows_file_system": "FSx file system",
    "aws_fsx_ontap_file_system": "FSx file system",
    "aws_fsx_openzfs_file_system": "FSx file system",
    "aws_ebs_volume": "EBS volume",
    "aws_elasticache_cluster": "ElastiCache cluster",
    "aws_elasticache_replication_group": "ElastiCache replication group",
    "aws_elasticache_serverless_cache": "ElastiCache serverless cache",
    "aws_memorydb_cluster": "MemoryDB cluster",
    "aws_kms_key": "KMS key",
    "aws_kms_replica_key": "KMS replica key",
    "aws_secretsmanager_secret": "Secrets Manager secret",
    "aws_opensearch_domain": "OpenSearch domain",
    "aws_elasticsearch_domain": "Elasticsearch domain",
    "aws_kinesis_stream": "Kinesis stream",
    "aws_msk_cluster": "MSK cluster",
    "aws_sqs_queue": "SQS queue",
    "aws_ecr_repository": "ECR repository",
    "aws_cloudwatch_log_group": "CloudWatch log group",
    "aws_backup_vault": "Backup vault",
    "aws_timestreamwrite_table": "Timestream table",
    "aws_qldb_ledger": "QLDB ledger",
    "aws_cognito_user_pool": "Cognito user pool",
}

POLICY_ATTRIBUTES = ("policy", "assume_role_policy")  # also spelled out in _policy_flags
# KMS key policies always say ``"Resource": "*"`` (it means this key), and a new key's policy
# grants ``kms:*`` to its account and ``kms:GenerateDataKey*`` to services by design. Flagging
# that on every new key would teach reviewers to ignore risk flags, so for key policies only
# wildcard principals count on creation, and new actions and principals on update.
KEY_POLICY_TYPES = frozenset({"aws_kms_key", "aws_kms_replica_key", "aws_kms_key_policy"})
ADMIN_POLICY_SUFFIXES = ("/AdministratorAccess", "/PowerUserAccess", "/IAMFullAccess")
OPEN_CIDRS = frozenset({"0.0.0.0/0", "::/0"})
POLICY_ATTACHMENT_TYPES = frozenset({
    "aws_iam_role_policy_attachment", "aws_iam_user_policy_attachment",
    "aws_iam_group_policy_attachment", "aws_iam_policy_attachment",
})


class RiskFlag(FrozenRecord):
    """``kind`` is one of ``stateful-destroy``, ``iam-widened``, ``open-ingress``."""

    __slots__ = ("address", "kind", "message")
    kind: str
    address: str
    message: str

    def __init__(self, kind: str, address: str, message: str) -> None:
        object.__setattr__(self, "kind", kind)
        object.__setattr__(self, "address", address)
        object.__setattr__(self, "message", message)

    def to_json_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "address": self.address, "message": self.message}


def risk_flags_for(address: str, resource_type: str, mode: str, actions: tuple[str, ...],
                   change: dict[str, Any], replace_order: str | None) -> list[RiskFlag]:
    """Flags raised by one ``resource_changes`` entry (cheap for the common, harmless case)."""
    if mode != "managed" or actions == ("no-op",) or actions == ("forget",):
        return []
    flags: list[RiskFlag] = []
    label = STATEFUL_TYPES.get(resource_type)
    if label and "delete" in actions:
        if "create" in actions:
            how = "replaced (destroy first)" if replace_order == "destroy-first" else \
                "replaced (create first)"
            flags.append(RiskFlag(
                "stateful-destroy", address,
                f"{address} ({label}) will be {how}: the data it holds is not carried over"))
        else:
            flags.append(RiskFlag("stateful-destroy", address,
                                  f"{address} ({label}) will be destroyed with the data it holds"))
    if "create" in actions or "update" in actions:
        before = change.get("before")
        after = change.get("after")
        if not isinstance(before, dict):
            before = {}
        if not isinstance(after, dict):
            after = {}
        flags += _policy_flags(address, resource_type, before, after, change)
        if resource_type in _INGRESS_TYPES:
            flags += _ingress_flags(address, resource_type, before, after,
                                    change.get("before_sensitive"), change.get("after_sensitive"))
    return flags


# --- IAM -----------------------------------------------------------------------------------

def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _principals(value: Any) -> set[str]:
    if value == "*":
        return {"*"}
    if isinstance(value, dict):
        return {f"{kind}:{item}" if item != "*" else "*" for kind, items in value.items()
                for item in _as_list(items)}
    return {str(item) for item in _as_list(value)}


class _Grants(Record):
    __slots__ = ("actions", "principals", "resources", "wildcards")
    actions: set[str]
    resources: set[str]
    principals: set[str]
    wildcards: set[str]

    def __init__(self, actions: set[str], resources: set[str], principals: set[str],
                 wildcards: set[str]) -> None:
        self.actions = actions
        self.resources = resources
        self.principals = principals
        self.wildcards = wildcards


def _grants(documents: list[Any]) -> _Grants:
    grants = _Grants(set(), set(), set(), set())
    for document in documents:
        if not isinstance(document, dict):
            continue
        for statement in _as_list(document.get("Statement")):
            if not isinstance(statement, dict) or statement.get("Effect", "Allow") != "Allow":
                continue
            actions = {str(a) for a in _as_list(statement.get("Action"))}
            resources = {str(r) for r in _as_list(statement.get("Resource"))}
            principals = _principals(statement.get("Principal"))
            grants.actions |= actions
            grants.resources |= resources
            grants.principals |= principals
            grants.wildcards |= {f"Action {a}" for a in actions if "*" in a}
            grants.wildcards |= {f"Resource {r}" for r in resources if r == "*"}
            grants.wildcards |= {"Principal *" for p in principals if p == "*" or p.endswith(":*")}
            if "NotAction" in statement:
                grants.wildcards.add("NotAction (allows everything else)")
            if "NotResource" in statement:
                grants.wildcards.add("NotResource (allows everything else)")
    return grants


def _not_covered(new: set[str], old: set[str], *, fold_case: bool = False) -> list[str]:
    """Items of ``new`` that no pattern of ``old`` already grants (IAM ``*``/``?`` wildcards)."""
    def norm(text: str) -> str:
        return text.lower() if fold_case else text

    patterns = [norm(item) for item in old]
    # An item the old side grants word for word is covered (it matches itself as a pattern,
    # unless it holds "[", which fnmatch reads as a character class): no pattern walk for it.
    granted = set(patterns)
    return sorted(item for item in new
                  if not ((normed := norm(item)) in granted and "[" not in normed)
                  and not any(fnmatch.fnmatchcase(normed, pattern) for pattern in patterns))


def _policy_texts(values: dict[str, Any], sensitive: Any, unknown: Any) -> tuple[str, ...] | None:
    """The policy documents of one side as written (JSON text), or None when one is sensitive or
    not yet known."""
    texts: list[str] = []
    for key in POLICY_ATTRIBUTES:
        if has_mark(sub_mark(sensitive, key)) or has_mark(sub_mark(unknown, key)):
            return None
        text = values.get(key)
        if isinstance(text, str):
            texts.append(text)
    inline = values.get("inline_policy")
    if isinstance(inline, list):
        inline_sensitive = sub_mark(sensitive, "inline_policy")
        inline_unknown = sub_mark(unknown, "inline_policy")
        for index, item in enumerate(inline):
            # Terraform marks each block on its own ([{"policy": true}, {}]): one sensitive or
            # unknown block's policy makes the whole side unreadable, as a top-level mark does.
            item_sensitive = sub_mark(inline_sensitive, index)
            item_unknown = sub_mark(inline_unknown, index)
            if has_mark(sub_mark(item_sensitive, "policy")) or has_mark(sub_mark(item_unknown, "policy")):
                return None
            if isinstance(item, dict) and isinstance(item.get("policy"), str):
                texts.append(item["policy"])
    return tuple(texts)


def _policy_flags(address: str, resource_type: str, before: dict[str, Any], after: dict[str, Any],
                  change: dict[str, Any]) -> list[RiskFlag]:
    flags: list[RiskFlag] = []
    if resource_type in POLICY_ATTACHMENT_TYPES:
        arn = after.get("policy_arn")
        if (isinstance(arn, str) and arn.endswith(ADMIN_POLICY_SUFFIXES) and arn != before.get("policy_arn")
                and not sub_mark(change.get("after_sensitive"), "policy_arn")):
            flags.append(RiskFlag("iam-widened", address, f"{address} attaches {arn.rsplit('/', 1)[-1]}"))
        return flags
    # POLICY_ATTRIBUTES and inline_policy, spelled out rather than looped over: this runs for every
    # created or updated resource of a plan, and most hold no policy or leave it untouched.
    if "policy" not in after and "assume_role_policy" not in after and "inline_policy" not in after:
        return flags
    if (after.get("policy") == before.get("policy")
            and after.get("assume_role_policy") == before.get("assume_role_policy")
            and after.get("inline_policy") == before.get("inline_policy")):
        return flags  # policies untouched (the common case): nothing can widen
    after_texts = _policy_texts(after, change.get("after_sensitive"), change.get("after_unknown"))
    before_texts = _policy_texts(before, change.get("before_sensitive"), False)
    if not after_texts or before_texts is None:
        return flags
    widening = _policy_widening(resource_type in KEY_POLICY_TYPES, before_texts, after_texts)
    if widening:
        flags.append(RiskFlag("iam-widened", address, f"{address} {widening}"))
    return flags


@functools.lru_cache(maxsize=4096)
def _policy_widening(key_policy: bool, before_texts: tuple[str, ...], after_texts: tuple[str, ...]) -> str:
    """How the policies ``after_texts`` widen ``before_texts`` ("widens its policy: new actions
    ...", or "" when they do not). Cached: a big plan repeats one module's policies for each of
    its instances, and parsing and comparing them again for each would cost a tenth of the run."""
    after_docs = [doc for doc in map(parse_json_string, after_texts) if doc is not None]
    before_docs = [doc for doc in map(parse_json_string, before_texts) if doc is not None]
    if not after_docs:
        return ""
    new = _grants(after_docs)
    old = _grants(before_docs)
    details = []
    new_wildcards = sorted(new.wildcards - old.wildcards)
    if key_policy:
        new_wildcards = [w for w in new_wildcards if not w.startswith(("Resource ", "Action "))]
        new.resources = old.resources = set()
    if before_docs:
        actions = _not_covered(new.actions, old.actions, fold_case=True)
        resources = _not_covered(new.resources, old.resources)
        principals = [] if "*" in old.principals else sorted(new.principals - old.principals)
        if actions:
            details.append("new actions " + ", ".join(actions))
        if resources:
            details.append("new resources " + ", ".join(resources))
        if principals:
            details.append("new principals " + ", ".join(principals))
    if new_wildcards:
        details.append("wildcards " + ", ".join(new_wildcards))
    if not details:
        return ""
    verb = "widens its policy" if before_docs else "grants a policy with"
    return f"{verb}: " + "; ".join(details)


# --- security groups -----------------------------------------------------------------------

_RULE_FACTS = ("protocol", "ip_protocol", "from_port", "to_port")


def _readable(rule_mark: Any, keys: tuple[str, ...]) -> bool:
    """Whether none of the facts a flag would show (CIDRs, ports, protocol) is marked sensitive."""
    return not any(has_mark(sub_mark(rule_mark, key)) for key in (*keys, *_RULE_FACTS))


def _open_rules(resource_type: str, values: dict[str, Any], sensitive: Any = False) -> set[str]:
    rules: set[str] = set()
    if resource_type == "aws_security_group":
        ingress_mark = sub_mark(sensitive, "ingress")
        keys = ("cidr_blocks", "ipv6_cidr_blocks")
        for index, rule in enumerate(_as_list(values.get("ingress"))):
            if isinstance(rule, dict) and _readable(sub_mark(ingress_mark, index), keys):
                rules |= _open_cidrs(rule, keys)
    elif resource_type == "aws_security_group_rule" and values.get("type") == "ingress":
        if _readable(sensitive, ("cidr_blocks", "ipv6_cidr_blocks")):
            rules |= _open_cidrs(values, ("cidr_blocks", "ipv6_cidr_blocks"))
    elif resource_type == "aws_vpc_security_group_ingress_rule" and _readable(
            sensitive, ("cidr_ipv4", "cidr_ipv6")):
        rules |= _open_cidrs(values, ("cidr_ipv4", "cidr_ipv6"))
    return rules


def _open_cidrs(rule: dict[str, Any], keys: tuple[str, ...]) -> set[str]:
    protocol = str(rule.get("protocol", rule.get("ip_protocol", "")))
    from_port, to_port = rule.get("from_port"), rule.get("to_port")
    if protocol in ("-1", "all"):
        ports = "all ports"
    elif from_port == to_port:
        ports = f"{protocol} {from_port}"
    else:
        ports = f"{protocol} {from_port}-{to_port}"
    found = set()
    for key in keys:
        for cidr in _as_list(rule.get(key)):
            if cidr in OPEN_CIDRS:
                found.add(f"{ports} from {cidr}")
    return found


_INGRESS_TYPES = frozenset({"aws_security_group", "aws_security_group_rule",
                            "aws_vpc_security_group_ingress_rule"})


def _ingress_flags(address: str, resource_type: str, before: dict[str, Any],
                   after: dict[str, Any], before_sensitive: Any = False,
                   after_sensitive: Any = False) -> list[RiskFlag]:
    if resource_type not in ("aws_security_group", "aws_security_group_rule",
                             "aws_vpc_security_group_ingress_rule"):
        return []
    opened = sorted(_open_rules(resource_type, after, after_sensitive)
                    - _open_rules(resource_type, before, before_sensitive))
    if not opened:
        return []
    return [RiskFlag("open-ingress", address,
                     f"{address} opens ingress to the internet: " + ", ".join(opened))]
