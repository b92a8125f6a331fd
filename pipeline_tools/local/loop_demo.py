"""``make demo``: the GitOps loop from the workflow files themselves, on a laptop.

A pull request touching dev and staging goes through the real ``terraform-pr.yml`` (affected,
plan per environment with its plan role, the security gate, one sticky comment), is approved and
merged, and ``terraform-apply.yml`` (with ``apply-environment.yml``) applies dev and then staging
with their apply roles; a last pull request shows the re-plan is clean. The jobs run in
:mod:`pipeline_tools.local.workflow_runner` against the GitHub stand-in and the AWS emulator, in a
sandbox repository (:mod:`pipeline_tools.local.loop_sandbox`). Every job and step prints a line.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import TextIO

from pipeline_tools.core.errors import ExternalError, PipelineError
from pipeline_tools.core.redaction import error_line
from pipeline_tools.local.local_apply import StepPrinter
from pipeline_tools.local.workflow_runner import RunResult

REPO_ROOT = Path(__file__).resolve().parents[2]
ENVS = ("dev", "staging")


def _require(result: RunResult, job: str) -> None:
    found = result.job(job)
    if found.result != "success":
        last = [s for s in found.steps if s.outcome == "failure"][-1:]
        detail = error_line(last[0].log.strip().splitlines()[-1]) if last and last[0].log.strip() else ""
        raise ExternalError(f"job '{job}' of {result.workflow} ended {found.result}: {detail}")


def run(out: TextIO = sys.stdout, root: Path = REPO_ROOT) -> int:
    from pipeline_tools.local import emulator
    from pipeline_tools.local.github_standin import GitHubStandin
    from pipeline_tools.local.loop_sandbox import Sandbox, build_sandbox, parameter

    printer = StepPrinter(out)
    started = time.monotonic()
    stack = ExitStack()
    work_dir = Path(tempfile.mkdtemp(prefix="pt-loop-demo-"))
    stack.callback(shutil.rmtree, work_dir, ignore_errors=True)
    state: dict[str, object] = {}

    def say(line: str) -> None:
        printer.say(f"    {line}")

    def start() -> str:
        server = emulator.start(log_path=work_dir / "emulator.log")
        stack.callback(server.stop)
        standin = GitHubStandin().start()
        stack.callback(standin.stop)
        # Matrix legs (plan dev, plan staging) run side by side, as on GitHub.
        sandbox = build_sandbox(work_dir / "sandbox", server.endpoint, standin, root, progress=say,
                                parallel_legs=2)
        state["sandbox"] = sandbox
        return (f"moto server at {server.endpoint}, GitHub stand-in at {standin.base_url}\n"
                f"repository {sandbox.loop.repo_dir} with .github/ from {root}")

    def sandbox() -> Sandbox:
        found = state["sandbox"]
        assert isinstance(found, Sandbox)
        return found

    def pull_request() -> str:
        box = sandbox()
        files = {f"environments/{env}/settings.tf": parameter("greeting", box.param_name(env, "greeting"),
                                                             f"hello {env}") for env in ENVS}
        pull = box.loop.open_pull_request("add-greeting", files, "Add a greeting to dev and staging")
        state["pull"] = pull
        result = box.loop.run_pull_request(pull)
        for env in ENVS:
            _require(result, f"plan {env}")
        comment = box.loop.comments(pull)[0]
        visible = [line for line in comment.splitlines() if line.strip() and not line.startswith("<!--")]
        return "the sticky comment (first lines):\n" + "\n".join("  | " + line for line in visible[:25])

    def merge_and_apply() -> str:
        box = sandbox()
        pull = state["pull"]
        box.loop.approve(pull)  # type: ignore[arg-type]
        before, after = box.loop.merge(pull)  # type: ignore[arg-type]
        result = box.loop.run_push(before, after)
        for env in ENVS:
            _require(result, f"apply {env}")
        return "\n".join(f"{env}: {box.parameters(env)}" for env in ENVS)

    def replan() -> str:
        box = sandbox()
        notes = {f"environments/{env}/notes.tf": "# a note\n" for env in ENVS}
        pull = box.loop.open_pull_request("notes", notes, "A comment only")
        result = box.loop.run_pull_request(pull)
        for env in ENVS:
            _require(result, f"plan {env}")
        if "to add" in box.loop.comments(pull)[0]:
            raise ExternalError("the re-plan after the apply still shows changes")
        return "no changes in dev or staging"

    steps = [
        ("start the emulator and the GitHub stand-in; a sandbox repository with the workflows", start),
        ("pull request -> terraform-pr.yml: plan and gate per environment, one comment", pull_request),
        ("approve, merge -> terraform-apply.yml: apply dev, then staging", merge_and_apply),
        ("another pull request -> terraform-pr.yml: the re-plan is clean", replan),
    ]
    current = ""
    try:
        with stack:
            for title, action in steps:
                current = title
                printer.step(title, action)
    except PipelineError as exc:
        out.flush()
        sys.stderr.write(f"error: demo step '{current}' failed: {error_line(str(exc))}\n")
        return int(exc.exit_code) or 1
    except KeyboardInterrupt:
        sys.stderr.write("error: demo interrupted\n")
        return 130
    printer.say(f"demo finished in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(run())
