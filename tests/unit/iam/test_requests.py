"""Recorded emulator requests (lines as pipeline_tools.local.request_recorder writes them, taken
from a real recording of bootstrap + dev) -> IAM actions, resources and context."""

from __future__ import annotations

import io

from pipeline_tools.iam.requests import Translator, rest_operation
from pipeline_tools.local.request_recorder import summarize

ACCOUNT = "123456789012"
BOUNDARY = f"arn:aws:iam::{ACCOUNT}:policy/platform-boundaries/platform-dev-permissions-boundary"


def record(**fields) -> dict:
    return {
        "method": "POST",
        "path": "/",
        "query": "",
        "service": "iam",
        "target": None,
        "params": {},
        "status": 200,
        **fields,
    }


def test_query_protocol_iam_calls_carry_resource_and_boundary():
    translator = Translator(ACCOUNT)
    create = translator.calls(
        record(
            action="CreateRole",
            params={"Path": "/", "PermissionsBoundary": BOUNDARY, "RoleName": "platform-dev-api-task"},
        )
    )
    assert [(c.request.action, c.request.resource, dict(c.request.context)) for c in create] == [
        (
            "iam:CreateRole",
            f"arn:aws:iam::{ACCOUNT}:role/platform-dev-api-task",
            {"iam:PermissionsBoundary": BOUNDARY},
        )
    ]
    # Later calls on that role carry the boundary it was created with.
    attach = translator.calls(
        record(
            action="AttachRolePolicy",
            params={
                "RoleName": "platform-dev-api-task",
                "PolicyArn": f"arn:aws:iam::{ACCOUNT}:policy/platform-dev-send",
            },
        )
    )
    assert dict(attach[0].request.context) == {
        "iam:PermissionsBoundary": BOUNDARY,
        "iam:PolicyARN": f"arn:aws:iam::{ACCOUNT}:policy/platform-dev-send",
    }
    assert translator.calls(record(action="GetCallerIdentity", service="sts")) == []


def test_a_role_handed_to_a_service_is_an_implicit_passrole():
    calls = Translator(ACCOUNT).calls(
        record(
            service="ec2",
            action="CreateFlowLogs",
            params={"DeliverLogsPermissionArn": f"arn:aws:iam::{ACCOUNT}:role/platform-dev-vpc-flow-logs"},
        )
    )
    assert [(c.request.action, c.implicit) for c in calls] == [
        ("ec2:CreateFlowLogs", False),
        ("iam:PassRole", True),
    ]
    assert calls[1].request.context == {"iam:PassedToService": "vpc-flow-logs.amazonaws.com"}
    ecs = Translator(ACCOUNT).calls(
        record(
            service="ecs",
            target="AmazonEC2ContainerServiceV20141113.RegisterTaskDefinition",
            params={"taskRoleArn": f"arn:aws:iam::{ACCOUNT}:role/platform-dev-api-task"},
        )
    )
    assert [c.request.action for c in ecs] == ["ecs:RegisterTaskDefinition", "iam:PassRole"]


def test_rest_operations_are_named_as_iam_authorizes_them():
    translator = Translator(ACCOUNT)
    head = translator.calls(
        record(service="s3", method="HEAD", path="/platform-tfstate-123456789012/dev/terraform.tfstate")
    )
    assert [(c.request.action, c.request.resource) for c in head] == [
        ("s3:GetObject", "arn:aws:s3:::platform-tfstate-123456789012/dev/terraform.tfstate")
    ]
    listing = translator.calls(
        record(
            service="s3",
            method="GET",
            path="/platform-tfstate-123456789012",
            query="list-type=2&max-keys=1000&prefix=env%3A%2F",
        )
    )
    assert [(c.request.action, c.request.resource) for c in listing] == [
        ("s3:ListBucket", "arn:aws:s3:::platform-tfstate-123456789012")
    ]
    assert rest_operation("s3", "GET", "/bucket", "versioning=") == "GetBucketVersioning"
    # Same URI: a required query member tells them apart (the lock file's DELETE is DeleteObject).
    assert rest_operation("s3", "DELETE", "/bucket/dev/terraform.tfstate.tflock", "") == "DeleteObject"
    assert rest_operation("s3", "DELETE", "/bucket/key", "uploadId=abc") == "AbortMultipartUpload"
    assert rest_operation("lambda", "GET", "/2015-03-31/functions/platform-dev-deployer", "") == "GetFunction"


def test_the_recorder_keeps_only_the_parameters_iam_needs():
    body = b"Action=PutSecretValue&SecretString=hunter2&RoleName=platform-dev-x"
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/",
        "QUERY_STRING": "",
        "CONTENT_TYPE": "application/x-www-form-urlencoded; charset=utf-8",
        "HTTP_AUTHORIZATION": "AWS4-HMAC-SHA256 Credential=AKID/20261206/us-east-1/iam/aws4_request, ...",
        "wsgi.input": io.BytesIO(body),
    }
    summary = summarize(environ, body)
    assert summary["service"] == "iam" and summary["action"] == "PutSecretValue"
    assert summary["params"] == {"RoleName": "platform-dev-x"}
    assert "hunter2" not in repr(summary)


