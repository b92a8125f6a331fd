"""``pipeline-tools plan fingerprint`` and ``plan verify``: the canonical hash of a plan's changes.

``fingerprint`` prints it; ``verify`` compares a fresh plan with the fingerprint recorded when the
change was reviewed (the apply workflow's guard against applying something nobody reviewed).
"""

from __future__ import annotations

import argparse
import sys


def register(actions: argparse._SubParsersAction) -> None:
    parser = actions.add_parser(
        "fingerprint",
        help="print the canonical hash (sha256:...) of what a plan changes",
        description=(
            "Print sha256:<hex>, a hash of the plan's semantic change set: resource addresses, "
            "actions, changed attributes (before/after, unknowns), replace paths and output changes, "
            "sorted. Timestamps, refresh order, unchanged (hidden) attributes and no-op resources do "
            "not enter it, so two plans of the same change give the same fingerprint. Sensitive "
            "values enter as an HMAC under PIPELINE_TOOLS_FINGERPRINT_KEY when it is set, otherwise "
            "only as '<sensitive>' (see docs/workflows.md)."
        ),
        epilog="Exit codes: 0 printed, 2 unreadable or not a plan.",
    )
    parser.add_argument("plan", metavar="PLAN_JSON",
                        help="terraform show -json PLANFILE output, or - for stdin")
    parser.add_argument("--explain", action="store_true",
                        help="print the canonical change set that is hashed (JSON) instead of the hash")
    parser.set_defaults(func=run_fingerprint)

    verify = actions.add_parser(
        "verify",
        help="check that a plan's fingerprint equals the one recorded at review time",
        description=(
            "Compute the fingerprint of PLAN_JSON and compare it with the one recorded when the change "
            "was reviewed: given with --recorded, or read from the plan comment's hidden marker for "
            "--env in --comment-file (the body of the pull request's plan comment, as the apply "
            "workflow fetches it). Exit 0 when they match; exit 1 with both fingerprints when they "
            "differ or nothing was recorded: the plan is not what was reviewed and must not be applied."
        ),
        epilog="Exit codes: 0 match, 1 mismatch or no recorded plan, 2 bad input (unreadable plan, "
        "malformed --recorded, comment without a plan marker).",
    )
    verify.add_argument("plan", metavar="PLAN_JSON",
                        help="terraform show -json PLANFILE output, or - for stdin")
    recorded = verify.add_mutually_exclusive_group(required=True)
    recorded.add_argument("--recorded", metavar="sha256:HEX",
                          help="the fingerprint recorded when the change was reviewed")
    recorded.add_argument("--comment-file", metavar="FILE",
                          help="a file holding the body of the pull request's plan comment (needs --env)")
    verify.add_argument("--env", metavar="NAME", default="",
                        help="the environment: whose fingerprint to read from --comment-file; "
                        "named in messages")
    verify.set_defaults(func=run_verify)


def run_fingerprint(args: argparse.Namespace) -> int:
    from pipeline_tools.plan.fingerprint import change_set, fingerprint, key_from_env
    from pipeline_tools.plan.load import load_plan

    key = key_from_env()
    plan = load_plan(args.plan)
    if args.explain:
        sys.stdout.write(_explained(plan, change_set(plan, key)))
    else:
        sys.stdout.write(fingerprint(plan, key) + "\n")
    return 0


def _explained(plan: dict, changes: dict) -> str:
    """The change set as JSON, safe to print. Values marked sensitive are already ``<sensitive>``
    or keyed-hashed in it; the declared secrets (sensitive variables and outputs) are masked
    wherever else they appear, before encoding (as the plan summary does), and the encoded text
    is scrubbed again for them and for registered secrets (the fingerprint key) in any escaped
    form."""
    import json

    from pipeline_tools.core.redaction import redact
    from pipeline_tools.plan.masking import collect_sensitive_strings, mask_strings, scrub, text_masker

    secrets = collect_sensitive_strings(plan, include_resources=False)
    text = json.dumps(mask_strings(changes, text_masker(secrets)), indent=2, sort_keys=True)
    return redact(scrub(text, secrets)) + "\n"


def run_verify(args: argparse.Namespace) -> int:
    from pipeline_tools.core.errors import InputError, VerdictError
    from pipeline_tools.plan.fingerprint import fingerprint, is_fingerprint, key_from_env
    from pipeline_tools.plan.load import load_plan

    if args.comment_file is not None:
        recorded = _recorded_in_comment(args.comment_file, args.env)
    else:
        recorded = args.recorded.strip()
    if not is_fingerprint(recorded):
        raise InputError(
            f"recorded fingerprint {recorded!r} is malformed (expected sha256: and 64 hex digits)"
        )
    plan = load_plan(args.plan)
    current = fingerprint(plan, key_from_env())
    where = f" for {args.env}" if args.env else ""
    if current != recorded:
        raise VerdictError(
            f"the plan{where} is not the plan that was reviewed: recorded {recorded}, now {current}; "
            "refusing to apply (re-run the pull request's plan, review it again, and merge that)"
        )
    sys.stdout.write(f"plan{where} matches the reviewed plan ({current})\n")
    return 0


def _recorded_in_comment(path: str, env: str) -> str:
    """The fingerprint the plan comment in ``path`` recorded for ``env`` (see pipeline_tools.comment)."""
    from pathlib import Path

    from pipeline_tools.comment import parse_comment_markers
    from pipeline_tools.core.errors import InputError, VerdictError

    if not env:
        raise InputError("--comment-file needs --env NAME (whose fingerprint to read)")
    try:
        body = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"--comment-file {path}: cannot read: {exc.strerror or exc}") from None
    markers = parse_comment_markers(body)
    if markers is None:
        raise InputError(f"--comment-file {path}: no pipeline-tools plan comment marker in it")
    recorded = markers.fingerprints.get(env)
    if recorded is None:
        raise VerdictError(
            f"the pull request's plan comment recorded no plan for {env} (recorded: "
            f"{', '.join(markers.environments) or 'none'}); refusing to apply an unreviewed plan"
        )
    return recorded
