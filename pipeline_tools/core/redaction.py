"""Process-wide redaction of secrets from anything the tool prints.

Adapters register every secret they handle (tokens, webhook URLs, sensitive plan values) with
:func:`register_secret`; the CLI's error handler and the loggers pass text through
:func:`redact` before it leaves the process. Registration is cheap and idempotent.

Two rules make redaction hold where plain string matching does not (docs/security.md):

- **Every encoding.** A secret is matched however the text around it was escaped on the way
  out: markdown backslashes (``\\_``), HTML entities (``&amp;``, ``&#34;``), JSON and Python
  escapes (``\\"``, ``\\u00e9``, ``\\r``), percent-encoding, and underscores shown as spaces
  (:func:`secret_pattern`). Callers still mask *before* escaping; this is what catches the
  escaped copies that slip through.
- **Every part of a URL.** A webhook URL that never reaches an error message whole (it holds a
  space or CRLF, or a receiver echoes just its path) is still a secret: the secret parts of any
  registered URL (user info, path, query) are registered too, and the shapes of Slack and Discord
  webhook paths and any URL's user info are masked wherever they appear (any URL's query too, in
  error text: :func:`redact_error`).

:func:`error_line` is the one way an ``error: ...`` line is made: redacted, control characters
(ANSI escapes, CR, LF, other C0/C1) neutralised, and cut to :data:`MAX_ERROR_CHARS`.
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Iterable
from urllib.parse import unquote

MASK = "***"
# Secrets shorter than this are not registered: masking "a" or "1" everywhere would garble
# output without protecting anything meaningful.
MIN_SECRET_LENGTH = 4
# An error line longer than this is cut (a 10 MB image tag must not become a 10 MB log line).
MAX_ERROR_CHARS = 500

_lock = threading.Lock()
_secrets: set[str] = set()
_pattern: _SecretPattern | None = None

# Credentials that have a recognisable shape are masked even when nobody registered them, and
# even when only a part of them is shown (an error quoting the request path, a receiver echoing
# it back). The first group of each alternative is kept; the rest is masked.
# (Every pattern of this module is compiled on first use: most commands never print an error, and
# compiling them all would cost each command's start-up a few milliseconds.)
@functools.cache
def _shaped_secrets() -> re.Pattern[str]:
    return re.compile(
        # Slack incoming webhooks: /services/T.../B.../<secret>, with or without the host.
        r"(/services/)T[A-Z0-9]{2,}/B[A-Z0-9]{2,}/[^\s\"'<>`]+"
        # Discord webhooks: /api/webhooks/<id>/<token> (also /api/v10/webhooks/...).
        r"|(/api/(?:v\d+/)?webhooks/)\d+/[^\s\"'<>`]+"
        r"|\b(gh[pousr]_)[A-Za-z0-9]{20,}"
        r"|\b(github_pat_)[A-Za-z0-9_]{20,}"
        # Any URL's user info: scheme://user:password@host.
        r"|(\b[A-Za-z][A-Za-z0-9+.-]*://)[^\s/@\"'<>`]+@"
    )


# In error text, any URL's query string too (https://host/hook?token=...): chat messages and
# reports keep theirs, a link's query is part of where it goes.
@functools.cache
def _url_query() -> re.Pattern[str]:
    return re.compile(r"(\b[A-Za-z][A-Za-z0-9+.-]*://[^\s?#\"'<>`]*\?)[^\s#\"'<>`]+")


def _keep_prefix(match: re.Match[str]) -> str:
    prefix = next(g for g in match.groups() if g)
    return prefix + MASK + ("@" if match.group(0).endswith("@") else "")


# --- matching a secret in any encoding ------------------------------------------------------

_NAMED_ENTITIES = {"&": "amp", "<": "lt", ">": "gt", '"': "quot", "'": "(?:apos|#x27|#39)"}
_CONTROL_ESCAPES = {"\n": "n", "\r": "r", "\t": "t", "\b": "b", "\f": "f"}


@functools.lru_cache(maxsize=4096)
def _char_pattern(char: str) -> str:
    """A regex matching ``char`` as any common escaping step may have written it."""
    if char.isascii() and char.isalnum():
        return char  # no escaping rewrites ASCII letters or digits
    code = ord(char)
    hex_code = f"{code:x}"
    forms = [re.escape(char)]
    if char == "_":
        forms.append(" ")  # "reason_code" shown as "reason code"
    if char in _NAMED_ENTITIES:
        forms.append(f"&(?:amp;){{0,3}}{_NAMED_ENTITIES[char]};")
    if char == "&":
        forms.append("&(?:amp;){1,3}")
    forms.append(f"&(?:amp;){{0,3}}#0*{code};")
    forms.append(f"(?i:&(?:amp;){{0,3}}#x0*{hex_code};)")
    if char in _CONTROL_ESCAPES:
        forms.append(f"\\\\{{1,8}}{_CONTROL_ESCAPES[char]}")
    if code < 0x100:
        forms.append(f"(?i:\\\\{{1,8}}x{code:02x})")
    if code < 0x10000:
        forms.append(f"(?i:\\\\{{1,8}}u{code:04x})")
    else:
        high = 0xD800 + ((code - 0x10000) >> 10)
        low = 0xDC00 + ((code - 0x10000) & 0x3FF)
        forms.append(f"(?i:\\\\{{1,8}}u{high:04x}\\\\{{1,8}}u{low:04x})")
        forms.append(f"(?i:\\\\{{1,8}}U{code:08x})")
    encoded = char.encode("utf-8", errors="surrogatepass")
    forms.append("(?i:" + "".join(f"%{byte:02x}" for byte in encoded) + ")")
    # A run of backslashes may precede a character: markdown escapes punctuation, JSON escapes
    # the backslash and quote, and text escaped twice (JSON of markdown) doubles them. Runs and
    # entity prefixes are bounded so that no input can make the match backtrack for long.
    return "\\\\{0,8}(?:" + "|".join(forms) + ")"


def _runs(secret: str) -> list[str]:
    """The runs of ASCII letters and digits in ``secret``, longest first: no escaping changes
    those (:func:`_char_pattern`), so text missing any of them cannot hold the secret in any
    encoding (cheap tests before the regex)."""
    return sorted(re.findall(r"[A-Za-z0-9]+", secret), key=len, reverse=True)


# Longest form one character of a secret can take in escaped text (a double-escaped numeric
# entity of an astral character, or a run of backslashes and a surrogate pair).
_MAX_CHAR_FORM = 40
# Texts shorter than this are matched whole; longer ones only around their anchors.
_WINDOWED_ABOVE = 16_384


class _OneSecret:
    """One secret's matcher, compiled once per process (registering another secret does not
    recompile the ones before it)."""

    def __init__(self, secret: str) -> None:
        self.secret = secret
        runs = _runs(secret)
        # The longest run, searched first and around which a long text is matched; the others
        # (two characters or more) must be in the text too. A secret such as "changed-secret-42"
        # has a common word for its anchor, found all over a plan summary ("changed_attributes"):
        # the other runs keep a 10 MB summary from being matched window by window for nothing.
        self.anchor = runs[0] if runs else ""
        self.other_runs = tuple(run for run in runs[1:] if len(run) >= 2)
        self.reach = _MAX_CHAR_FORM * len(secret)
        self._regex: re.Pattern[str] | None = None

    @property
    def regex(self) -> re.Pattern[str]:
        # Compiled on first use, not on registration: most secrets never turn up in any text,
        # and registering one sits on paths that are timed (a notification's deadline).
        if self._regex is None:
            self._regex = re.compile("".join(_char_pattern(c) for c in self.secret))
        return self._regex

    def sub(self, text: str, mask: str) -> str:
        if len(self.anchor) < 2:
            return self.regex.sub(mask, text)
        if self.anchor not in text:
            return text
        if len(text) <= _WINDOWED_ABOVE:
            return self.regex.sub(mask, text)
        for run in self.other_runs:
            if run not in text:
                return text
        return self._sub_near_anchor(text, mask)

    def _sub_near_anchor(self, text: str, mask: str) -> str:
        """:meth:`sub` for long texts: no escaping changes letters or digits, so every match
        holds the anchor; the regex runs only in windows around it (a 10 MB error body costs
        one substring search, not a regex step per character)."""
        windows: list[tuple[int, int]] = []
        start = text.find(self.anchor)
        while start != -1:
            begin, end = max(0, start - self.reach), min(len(text), start + len(self.anchor) + self.reach)
            if windows and begin <= windows[-1][1]:
                windows[-1] = (windows[-1][0], end)
            else:
                windows.append((begin, end))
            start = text.find(self.anchor, start + 1)
        pieces: list[str] = []
        done = 0
        for begin, end in windows:
            for match in self.regex.finditer(text, max(begin, done), end):
                pieces += [text[done:match.start()], mask]
                done = match.end()
        return "".join(pieces) + text[done:]


@functools.lru_cache(maxsize=1024)
def _one_secret(secret: str) -> _OneSecret:
    return _OneSecret(secret)


class _SecretPattern:
    """Secrets matched in every encoding, longest first (a secret holding another is masked
    whole)."""

    def __init__(self, secrets: Iterable[str]) -> None:
        self.matchers = [_one_secret(s) for s in sorted(set(secrets), key=lambda s: (-len(s), s))]
        self.reach = max((m.reach for m in self.matchers), default=0)

    def sub(self, text: str, mask: str = MASK) -> str:
        for matcher in self.matchers:
            text = matcher.sub(text, mask)
        return text


@functools.lru_cache(maxsize=32)
def _compiled(secrets: frozenset[str]) -> _SecretPattern:
    return _SecretPattern(secrets)


def secret_pattern(secrets: Iterable[str]) -> _SecretPattern:
    """A matcher of ``secrets`` in any common encoding; ``.sub(text)`` masks them."""
    return _compiled(frozenset(secrets))


# --- the registry ---------------------------------------------------------------------------

def secret_parts(value: str) -> set[str]:
    """``value`` and, for a URL, the parts of it that are secret on their own: user info, the
    path (a webhook's path is its credential), the query, and each piece of them between
    whitespace or control characters (a URL holding a CRLF is quoted in pieces)."""
    parts = {value}
    if "://" not in value:
        return parts
    # By hand, not urlsplit: urlsplit silently drops CR, LF and tabs, and the secret is the URL
    # as given (with them), since that is what an error message quotes.
    after_scheme = value.strip().split("://", 1)[1]
    cut = re.search(r"[/?#]", after_scheme)
    authority, rest = (after_scheme[:cut.start()], after_scheme[cut.start():]) if cut else (after_scheme, "")
    userinfo = authority.rpartition("@")[0]
    path, _, query = rest.partition("?")
    # user:password -> the password (a user name alone is no secret); token@ -> the token.
    candidates = [userinfo, userinfo.partition(":")[2] or userinfo] if userinfo else []
    if rest.strip("/"):
        candidates += [rest, path]
    if query:
        candidates.append(query)
    for candidate in list(candidates):
        candidates.append(unquote(candidate))
        # The pieces between whitespace or control characters, as a message may quote them one
        # by one; only long ones (a short piece is a common word, masking it would garble).
        parts.update(piece for piece in re.split(r"[\s\x00-\x1f\x7f-\x9f]+", candidate)
                     if len(piece) >= 2 * MIN_SECRET_LENGTH)
    parts.update(c for c in candidates if len(c.strip("/")) >= MIN_SECRET_LENGTH)
    return parts


def register_secret(value: str | None) -> None:
    """Remember ``value`` (and its secret parts, for a URL) so that :func:`redact` masks it."""
    global _pattern
    if not value or len(value) < MIN_SECRET_LENGTH:
        return
    new = {part for part in secret_parts(value) if len(part) >= MIN_SECRET_LENGTH} - _secrets
    if not new:
        return
    with _lock:
        _secrets.update(new)
        _pattern = _SecretPattern(_secrets)


# Text holding none of these cannot hold a shaped secret (a cheap test before the regex).
_SHAPE_HINTS = ("/services/", "webhooks/", "gh", "github_pat_", "://")


def redact(text: str) -> str:
    """Return ``text`` with every registered or recognisable secret masked, in any encoding."""
    pattern = _pattern
    if pattern is not None:
        text = pattern.sub(text)
    if not any(hint in text for hint in _SHAPE_HINTS):
        return text
    return _shaped_secrets().sub(_keep_prefix, text)


def redact_tree(value: object) -> object:
    """A copy of a JSON-like ``value`` with :func:`redact` applied to every string (keys too),
    for masking a document *before* it is encoded."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {redact(k) if isinstance(k, str) else k: redact_tree(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact_tree(item) for item in value]
    return value


def redact_error(text: str) -> str:
    """:func:`redact`, and any URL's query string masked: for error text, which has no use for
    one and may quote a webhook URL we never saw whole."""
    return _url_query().sub(lambda m: m.group(1) + MASK, redact(text))


def forget_all() -> None:
    """Clear the registry (tests use this between cases)."""
    global _pattern
    with _lock:
        _secrets.clear()
        _pattern = None


# --- error lines ----------------------------------------------------------------------------

# ANSI escape sequences (CSI, OSC and two-character ones), then any other C0/C1 control.
# An OSC without its terminator is not removed (it would swallow the rest of the text): its
# introducer is shown as \x9d / \x1b] like any other control character.
@functools.cache
def _ansi() -> re.Pattern[str]:
    return re.compile(r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]|(?:\x1b\]|\x9d)[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)"
                      r"|\x1b[@-Z\\-_]")


