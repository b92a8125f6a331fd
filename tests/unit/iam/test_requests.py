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
