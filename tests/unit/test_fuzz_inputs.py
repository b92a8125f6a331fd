"""Fuzzing the input boundary (issue 11): plan JSON, release files, SARIF, policy and exceptions
files, generated and mutated from real samples, through the real CLI entry (``main([...])``
in-process). Every run must end in a documented exit code with at most one ``error:`` line and
never a traceback or an internal error, and ``--format json`` must be strict JSON.

Bounded (a few dozen examples per input kind, no deadline) so the whole file runs in well under a
minute; hypothesis keeps failing examples in .hypothesis/ and replays them first.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline_tools.cli.main import main
from pipeline_tools.core.strict_input import ensure_recursion_headroom
from tests.conftest import FIXTURES

PLANS = sorted((FIXTURES / "plans" / "terraform-json").glob("*__plan.json"))


def _parses(path: Path) -> bool:
    try:
        return isinstance(json.loads(path.read_text()), dict)
    except ValueError:
        return False


# The real plans to mutate (the corpus also holds deliberately broken files, fuzzed as bytes).
VALID_PLANS = [path for path in PLANS if _parses(path)]
ZIZMOR_SARIF = json.loads((FIXTURES / "scanners" / "zizmor_1.32.0_bad_workflow.sarif").read_text())
TFSEC_SARIF = json.loads((FIXTURES / "scanners" / "tfsec_v1.28.14_aws_results.sarif").read_text())
# The plan loader raises the interpreter's recursion limit once (for documents up to 1024 levels);
# do it before hypothesis starts, so it does not warn that the limit changed under it.
ensure_recursion_headroom()
FUZZ = settings(max_examples=int(os.environ.get("PIPELINE_TOOLS_FUZZ_EXAMPLES", "40")), deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=12),
    st.sampled_from(["create", "delete", "update", "no-op", "read", "managed", "1.2", "sha256:abc"]),
)
json_values = st.recursive(
    scalars,
    lambda children: st.one_of(st.lists(children, max_size=4),
                               st.dictionaries(st.text(max_size=8), children, max_size=4)),
    max_leaves=16,
)
# Deep nesting, a known way to break recursive walkers.
deep_values = st.integers(min_value=1, max_value=1100).map(lambda depth: _nest(depth))


def _nest(depth: int) -> Any:
    value: Any = "leaf"
    for _ in range(depth):
        value = [value]
    return value


def _paths(document: Any, prefix: tuple = (), limit: int = 400) -> Iterator[tuple]:
    """Locations inside ``document`` (keys and indexes), breadth first, at most ``limit``."""
    queue = [(prefix, document)]
    count = 0
    while queue and count < limit:
        path, value = queue.pop(0)
        if isinstance(value, dict):
            items: Any = value.items()
        else:
            items = enumerate(value) if isinstance(value, list) else ()
        for key, child in items:
            count += 1
            yield (*path, key)
            queue.append(((*path, key), child))


def _mutated(document: Any) -> st.SearchStrategy[Any]:
    paths = list(_paths(document))

    def apply(choice: tuple[tuple, Any]) -> Any:
        path, value = choice
        result = copy.deepcopy(document)
        target = result
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
        return result

    return st.tuples(st.sampled_from(paths), st.one_of(json_values, deep_values)).map(apply)


def _run(capsys: pytest.CaptureFixture[str], argv: list[str], allowed: set[int]) -> tuple[int, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    assert code in allowed, (argv, code, err[-500:])
    assert "Traceback" not in err and "internal error" not in err, err[-500:]
    error_lines = [line for line in err.splitlines() if line.startswith("error:")]
    if code == 2:
        assert len(error_lines) == 1, err[-500:]
    return code, out


def _strict_json(text: str) -> Any:
    def refuse(constant: str) -> Any:
        raise AssertionError(f"{constant} in --format json output")

    return json.loads(text, parse_constant=refuse)


def _write(directory: Path, name: str, data: Any) -> Path:
    path = directory / name
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data if isinstance(data, str) else json.dumps(data))  # NaN/Infinity written as such
    return path


def _check_plan(capsys: pytest.CaptureFixture[str], data: Any) -> None:
    with tempfile.TemporaryDirectory(prefix="fuzz-plan-") as tmp:
        plan = str(_write(Path(tmp), "plan.json", data))
        code, out = _run(capsys, ["plan", "summarize", plan, "--format", "json"], {0, 2})
        if code == 0:
            _strict_json(out)
        _run(capsys, ["plan", "summarize", plan, "--format", "markdown"], {0, 2})
        _run(capsys, ["plan", "summarize", plan, "--format", "text"], {0, 2})
        _run(capsys, ["plan", "fingerprint", plan], {0, 2})


change = st.fixed_dictionaries(
    {"actions": st.one_of(st.lists(st.sampled_from(["create", "delete", "update", "no-op", "read"]),
                                   max_size=3), json_values),
     "before": json_values, "after": json_values, "after_unknown": json_values,
     "before_sensitive": json_values, "after_sensitive": json_values},
    optional={"replace_paths": json_values, "importing": json_values, "before_identity": json_values},
)
resource_change = st.fixed_dictionaries(
    {"address": st.one_of(st.just("aws_s3_bucket.a"), json_values),
     "mode": st.sampled_from(["managed", "data"]),
     "type": st.just("aws_s3_bucket"), "name": st.just("a"), "change": st.one_of(change, json_values)},
    optional={"action_reason": json_values, "previous_address": json_values, "index": json_values},
)
generated_plans = st.fixed_dictionaries(
    {"format_version": st.one_of(st.just("1.2"), json_values),
     "resource_changes": st.one_of(st.lists(resource_change, max_size=3), json_values)},
    optional={"output_changes": st.one_of(st.dictionaries(st.text(max_size=5), change, max_size=2),
                                          json_values),
              "resource_drift": st.one_of(st.lists(resource_change, max_size=2), json_values),
              "variables": json_values, "planned_values": json_values, "configuration": json_values,
              "relevant_attributes": json_values, "checks": json_values, "errored": json_values},
)


@FUZZ
@given(plan=generated_plans)
def test_generated_plans(capsys: pytest.CaptureFixture[str], plan: dict) -> None:
    _check_plan(capsys, plan)


@FUZZ
@given(plan=st.sampled_from(VALID_PLANS).flatmap(lambda path: _mutated(json.loads(path.read_text()))))
def test_mutated_real_plans(capsys: pytest.CaptureFixture[str], plan: dict) -> None:
    _check_plan(capsys, plan)


@FUZZ
@given(raw=st.one_of(st.binary(max_size=64),
                     st.sampled_from(PLANS).map(lambda p: p.read_text().encode("utf-16")),
                     st.sampled_from(PLANS).map(lambda p: p.read_bytes()[: len(p.read_bytes()) // 2])))
def test_plan_bytes(capsys: pytest.CaptureFixture[str], raw: bytes) -> None:
    _check_plan(capsys, raw)


# Release files: never a valid digest, so nothing the CLI accepts makes it ask AWS about a service.
releases = st.one_of(
    json_values,
    st.fixed_dictionaries({"releases": st.dictionaries(
        st.sampled_from(["api", "API", "web", "", "a" * 70]),
        st.one_of(json_values, st.fixed_dictionaries(
            {"repository": st.one_of(st.just("platform/api"), json_values),
             "digest": st.one_of(st.just("sha256:" + "A" * 64), json_values)},
            optional={"tag": json_values, "source_commit": json_values})),
        max_size=2)}),
)


@FUZZ
@given(document=releases, duplicate=st.booleans(), encoding=st.sampled_from(["utf-8", "utf-16", "utf-8-sig"]))
def test_release_files(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                       document: Any, duplicate: bool, encoding: str) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # nothing may be asked anyway
    text = json.dumps(document)
    if duplicate and text.startswith('{"releases": {'):
        text = text.replace('{"releases": {', '{"releases": {"api": {}, "api": {},', 1)
    with tempfile.TemporaryDirectory(prefix="fuzz-release-") as tmp:
        root = Path(tmp) / "environments" / "dev"
        root.mkdir(parents=True)
        _write(root, "release.auto.tfvars.json", text.encode(encoding))
        code, out = _run(capsys, ["status", "--env", "dev", "--environments-dir", str(root.parent),
                                  "--no-drift", "--format", "json"], {0, 1, 2})
        if code != 2:
            _strict_json(out)
        if duplicate and '"api": {}, "api"' in text:
            assert code == 2


def _gate(capsys: pytest.CaptureFixture[str], tmp: Path, *args: str) -> None:
    # 1 is the gate's negative verdict (blocking findings): a legitimate outcome of a valid report.
    code, out = _run(capsys, ["gate", *args, "--repo-root", str(tmp), "--today", "2026-11-22",
                              "--format", "json"], {0, 1, 2})
    if code != 2:
        _strict_json(out)


@FUZZ
@given(sarif=st.one_of(_mutated(ZIZMOR_SARIF), _mutated(TFSEC_SARIF), json_values))
def test_sarif_reports(capsys: pytest.CaptureFixture[str], sarif: Any) -> None:
    with tempfile.TemporaryDirectory(prefix="fuzz-sarif-") as tmp:
        path = _write(Path(tmp), "report.sarif", sarif)
        _gate(capsys, Path(tmp), "--sarif", str(path))


YAML_KEYS = ["rule", "path", "resource", "expires", "owner", "justification", "fail_at", "environments",
             "severity", "exceptions"]
yaml_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.text(max_size=10),
    st.dates(), st.datetimes(timezones=st.just(dt.UTC)),
    st.sampled_from(["LOW", "MEDIUM", "HIGH", "CRITICAL", "prod", "artipacked", "*", "2026-12-01"]),
)
yaml_values = st.recursive(
    yaml_scalars,
    lambda children: st.one_of(st.lists(children, max_size=3),
                               st.dictionaries(st.text(max_size=8) | st.sampled_from(YAML_KEYS), children,
                                               max_size=4)),
    max_leaves=14,
)
exception_entry = st.fixed_dictionaries(
    {"rule": yaml_values, "path": yaml_values},
    optional={"justification": yaml_values, "owner": yaml_values, "expires": yaml_values,
              "resource": yaml_values},
)
policies = st.one_of(
    yaml_values,
    st.fixed_dictionaries({"environments": st.dictionaries(st.sampled_from(["prod", "dev"]),
                                                            st.fixed_dictionaries({"fail_at": yaml_values}),
                                                            max_size=2)},
                          optional={"severity": yaml_values, "default_environment": yaml_values,
                                    "oidc": yaml_values}),
)


@FUZZ
@given(policy=st.one_of(st.none(), policies),
       exceptions=st.one_of(st.none(), yaml_values,
                            st.fixed_dictionaries({"exceptions": st.lists(exception_entry, max_size=3)})),
       depth=st.sampled_from([0, 0, 0, 5000]))
def test_policy_and_exceptions(capsys: pytest.CaptureFixture[str], policy: Any, exceptions: Any,
                               depth: int) -> None:
    with tempfile.TemporaryDirectory(prefix="fuzz-policy-") as tmp:
        directory = Path(tmp)
        args = ["--sarif", str(_write(directory, "z.sarif", ZIZMOR_SARIF))]
        if policy is not None:
            args += ["--policy", str(_write(directory, "policy.yml", yaml.safe_dump(policy)))]
        if exceptions is not None:
            text = yaml.safe_dump(exceptions)
            if depth:
                text = "exceptions: " + "[" * depth + "]" * depth + "\n"
            args += ["--exceptions", str(_write(directory, "exceptions.yml", text))]
        _gate(capsys, directory, *args)
