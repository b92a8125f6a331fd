"""Running the whole gate: read the inputs, run checkov, parse every report, evaluate.

This is the I/O shell around the pure modules. Anything that makes a scan untrustworthy raises
:class:`InputError` (exit 2): a missing path or scanner, a crash, output that is not JSON, parse
errors, or zero resources scanned while ``.tf`` files exist.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal, overload

from pipeline_tools.core.errors import InputError
from pipeline_tools.core.strict_input import (
    decode_utf8,
    ensure_recursion_headroom,
    load_yaml_strict,
    loads_fast,
    loads_strict,
)
from pipeline_tools.gate.baseline import EMPTY, Baseline, parse_baseline
from pipeline_tools.gate.evaluate import GateInputs, evaluate
from pipeline_tools.gate.iam_escalation import evaluate_iam_escalation
from pipeline_tools.gate.model import Finding, GateResult
from pipeline_tools.gate.oidc import evaluate_trust_policies
from pipeline_tools.gate.paths import PathResolver
from pipeline_tools.gate.policy import Policy, parse_policy
from pipeline_tools.gate.rules import default_table
from pipeline_tools.gate.scanners import checkov_run
from pipeline_tools.gate.scanners.checkov_json import decode_documents, parse_checkov
from pipeline_tools.gate.scanners.inline_comments import InlineCommentReader
from pipeline_tools.gate.scanners.sarif_in import parse_sarif
from pipeline_tools.gate.scanners.tfsec_json import parse_tfsec
from pipeline_tools.gate.scanners.trivy_json import parse_trivy
from pipeline_tools.gate.suppressions import ExceptionEntry, parse_exceptions

DEFAULT_POLICY = "security/policy.yml"
DEFAULT_EXCEPTIONS = "security/exceptions.yml"
DEFAULT_BASELINE = "security/baseline.json"
# Policy, exceptions, baseline and scanner reports are a handful of levels deep (SARIF's deepest
# path, zizmor's logical-location route, is about ten): anything far deeper is not one of them.
REPORT_MAX_DEPTH = 64
_SKIPPED_DIRS = {".terraform", ".git", "node_modules", ".venv", ".tools"}


@dataclass
class GateRequest:
    paths: list[Path]
    repo_root: Path
    today: date
    plan: Path | None = None
    tfsec_json: list[Path] = field(default_factory=list)
    trivy_json: list[Path] = field(default_factory=list)
    sarif: list[Path] = field(default_factory=list)
    policy: Path | None = None
    exceptions: Path | None = None
    baseline: Path | None = None
    previous_baseline: Path | None = None
    baseline_base: str | None = None  # git ref whose baseline the current one may only shrink from
    environment: str | None = None
    checkov_timeout: float = checkov_run.DEFAULT_TIMEOUT_SECONDS
    # A PATH holding nothing checkov scans, or lying outside the repository, fails closed unless
    # allowed: a typo or a wrong working directory would otherwise pass a scan of nothing.
    allow_empty_paths: bool = False
    allow_outside_repo: bool = False


def find_repo_root(start: Path) -> Path:
    try:
        completed = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"],
            cwd=start,
            capture_output=True,
            text=True,
            check=False,
            timeout=30,
        )
    except (OSError, subprocess.TimeoutExpired):
        return start.resolve()
    if completed.returncode == 0 and completed.stdout.strip():
        return Path(completed.stdout.strip()).resolve()
    return start.resolve()


def _read_bytes(path: Path, what: str) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{what} {path} does not exist") from None
    except OSError as exc:
        raise InputError(f"cannot read {what} {path}: {exc.strerror or exc}") from None


def _read_text(path: Path, what: str) -> str:
    return decode_utf8(_read_bytes(path, what), f"{what} {path}")


def _load_yaml(path: Path, what: str) -> Any:
    """A policy or exceptions file: strict YAML (no key twice), at most REPORT_MAX_DEPTH deep."""
    return load_yaml_strict(_read_text(path, what), f"{what} {path}", max_depth=REPORT_MAX_DEPTH)


def _load_json(path: Path, what: str) -> Any:
    """A scanner report or baseline: strict JSON (no NaN, UTF-8), at most REPORT_MAX_DEPTH deep."""
    return loads_strict(_read_bytes(path, what), f"{what} {path}", max_depth=REPORT_MAX_DEPTH)


def _load_plan(path: Path) -> dict[str, Any]:
    """The plan for checkov and the OIDC rules: strict JSON like `plan summarize` reads."""
    document = loads_fast(_read_bytes(path, "plan"), f"plan {path}")
    if not isinstance(document, dict) or not isinstance(document.get("format_version"), str):
        raise InputError(f"plan {path} is not 'terraform show -json' output")
    ensure_recursion_headroom()
    return document


_WORKFLOW_SUFFIXES = (".yml", ".yaml")


def _scannable(path: Path) -> bool:
    """Whether checkov finds anything under ``path``: a ``.tf`` file, or a GitHub Actions workflow."""
    def wanted(file: Path) -> bool:
        return file.suffix == ".tf" or (
            file.suffix in _WORKFLOW_SUFFIXES and file.parent.name == "workflows"
            and file.parent.parent.name == ".github")

    if path.is_file():
        return wanted(path.resolve())
    for root, dirs, files in os.walk(path):
        dirs[:] = [d for d in dirs if d not in _SKIPPED_DIRS]
        if any(wanted(Path(root).resolve() / name) for name in files):
            return True
    return False


def _has_terraform(paths: list[Path]) -> bool:
    for path in paths:
        if path.is_file():
            if path.suffix == ".tf":
                return True
            continue
        for _root, dirs, files in os.walk(path):
            dirs[:] = [d for d in dirs if d not in _SKIPPED_DIRS]
            if any(name.endswith(".tf") for name in files):
                return True
    return False


@overload
def _default(path: Path | None, repo_root: Path, relative: str, *, required: Literal[True]) -> Path: ...
@overload
def _default(path: Path | None, repo_root: Path, relative: str, *, required: bool) -> Path | None: ...
def _default(path: Path | None, repo_root: Path, relative: str, *, required: bool) -> Path | None:
    if path is not None:
        return path
    candidate = repo_root / relative
    if candidate.exists() or required:
        return candidate
    return None


def load_policy(path: Path) -> Policy:
    return parse_policy(_load_yaml(path, "policy"))


BUILTIN_POLICY_SOURCE = "built-in default policy"


def builtin_policy_text() -> str:
    """The default policy shipped in the package (pipeline_tools/data/default_policy.yml)."""
    from importlib.resources import files

    return files("pipeline_tools").joinpath("data", "default_policy.yml").read_text(encoding="utf-8")


def _policy(explicit: Path | None, repo_root: Path) -> tuple[Policy, str]:
    """The policy to judge by and where it came from: --policy, security/policy.yml, else the
    built-in default (so adopting the gate needs no file; `gate init` writes it out to own it)."""
    if explicit is not None:
        return load_policy(explicit), _relative(explicit, repo_root)
    repository_policy = repo_root / DEFAULT_POLICY
    if repository_policy.exists():
        return load_policy(repository_policy), DEFAULT_POLICY
    import yaml

    return parse_policy(yaml.safe_load(builtin_policy_text())), BUILTIN_POLICY_SOURCE


def load_exceptions(path: Path | None) -> list[ExceptionEntry]:
    return parse_exceptions(_load_yaml(path, "exceptions file")) if path else []


def load_baseline(path: Path | None) -> Baseline:
    if path is None:
        return EMPTY
    return parse_baseline(_load_json(path, "baseline"), source=f"baseline {path}")


def baseline_at_ref(repo_root: Path, ref: str, baseline: Path) -> Baseline:
    """The baseline as it was at ``ref`` (empty if the file did not exist there)."""
    try:
        relative = baseline.resolve().relative_to(repo_root).as_posix()
    except ValueError:
        raise InputError(f"--baseline-base needs the baseline inside the repository ({baseline})") from None
    verify = subprocess.run(
        ["git", "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"],
        cwd=repo_root,
        capture_output=True,
        text=True,
        check=False,
    )
    if verify.returncode != 0:
        raise InputError(f"--baseline-base: {ref!r} is not a commit in {repo_root}")
    shown = subprocess.run(
        ["git", "show", f"{ref}:{relative}"], cwd=repo_root, capture_output=True, check=False
    )
    if shown.returncode != 0:
        return EMPTY
    data = loads_strict(shown.stdout, f"the baseline at {ref} ({relative})", max_depth=REPORT_MAX_DEPTH)
    return parse_baseline(data, source=f"baseline at {ref}")


def _with_stage_threshold(policy: Policy, environment: str, paths: Sequence[Path],
                          repo_root: Path) -> Policy:
    """``policy``, where it has no entry for ``environment``, with the entry of the scanned root's
    stage (pipeline-tools.yml): at scale, roots such as ``dev-eu-01`` ... ``dev-us-40`` are held to
    their stage's bar without a policy line each. An environment the policy names keeps its own."""
    import dataclasses

    if environment in policy.thresholds or not paths:
        return policy
    from pipeline_tools.config.load import load_config

    config = load_config(repo_root=repo_root)
    for path in paths:
        stage = config.stage_for(_relative(path, repo_root))
        if stage is not None and stage.name in policy.thresholds:
            return dataclasses.replace(
                policy, thresholds={**policy.thresholds, environment: policy.thresholds[stage.name]})
    return policy


