"""The hidden marker of the plan comment, its parser, and which of two comments is newer.

The comment's first line is an HTML comment, invisible on GitHub::

    <!-- pipeline-tools:plan-comment v=1 sha=<commit> run=<run key> env:dev=sha256:<hex> env:prod=- -->

* ``sha``: the commit the plans were made for;
* ``run``: an ordering key, dot-separated integers (``<GITHUB_RUN_ID>.<GITHUB_RUN_ATTEMPT>``);
  later runs have larger keys. ``-`` when unknown;
* ``env:<name>``: each environment's plan fingerprint (:mod:`pipeline_tools.plan.fingerprint`),
  ``-`` when none was recorded. The apply workflow reads them back with
  :func:`parse_comment_markers` and applies only a plan with the same fingerprint.

Values are percent-encoded (``urllib.parse.quote``) so that nothing in them can end the HTML
comment; environment names are restricted to ``[A-Za-z0-9][A-Za-z0-9_.-]*``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import quote, unquote

MARKER_PREFIX = "<!-- pipeline-tools:plan-comment"
MARKER_VERSION = 1
NONE = "-"

ENV_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$")
RUN_KEY = re.compile(r"^\d{1,20}(?:\.\d{1,20}){0,3}$")
_MARKER_LINE = re.compile(r"^<!-- pipeline-tools:plan-comment (?P<fields>[^\n>]*?) ?-->", re.MULTILINE)
_SAFE = "/:._-+="


@dataclass(frozen=True)
class CommentMarkers:
    """What the marker records. ``sha`` is "" when unknown (a dry run without one);
    ``fingerprints`` maps environment -> fingerprint (or None)."""

    sha: str
    run_key: str | None = None
    fingerprints: dict[str, str | None] = field(default_factory=dict)
    version: int = MARKER_VERSION

    @property
    def environments(self) -> list[str]:
        return list(self.fingerprints)

    def run_order(self) -> tuple[int, ...] | None:
        if self.run_key is None or not RUN_KEY.match(self.run_key):
            return None
        return tuple(int(part) for part in self.run_key.split("."))


def valid_env_name(name: str) -> bool:
    return bool(ENV_NAME.match(name))


def format_marker(markers: CommentMarkers) -> str:
    """The one-line HTML comment (starting with :data:`MARKER_PREFIX`) for ``markers``."""
    fields = [f"v={markers.version}", f"sha={_encode(markers.sha)}", f"run={_encode(markers.run_key)}"]
    for name, fingerprint in markers.fingerprints.items():
        if not valid_env_name(name):
            raise ValueError(f"invalid environment name {name!r}")
        fields.append(f"env:{name}={_encode(fingerprint)}")
    return f"{MARKER_PREFIX} {' '.join(fields)} -->"


def parse_comment_markers(body: str | None) -> CommentMarkers | None:
    """The markers of a plan comment's body, or None when it has none (or an unreadable one).

    Only a marker at the start of a line counts (a reply quoting the comment does not).
    Unknown fields are ignored, so later versions may add some.
    """
    if not body:
        return None
    match = _MARKER_LINE.search(body.replace("\r\n", "\n"))
    if match is None:
        return None
    values: dict[str, str] = {}
    fingerprints: dict[str, str | None] = {}
    for token in match.group("fields").split():
        key, sep, value = token.partition("=")
        if not sep:
            continue
        if key.startswith("env:"):
            name = key[4:]
            if valid_env_name(name):
                fingerprints[name] = _decode(value)
        else:
            values[key] = value
    sha = _decode(values.get("sha", NONE))
    try:
        version = int(values.get("v", ""))
    except ValueError:
        return None
    return CommentMarkers(sha=sha or "", run_key=_decode(values.get("run", NONE)), fingerprints=fingerprints,
                          version=version)


def supersedes(new: CommentMarkers, existing: CommentMarkers | None, head_sha: str | None) -> bool:
    """Whether a comment with ``new`` markers may replace one with ``existing`` markers.

    A plan of an older commit never overwrites a newer one:

    1. no (readable) existing markers: yes;
    2. when exactly one of the two is for the pull request's current head commit, that one wins;
    3. otherwise the run ordering keys decide, when both have one (ties: the new one wins, so a
       re-run of the same run attempt can refresh its comment);
    4. otherwise: yes (nothing says the existing comment is newer).
    """
    if existing is None:
        return True
    if head_sha:
        new_is_head = new.sha == head_sha
        existing_is_head = existing.sha == head_sha
        if new_is_head != existing_is_head:
            return new_is_head
    new_order, existing_order = new.run_order(), existing.run_order()
    if new_order is not None and existing_order is not None:
        return new_order >= existing_order
    return True


def _encode(value: str | None) -> str:
    if value is None or value == "":
        return NONE
    if value == NONE:
        return "%2D"  # a literal "-" must not read back as "none"
    return quote(value, safe=_SAFE)


def _decode(value: str) -> str | None:
    if value == NONE or value == "":
        return None
    return unquote(value)
