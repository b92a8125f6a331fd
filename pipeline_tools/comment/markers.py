"""The hidden marker of the plan comment, its parser, and which of two comments is newer.

The comment's first line is an HTML comment, invisible on GitHub::

    <!-- pipeline-tools:plan-comment v=1 sha=<commit> run=<run key> env:dev=sha256:<hex> env:prod=- -->

* ``sha``: the commit the plans were made for;
* ``run``: an ordering key, dot-separated integers (``<GITHUB_RUN_ID>.<GITHUB_RUN_ATTEMPT>``);
  later runs have larger keys. ``-`` when unknown;
* ``env:<name>``: each environment's plan fingerprint (:mod:`pipeline_tools.plan.fingerprint`),
  ``-`` when none was recorded (or the plan failed). The apply workflow reads them back with
  :func:`parse_comment_markers` and applies only a plan with the same fingerprint;
* ``fp:<n>``: a fingerprint that several environments share, written once; those environments
  then read ``env:<name>=@<n>``. Every plan without changes has the same fingerprint (that of the
  empty change set), so a thousand quiet roots' fingerprint fields cost about 15 characters each
  instead of about 86 (docs/scale.md). An ``@<n>`` with no ``fp:<n>`` reads back as no
  fingerprint: nothing applies;
* ``gate:<name>``: the security gate's verdict for that environment, ``pass`` or ``fail`` (absent
  when the gate did not run); ``pipeline-tools apply check`` requires ``pass``;
* ``failed:<name>=1``: the plan of that environment failed (its section shows terraform's error);
* ``cost:<name>=<amount>``: the monthly cost change of that environment's plan in USD, a decimal
  with two places (``12.40``, ``-3.65``), from ``plan cost --format json`` (absent when no estimate
  was made); ``pipeline-tools apply check`` compares it with the cost policy (docs/cost.md).

Per-resource change fingerprints follow on their own lines, one hidden block per environment::

    <!-- pipeline-tools:plan-changes env=dev n=2 <token> <token> -->

Each token is 30 characters of base64: 8 of a hash of the resource address, then 22 (128 bits) of
the hash of that resource's canonical change (:func:`pipeline_tools.plan.fingerprint.change_tokens`).
``omitted=N`` instead of tokens means the environment had too many changes to record them here;
then only the whole-plan fingerprint can match.

Only a comment whose *first line* is the marker, written by the pipeline's own identity, is trusted
(see :meth:`pipeline_tools.integrations.github.GitHub.identity`).

Values are percent-encoded (``urllib.parse.quote``) so that nothing in them can end the HTML
comment; environment names are restricted to ``[A-Za-z0-9][A-Za-z0-9_.-]*``.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import quote, unquote

MARKER_PREFIX = "<!-- pipeline-tools:plan-comment"
MARKER_VERSION = 1
NONE = "-"

ENV_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$")
RUN_KEY = re.compile(r"^\d{1,20}(?:\.\d{1,20}){0,3}$")
_MARKER_LINE = re.compile(r"^<!-- pipeline-tools:plan-comment (?P<fields>[^\n>]*?) ?-->", re.MULTILINE)
CHANGES_PREFIX = "<!-- pipeline-tools:plan-changes"
_CHANGES_LINE = re.compile(r"^<!-- pipeline-tools:plan-changes (?P<fields>[^\n>]*?) ?-->$", re.MULTILINE)
CHANGE_TOKEN = re.compile(r"^[A-Za-z0-9+/]{30}$")
GATE_VERDICTS = ("pass", "fail")
# A recorded monthly cost change: USD with exactly two decimals, bounded so nothing odd reads back.
COST_DELTA = re.compile(r"^-?\d{1,12}\.\d{2}$")
_SAFE = "/:._-+="
# Starts a reference to a shared fingerprint (``env:<name>=@<n>``); quote() encodes "@" in values.
_ALIAS = "@"


@dataclass(frozen=True)
class CommentMarkers:
    """What the marker records. ``sha`` is "" when unknown (a dry run without one);
    ``fingerprints`` maps environment -> fingerprint (or None)."""

    sha: str
    run_key: str | None = None
    fingerprints: dict[str, str | None] = field(default_factory=dict)
    version: int = MARKER_VERSION
    gates: dict[str, str] = field(default_factory=dict)  # environment -> "pass" | "fail"
    failed: frozenset[str] = frozenset()  # environments whose plan failed
    # environment -> its per-resource change tokens; None when too many to record
    changes: dict[str, frozenset[str] | None] = field(default_factory=dict)
    # environment -> its plan's monthly cost change, as recorded ("12.40"; see COST_DELTA)
    costs: dict[str, str] = field(default_factory=dict)

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
    uses = Counter(fingerprint for fingerprint in markers.fingerprints.values() if fingerprint)
    shared = [fingerprint for fingerprint in dict.fromkeys(markers.fingerprints.values())
              if fingerprint and uses[fingerprint] > 1]
    alias = {fingerprint: f"{_ALIAS}{number}" for number, fingerprint in enumerate(shared)}
    fields += [f"fp:{number}={_encode(fingerprint)}" for number, fingerprint in enumerate(shared)]
    for name, fingerprint in markers.fingerprints.items():
        if not valid_env_name(name):
            raise ValueError(f"invalid environment name {name!r}")
        written = alias.get(fingerprint) if fingerprint else None
        fields.append(f"env:{name}={written or _encode(fingerprint)}")
    for name, verdict in markers.gates.items():
        if not valid_env_name(name) or verdict not in GATE_VERDICTS:
            raise ValueError(f"invalid gate verdict {name}={verdict!r}")
        fields.append(f"gate:{name}={verdict}")
    for name in sorted(markers.failed):
        if not valid_env_name(name):
            raise ValueError(f"invalid environment name {name!r}")
        fields.append(f"failed:{name}=1")
    for name, delta in markers.costs.items():
        if not valid_env_name(name) or not COST_DELTA.match(delta):
            raise ValueError(f"invalid cost change {name}={delta!r}")
        fields.append(f"cost:{name}={delta}")
    return f"{MARKER_PREFIX} {' '.join(fields)} -->"


def format_changes_block(env: str, tokens: frozenset[str] | set[str] | None, omitted: int = 0) -> str:
    """The hidden line recording ``env``'s per-resource change tokens (or how many were omitted)."""
    if not valid_env_name(env):
        raise ValueError(f"invalid environment name {env!r}")
    if tokens is None:
        return f"{CHANGES_PREFIX} env={env} v={MARKER_VERSION} omitted={omitted} -->"
    bad = [t for t in tokens if not CHANGE_TOKEN.match(t)]
    if bad:
        raise ValueError(f"invalid change token {bad[0]!r}")
    listed = " ".join(sorted(tokens))
    return f"{CHANGES_PREFIX} env={env} v={MARKER_VERSION} n={len(tokens)}{' ' if listed else ''}{listed} -->"


