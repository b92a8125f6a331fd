"""The GitHub Actions workflows: linted, and every command they run exists as written.

GitHub cannot run here, so the workflows are checked statically: zizmor (offline) reports nothing;
every workflow parses; every ``pipeline-tools`` invocation in a ``run:`` step is parsed by the real
CLI parser (``pipeline_tools.cli.build_parser``), so a workflow can never call a subcommand or a flag
that does not exist; every ``environments/<name>`` a workflow names exists; and the security rules
of issue 5 hold (pinned actions, least privilege, no AWS role for forks).

How invocations are read: ``${{ ... }}`` expressions and shell variables become placeholders, and a
placeholder takes a value that fits the option it is given to (an integer for an integer option, a
valid choice for a choice option), because their real values only exist in a run. Line
continuations are joined. A shell array expanded into a command (``"${args[@]}"``) is checked once
per addition made to it (``args+=(...)``), each together with the array's initial elements, so that
options added in alternative branches (``--all`` or ``--service``) are each checked.
"""

from __future__ import annotations

import argparse
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from pipeline_tools.cli.main import build_parser
from tests.support.paths import REPO_ROOT

WORKFLOWS = REPO_ROOT / ".github" / "workflows"
WORKFLOW_FILES = sorted(WORKFLOWS.glob("*.yml"))
# The scripts a workflow step runs (a group of roots, one root after another).
SCRIPT_FILES = sorted((REPO_ROOT / ".github" / "scripts").glob("*.sh"))
PLACEHOLDER = "\x00PLACEHOLDER\x00"
SHA_PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")


@dataclass(frozen=True)
class Invocation:
    workflow: str
    job: str
    step: str
    words: tuple[str, ...]

    def __str__(self) -> str:
        shown = " ".join("<value>" if w == PLACEHOLDER else w for w in self.words)
        return f"{self.workflow} / {self.job} / {self.step}: pipeline-tools {shown}"


def load(path: Path) -> dict[str, Any]:
    document = yaml.safe_load(path.read_text())
    assert isinstance(document, dict), f"{path.name} is not a mapping"
    # PyYAML reads the key `on` as the boolean True.
    if True in document:
        document["on"] = document.pop(True)
    return document


def run_steps(document: dict[str, Any]) -> Iterator[tuple[str, str, str]]:
    for job_id, job in (document.get("jobs") or {}).items():
        for index, step in enumerate(job.get("steps") or []):
            if "run" in step:
                yield job_id, str(step.get("name") or step.get("id") or f"step {index + 1}"), step["run"]


# ----- reading shell scripts -------------------------------------------------------------------

_EXPRESSION = re.compile(r"\$\{\{.*?\}\}", re.DOTALL)
_ARRAY_USE = re.compile(r"^\$\{(\w+)\[@\]\}$")
_VARIABLE = re.compile(r"\$(?:\{[^}]+\}|\w+|\?)")
_REDIRECTION = re.compile(r"\s\d*>&\d+|\s\d*>>?\s*(\"[^\"]*\"|\S+)")


def logical_lines(script: str) -> list[str]:
    text = _EXPRESSION.sub("PLACEHOLDEREXPR", script)
    return text.replace("\\\n", " ").splitlines()


def array_values(script: str) -> dict[str, tuple[list[str], list[list[str]]]]:
    """name -> (initial elements, each later addition) for every ``name=(...)`` array."""
    arrays: dict[str, tuple[list[str], list[list[str]]]] = {}
    text = "\n".join(logical_lines(script))
    # An assignment may span lines: `args=(--a "$A"\n      --b "$B")`.
    for match in re.finditer(r"(\w+)(\+?)=\((.*?)\)(?=;|$|\s)", text, re.DOTALL | re.MULTILINE):
        name, plus, body = match.groups()
        words = shlex.split(body)
        if plus:
            arrays.setdefault(name, ([], []))[1].append(words)
        else:
            arrays[name] = (words, [])
    return arrays


