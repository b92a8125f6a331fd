"""Recorded emulator requests -> the IAM requests AWS would authorize (pure but for botocore's
service models, which name REST operations).

Each record of :mod:`pipeline_tools.local.request_recorder` becomes the IAM action (the API
operation under the service's IAM prefix, with the documented exceptions such as S3's
``ListObjectsV2`` -> ``s3:ListBucket``), the resource ARN where the evaluation depends on it
(IAM roles, policies, instance profiles; S3 buckets and objects; ECS services, tasks and clusters,
ECR repositories, SSM parameters, DynamoDB tables and secrets when the record names them, which
the deployer's resource-scoped grants need; ``*`` elsewhere, where the roles' grants are
account-wide), the request context (``iam:PermissionsBoundary``, ``iam:PolicyARN``,
``ecs:cluster``), and the checks AWS makes although no API call of that name is made: an
``iam:PassRole`` for every role handed to a service (``iam:PassedToService``), and
``ecs:TagResource`` (``ecs:CreateAction``) for an ECS resource created with tags.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from pipeline_tools.iam.evaluate import Request

# Signing name (Authorization header) -> IAM action prefix, where they differ.
IAM_PREFIX = {"monitoring": "cloudwatch", "email": "ses"}
# Signing name -> botocore service name, where they differ.
BOTOCORE_NAME = {"monitoring": "cloudwatch", "email": "ses", "elasticloadbalancing": "elbv2"}

# Operation -> IAM action, where AWS authorizes an operation under another action's name.
ACTION_FOR_OPERATION = {
    ("s3", "ListObjects"): "s3:ListBucket",
    ("s3", "ListObjectsV2"): "s3:ListBucket",
    ("s3", "HeadBucket"): "s3:ListBucket",
    ("s3", "HeadObject"): "s3:GetObject",
    ("s3", "ListObjectVersions"): "s3:ListBucketVersions",
    ("s3", "DeleteObjects"): "s3:DeleteObject",
    ("s3", "GetBucketLifecycleConfiguration"): "s3:GetLifecycleConfiguration",
    ("s3", "PutBucketLifecycleConfiguration"): "s3:PutLifecycleConfiguration",
    ("s3", "GetBucketEncryption"): "s3:GetEncryptionConfiguration",
    ("s3", "PutBucketEncryption"): "s3:PutEncryptionConfiguration",
    ("s3", "GetPublicAccessBlock"): "s3:GetBucketPublicAccessBlock",
    ("s3", "PutPublicAccessBlock"): "s3:PutBucketPublicAccessBlock",
    ("s3", "DeletePublicAccessBlock"): "s3:PutBucketPublicAccessBlock",
    ("s3", "GetBucketLogging"): "s3:GetBucketLogging",
    ("s3", "PutBucketLogging"): "s3:PutBucketLogging",
    ("s3", "GetBucketReplication"): "s3:GetReplicationConfiguration",
    ("s3", "GetBucketAccelerateConfiguration"): "s3:GetAccelerateConfiguration",
    ("s3", "GetBucketRequestPayment"): "s3:GetBucketRequestPayment",
    ("s3", "GetObjectLockConfiguration"): "s3:GetBucketObjectLockConfiguration",
    ("s3", "GetBucketNotificationConfiguration"): "s3:GetBucketNotification",
    ("s3", "PutBucketNotificationConfiguration"): "s3:PutBucketNotification",
    ("s3", "DeleteBucketPolicy"): "s3:DeleteBucketPolicy",
    ("s3", "GetBucketOwnershipControls"): "s3:GetBucketOwnershipControls",
    ("s3", "DeleteBucketLifecycle"): "s3:PutLifecycleConfiguration",
    ("s3", "DeleteBucketEncryption"): "s3:PutEncryptionConfiguration",
    ("s3", "GetBucketTagging"): "s3:GetBucketTagging",
    ("s3", "DeleteBucketTagging"): "s3:PutBucketTagging",
    ("s3", "GetBucketLifecycle"): "s3:GetLifecycleConfiguration",
    ("s3", "PutBucketLifecycle"): "s3:PutLifecycleConfiguration",
    # PUT /{Bucket}/{Key+} is PutObject or CopyObject (a header tells them apart): both write.
    ("s3", "CopyObject"): "s3:PutObject",
}
# Calls that need no permission at all.
UNAUTHORIZED_ACTIONS = {"sts:GetCallerIdentity"}

# (service, parameter) -> the service a role named in that parameter is passed to.
PASSED_TO = {
    ("ecs", "taskRoleArn"): "ecs-tasks.amazonaws.com",
    ("ecs", "executionRoleArn"): "ecs-tasks.amazonaws.com",
    ("lambda", "Role"): "lambda.amazonaws.com",
    ("ec2", "DeliverLogsPermissionArn"): "vpc-flow-logs.amazonaws.com",
    ("rds", "MonitoringRoleArn"): "monitoring.rds.amazonaws.com",
    ("rds", "RoleArn"): "rds.amazonaws.com",
    ("cloudtrail", "CloudWatchLogsRoleArn"): "cloudtrail.amazonaws.com",
    ("events", "RoleArn"): "events.amazonaws.com",
}
_ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:role/")


@dataclass(frozen=True)
class Call:
    """One IAM-authorized request derived from a recorded API call."""

    request: Request
    operation: str  # the API operation as recorded, e.g. "s3 ListObjectsV2"
    implicit: bool = False  # iam:PassRole: checked by AWS, not an API call of its own


@lru_cache(maxsize=64)
def _rest_operations(service: str) -> list[tuple[str, re.Pattern[str], tuple[str, ...], str, int]]:
    """(method, path regex, required query tokens, operation, specificity) of a REST service."""
    from botocore.exceptions import UnknownServiceError
    from botocore.loaders import Loader

    try:
        model = Loader().load_service_model(BOTOCORE_NAME.get(service, service), "service-2")
    except UnknownServiceError:
        return []
    operations = []
    for name, operation in model.get("operations", {}).items():
        http = operation.get("http", {})
        uri = http.get("requestUri", "/")
        path, _, query = uri.partition("?")
        regex = re.escape(path)
        regex = re.sub(r"\\\{[A-Za-z0-9_]+\\\+\\\}", "(.+)", regex)
        regex = re.sub(r"\\\{[A-Za-z0-9_]+\\\}", "([^/]+)", regex)
        tokens = tuple(token for token in query.split("&") if token)
        # Required query-string members (S3 AbortMultipartUpload's uploadId) tell apart operations
        # that share a URI (DeleteObject).
        shape = model.get("shapes", {}).get((operation.get("input") or {}).get("shape", ""), {})
        tokens += tuple(
            member.get("locationName", name_)
            for name_, member in shape.get("members", {}).items()
            if member.get("location") == "querystring" and name_ in shape.get("required", [])
        )
        literal = len(re.sub(r"\{[^}]+\}", "", path))
        specificity = literal * 10 + len(tokens)
        operations.append((http.get("method", "POST"), re.compile(regex + "/?"), tokens, name, specificity))
    return operations


def _query_tokens(query: str) -> set[str]:
    tokens = set()
    for part in query.split("&"):
        if part:
            tokens.add(part)
            tokens.add(part.split("=", 1)[0])
    return tokens


def rest_operation(service: str, method: str, path: str, query: str) -> str | None:
    """The REST operation of a request (method, path, query) per botocore's model."""
    present = _query_tokens(query)
    best: tuple[int, str] | None = None
    for op_method, regex, tokens, name, specificity in _rest_operations(service):
        if op_method != method or not regex.fullmatch(path):
            continue
        if all(token in present for token in tokens) and (best is None or specificity > best[0]):
            best = (specificity, name)
    return best[1] if best else None


