"""Run the jobs of this repository's real workflow files on a laptop (issue 18, item 9).

A :class:`WorkflowRunner` loads ``.github/workflows/<file>.yml`` from a local git repository at the
event's commit, orders its jobs by ``needs`` (expanding matrices, descending into reusable
``workflow_call`` workflows with their ``with:``/``secrets:``), evaluates the ``${{ }}`` expressions
(:mod:`pipeline_tools.local.workflow_expr`) and runs every ``run:`` step with
``bash --noprofile --norc -e -o pipefail`` in the job's environment, honouring ``GITHUB_ENV``,
``GITHUB_OUTPUT``, ``GITHUB_PATH`` and ``GITHUB_STEP_SUMMARY`` as the runner does, ``if:``,
``continue-on-error``, step outcomes and job outputs.

Each ``uses:`` step maps to a local equivalent (:mod:`pipeline_tools.local.workflow_actions`);
an action without one fails the job loudly. What is NOT reproduced, on purpose: ``concurrency``
groups (jobs run one at a time, in order), ``fail-fast`` cancellation of matrix siblings, caches,
job containers/services, and ``timeout-minutes`` beyond a fixed per-step timeout.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import shutil
import subprocess
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline_tools.core.errors import ExternalError, InputError
from pipeline_tools.local import workflow_expr as expr

STEP_TIMEOUT_SECONDS = 1800
# Written by the runner before every `run:` step (bash -e -o pipefail, as `shell: bash` on GitHub).
BASH = ["bash", "--noprofile", "--norc", "-e", "-o", "pipefail"]


@dataclass
class StepResult:
    name: str  # the step's id (or __stepN without one)
    title: str  # what the runner shows: its name, or its uses/run
    outcome: str  # success | failure | skipped
    conclusion: str  # outcome, but success when continue-on-error absorbed a failure
    outputs: dict[str, str] = field(default_factory=dict)
    log: str = ""


@dataclass
class JobResult:
    """One job (one matrix leg; a reusable workflow's jobs are listed under ``children``)."""

    job_id: str
    name: str
    result: str  # success | failure | cancelled | skipped
    outputs: dict[str, str] = field(default_factory=dict)
    steps: list[StepResult] = field(default_factory=list)
    summary: str = ""
    annotations: list[tuple[str, str]] = field(default_factory=list)  # (error|warning|notice, text)
    matrix: dict[str, Any] = field(default_factory=dict)
    children: list[JobResult] = field(default_factory=list)

    def step(self, step_id_or_name: str) -> StepResult:
        for step in self.steps:
            if step_id_or_name in (step.name, step.title):
                return step
        raise KeyError(f"no step {step_id_or_name!r} in job {self.name!r}: "
                       f"{[s.name for s in self.steps]}")

    @property
    def log(self) -> str:
        return "\n".join(f"--- {s.title} [{s.outcome}]\n{s.log}" for s in self.steps)


@dataclass
class RunResult:
    workflow: str
    jobs: list[JobResult] = field(default_factory=list)
    run_dir: Path | None = None

    def all_jobs(self) -> list[JobResult]:
        """Every job, depth first: a matrix's legs and a reusable workflow's jobs after their caller."""
        found: list[JobResult] = []

        def visit(jobs: list[JobResult]) -> None:
            for job in jobs:
                found.append(job)
                visit(job.children)

        visit(self.jobs)
        return found

    def job(self, name: str) -> JobResult:
        """A job by id or display name (``plan dev``, ``apply staging``)."""
        for job in self.all_jobs():
            if name in (job.name, job.job_id):
                return job
        raise KeyError(f"no job {name!r} in {self.workflow}: {[j.name for j in self.all_jobs()]}")

    @property
    def conclusion(self) -> str:
        results = {job.result for job in self.jobs}
        return "failure" if "failure" in results else "success"


@dataclass
class Event:
    """What triggered the run: the ``github`` context's event fields."""

    name: str  # pull_request | push | workflow_dispatch | workflow_call
    payload: dict[str, Any]
    sha: str
    ref: str
    actor: str = "contributor"


@dataclass
class RunnerSettings:
    """Everything a run needs from the laptop: where things are and what they are called."""

    repo_dir: Path  # the local git repository standing in for the GitHub one
    repository: str  # owner/name
    github_api_url: str  # the GitHub stand-in
    github_token: str  # the stand-in's token for `github.token`
    work_dir: Path  # runs, workspaces, artifacts go under here
    venv_bin: Path  # the already-installed pipeline-tools virtualenv's bin
    aws_endpoint: str | None = None  # the emulator (configure-aws-credentials needs it)
    vars: dict[str, str] = field(default_factory=dict)
    secrets: dict[str, str] = field(default_factory=dict)
    # Added to every job's environment (provider mirror, checkov, ...): what a runner image has.
    base_env: dict[str, str] = field(default_factory=dict)
    # The plugin cache jobs restore: each job's $RUNNER_TEMP/terraform-plugin-cache starts as a copy
    # of it (links to the providers it holds), as each GitHub runner restores its own copy; never one
    # directory shared by jobs that run at once (integrations.terraform.seed_plugin_cache).
    plugin_cache: Path | None = None
    # Directories put first on every job's PATH (the gh / tfsec stand-ins).
    extra_path: list[Path] = field(default_factory=list)
    # A GitHub environment's protection rule (required reviewers): approve(environment) -> bool.
    approve: Callable[[str], bool] = lambda environment: True
    # Replace named steps (by `name:`) with another script: only for what cannot run here.
    step_overrides: dict[str, str] = field(default_factory=dict)
    server_url: str = "https://github.example"
    progress: Callable[[str], None] | None = None
    # Matrix legs run at once, as on GitHub (1: one after the other, in order).
    parallel_legs: int = 1


class WorkflowRunner:
    def __init__(self, settings: RunnerSettings) -> None:
        self.settings = settings
        self._run_ids = itertools.count(1)
        settings.work_dir.mkdir(parents=True, exist_ok=True)

    # ----- entry points ---------------------------------------------------------------------

    def run(self, workflow: str, event: Event, *, jobs: list[str] | None = None,
            inputs: dict[str, Any] | None = None) -> RunResult:
        """Run ``.github/workflows/<workflow>`` for ``event`` (every job, or only ``jobs``)."""
        run_id = next(self._run_ids)
        run_dir = self.settings.work_dir / f"run-{run_id}-{Path(workflow).stem}"
        if run_dir.exists():
            shutil.rmtree(run_dir)
        (run_dir / "artifacts").mkdir(parents=True)
        document = self.load_workflow(workflow, event.sha)
        run = _Run(self, run_id, run_dir, event)
        write_event(run_dir, event)
        if event.name == "workflow_dispatch":
            inputs = {**_input_defaults(document, "workflow_dispatch"), **(event.payload.get("inputs") or {}),
                      **(inputs or {})}
        result = RunResult(workflow, run_dir=run_dir)
        result.jobs = run.run_workflow(document, inputs or {}, secrets=self.settings.secrets, only=jobs)
        return result

    def load_workflow(self, workflow: str, sha: str) -> dict[str, Any]:
        import yaml

        path = workflow if "/" in workflow else f".github/workflows/{workflow}"
        path = path.removeprefix("./")
        text = self.git("show", f"{sha}:{path}")
        document = yaml.safe_load(text)
        if not isinstance(document, dict) or "jobs" not in document:
            raise InputError(f"{path} at {sha[:12]} is not a workflow (no jobs)")
        # YAML 1.1 reads the key `on` as True.
        if True in document:
            document["on"] = document.pop(True)
        return document

    def git(self, *args: str, cwd: Path | None = None) -> str:
        completed = subprocess.run(["git", *args], cwd=cwd or self.settings.repo_dir, text=True,
                                   capture_output=True, check=False)
        if completed.returncode != 0:
            raise ExternalError(f"git {' '.join(args[:2])} failed: {completed.stderr.strip()[-300:]}")
        return completed.stdout

    def say(self, line: str) -> None:
        if self.settings.progress is not None:
            self.settings.progress(line)


def _input_defaults(document: dict[str, Any], trigger: str) -> dict[str, Any]:
    on = document.get("on") or {}
    spec = on.get(trigger) if isinstance(on, dict) else None
    inputs = (spec or {}).get("inputs") or {}
    return {name: value.get("default") for name, value in inputs.items()
            if isinstance(value, dict) and "default" in value}


def _topological(jobs: Mapping[str, Any]) -> list[str]:
    order: list[str] = []
    state: dict[str, int] = {}

    def visit(job_id: str) -> None:
        if state.get(job_id) == 2:
            return
        if state.get(job_id) == 1:
            raise InputError(f"jobs depend on each other in a cycle through {job_id!r}")
        state[job_id] = 1
        for need in _needs(jobs[job_id]):
            if need not in jobs:
                raise InputError(f"job {job_id!r} needs {need!r}, which the workflow does not define")
            visit(need)
        state[job_id] = 2
        order.append(job_id)

    for job_id in jobs:
        visit(job_id)
    return order


def _needs(job: Mapping[str, Any]) -> list[str]:
    needs = job.get("needs") or []
    return [needs] if isinstance(needs, str) else list(needs)


def expand_matrix(matrix: Any) -> list[dict[str, Any]]:
    """The legs of ``strategy.matrix`` (cartesian product, then ``exclude``, then ``include``)."""
    if not matrix:
        return [{}]
    if not isinstance(matrix, dict):
        raise InputError(f"strategy.matrix must be a mapping, got {type(matrix).__name__}")
    axes = {k: v for k, v in matrix.items() if k not in ("include", "exclude")}
    for name, values in axes.items():
        if not isinstance(values, list):
            raise InputError(f"matrix axis {name!r} must be a list")
    combos = itertools.product(*axes.values()) if axes else iter(())
    legs = [dict(zip(axes, combo, strict=True)) for combo in combos]
    for excluded in matrix.get("exclude") or []:
        legs = [leg for leg in legs if not all(leg.get(k) == v for k, v in excluded.items())]
    # An include extends the original combinations whose axis values it matches (without
    # overwriting one); an include that extends none is a combination of its own.
    originals = [dict(leg) for leg in legs]
    added: list[dict[str, Any]] = []
    for included in matrix.get("include") or []:
        matched = False
        for original, leg in zip(originals, legs, strict=True):
            if axes and all(original.get(k) == v for k, v in included.items() if k in axes):
                leg.update(included)
                matched = True
        if not matched:
            added.append(dict(included))
    return legs + added


def parse_key_values(text: str) -> dict[str, str]:
    """``GITHUB_OUTPUT``/``GITHUB_ENV`` lines: ``name=value`` and ``name<<DELIMITER`` blocks."""
    values: dict[str, str] = {}
    lines = text.split("\n")
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if not line.strip():
            continue
        heredoc = re.fullmatch(r"([^=<]+)<<(.+)", line)
        if heredoc and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = heredoc.group(1), heredoc.group(2)
            body: list[str] = []
            while index < len(lines) and lines[index] != delimiter:
                body.append(lines[index])
                index += 1
            if index >= len(lines):
                raise InputError(f"no closing {delimiter!r} for {name!r} in a GITHUB_OUTPUT/GITHUB_ENV file")
            index += 1
            values[name] = "\n".join(body)
        elif "=" in line:
            name, value = line.split("=", 1)
            values[name] = value
        else:
            raise InputError(f"invalid line in a GITHUB_OUTPUT/GITHUB_ENV file: {line[:80]!r}")
    return values


_COMMAND = re.compile(r"^::(error|warning|notice|add-mask)(?: [^:]*)?::(.*)$")


class _Run:
    """One workflow run: its id, folder, event, and the job results so far."""

    def __init__(self, runner: WorkflowRunner, run_id: int, run_dir: Path, event: Event) -> None:
        self.runner = runner
        self.settings = runner.settings
        self.run_id = run_id
        self.run_dir = run_dir
        self.event = event
        self.masks: list[str] = [self.settings.github_token, *self.settings.secrets.values()]
        self._workspaces = itertools.count(1)

    # ----- workflows and jobs ---------------------------------------------------------------

    def run_workflow(self, document: dict[str, Any], inputs: dict[str, Any], *,
                     secrets: dict[str, str], only: list[str] | None = None,
                     prefix: str = "") -> list[JobResult]:
        jobs: dict[str, Any] = document["jobs"]
        results: dict[str, JobResult] = {}
        order = _topological(jobs)
        wanted: set[str] | None = None
        if only is not None:
            wanted = set()
            for name in only:
                wanted |= {name, *self._ancestors(jobs, name)}
        for job_id in order:
            if wanted is not None and job_id not in wanted:
                continue
            results[job_id] = self.run_job(document, job_id, jobs[job_id], results, inputs, secrets, prefix)
        return list(results.values())

    @staticmethod
    def _ancestors(jobs: Mapping[str, Any], job_id: str) -> set[str]:
        if job_id not in jobs:
            raise InputError(f"no job {job_id!r} in the workflow")
        found: set[str] = set()
        for need in _needs(jobs[job_id]):
            found |= {need, *_Run._ancestors(jobs, need)}
        return found

    def github_context(self, job_id: str) -> dict[str, Any]:
        settings, event = self.settings, self.event
        owner = settings.repository.split("/")[0]
        return {
            "event_name": event.name, "event": event.payload, "sha": event.sha, "ref": event.ref,
            "ref_name": event.ref.split("/", 2)[-1], "repository": settings.repository,
            "repository_owner": owner, "run_id": str(1000 + self.run_id), "run_number": str(self.run_id),
            "run_attempt": "1", "server_url": settings.server_url, "api_url": settings.github_api_url,
            "graphql_url": settings.github_api_url + "/graphql", "token": settings.github_token,
            "actor": event.actor, "triggering_actor": event.actor, "job": job_id, "workflow": "",
            "head_ref": ((event.payload.get("pull_request") or {}).get("head") or {}).get("ref", ""),
            "base_ref": ((event.payload.get("pull_request") or {}).get("base") or {}).get("ref", ""),
            "workspace": "", "action": "", "retention_days": "90",
        }

    def run_job(self, document: dict[str, Any], job_id: str, job: dict[str, Any],
                done: dict[str, JobResult], inputs: dict[str, Any], secrets: dict[str, str],
                prefix: str) -> JobResult:
        needs = {need: {"result": done[need].result, "outputs": done[need].outputs} for need in _needs(job)}
        need_results = [done[need].result for need in _needs(job)]
        status = expr.Functions(
            success=lambda: all(r in ("success", "skipped") for r in need_results)
            and all(self._ancestry_ok(done, n) for n in _needs(job)),
            failure=lambda: any(r == "failure" for r in need_results),
        )
        contexts: dict[str, Any] = {
            "github": self.github_context(job_id), "inputs": inputs, "vars": self.settings.vars,
            "secrets": {**secrets, "GITHUB_TOKEN": self.settings.github_token}, "needs": needs,
            "env": dict(document.get("env") or {}), "runner": {"os": "Linux", "arch": "X64", "temp": ""},
        }
        display = prefix + str(job.get("name") or job_id)
        if not expr.condition(job.get("if"), contexts, status):
            self.runner.say(f"[{display}] skipped")
            return JobResult(job_id, expr.render_text(display, {**contexts, "matrix": {}}), "skipped")
        strategy = job.get("strategy") or {}
        matrix = strategy.get("matrix")
        legs = expand_matrix(expr.render(matrix, contexts)) if matrix else [{}]
        if not legs:
            return JobResult(job_id, display, "skipped")

        # A job calling a reusable workflow may have a matrix too: one call per leg.
        def run_one(leg: dict[str, Any]) -> JobResult:
            leg_contexts = {**contexts, "matrix": leg, "strategy": {"fail-fast": False}}
            if "uses" in job:
                return self.run_reusable(job_id, job, leg_contexts, display)
            return self.run_leg(document, job_id, job, leg_contexts, display)

        if self.settings.parallel_legs > 1 and len(legs) > 1:
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(max_workers=self.settings.parallel_legs) as pool:
                leg_results = list(pool.map(run_one, legs))  # results in matrix order
        else:
            leg_results = [run_one(leg) for leg in legs]
        if len(leg_results) == 1:
            return leg_results[0]
        combined = JobResult(job_id, prefix + str(job_id),
                             "failure" if any(r.result == "failure" for r in leg_results) else "success",
                             children=leg_results)
        for leg in leg_results:
            combined.outputs.update({k: v for k, v in leg.outputs.items() if v != ""})
        return combined

    @staticmethod
    def _ancestry_ok(done: dict[str, JobResult], need: str) -> bool:
        return done[need].result in ("success", "skipped")

    def run_reusable(self, job_id: str, job: dict[str, Any], contexts: dict[str, Any],
                     display: str) -> JobResult:
        uses = str(job["uses"])
        if not uses.startswith("./"):
            raise InputError(f"job {job_id!r} calls {uses}: only this repository's reusable workflows "
                             "(./.github/workflows/...) run locally")
        called = self.runner.load_workflow(uses, self.event.sha)
        on = called.get("on") or {}
        spec = (on.get("workflow_call") or {}) if isinstance(on, dict) else {}
        with_values = expr.render(job.get("with") or {}, contexts)
        call_inputs = {**_input_defaults(called, "workflow_call"), **with_values}
        for name, declared in (spec.get("inputs") or {}).items():
            if (declared or {}).get("required") and name not in call_inputs:
                raise InputError(f"{uses} requires the input {name!r}, which job {job_id!r} does not pass")
        unknown = set(with_values) - set(spec.get("inputs") or {})
        if unknown:
            raise InputError(f"job {job_id!r} passes {sorted(unknown)} to {uses}, "
                             "which declares no such input")
        if job.get("secrets") == "inherit":
            call_secrets = dict(self.settings.secrets)
        else:
            call_secrets = {k: expr.to_string(v) for k, v in
                            expr.render(job.get("secrets") or {}, contexts).items()}
        children = self.run_workflow(called, call_inputs, secrets=call_secrets, prefix="")
        result = "failure" if any(c.result == "failure" for c in children) else "success"
        outputs: dict[str, str] = {}
        child_contexts = {"jobs": {c.job_id: {"result": c.result, "outputs": c.outputs} for c in children}}
        for name, declared in (spec.get("outputs") or {}).items():
            outputs[name] = expr.render_text((declared or {}).get("value", ""), child_contexts)
        return JobResult(job_id, expr.render_text(display, contexts), result, outputs=outputs,
                         children=children)

    # ----- one job leg ----------------------------------------------------------------------

    def run_leg(self, document: dict[str, Any], job_id: str, job: dict[str, Any],
                contexts: dict[str, Any], display_template: str) -> JobResult:
        display = expr.render_text(display_template, contexts)
        workspace = self.run_dir / f"job-{next(self._workspaces)}-{re.sub(r'[^A-Za-z0-9_.-]+', '-', display)}"
        runner_temp = workspace.with_name(workspace.name + ".temp")
        workspace.mkdir(parents=True)
        runner_temp.mkdir()
        if self.settings.plugin_cache is not None:
            from pipeline_tools.integrations.terraform import seed_plugin_cache

            seed_plugin_cache(self.settings.plugin_cache, runner_temp / "terraform-plugin-cache")
        environment = job.get("environment")
        if isinstance(environment, dict):
            environment = environment.get("name")
        environment = expr.render_text(environment, contexts) if environment else None
        leg = _Leg(self, job_id, display, workspace, runner_temp, contexts, environment)
        self.runner.say(f"[{display}] started")
        if environment and not self.settings.approve(environment):
            self.runner.say(f"[{display}] waiting for the {environment} environment's reviewers: rejected")
            return JobResult(job_id, display, "failure", matrix=contexts.get("matrix") or {},
                             annotations=[("error", f"deployment to {environment} was rejected")])
        job_env = {**(document.get("env") or {})}
        leg.env.update({k: expr.render_text(v, leg.contexts()) for k, v in job_env.items()})
        leg.contexts_env.update(leg.env)
        rendered_job_env = {k: expr.render_text(v, leg.contexts()) for k, v in (job.get("env") or {}).items()}
        leg.env.update(rendered_job_env)
        leg.contexts_env.update(rendered_job_env)
        defaults = (((document.get("defaults") or {}).get("run") or {})
                    | ((job.get("defaults") or {}).get("run") or {}))
        for index, step in enumerate(job.get("steps") or []):
            leg.run_step(index, step, defaults)
        if self.settings.plugin_cache is not None:
            from pipeline_tools.integrations.terraform import keep_new_providers

            keep_new_providers(runner_temp / "terraform-plugin-cache", self.settings.plugin_cache)
        failed = any(s.conclusion == "failure" for s in leg.steps)
        result = JobResult(job_id, display, "failure" if failed else "success", steps=leg.steps,
                           summary=leg.summary, annotations=leg.annotations,
                           matrix=contexts.get("matrix") or {})
        result.outputs = {name: expr.render_text(value, leg.contexts())
                          for name, value in (job.get("outputs") or {}).items()}
        self.runner.say(f"[{display}] {result.result}")
        return result


class _Leg:
    """The state of one running job: env, PATH additions, steps so far."""

    def __init__(self, run: _Run, job_id: str, display: str, workspace: Path, runner_temp: Path,
                 contexts: dict[str, Any], environment: str | None) -> None:
        self.run = run
        self.job_id = job_id
        self.display = display
        self.workspace = workspace
        self.runner_temp = runner_temp
        self.base_contexts = contexts
        self.environment = environment
        self.env: dict[str, str] = {}
        self.contexts_env: dict[str, str] = {}  # what ${{ env.X }} sees (workflow+job+GITHUB_ENV)
        self.path_additions: list[str] = []
        self.steps: list[StepResult] = []
        self.summary = ""
        self.annotations: list[tuple[str, str]] = []
        self.cancelled = False

    @property
    def settings(self) -> RunnerSettings:
        return self.run.settings

    def contexts(self, step_env: Mapping[str, str] | None = None) -> dict[str, Any]:
        github = {**self.base_contexts["github"], "workspace": str(self.workspace)}
        steps = {s.name: {"outcome": s.outcome, "conclusion": s.conclusion, "outputs": s.outputs}
                 for s in self.steps}
        return {**self.base_contexts, "github": github, "steps": steps,
                "env": {**self.contexts_env, **(step_env or {})},
                "runner": {"os": "Linux", "arch": "X64", "temp": str(self.runner_temp),
                           "name": "local", "environment": "self-hosted"},
                "job": {"status": self.job_status()}}

    def job_status(self) -> str:
        return "failure" if any(s.conclusion == "failure" for s in self.steps) else "success"

    def functions(self) -> expr.Functions:
        return expr.Functions(success=lambda: self.job_status() == "success",
                              failure=lambda: self.job_status() == "failure",
                              cancelled=lambda: self.cancelled,
                              hash_files=self.hash_files)

    def hash_files(self, patterns: list[str]) -> str:
        import hashlib

        digest = hashlib.sha256()
        matched = False
        for pattern in patterns:
            for path in sorted(self.workspace.glob(pattern)):
                if path.is_file() and ".git" not in path.relative_to(self.workspace).parts:
                    matched = True
                    digest.update(hashlib.sha256(path.read_bytes()).digest())
        return digest.hexdigest() if matched else ""

    def process_env(self, step_env: Mapping[str, str], files: Mapping[str, Path]) -> dict[str, str]:
        settings = self.settings
        github = self.base_contexts["github"]
        system_path = os.environ.get("PATH", "/usr/bin:/bin")
        path = os.pathsep.join([*reversed(self.path_additions), *(str(p) for p in settings.extra_path),
                                system_path])
        env = {
            "HOME": os.environ.get("HOME", str(self.runner_temp)), "PATH": path, "CI": "true",
            "LANG": "C.UTF-8", "GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": str(self.workspace),
            "GITHUB_REPOSITORY": settings.repository, "GITHUB_REPOSITORY_OWNER": github["repository_owner"],
            "GITHUB_SHA": github["sha"], "GITHUB_REF": github["ref"], "GITHUB_REF_NAME": github["ref_name"],
            "GITHUB_EVENT_NAME": github["event_name"],
            "GITHUB_EVENT_PATH": str(self.run.run_dir / "event.json"),
            "GITHUB_RUN_ID": github["run_id"], "GITHUB_RUN_NUMBER": github["run_number"],
            "GITHUB_RUN_ATTEMPT": "1", "GITHUB_JOB": self.job_id, "GITHUB_ACTOR": github["actor"],
            "GITHUB_SERVER_URL": settings.server_url, "GITHUB_API_URL": settings.github_api_url,
            "GITHUB_GRAPHQL_URL": github["graphql_url"], "GITHUB_HEAD_REF": github["head_ref"],
            "GITHUB_BASE_REF": github["base_ref"], "RUNNER_TEMP": str(self.runner_temp),
            "RUNNER_OS": "Linux", "RUNNER_ARCH": "X64",
            **settings.base_env, **self.env, **step_env,
            **{name: str(file) for name, file in files.items()},
        }
        return env

    # ----- steps ----------------------------------------------------------------------------

    def run_step(self, index: int, step: dict[str, Any], defaults: Mapping[str, Any]) -> None:
        step_id = str(step.get("id") or f"__step{index}")
        first_line = (str(step.get("run", "")).strip().splitlines() or [""])[0]
        raw_name = step.get("name") or step.get("uses") or first_line
        contexts = self.contexts()
        name = expr.render_text(str(raw_name), contexts)
        functions = self.functions()
        if not expr.condition(step.get("if"), contexts, functions):
            self.steps.append(StepResult(step_id, name, "skipped", "skipped"))
            self.run.runner.say(f"[{self.display}]   - {_short(name)}: skipped")
            return
        step_env = {k: expr.render_text(v, contexts) for k, v in (step.get("env") or {}).items()}
        contexts = self.contexts(step_env)
        files = self._command_files(index)
        started = time.monotonic()
        try:
            if "run" in step:
                outcome, log = self._run_script(step, step_env, files, contexts, defaults, name)
            elif "uses" in step:
                from pipeline_tools.local.workflow_actions import run_action

                with_values = {k: expr.render(v, contexts, functions)
                               for k, v in (step.get("with") or {}).items()}
                outcome, log = run_action(self, str(step["uses"]), with_values,
                                          self.process_env(step_env, files))
            else:
                raise InputError(f"step {name!r} of job {self.display!r} has neither run nor uses")
        except (InputError, ExternalError) as exc:
            outcome, log = "failure", f"error: {exc}"
        outputs = self._collect(files)
        continue_on_error = expr.truthy(expr.render(step.get("continue-on-error", False), contexts))
        conclusion = "success" if outcome == "failure" and continue_on_error else outcome
        self.steps.append(StepResult(step_id, name, outcome, conclusion, outputs, self._mask(log)))
        elapsed = time.monotonic() - started
        self.run.runner.say(f"[{self.display}]   - {_short(name)}: {outcome} ({elapsed:.1f} s)")

    def _command_files(self, index: int) -> dict[str, Path]:
        folder = self.runner_temp / "_runner_file_commands"
        folder.mkdir(exist_ok=True)
        files = {name: folder / f"{name.lower()}_{index}" for name in
                 ("GITHUB_ENV", "GITHUB_OUTPUT", "GITHUB_PATH", "GITHUB_STEP_SUMMARY", "GITHUB_STATE")}
        for file in files.values():
            file.write_text("")
        return files

    def _collect(self, files: Mapping[str, Path]) -> dict[str, str]:
        new_env = parse_key_values(files["GITHUB_ENV"].read_text())
        self.env.update(new_env)
        self.contexts_env.update(new_env)
        for line in files["GITHUB_PATH"].read_text().splitlines():
            if line.strip():
                self.path_additions.append(line.strip())
        self.summary += files["GITHUB_STEP_SUMMARY"].read_text()
        return parse_key_values(files["GITHUB_OUTPUT"].read_text())

    def _run_script(self, step: dict[str, Any], step_env: dict[str, str], files: Mapping[str, Path],
                    contexts: dict[str, Any], defaults: Mapping[str, Any], name: str) -> tuple[str, str]:
        shell = step.get("shell") or defaults.get("shell") or "bash"
        if shell != "bash":
            raise InputError(f"step {name!r} uses shell {shell!r}: the local runner runs bash steps only")
        override = self.settings.step_overrides.get(name)
        script = override if override is not None else expr.render_text(step["run"], contexts,
                                                                         self.functions())
        working = step.get("working-directory") or defaults.get("working-directory")
        cwd = self.workspace / expr.render_text(working, contexts) if working else self.workspace
        script_file = self.runner_temp / f"step-{len(self.steps)}.sh"
        script_file.write_text(script)
        try:
            completed = subprocess.run([*BASH, str(script_file)], cwd=cwd, text=True, errors="replace",
                                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                       env=self.process_env(step_env, files), timeout=STEP_TIMEOUT_SECONDS,
                                       check=False)
        except subprocess.TimeoutExpired:
            return "failure", f"step timed out after {STEP_TIMEOUT_SECONDS} s"
        self._commands(completed.stdout)
        return ("success" if completed.returncode == 0 else "failure"), completed.stdout

    def _commands(self, output: str) -> None:
        for line in output.splitlines():
            match = _COMMAND.match(line.strip())
            if not match:
                continue
            kind, text = match.groups()
            if kind == "add-mask":
                if text:
                    self.run.masks.append(text)
            else:
                self.annotations.append((kind, self._mask(text)))

    def _mask(self, text: str) -> str:
        for secret in self.run.masks:
            if secret and len(secret) >= 4:
                text = text.replace(secret, "***")
        return text


def _short(step_title: str) -> str:
    """A pinned action without its commit (``actions/checkout@<sha>`` -> ``actions/checkout``)."""
    return re.sub(r"@[0-9a-f]{40}$", "", step_title)


def write_event(run_dir: Path, event: Event) -> None:
    (run_dir / "event.json").write_text(json.dumps(event.payload, indent=2))