def command_words(rest: str) -> list[str]:
    """The words of one command starting at ``rest``, up to the first shell operator."""
    rest = _REDIRECTION.sub(" ", rest)
    lexer = shlex.shlex(rest, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    words: list[str] = []
    try:
        for token in lexer:
            if token and all(c in "();<>|&" for c in token):
                break
            words.append(token)
    except ValueError:  # an unterminated quote after the command's end, e.g. `$(...)"`
        pass
    return words


def invocations_in(workflow: str, job: str, step: str, script: str) -> list[Invocation]:
    arrays = array_values(script)
    found: list[Invocation] = []
    for line in logical_lines(script):
        for match in re.finditer(r"(?:^|[\s;(|&!])pipeline-tools(?=\s|$)", line):
            words = command_words(line[match.end():])
            for variant in expand_arrays(words, arrays):
                placeholders = tuple(
                    PLACEHOLDER if ("PLACEHOLDEREXPR" in w or _VARIABLE.search(w)) else w for w in variant
                )
                found.append(Invocation(workflow, job, step, placeholders))
    return found


def expand_arrays(words: list[str], arrays: dict[str, tuple[list[str], list[list[str]]]]) -> list[list[str]]:
    for index, word in enumerate(words):
        use = _ARRAY_USE.match(word)
        if use:
            initial, additions = arrays.get(use.group(1), ([], []))
            variants = [initial + addition for addition in additions] or [initial]
            return [v for variant in variants
                    for v in expand_arrays(words[:index] + variant + words[index + 1:], arrays)]
    return [words]


# ----- checking against the CLI parser ----------------------------------------------------------

def subparser_for(parser: argparse.ArgumentParser, words: tuple[str, ...]) -> argparse.ArgumentParser:
    """The deepest (sub)parser the leading words select."""
    current = parser
    for word in words:
        choices = next((a.choices for a in current._actions if isinstance(a, argparse._SubParsersAction)),
                       None)
        if not choices or word not in choices:
            break
        current = choices[word]
    return current


def command_path(parser: argparse.ArgumentParser, words: tuple[str, ...]) -> str:
    """The subcommand words of an invocation (``plan verify``; ``promote report`` for its action)."""
    path = []
    current = parser
    for word in words:
        choices = next((a.choices for a in current._actions
                        if isinstance(a, argparse._SubParsersAction)), None)
        if choices and word in choices:
            path.append(word)
            current = choices[word]
            continue
        if not choices and not path[1:] and any(
                a.choices and word in a.choices and not a.option_strings for a in current._actions):
            path.append(word)  # a positional action word such as `promote report`
        break
    return " ".join(path)


def fill_placeholders(parser: argparse.ArgumentParser, words: tuple[str, ...]) -> list[str]:
    """Give each placeholder a value valid for the option that takes it."""
    target = subparser_for(parser, words)
    filled: list[str] = []
    action: argparse.Action | None = None
    for word in words:
        if word.startswith("-") and word in target._option_string_actions:
            action = target._option_string_actions[word]
            filled.append(word)
            continue
        if word == PLACEHOLDER:
            if action is not None and action.choices:
                word = str(next(iter(action.choices)))
            elif action is not None and action.type not in (None, str):
                word = "1"  # int, float and the CLI's own number parsers
            else:
                word = "placeholder"
        filled.append(word)
    return filled


class ParseFailure(Exception):
    pass


def parse(parser: argparse.ArgumentParser, words: list[str]) -> argparse.Namespace:
    def fail(message: str) -> None:
        raise ParseFailure(message)

    # Every (sub)parser reports errors through its own error(); make them raise instead of exiting.
    stack = [parser]
    while stack:
        current = stack.pop()
        current.error = fail  # type: ignore[method-assign]
        for action in current._actions:
            if isinstance(action, argparse._SubParsersAction):
                stack.extend(action.choices.values())
    return parser.parse_args(words)


def all_invocations() -> list[Invocation]:
    found: list[Invocation] = []
    for path in WORKFLOW_FILES:
        for job, step, script in run_steps(load(path)):
            found.extend(invocations_in(path.name, job, step, script))
    for path in SCRIPT_FILES:
        found.extend(invocations_in(path.name, "", "", path.read_text()))
    return found


def test_workflows_exist_and_parse():
    names = {path.name for path in WORKFLOW_FILES}
    assert {"terraform-pr.yml", "terraform-apply.yml", "promote.yml", "drift.yml", "ci.yml"} <= names
    for path in WORKFLOW_FILES:
        document = load(path)
        assert document.get("on"), f"{path.name}: no trigger"
        assert document.get("jobs"), f"{path.name}: no jobs"


def test_every_pipeline_tools_invocation_parses():
    invocations = all_invocations()
    # The test must see the commands the workflows are known to run, or it proves nothing.
    seen = {command_path(build_parser(), inv.words) for inv in invocations}
    expected = {"affected", "plan fingerprint", "plan verify", "plan summarize", "plan comment", "gate",
                "plan label-destroys", "promote", "drift report", "apply check", "apply record", "apply pr",
                "apply rollout", "apply report", "config show", "doctor"}
    assert expected <= seen, f"not found in the workflows: {sorted(expected - seen)}"
    failures = []
    for invocation in invocations:
        parser = build_parser()
        try:
            namespace = parse(parser, fill_placeholders(parser, invocation.words))
        except ParseFailure as exc:
            failures.append(f"{invocation}\n    -> {exc}")
            continue
        except SystemExit as exc:  # --help or --version in a workflow would be a mistake too
            failures.append(f"{invocation}\n    -> exits {exc.code} without running")
            continue
        assert callable(getattr(namespace, "func", None)), str(invocation)
    assert not failures, "workflow commands the CLI does not accept:\n" + "\n".join(failures)


def test_the_invocation_reader_catches_a_wrong_flag():
    """The checker itself: a misspelt flag, a missing subcommand and a bad choice are caught."""
    script = (
        'args=(--from "$A" --to prod)\nargs+=(--all)\nargs+=(--no-such-flag)\n'
        'pipeline-tools promote "${args[@]}" | tee x\n'
        'x="$(pipeline-tools affected --base "${{ github.sha }}" --format yaml)"\n'
        "pipeline-tools plan nosuch \\\n  --env dev plan.json\n"
    )
    results = []
    for invocation in invocations_in("t.yml", "job", "step", script):
        parser = build_parser()
        try:
            parse(parser, fill_placeholders(parser, invocation.words))
            results.append("ok")
        except ParseFailure:
            results.append("fail")
    assert results == ["ok", "fail", "fail", "fail"]


def test_every_environment_a_workflow_names_exists():
    """Roots come from pipeline-tools.yml now; what a workflow still names must exist, and the roots
    the drift matrix is built from are this repository's environments."""
    from pipeline_tools.config import load_config
    from pipeline_tools.config.load import staged_roots

    names: set[str] = set()
    for path in WORKFLOW_FILES:
        names.update(m.group(1) for m in re.finditer(r"environments/([A-Za-z0-9_.-]+)", path.read_text()))
    missing = sorted(n for n in names if not (REPO_ROOT / "environments" / n).is_dir())
    assert not missing, f"workflows name environments that do not exist: {missing}"
    roots = staged_roots(load_config(repo_root=REPO_ROOT), REPO_ROOT)
    assert [stage for _, stage in roots] == ["dev", "staging", "prod"]
    assert all((REPO_ROOT / path).is_dir() for path, _ in roots)
    assert "environments/bootstrap" not in {path for path, _ in roots}  # applied by hand, never drift-planned
    drift = load(WORKFLOWS / "drift.yml")["jobs"]["drift"]
    assert drift["strategy"]["matrix"] == "${{ fromJSON(needs.roots.outputs.roots) }}"


def test_the_apply_runs_one_job_per_configured_stage_each_after_the_ones_before():
    """terraform-apply.yml has WORKFLOW_STAGE_LIMIT stage jobs (pipeline-tools.yml may not have more
    stages), each a matrix over `affected`'s stage-K output, waiting for every earlier stage."""
    from pipeline_tools.config.model import WORKFLOW_STAGE_LIMIT

    jobs = load(WORKFLOWS / "terraform-apply.yml")["jobs"]
    stage_jobs = sorted(name for name in jobs if name.startswith("stage-"))
    assert stage_jobs == [f"stage-{k}" for k in range(WORKFLOW_STAGE_LIMIT)]
    assert set(jobs["affected"]["outputs"]) == {"pr", *stage_jobs}
    for k, name in enumerate(stage_jobs):
        job = jobs[name]
        assert job["needs"] == ["affected", *stage_jobs[:k]]
        assert f"needs.affected.outputs.stage-{k})" in job["strategy"]["matrix"]
        assert "!contains(needs.*.result, 'failure')" in job["if"] and f"stage-{k})" in job["if"]
        assert job["with"]["environment"] == "${{ matrix.github_environment }}"
        assert job["with"]["root"] == "${{ matrix.path }}"
    # No environment name, role or cluster is written in the apply workflows: pipeline-tools.yml has them.
    for workflow in ("terraform-apply.yml", "apply-environment.yml"):
        text = (WORKFLOWS / workflow).read_text()
        for hard_coded in ("'dev'", "'staging'", "'prod'", "platform-", "AWS_APPLY_ROLES",
                           "vars.TF_STATE_BUCKET"):
            assert hard_coded not in text, f"{workflow}: {hard_coded}"


def test_actions_are_pinned_and_permissions_are_least():
    for path in WORKFLOW_FILES:
        text = path.read_text()
        document = load(path)
        assert "pull_request_target" not in text, path.name
        assert document.get("permissions") == {}, f"{path.name}: top-level permissions must be {{}}"
        for line in text.splitlines():
            if re.match(r"^\s*-?\s*uses:", line):
                reference = line.split("uses:", 1)[1].split("#", 1)[0].strip()
                if reference.startswith("./"):
                    continue
                assert SHA_PINNED.match(reference), f"{path.name}: not pinned to a commit: {line.strip()}"
                assert re.search(r"#\s*v\d", line), f"{path.name}: no version comment: {line.strip()}"
        for job_id, job in document["jobs"].items():
            assert "permissions" in job, f"{path.name}/{job_id}: no job permissions"
            steps = job.get("steps") or []
            assumes_aws = any("configure-aws-credentials" in str(s.get("uses", "")) for s in steps)
            calls_apply = "apply-environment.yml" in str(job.get("uses", ""))
            wants_token = (job["permissions"] or {}).get("id-token") == "write"
            assert wants_token == (assumes_aws or calls_apply), f"{path.name}/{job_id}: id-token"
            on = document["on"]
            if assumes_aws and isinstance(on, dict) and "pull_request" in on:
                fork_guard = "github.event.pull_request.head.repo.full_name == github.repository"
                assert fork_guard in str(job.get("if")), \
                    f"{path.name}/{job_id}: a fork's pull request could reach an AWS role"


def test_apply_concurrency_never_cancels_an_apply():
    document = load(WORKFLOWS / "apply-environment.yml")
    job = document["jobs"]["apply"]
    assert job["concurrency"]["cancel-in-progress"] is False
    assert "inputs.root" in job["concurrency"]["group"]
    assert job["environment"] == "${{ inputs.environment }}"


def test_the_apply_runs_doctor_before_it_assumes_the_apply_role():
    steps = load(WORKFLOWS / "apply-environment.yml")["jobs"]["apply"]["steps"]
    doctor = next(i for i, s in enumerate(steps) if "pipeline-tools doctor" in str(s.get("run", "")))
    credentials = next(i for i, s in enumerate(steps)
                       if "configure-aws-credentials" in str(s.get("uses", "")))
    assert doctor < credentials
    assert "PIPELINE_TOOLS_DOCTOR_TOKEN" in steps[doctor]["env"]["GITHUB_TOKEN"]
    assert load(WORKFLOWS / "apply-environment.yml")["jobs"]["apply"]["permissions"]["actions"] == "read"



def test_a_refused_apply_has_a_dispatch_that_applies_exactly_the_plan_it_showed():
    """apply-dispatch.yml (runbooks/refused-apply.md): re-plan with the read-only drift role, show
    summary, gate and fingerprint, then apply that saved plan file, never a new plan, in the stage's
    GitHub environment (its reviewers approve), serialised with the merge applies of the root."""
    document = load(WORKFLOWS / "apply-dispatch.yml")
    assert set(document["on"]) == {"workflow_dispatch"}
    plan, apply = document["jobs"]["plan"], document["jobs"]["apply"]
    assert plan["environment"] == "drift" and plan["if"] == "github.ref == 'refs/heads/main'"
    plan_runs = "\n".join(str(step.get("run", "")) for step in plan["steps"])
    for command in ("--require-stage", "terraform -chdir=\"$ROOT\" plan", "pipeline-tools plan fingerprint",
                    "pipeline-tools plan summarize", "pipeline-tools gate"):
        assert command in plan_runs, command
    credentials = [s for s in plan["steps"] if "configure-aws-credentials" in str(s.get("uses", ""))]
    assert [s["with"]["role-to-assume"] for s in credentials] == ["${{ steps.config.outputs.drift_role }}"]

    assert apply["needs"] == "plan"
    assert apply["environment"] == "${{ needs.plan.outputs.environment }}"
    # A merge's apply of one root (root set; a group's job is named by its group) shares the group.
    merge_group = load(WORKFLOWS / "apply-environment.yml")["jobs"]["apply"]["concurrency"]["group"]
    assert merge_group == "terraform-apply-${{ inputs.root || inputs.name }}"
    assert apply["concurrency"] == {"group": "terraform-apply-${{ inputs.root }}",
                                    "cancel-in-progress": False}
    apply_runs = [str(step.get("run", "")) for step in apply["steps"]]
    assert not any(" plan " in run or run.rstrip().endswith(" plan") for run in apply_runs), \
        "the apply job must not re-plan: it applies the plan the reviewers saw"
    assert any('apply -input=false -no-color "$PWD/out/tfplan"' in run for run in apply_runs)
    names = [step.get("name") or step.get("uses", "") for step in apply["steps"]]
    downloaded = next(i for i, n in enumerate(names) if "download-artifact" in n)
    applied = names.index("terraform apply")
    doctor = names.index("pipeline-tools doctor")
    assert doctor < downloaded < applied
    assert any("apply record" in run and "--state \"$OUTCOME\"" in run for run in apply_runs)


def test_a_code_scanning_upload_never_fails_a_job():
    """Private repositories without GitHub Advanced Security refuse SARIF uploads (issue 18 item 8)."""
    uploads = [(path.name, step) for path in WORKFLOW_FILES
               for job in load(path)["jobs"].values() for step in job.get("steps") or []
               if "upload-sarif" in str(step.get("uses", ""))]
    assert uploads, "the plan job uploads the gate's SARIF"
    for name, step in uploads:
        assert step.get("continue-on-error") is True, f"{name}: {step.get('name')}"

# Each exception says why the step stays as it is; everything else is a pipeline-tools call or two.
LONG_STEP_EXCEPTIONS = {
    # Downloading a pinned release and checking its sha256 is what curl and sha256sum are for.
    ("terraform-pr.yml", "plan", "Install tfsec (pinned release, checksum verified)"),
    # Optional workflow_dispatch inputs turned into optional flags.
    ("promote.yml", "promote", "pipeline-tools promote"),
}
MAX_RUN_LINES = 5


def test_run_steps_are_short_and_use_no_gh_jq_or_curl():
    """A job is checkout, setup, credentials, one or two pipeline-tools calls, artifacts: GitHub is
    reached through pipeline-tools (PyGithub), JSON is read by pipeline-tools, not by jq."""
    tools = re.compile(r"(?:^|[\s;|&(`$])(gh|jq|curl)(?=\s|$)", re.MULTILINE)
    problems = []
    seen = set()
    for path in WORKFLOW_FILES:
        for job, step, script in run_steps(load(path)):
            key = (path.name, job, step)
            lines = [line for line in logical_lines(script)
                     if line.strip() and not line.strip().startswith("#")]
            if key in LONG_STEP_EXCEPTIONS:
                seen.add(key)
                continue
            used = sorted({m.group(1) for m in tools.finditer(script)})
            if used:
                problems.append(f"{key}: uses {', '.join(used)}")
            if len(lines) > MAX_RUN_LINES:
                problems.append(f"{key}: {len(lines)} lines")
    for path in SCRIPT_FILES:
        used = sorted({m.group(1) for m in tools.finditer(path.read_text())})
        if used:
            problems.append(f"{path.name}: uses {', '.join(used)}")
    assert not problems, "\n".join(problems)
    assert seen == set(LONG_STEP_EXCEPTIONS), f"stale exceptions: {set(LONG_STEP_EXCEPTIONS) - seen}"


def test_the_step_length_check_catches_gh_jq_and_long_scripts():
    tools = re.compile(r"(?:^|[\s;|&(`$])(gh|jq|curl)(?=\s|$)", re.MULTILINE)
    assert tools.search('labels="$(gh api repos/x)"') and tools.search("x | jq -r .a")
    assert not tools.search("pipeline-tools plan label-destroys --repo x") and not tools.search("echo ghost")
    assert len(logical_lines("a \\\n b\nc\nd\ne\nf\ng")) == 6


def test_zizmor_reports_nothing():
    zizmor = Path(sys.executable).parent / "zizmor"
    binary = str(zizmor) if zizmor.exists() else shutil.which("zizmor")
    if binary is None:
        pytest.fail("zizmor is not installed (it is in the dev extra: pip install -e '.[dev]')")
    completed = subprocess.run([binary, "--offline", "--no-progress", str(WORKFLOWS)],
                               capture_output=True, text=True, check=False)
    assert completed.returncode == 0, completed.stdout + completed.stderr


def step_script(workflow: str, job: str, name_prefix: str) -> str:
    steps = load(WORKFLOWS / workflow)["jobs"][job]["steps"]
    return next(s["run"] for s in steps if str(s.get("name", "")).startswith(name_prefix))


def test_apply_trusts_github_through_pipeline_tools_not_bash():
    """The apply reads the pull request's comments, reviews and deployments through pipeline-tools
    (which trusts only the pipeline's own identity: tests/integration/test_trusted_identity.py), not
    through gh and jq in the workflow."""
    steps = load(WORKFLOWS / "apply-environment.yml")["jobs"]["apply"]["steps"]
    scripts = "\n".join(str(step.get("run", "")) for step in steps)
    assert "/comments" not in scripts and "--comment-file" not in scripts
    invocations = [" ".join(w for w in inv.words if w != PLACEHOLDER)
                   for inv in all_invocations() if inv.workflow == "apply-environment.yml"]
    assert any(i.startswith("apply check") for i in invocations)
    assert any(i.startswith("plan verify") and "--since-deployment" in i and "--checked" in i
               for i in invocations)
    assert sum(i.startswith("apply record") for i in invocations) == 2  # started, then the outcome


def test_the_comment_step_with_no_plan_artifact_comments_nothing(tmp_path: Path):
    """A pull request that plans nothing (only bootstrap changed): download-artifact leaves no
    plans/ directory; the step used to fail with "invalid environment name '*'"."""
    script = step_script("terraform-pr.yml", "comment", "One sticky comment")
    bin_dir = Path(sys.executable).parent  # the virtualenv's pipeline-tools
    result = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", script], cwd=tmp_path, capture_output=True,
                            text=True, check=False,
                            env={"PATH": f"{bin_dir}:/usr/bin:/bin", "REPO": "octo/infra", "PR": "7",
                                 "HEAD_SHA": "a" * 40, "GITHUB_TOKEN": "", "GITHUB_API_URL": "http://127.0.0.1:9"})
    assert result.returncode == 0, result.stderr
    assert "no plan to comment on" in result.stdout