def _relative(path: Path, repo_root: Path) -> str:
    try:
        return path.resolve().relative_to(repo_root).as_posix()
    except ValueError:
        return path.as_posix()


def _validate_request(request: GateRequest, repo_root: Path) -> None:
    for path in request.paths:
        if not path.exists():
            raise InputError(f"path {path} does not exist: nothing to scan there")
        if not request.allow_outside_repo and not path.resolve().is_relative_to(repo_root):
            raise InputError(
                f"path {path} is outside the repository {repo_root}; refusing to judge a scan of "
                "something else (--allow-outside-repo to scan it anyway)"
            )
        if not request.allow_empty_paths and not _scannable(path):
            raise InputError(
                f"path {path} holds no .tf files and no GitHub Actions workflows: checkov would scan "
                "nothing there and pass (--allow-empty-paths to accept that)"
            )
    for extra in [*request.tfsec_json, *request.trivy_json, *request.sarif, *filter(None, [request.plan])]:
        if not extra.is_file():
            raise InputError(f"{extra} does not exist")
    if not (request.paths or request.plan or request.tfsec_json or request.trivy_json or request.sarif):
        raise InputError("nothing to check: give paths, --plan, or scanner reports")


def _checkov_findings(
    reports: dict[str, str],
    request: GateRequest,
    plan_document: dict[str, Any] | None,
    resolve: PathResolver,
    scanned: dict[str, int],
) -> list[Finding]:
    """Parse checkov's reports and refuse any scan that cannot be trusted."""
    findings: list[Finding] = []
    for label, text in reports.items():
        source = f"checkov ({label}) report"
        scan = parse_checkov(
            decode_documents(text, source), resolve=resolve, table=default_table(), source=source
        )
        if scan.parsing_errors:
            raise InputError(
                f"checkov could not parse {len(scan.parsing_errors)} file(s): "
                f"{', '.join(sorted(set(scan.parsing_errors))[:5])}; fix them before the gate can pass"
            )
        for check_type, count in scan.resource_counts.items():
            scanned[f"checkov/{check_type}"] = count
        if (
            label == "paths"
            and scan.resource_counts.get("terraform", 0) == 0
            and _has_terraform(request.paths)
        ):
            raise InputError(
                "checkov scanned zero Terraform resources although .tf files exist under "
                f"{', '.join(str(p) for p in request.paths)}; refusing to pass an empty scan"
            )
        has_changes = any(
            change.get("mode", "managed") == "managed"
            for change in (plan_document or {}).get("resource_changes") or []
        )
        if label == "plan" and has_changes and scan.resource_counts.get("terraform_plan", 0) == 0:
            raise InputError(
                f"checkov scanned zero resources in plan {request.plan} although it has resources"
            )
        findings += scan.findings
    return findings


