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
            elif action is not None and action.type is int:
                word = "1"
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
                "deploy", "promote", "promote report", "drift report", "status", "notify", "apply check",
                "apply record"}
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
    names: set[str] = set()
    for path in WORKFLOW_FILES:
        text = path.read_text()
        names.update(m.group(1) for m in re.finditer(r"environments/([A-Za-z0-9_.-]+)", text))
        document = load(path)
        for job in document["jobs"].values():
            # Environments named through matrices and reusable-workflow inputs.
            matrix = (job.get("strategy") or {}).get("matrix")
            if isinstance(matrix, dict):
                names.update(matrix.get("env") or [])
            if "apply-environment.yml" in str(job.get("uses", "")):
                names.add(job["with"]["environment"])
    assert names, "no environment found: the check proves nothing"
    missing = sorted(n for n in names if not (REPO_ROOT / "environments" / n).is_dir())
    assert not missing, f"workflows name environments that do not exist: {missing}"


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
    assert "inputs.environment" in job["concurrency"]["group"]
    assert job["environment"] == "${{ inputs.environment }}"
    apply = load(WORKFLOWS / "terraform-apply.yml")["jobs"]
    assert apply["staging"]["needs"] == ["affected", "dev"] and "dev" in apply["prod"]["needs"] \
        and "staging" in apply["prod"]["needs"]


def test_zizmor_reports_nothing():
    zizmor = Path(sys.executable).parent / "zizmor"
    binary = str(zizmor) if zizmor.exists() else shutil.which("zizmor")
    if binary is None:
        pytest.fail("zizmor is not installed (it is in the dev extra: pip install -e '.[dev]')")
    completed = subprocess.run([binary, "--offline", "--no-progress", str(WORKFLOWS)],
                               capture_output=True, text=True, check=False)
    assert completed.returncode == 0, completed.stdout + completed.stderr


# ----- the workflows' own shell logic, run for real with bash and jq ------------------------------
# The GitHub CLI (`gh`) is not installed here and GitHub cannot be reached, so these tests put a
# stand-in `gh` on PATH that answers the one API read the step makes with canned pages (in the shape
# of GitHub's REST API) and records every other call. The step scripts are taken verbatim from the
# workflow files and run with bash as GitHub runs them (`bash -e -o pipefail`).

FAKE_GH = """#!/usr/bin/env bash
echo "$*" >> "$FAKE_GH_LOG"
if [ "$1" = api ] && [ "$2" = --paginate ]; then cat "$FAKE_GH_PAGES"; fi
"""


def step_script(workflow: str, job: str, name_prefix: str) -> str:
    steps = load(WORKFLOWS / workflow)["jobs"][job]["steps"]
    return next(s["run"] for s in steps if str(s.get("name", "")).startswith(name_prefix))


def run_step(script: str, workdir: Path, env: dict[str, str], pages: str = "") -> subprocess.CompletedProcess:
    bin_dir = workdir / "bin"
    bin_dir.mkdir(exist_ok=True)
    gh = bin_dir / "gh"
    gh.write_text(FAKE_GH)
    gh.chmod(0o755)
    (workdir / "pages.json").write_text(pages)
    full_env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "FAKE_GH_LOG": str(workdir / "gh.log"),
                "FAKE_GH_PAGES": str(workdir / "pages.json"), **env}
    return subprocess.run(["bash", "-e", "-o", "pipefail", "-c", script], cwd=workdir, env=full_env,
                          capture_output=True, text=True, check=False)


def comment(login: str, body: str) -> dict[str, Any]:
    return {"user": {"login": login}, "body": body}


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


@pytest.mark.skipif(shutil.which("jq") is None, reason="jq is not installed (GitHub's runners have it)")
def test_destroy_label_follows_the_plans(tmp_path: Path):
    """Plans from terraform-json's test data (tests/fixtures/plans/terraform-json, see SOURCES.md)."""
    fixtures = REPO_ROOT / "tests" / "fixtures" / "plans" / "terraform-json"
    script = step_script("terraform-pr.yml", "comment", "Label plans")
    env = {"PR": "7", "REPO": "octo/infra"}

    def plans(**by_env: str) -> None:
        shutil.rmtree(tmp_path / "plans", ignore_errors=True)
        for name, fixture in by_env.items():
            (tmp_path / "plans" / f"plan-{name}").mkdir(parents=True)
            shutil.copy(fixtures / fixture, tmp_path / "plans" / f"plan-{name}" / "plan.json")

    plans(dev="no_changes__plan.json", prod="action_reason__plan.json")  # prod replaces a resource
    result = run_step(script, tmp_path, env)
    assert result.returncode == 0, result.stderr
    assert "api --method POST repos/octo/infra/issues/7/labels -f labels[]=plan:destroy" in \
        (tmp_path / "gh.log").read_text()

    (tmp_path / "gh.log").unlink()
    plans(dev="no_changes__plan.json", staging="basic__plan.json")
    result = run_step(script, tmp_path, env)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "gh.log").read_text().strip() == \
        "api --method DELETE repos/octo/infra/issues/7/labels/plan:destroy"