def parse_comment_markers(body: str | None, *, first_line_only: bool = False) -> CommentMarkers | None:
    """The markers of a plan comment's body, or None when it has none (or an unreadable one).

    Only a marker at the start of a line counts (a reply quoting the comment does not); with
    ``first_line_only`` only one on the body's first line (how the tool writes it: anything that
    is to be *trusted*, as by ``plan verify``, must be read this way).
    Unknown fields are ignored, so later versions may add some.
    """
    if not body:
        return None
    text = body.replace("\r\n", "\n")
    match = _MARKER_LINE.match(text) if first_line_only else _MARKER_LINE.search(text)
    if match is None:
        return None
    values: dict[str, str] = {}
    fingerprints: dict[str, str | None] = {}
    shared: dict[str, str | None] = {}  # "@<n>" -> the fingerprint its fp:<n> field names
    aliased: dict[str, str] = {}  # environment -> the "@<n>" it refers to
    gates: dict[str, str] = {}
    failed: set[str] = set()
    costs: dict[str, str] = {}
    for token in match.group("fields").split():
        key, sep, value = token.partition("=")
        if not sep:
            continue
        kind, colon, name = key.partition(":")
        if colon and not valid_env_name(name):
            continue
        if kind == "env" and colon:
            # An alias is resolved below, whichever order the fields came in; a real fingerprint
            # is percent-encoded, so only an alias starts with "@" here.
            if value.startswith(_ALIAS):
                fingerprints[name] = None
                aliased[name] = value
            else:
                fingerprints[name] = _decode(value)
                aliased.pop(name, None)
        elif kind == "fp" and colon and name.isdigit():
            shared[f"{_ALIAS}{name}"] = _decode(value)
        elif kind == "gate" and colon and value in GATE_VERDICTS:
            gates[name] = value
        elif kind == "failed" and colon and value == "1":
            failed.add(name)
        elif kind == "cost" and colon and COST_DELTA.match(value):
            costs[name] = value
        elif not colon:
            values[key] = value
    for name, reference in aliased.items():
        fingerprints[name] = shared.get(reference)  # an unknown alias: no fingerprint, nothing applies
    sha = _decode(values.get("sha", NONE))
    try:
        version = int(values.get("v", ""))
    except ValueError:
        return None
    return CommentMarkers(sha=sha or "", run_key=_decode(values.get("run", NONE)), fingerprints=fingerprints,
                          version=version, gates=gates, failed=frozenset(failed),
                          changes=_parse_changes(text), costs=costs)


def _parse_changes(text: str) -> dict[str, frozenset[str] | None]:
    """Each environment's per-resource change tokens from the hidden ``plan-changes`` lines."""
    found: dict[str, frozenset[str] | None] = {}
    for match in _CHANGES_LINE.finditer(text):
        fields = match.group("fields").split()
        values = dict(f.partition("=")[::2] for f in fields if "=" in f)
        env = values.get("env", "")
        if not valid_env_name(env) or env in found:
            continue
        if "omitted" in values:
            found[env] = None
            continue
        tokens = [f for f in fields if "=" not in f]
        if values.get("n") != str(len(tokens)) or not all(CHANGE_TOKEN.match(t) for t in tokens):
            continue  # damaged: as if nothing was recorded
        found[env] = frozenset(tokens)
    return found


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