def test_deployer_calls_name_the_resources_its_scoped_grants_need():
    ecs = f"arn:aws:ecs:us-east-1:{ACCOUNT}"

    def calls(api: str, operation: str, **params) -> list[tuple[str, str, dict]]:
        target = {"ecs": "AmazonEC2ContainerServiceV20141113", "ecr": "AmazonEC2ContainerRegistry_V20150921",
                  "ssm": "AmazonSSM", "dynamodb": "DynamoDB_20120810", "secretsmanager": "secretsmanager"}
        translated = Translator(ACCOUNT).calls(record(service=api, region="us-east-1",
                                                      target=f"{target[api]}.{operation}", params=params))
        return [(c.request.action, c.request.resource, dict(c.request.context)) for c in translated]

    assert calls("ecs", "DescribeServices", cluster="platform-dev", services=["api", "admin"]) == [
        ("ecs:DescribeServices", f"{ecs}:service/platform-dev/api", {}),
        ("ecs:DescribeServices", f"{ecs}:service/platform-dev/admin", {}),
    ]
    assert calls("ecs", "UpdateService", cluster=f"{ecs}:cluster/platform-dev", service="api") == [
        ("ecs:UpdateService", f"{ecs}:service/platform-dev/api", {})]
    assert calls("ecs", "ListTasks", cluster="platform-dev") == [
        ("ecs:ListTasks", f"{ecs}:container-instance/platform-dev/*",
         {"ecs:cluster": f"{ecs}:cluster/platform-dev"})]
    assert calls("ecs", "DescribeTasks", cluster="platform-dev", tasks=["abc"]) == [
        ("ecs:DescribeTasks", f"{ecs}:task/platform-dev/abc", {})]
    # Tags on a new revision: AWS also authorizes ecs:TagResource, with the creating action.
    assert calls("ecs", "RegisterTaskDefinition", family="platform-dev-api", tags="1") == [
        ("ecs:RegisterTaskDefinition", "*", {}),
        ("ecs:TagResource", f"{ecs}:task-definition/platform-dev-api",
         {"ecs:CreateAction": "RegisterTaskDefinition"}),
    ]
    assert calls("ecs", "RegisterTaskDefinition", family="platform-dev-api") == [
        ("ecs:RegisterTaskDefinition", "*", {})]
    assert calls("ecr", "DescribeRepositories", repositoryNames=["platform/api"]) == [
        ("ecr:DescribeRepositories", f"arn:aws:ecr:us-east-1:{ACCOUNT}:repository/platform/api", {})]
    assert calls("ssm", "GetParameter", Name="/pipeline-tools/dev/deploy-targets") == [
        ("ssm:GetParameter",
         f"arn:aws:ssm:us-east-1:{ACCOUNT}:parameter/pipeline-tools/dev/deploy-targets", {})]
    assert calls("dynamodb", "PutItem", TableName="platform-dev-deployer-locks") == [
        ("dynamodb:PutItem", f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/platform-dev-deployer-locks", {})]
    assert calls("secretsmanager", "GetSecretValue", SecretId="platform/dev/slack") == [
        ("secretsmanager:GetSecretValue",
         f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:platform/dev/slack-XXXXXX", {})]
    # A record that kept no names (recorded before they were kept) stays account-wide.
    assert calls("ecs", "DescribeServices") == [("ecs:DescribeServices", "*", {})]


def test_the_recorder_keeps_resource_names_and_only_the_count_of_tags():
    body = (b'{"family": "platform-dev-api",'
            b' "taskRoleArn": "arn:aws:iam::123456789012:role/platform-dev-api-task",'
            b' "containerDefinitions": [{"name": "api", "secrets": [{"name": "DB", "valueFrom": "s3cr3t"}]}],'
            b' "tags": [{"key": "team", "value": "platform"}]}')
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/",
        "QUERY_STRING": "",
        "CONTENT_TYPE": "application/x-amz-json-1.1",
        "HTTP_X_AMZ_TARGET": "AmazonEC2ContainerServiceV20141113.RegisterTaskDefinition",
        "HTTP_AUTHORIZATION": "AWS4-HMAC-SHA256 Credential=AKID/20261206/us-east-1/ecs/aws4_request, ...",
        "wsgi.input": io.BytesIO(body),
    }
    summary = summarize(environ, body)
    assert summary["params"] == {"family": "platform-dev-api", "tags": "1",
                                 "taskRoleArn": "arn:aws:iam::123456789012:role/platform-dev-api-task"}
    assert "s3cr3t" not in repr(summary) and "team" not in repr(summary)
    described = b'{"cluster": "platform-dev", "services": ["api"]}'
    environ.update(HTTP_X_AMZ_TARGET="AmazonEC2ContainerServiceV20141113.DescribeServices",
                   CONTENT_LENGTH=str(len(described)))
    assert summarize(environ, described)["params"] == {"cluster": "platform-dev", "services": ["api"]}
