"""A failed plan in the sticky comment: the last lines of terraform's error, secrets masked (pure
apart from reading the environment for secrets to mask).

Masking comes first, escaping after (a mask applied to escaped text can be defeated by the
escaping): the text is redacted with :func:`pipeline_tools.core.redaction.redact`, after registering the
secret-bearing variables a plan job has (``TF_VAR_*``, AWS credentials, tokens, the fingerprint key)
and AWS access key ids by their shape; only then is it put in a code block that nothing can close.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping

TAIL_LINES = 25
TAIL_CHARS = 4_000
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07")
_ACCESS_KEY = re.compile(r"\b(?:AKIA|ASIA)[A-Z0-9]{16}\b")
_SECRET_VARIABLES = ("AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "GITHUB_TOKEN", "GH_TOKEN",
                     "PIPELINE_TOOLS_FINGERPRINT_KEY", "SLACK_WEBHOOK_URL", "DISCORD_WEBHOOK_URL")


def register_environment_secrets(environ: Mapping[str, str] | None = None) -> None:
    from pipeline_tools.core.redaction import register_secret

    env = os.environ if environ is None else environ
    for name, value in env.items():
        if name.startswith("TF_VAR_") or name in _SECRET_VARIABLES:
            register_secret(value)


def error_tail(log: str, *, lines: int = TAIL_LINES, max_chars: int = TAIL_CHARS) -> str:
    """The last ``lines`` lines of terraform's output from its first ``Error:`` on, masked."""
    from pipeline_tools.core.redaction import redact

    register_environment_secrets()
    text = _ANSI.sub("", log.replace("\r\n", "\n"))
    text = "".join(ch for ch in text if ch == "\n" or ch == "\t" or ch >= " ")
    text = redact(_ACCESS_KEY.sub("***", text))
    all_lines = [line.rstrip() for line in text.splitlines()]
    start = next((i for i, line in enumerate(all_lines) if "Error:" in line), 0)
    tail = [line for line in all_lines[start:] if line][-lines:] or ["(terraform printed nothing)"]
    joined = "\n".join(tail)
    if len(joined) > max_chars:
        joined = "…" + joined[-(max_chars - 1):]
    return joined


def failed_section(env: str, tail: str, max_chars: int) -> str:
    """The comment section of a failed plan, at most ``max_chars`` characters."""
    fence = "````"
    while fence in tail:
        fence += "`"
    head = f"### :x: Terraform plan for `{env}` failed\n\nThe last lines terraform printed:\n\n"
    room = max_chars - len(head) - 2 * len(fence) - 2
    body = tail if len(tail) <= room else "…" + tail[-max(room - 1, 0):]
    if room < 20:
        return f"**`{env}`**: :x: the plan failed; see the run's log."[:max_chars]
    return f"{head}{fence}\n{body}\n{fence}"