def _iam_resource(operation: str, params: Mapping[str, str], account: str) -> str:
    base = f"arn:aws:iam::{account}"
    path = params.get("Path") or "/"
    if "RoleName" in params:
        return f"{base}:role{path if operation == 'CreateRole' else '/'}{params['RoleName']}"
    if "InstanceProfileName" in params:
        return f"{base}:instance-profile/{params['InstanceProfileName']}"
    if "UserName" in params:
        return f"{base}:user/{params['UserName']}"
    if "PolicyArn" in params:
        return params["PolicyArn"]
    if operation == "CreatePolicy" and "PolicyName" in params:
        return f"{base}:policy{path}{params['PolicyName']}"
    if "OpenIDConnectProviderArn" in params:
        return params["OpenIDConnectProviderArn"]
    return "*"


def _name(value: str) -> str:
    """The name at the end of a name-or-ARN parameter (``cluster``, ``service``)."""
    return value.rsplit("/", 1)[-1] if value.startswith("arn:") else value


def _scoped_resources(prefix: str, operation: str, params: Mapping[str, Any], region: str,
                      account: str) -> tuple[list[str], dict[str, str]] | None:
    """The resource ARN(s) and context of a call to a service whose grants can be resource-scoped,
    from the names the record kept; None when it kept none (the call is authorized against ``*``)."""
    base = f"arn:aws:{prefix}:{region}:{account}"
    names: list[str]
    if prefix == "ecs":
        if "cluster" not in params and not {"service", "services", "tasks"} & set(params):
            return None
        cluster = _name(str(params.get("cluster") or "default"))
        if operation in ("DescribeServices", "UpdateService", "DeleteService"):
            names = list(params.get("services") or [params.get("service") or ""])
            return [f"{base}:service/{cluster}/{_name(n)}" for n in names if n], {}
        if operation == "ListTasks":
            return [f"{base}:container-instance/{cluster}/*"], {"ecs:cluster": f"{base}:cluster/{cluster}"}
        if operation in ("DescribeTasks", "StopTask"):
            names = list(params.get("tasks") or [])
            return [n if n.startswith("arn:") else f"{base}:task/{cluster}/{n}" for n in names], {}
        if operation in ("DescribeClusters", "ListServices") and "cluster" in params:
            return [f"{base}:cluster/{cluster}"], {}
        return None
    if prefix == "ecr":
        single = [params["repositoryName"]] if "repositoryName" in params else []
        names = list(params.get("repositoryNames") or single)
        return ([f"{base}:repository/{n}" for n in names], {}) if names else None
    if prefix == "ssm" and "Name" in params:
        return [f"{base}:parameter/{str(params['Name']).lstrip('/')}"], {}
    if prefix == "dynamodb" and "TableName" in params:
        return [f"{base}:table/{params['TableName']}"], {}
    if prefix == "secretsmanager" and "SecretId" in params:
        secret = str(params["SecretId"])
        # A name resolves to the secret's ARN, which ends in 6 random characters the record does
        # not know: any 6 stand for them (grants name a secret as `NAME-??????`).
        return [secret if secret.startswith("arn:") else f"{base}:secret:{secret}-XXXXXX"], {}
    return None