@functools.cache
def _control() -> re.Pattern[str]:
    return re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def neutralise_controls(text: str, *, strip_ansi: bool = True) -> str:
    """``text`` safe for one terminal or log line: ANSI escape sequences removed (or, without
    ``strip_ansi``, shown like the rest), line breaks and tabs turned into spaces, any other
    control character shown as ``\\xNN``."""
    if strip_ansi:
        text = _ansi().sub("", text)
    return _control().sub(lambda m: " " if m.group() in "\r\n\t\v\f\u2028\u2029"
                        else f"\\x{ord(m.group()):02x}", text)


def bounded(text: str, limit: int = MAX_ERROR_CHARS, *, dropped: int = 0) -> str:
    """``text`` cut to about ``limit`` characters, saying how much was cut (``dropped``: how much
    was cut before ``text`` was made)."""
    if len(text) <= limit and not dropped:
        return text
    return f"{text[:limit]}... [cut: {len(text[limit:]) + dropped} more characters]"


def error_line(message: str, limit: int = MAX_ERROR_CHARS) -> str:
    """The text after ``error: ``: redacted (before and after the line is flattened, so a secret
    holding a CRLF is caught either way), one line, no control characters, bounded.

    A huge message (a 10 MB image tag) is first cut to a window well beyond what is shown; the
    window is redacted whole and then loses its last ``margin`` characters, where a secret cut in
    half by the window could sit."""
    dropped = 0
    window = 8 * limit
    pattern = _pattern
    margin = max(1000, pattern.reach if pattern is not None else 0)
    if len(message) > window + 2 * margin:
        head = redact_error(message[: window + margin])[:-margin]
        dropped = len(message) - window
        message = head
    text = redact_error(message)
    text = " ".join(neutralise_controls(text).split())
    return bounded(redact_error(text), limit, dropped=dropped) or "unknown error"
