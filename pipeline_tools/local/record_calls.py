"""Record the AWS calls of a local dev run and the per-role table of docs/least-privilege.md.

``python -m pipeline_tools.local.record_calls`` runs what ``make local-apply`` runs (bootstrap +
dev applied, dev re-planned, dev and bootstrap destroyed) against an emulator that records each
request (:mod:`request_recorder`), then writes

- ``tests/fixtures/least_privilege/dev-calls.jsonl``: the calls of the dev apply, re-plan and
  destroy, each tagged with its phase and the role that makes it in the workflows (the apply role
  for apply and destroy, the plan role for the plan), identical requests counted once;
- the table between the markers in ``docs/least-privilege.md``: per role, every action used,
  evaluated under the role's policies from a plan of bootstrap made in the same run.

``tests/integration/test_least_privilege.py`` evaluates the fixture against a fresh bootstrap
plan and checks that the docs' table is what it computes. Re-run this after changing a module's
AWS calls or the roles (about 15 minutes). The same test records the deployer's, `status`'s and
`promote`'s calls live (:data:`TOOL_PHASE_ROLES`) and renders their tables into the same section,
which this command cannot: after it, run that test with ``PIPELINE_TOOLS_UPDATE_DOCS=1``.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from pipeline_tools.iam.from_plan import IamModel
from pipeline_tools.iam.report import RoleUsage, render_markdown, usage
from pipeline_tools.iam.requests import Call, Translator

REPO_ROOT = Path(__file__).resolve().parents[2]
FIXTURE = REPO_ROOT / "tests" / "fixtures" / "least_privilege" / "dev-calls.jsonl"
DOCS = REPO_ROOT / "docs" / "least-privilege.md"
BEGIN, END = "<!-- BEGIN_ROLE_USAGE -->", "<!-- END_ROLE_USAGE -->"
ACCOUNT = "123456789012"  # the emulator's

# Phase -> the role that makes those calls in the workflows.
PHASE_ROLES = {"dev-apply": "platform-dev-terraform-apply", "dev-plan": "platform-dev-terraform-plan",
               "dev-destroy": "platform-dev-terraform-apply"}
# The calls test_least_privilege.py records live (each run, so they cannot go stale): the deployer
# Lambda (its execution role, terraform/modules/deploy-trigger as terraform/platform sets it up for
# dev), `status` (no workflow runs it: evaluated under the environment's read-only plan role) and
# `promote` (promote.yml: the prod apply role).
TOOL_PHASE_ROLES = {"deployer": "platform-dev-deployer", "status": "platform-prod-terraform-plan",
                    "promote": "platform-prod-terraform-apply"}
_VOLATILE = ("host",)


def tag(records: list[dict[str, Any]], marks: Mapping[str, int]) -> list[dict[str, Any]]:
    """Keep the dev phases' records, tagged, identical ones counted once (order kept)."""
    bounds = [("dev-apply", marks["package_uploaded"], marks["dev_applied"]),
              ("dev-plan", marks["dev_applied"], marks["dev_replanned"]),
              ("dev-destroy", marks["dev_replanned"], marks["dev_destroyed"])]
    counts: Counter[str] = Counter()
    first: dict[str, dict[str, Any]] = {}
    for phase, start, end in bounds:
        for record in records[start:end]:
            kept = {k: v for k, v in record.items() if k not in _VOLATILE}
            kept["phase"] = phase
            key = json.dumps(kept, sort_keys=True)
            counts[key] += 1
            first.setdefault(key, kept)
    return [{**first[key], "count": counts[key]} for key in first]


def distinct(records: Iterable[Mapping[str, Any]], phase: str) -> list[dict[str, Any]]:
    """``records`` tagged with ``phase``, identical requests kept once (count 1: a rollout's polling
    repeats a call as often as timing says, the table must not)."""
    seen: dict[str, dict[str, Any]] = {}
    for record in records:
        kept = {k: v for k, v in record.items() if k not in _VOLATILE}
        kept["phase"] = phase
        seen.setdefault(json.dumps(kept, sort_keys=True), kept)
    return list(seen.values())


def calls_by_phase(records: Iterable[Mapping[str, Any]]) -> dict[str, list[Call]]:
    translator = Translator(ACCOUNT)
    phases: dict[str, list[Call]] = {}
    for record in records:
        for call in translator.calls(record):
            phases.setdefault(str(record["phase"]), []).extend([call] * int(record.get("count", 1)))
    return phases


def role_usages(model: IamModel, records: Iterable[Mapping[str, Any]],
                phase_roles: Mapping[str, str] = PHASE_ROLES) -> list[RoleUsage]:
    usages = []
    for phase, calls in calls_by_phase(records).items():
        role = phase_roles[phase]
        scoped = [s for name, statements in model.roles[role].inline.items() for s in statements]
        usages.append(usage(role, phase, model.principal(role), calls, scoped))
    return usages


def render_docs_section(usages: list[RoleUsage]) -> str:
    return f"{BEGIN}\n{render_markdown(usages).rstrip()}\n{END}"


def replace_docs_section(text: str, section: str) -> str:
    start, end = text.index(BEGIN), text.index(END) + len(END)
    return text[:start] + section + text[end:]


def main() -> int:  # pragma: no cover - the 15-minute recording run itself
    import tempfile

    from pipeline_tools.iam.from_plan import load_plan
    from pipeline_tools.local import emulator as emulator_module
    from pipeline_tools.local.local_apply import LocalRun, StepPrinter
    from pipeline_tools.local.request_recorder import LOG_ENV

    log = Path(tempfile.mkdtemp(prefix="pt-record-")) / "requests.jsonl"
    marks: dict[str, int] = {}

    def mark(name: str) -> None:
        marks[name] = sum(1 for _ in log.open()) if log.exists() else 0

    server = emulator_module.start(extra_env={LOG_ENV: str(log)})
    run = LocalRun("dev", printer=StepPrinter(sys.stderr), emulator=server)
    try:
        run.create_seed_bucket()
        run.apply_bootstrap()
        tf = run.terraform("bootstrap")
        tf.plan(run.workdir / "bootstrap.tfplan", *run.var_args("bootstrap"))
        plan = tf.show_json(run.workdir / "bootstrap.tfplan")
        mark("bootstrap_planned")
        run.upload_deployer_package()
        mark("package_uploaded")
        run.apply_env()
        mark("dev_applied")
        run.replan()
        mark("dev_replanned")
        run.destroy_root("dev")
        mark("dev_destroyed")
        run.destroy_root("bootstrap")
    finally:
        server.stop()
    records = [json.loads(line) for line in log.open()]
    tagged = tag(records, marks)
    FIXTURE.parent.mkdir(parents=True, exist_ok=True)
    FIXTURE.write_text("".join(json.dumps(r, sort_keys=True) + "\n" for r in tagged))
    from moto.iam.aws_managed_policies import aws_managed_policies_data

    managed = {name: item["Document"] for name, item in json.loads(aws_managed_policies_data).items()}
    model = load_plan(plan, account_id=ACCOUNT, aws_managed=managed)
    DOCS.write_text(replace_docs_section(DOCS.read_text(), render_docs_section(role_usages(model, tagged))))
    print(f"wrote {FIXTURE.relative_to(REPO_ROOT)} ({len(tagged)} distinct calls) and the table in "
          f"{DOCS.relative_to(REPO_ROOT)}; add the deployer's, status's and promote's tables with "
          "PIPELINE_TOOLS_UPDATE_DOCS=1 pytest tests/integration/test_least_privilege.py")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
