"""Record every AWS API request the emulator serves, for least-privilege checks.

Set ``PIPELINE_TOOLS_REQUEST_LOG=/path/file.jsonl`` in the emulator's environment
(``emulator.start(extra_env=...)``): ``moto_runner`` then wraps moto's WSGI application so each
request appends one JSON line: method, path, query, the signing service and region from the
Authorization header, ``X-Amz-Target``, the query-protocol ``Action`` and only the request
parameters that name IAM resources or roles being passed (role names, policy ARNs, boundary,
role ARNs of task definitions, functions, flow logs...) or the resources the deployer's scoped grants
name (ECS cluster, service, tasks and task-definition family; ECR repository; SSM parameter;
DynamoDB table; secret id), and whether a JSON request carries tags (their count, never their
values). Bodies are never written whole: they can hold secret values.

:mod:`pipeline_tools.iam.requests` turns the lines into IAM actions and resource ARNs.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import threading
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs

LOG_ENV = "PIPELINE_TOOLS_REQUEST_LOG"

# Parameters worth keeping: what IAM evaluation needs (resource names, boundary, passed roles).
KEPT_PARAMETERS = {
    "RoleName", "PolicyArn", "PolicyName", "Path", "PermissionsBoundary", "InstanceProfileName",
    "UserName", "GroupName", "OpenIDConnectProviderArn",
    # roles passed to services
    "taskRoleArn", "executionRoleArn", "Role", "DeliverLogsPermissionArn", "MonitoringRoleArn",
    "CloudWatchLogsRoleArn", "RoleArn", "roleArn", "ServiceRoleArn",
    # the resources of resource-scoped grants (the deployer's role): names, never values
    "cluster", "service", "family", "repositoryName", "TableName", "Name", "SecretId",
}
# The same, where the API takes a list of names (kept as a list of strings).
KEPT_LISTS = {"services", "tasks", "repositoryNames"}
# Top-level keys of a JSON request whose presence (tags on create) AWS authorizes separately.
TAG_KEYS = ("tags", "Tags")
_CREDENTIAL = re.compile(r"Credential=[^/]+/\d{8}/([^/]+)/([^/]+)/aws4_request")
_lock = threading.Lock()


def _kept_from_json(document: Any, found: dict[str, Any]) -> None:
    if isinstance(document, dict):
        for key, value in document.items():
            if key in KEPT_PARAMETERS and isinstance(value, str):
                found.setdefault(key, value)
            elif key in KEPT_LISTS and isinstance(value, list) and all(isinstance(v, str) for v in value):
                found.setdefault(key, list(value))
            else:
                _kept_from_json(value, found)
    elif isinstance(document, list):
        for item in document:
            _kept_from_json(item, found)


def summarize(environ: dict[str, Any], body: bytes) -> dict[str, Any]:
    """One request as a JSON-able record (pure but for the WSGI environ it reads)."""
    authorization = environ.get("HTTP_AUTHORIZATION", "")
    credential = _CREDENTIAL.search(authorization)
    record: dict[str, Any] = {
        "method": environ.get("REQUEST_METHOD", ""),
        "host": environ.get("HTTP_HOST", ""),
        "path": environ.get("PATH_INFO", ""),
        "query": environ.get("QUERY_STRING", ""),
        "region": credential.group(1) if credential else None,
        "service": credential.group(2) if credential else None,
        "target": environ.get("HTTP_X_AMZ_TARGET"),
        "params": {},
    }
    content_type = environ.get("CONTENT_TYPE", "")
    params: dict[str, Any] = {}
    query = parse_qs(record["query"])
    if "Action" in query:
        record["action"] = query["Action"][0]
    if body and "x-www-form-urlencoded" in content_type:
        form = parse_qs(body.decode(errors="replace"))
        if "Action" in form:
            record["action"] = form["Action"][0]
        for key, values in form.items():
            if key in KEPT_PARAMETERS:
                params[key] = values[0]
    elif body and ("json" in content_type or record["target"]):
        with contextlib.suppress(ValueError):
            document = json.loads(body)
            _kept_from_json(document, params)
            if isinstance(document, dict):
                tags = next((document[key] for key in TAG_KEYS if document.get(key)), None)
                if isinstance(tags, list | dict):
                    params["tags"] = str(len(tags))  # how many, never which
    record["params"] = params
    return record


def wrap(app: Callable[..., Iterable[bytes]], path: str) -> Callable[..., Iterable[bytes]]:
    """A WSGI application that logs each request to ``path``, then lets ``app`` serve it."""

    def recorded(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(body)
        statuses: list[str] = []

        def capture(status: str, headers: list[tuple[str, str]], *args: Any) -> Any:
            statuses.append(status)
            return start_response(status, headers, *args)

        result = app(environ, capture)
        record = summarize(environ, body)
        if not record["path"].startswith("/moto-api"):
            record["status"] = int(statuses[0].split()[0]) if statuses else None
            with _lock, open(path, "a", encoding="utf-8") as log:
                log.write(json.dumps(record) + "\n")
        return result

    return recorded


def install() -> bool:
    """Wrap moto's server application when the log variable is set; True if installed."""
    path = os.environ.get(LOG_ENV)
    if not path:
        return False
    from moto.moto_server import werkzeug_app

    original_call = werkzeug_app.DomainDispatcherApplication.__call__

    def call(self: Any, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        return wrap(lambda e, s: original_call(self, e, s), path)(environ, start_response)

    werkzeug_app.DomainDispatcherApplication.__call__ = call  # type: ignore[method-assign]
    return True