def run_gate(request: GateRequest) -> GateResult:
    repo_root = request.repo_root.resolve()
    _validate_request(request, repo_root)
    scans: dict[str, list[str]] = {}
    if request.paths:
        checkov_run.refuse_config_files(request.paths)
        scans["paths"] = checkov_run.directory_args([p.resolve() for p in request.paths])
    if request.plan is not None:
        scans["plan"] = checkov_run.plan_args(request.plan.resolve())
    binary = checkov_run.locate_checkov(repo_root) if scans else ""
    started = time.perf_counter()
    # checkov starts first and runs in the background while every other input is read: its
    # start-up dominates the gate's wall time. Leaving the block (on any error too) kills it.
    with checkov_run.CheckovBatch(binary, scans, request.checkov_timeout) as batch:
        policy, policy_source = _policy(request.policy, repo_root)
        environment = request.environment or policy.default_environment
        policy = _with_stage_threshold(policy, environment, request.paths, repo_root)
        policy.threshold(environment)  # an unknown environment is bad input
        exceptions_path = _default(request.exceptions, repo_root, DEFAULT_EXCEPTIONS, required=False)
        exceptions = load_exceptions(exceptions_path)
        baseline_path = _default(request.baseline, repo_root, DEFAULT_BASELINE, required=False)
        baseline = load_baseline(baseline_path)
        previous: Baseline | None = None
        if request.previous_baseline is not None:
            previous = load_baseline(request.previous_baseline)
        elif request.baseline_base is not None:
            previous = baseline_at_ref(
                repo_root, request.baseline_base, baseline_path or repo_root / DEFAULT_BASELINE
            )
        plan_document: dict[str, Any] | None = None
        if request.plan is not None:
            plan_document = _load_plan(request.plan)

        table = default_table()
        resolve = PathResolver(repo_root, search_dirs=[p.resolve() for p in request.paths])
        findings: list[Finding] = []
        inline = InlineCommentReader(repo_root)
        for path in request.tfsec_json:
            findings += parse_tfsec(
                _load_json(path, "tfsec JSON"),
                resolve=resolve,
                table=table,
                inline=inline.find,
                source=f"tfsec JSON {path}",
            )
        for path in request.trivy_json:
            findings += parse_trivy(
                _load_json(path, "trivy JSON"), resolve=resolve, table=table, source=f"trivy JSON {path}"
            )
        for path in request.sarif:
            findings += parse_sarif(
                _load_json(path, "SARIF"), resolve=resolve, table=table, source=f"SARIF {path}"
            )
        if plan_document is not None and request.plan is not None:
            findings += evaluate_trust_policies(plan_document, policy, _relative(request.plan, repo_root))
            findings += evaluate_iam_escalation(plan_document, _relative(request.plan, repo_root))
        reports = batch.reports()
    timings = {"checkov": time.perf_counter() - started} if scans else {}
    scanned: dict[str, int] = {}
    findings = _checkov_findings(reports, request, plan_document, resolve, scanned) + findings

    result = evaluate(
        GateInputs(
            findings=findings,
            policy=policy,
            environment=environment,
            today=request.today,
            exceptions=exceptions,
            exceptions_file=_relative(exceptions_path, repo_root) if exceptions_path else DEFAULT_EXCEPTIONS,
            baseline=baseline,
            baseline_file=_relative(baseline_path, repo_root) if baseline_path else DEFAULT_BASELINE,
            previous_baseline=previous,
            scanned=scanned,
        )
    )
    result.timings = timings
    result.policy_source = policy_source
    return result