@dataclass
class Translator:
    """Stateful across a log: remembers each role's boundary from its CreateRole."""

    account: str
    role_boundaries: dict[str, str] = field(default_factory=dict)

    def calls(self, record: Mapping[str, Any]) -> list[Call]:
        service = record.get("service") or ""
        if not service:
            return []
        operation = record.get("action")
        if not operation and record.get("target"):
            operation = str(record["target"]).rsplit(".", 1)[-1]
        if not operation:
            operation = rest_operation(service, record["method"], record["path"], record.get("query", ""))
        if not operation:
            return []
        prefix = IAM_PREFIX.get(service, service)
        action = ACTION_FOR_OPERATION.get((prefix, operation), f"{prefix}:{operation}")
        if action in UNAUTHORIZED_ACTIONS:
            return []
        params: Mapping[str, Any] = record.get("params") or {}
        context: dict[str, str] = {}
        resource = "*"
        resources: list[str] | None = None
        if prefix == "iam":
            resource = _iam_resource(operation, params, self.account)
            role = params.get("RoleName")
            sets_boundary = operation in ("CreateRole", "PutRolePermissionsBoundary")
            if sets_boundary and params.get("PermissionsBoundary"):
                context["iam:PermissionsBoundary"] = params["PermissionsBoundary"]
                if role and record.get("status", 200) < 300:
                    self.role_boundaries[role] = params["PermissionsBoundary"]
            elif role and role in self.role_boundaries:
                context["iam:PermissionsBoundary"] = self.role_boundaries[role]
            if operation == "DeleteRolePermissionsBoundary" and role:
                self.role_boundaries.pop(role, None)
            if "PolicyArn" in params and role:
                context["iam:PolicyARN"] = params["PolicyArn"]
        elif prefix == "s3":
            parts = record["path"].lstrip("/").split("/", 1)
            if parts and parts[0]:
                key = parts[1] if len(parts) > 1 else ""
                resource = f"arn:aws:s3:::{parts[0]}" + (f"/{key}" if key else "")
        else:
            scoped = _scoped_resources(prefix, operation, params, str(record.get("region") or "us-east-1"),
                                       self.account)
            if scoped is not None:
                resources, scoped_context = scoped
                context.update(scoped_context)
        label = f"{service} {operation}"
        calls = [Call(Request(action, item, context), label) for item in (resources or [resource])]
        if prefix == "ecs" and operation == "RegisterTaskDefinition" and params.get("tags"):
            region = str(record.get("region") or "us-east-1")
            family = str(params.get("family") or "*")
            calls.append(Call(Request("ecs:TagResource",
                                      f"arn:aws:ecs:{region}:{self.account}:task-definition/{family}",
                                      {"ecs:CreateAction": "RegisterTaskDefinition"}),
                              f"{label} (tags)", implicit=True))
        for parameter, value in params.items():
            passed_to = PASSED_TO.get((service, parameter))
            if passed_to and isinstance(value, str) and _ROLE_ARN.match(value):
                calls.append(Call(Request("iam:PassRole", value, {"iam:PassedToService": passed_to}),
                                  f"{label} ({parameter})", implicit=True))
        return calls


def translate(records: Iterable[Mapping[str, Any]], account: str) -> list[Call]:
    translator = Translator(account)
    return [call for record in records for call in translator.calls(record)]
