"""Process-wide redaction of secrets from anything the tool prints.

Adapters register every secret they handle (tokens, webhook URLs, sensitive plan values) with
:func:`register_secret`; the CLI's error handler and the loggers pass text through
:func:`redact` before it leaves the process. Registration is cheap and idempotent.
"""

from __future__ import annotations

import re
import threading

MASK = "***"
# Secrets shorter than this are not registered: masking "a" or "1" everywhere would garble
# output without protecting anything meaningful.
MIN_SECRET_LENGTH = 4

_lock = threading.Lock()
_secrets: set[str] = set()
_pattern: re.Pattern[str] | None = None

# Credentials that have a recognisable shape are masked even when nobody registered them.
_SHAPED_SECRETS = re.compile(
    r"(https://hooks\.slack\.com/services/)[^\s\"'<>]+"
    r"|(https://(?:ptb\.|canary\.)?discord(?:app)?\.com/api/webhooks/)[^\s\"'<>]+"
    r"|\b(gh[pousr]_)[A-Za-z0-9]{20,}"
    r"|\b(github_pat_)[A-Za-z0-9_]{20,}"
)


def register_secret(value: str | None) -> None:
    """Remember ``value`` so that :func:`redact` masks it from now on."""
    global _pattern
    if not value or len(value) < MIN_SECRET_LENGTH:
        return
    with _lock:
        if value in _secrets:
            return
        _secrets.add(value)
        # Longest first so that a secret containing another is masked whole.
        ordered = sorted(_secrets, key=len, reverse=True)
        _pattern = re.compile("|".join(re.escape(s) for s in ordered))


def redact(text: str) -> str:
    """Return ``text`` with every registered or recognisable secret masked."""
    pattern = _pattern
    if pattern is not None:
        text = pattern.sub(MASK, text)
    return _SHAPED_SECRETS.sub(lambda m: next(g for g in m.groups() if g) + MASK, text)


def forget_all() -> None:
    """Clear the registry (tests use this between cases)."""
    global _pattern
    with _lock:
        _secrets.clear()
        _pattern = None
