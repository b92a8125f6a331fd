"""Where webhook URLs come from (docs/architecture.md):

- ``SLACK_WEBHOOK_URL`` / ``DISCORD_WEBHOOK_URL``: the URL itself (CLI, workflows);
- ``SLACK_WEBHOOK_SECRET_ID`` / ``DISCORD_WEBHOOK_SECRET_ID``: a Secrets Manager secret id whose
  value is the URL (or JSON with a ``url`` key), or ``ssm:<parameter name>`` for an SSM
  SecureString (the Lambda).

Every URL is registered with :func:`pipeline_tools.core.redaction.register_secret` as soon as it is read.
A channel whose URL cannot be read is skipped with a warning: chat must never fail a deploy.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any

from pipeline_tools.core.redaction import redact, register_secret

log = logging.getLogger("pipeline_tools.notify")

CHANNELS = ("slack", "discord")
_URL_VARIABLES = {"slack": "SLACK_WEBHOOK_URL", "discord": "DISCORD_WEBHOOK_URL"}
_SECRET_VARIABLES = {"slack": "SLACK_WEBHOOK_SECRET_ID", "discord": "DISCORD_WEBHOOK_SECRET_ID"}

# Warm Lambda invocations reuse what the first one read.
_cache: dict[str, str] = {}


def resolve(env: Mapping[str, str], clients: Any = None) -> dict[str, str]:
    """``{channel: url}`` for every configured channel whose URL could be read."""
    urls: dict[str, str] = {}
    for channel in CHANNELS:
        url = (env.get(_URL_VARIABLES[channel]) or "").strip()
        secret_id = (env.get(_SECRET_VARIABLES[channel]) or "").strip()
        if not url and secret_id:
            url = _read_secret(channel, secret_id, clients)
        if url:
            register_secret(url)
            problem = url_problem(url)
            if problem:
                # Never the URL itself, nor a part of it: the whole of it is the credential.
                log.warning("%s webhook: the configured URL %s; not notifying %s", channel, problem, channel)
                continue
            urls[channel] = url
    return urls


def refused_urls(env: Mapping[str, str]) -> dict[str, str]:
    """``{channel: why}`` for each channel whose URL variable is set but unusable (the reason
    names the variable, never the URL)."""
    refused = {}
    for channel in CHANNELS:
        url = (env.get(_URL_VARIABLES[channel]) or "").strip()
        problem = url_problem(url) if url else None
        if problem:
            refused[channel] = f"the webhook URL in {_URL_VARIABLES[channel]} {problem}"
    return refused


def url_problem(url: str) -> str | None:
    """Why ``url`` cannot be a webhook URL (None when it can), in words that do not quote it.

    A URL holding whitespace or control characters would make the HTTP library quote its path in
    an exception, in pieces that redaction of the whole URL would not recognise.
    """
    import re
    from urllib.parse import urlsplit

    if re.search(r"[\s\x00-\x1f\x7f-\x9f]", url):
        return "holds whitespace or control characters"
    try:
        parts = urlsplit(url)
    except ValueError:
        return "is not a URL"
    if parts.scheme not in ("https", "http") or not parts.hostname:
        return "is not an http(s) URL with a host"
    return None


def _read_secret(channel: str, secret_id: str, clients: Any) -> str:
    if secret_id in _cache:
        return _cache[secret_id]
    try:
        from botocore.exceptions import BotoCoreError, ClientError
    except ImportError:  # pragma: no cover - boto3 is a dependency and in the Lambda runtime
        log.warning("%s webhook: boto3 is not available to read %s", channel, secret_id)
        return ""
    try:
        if secret_id.startswith("ssm:"):
            client = _client(clients, "ssm")
            value = client.get_parameter(Name=secret_id[4:], WithDecryption=True)["Parameter"]["Value"]
        else:
            client = _client(clients, "secretsmanager")
            value = client.get_secret_value(SecretId=secret_id).get("SecretString") or ""
    except (BotoCoreError, ClientError, KeyError) as exc:
        log.warning("%s webhook: reading %s failed, not notifying %s: %s", channel, secret_id,
                    channel, redact(str(exc)))
        return ""
    url = _url_from_secret(value.strip())
    if not url:
        log.warning("%s webhook: %s holds no URL", channel, secret_id)
        return ""
    register_secret(url)
    _cache[secret_id] = url
    return url


def _url_from_secret(value: str) -> str:
    if value.startswith("{"):
        try:
            data = json.loads(value)
        except ValueError:
            return ""
        if isinstance(data, dict):
            for key in ("url", "webhook_url", "webhook"):
                if isinstance(data.get(key), str):
                    register_secret(data[key])
                    return data[key].strip()
        return ""
    register_secret(value)
    return value if value.startswith(("https://", "http://")) else ""


def _client(clients: Any, name: str) -> Any:
    if clients is not None:
        return clients.get(name)
    import boto3

    return boto3.client(name)


def clear_cache() -> None:
    _cache.clear()
