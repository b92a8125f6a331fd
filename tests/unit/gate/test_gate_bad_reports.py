"""Scanner reports, exceptions and policy files that used to cause internal errors (exit 4) are bad
input (exit 2, one line) (issue 11, item 8). The real CLI in a subprocess, with real SARIF from
zizmor (tests/fixtures/scanners) made hostile; no checkov run is needed without PATHs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, CliResult, assert_one_line_error, run_cli

ZIZMOR = FIXTURES / "scanners" / "zizmor_1.32.0_bad_workflow.sarif"
TODAY = "2026-11-22"


def _gate(repo: Path, *args: str) -> CliResult:
    return run_cli("gate", *args, "--repo-root", str(repo), "--today", TODAY, "--format", "json", cwd=repo)


def _sarif(tmp_path: Path, mutate) -> Path:
    document = json.loads(ZIZMOR.read_text())
    mutate(document)
    path = tmp_path / "report.sarif"
    path.write_text(json.dumps(document))
    return path


def _first_result(document: dict) -> dict:
    return document["runs"][0]["results"][0]


@pytest.mark.parametrize(("mutate", "where"), [
    (lambda d: _first_result(d).update(locations="jobs.plan"), "results[0].locations is not a list"),
    (lambda d: _first_result(d).update(locations=["x"]), "results[0].locations[0] is not an object"),
    (lambda d: _first_result(d)["locations"][0]["physicalLocation"]["region"].update(startLine="3"),
     "startLine is not a whole number"),
    (lambda d: _first_result(d).update(message="text"), "results[0].message is not an object"),
    (lambda d: _first_result(d).update(suppressions={"status": "accepted"}), "suppressions is not a list"),
    (lambda d: d["runs"][0].update(results={"a": 1}), "runs[0].results is not a list"),
    (lambda d: d["runs"][0]["tool"]["driver"].update(rules="all"), "rules is not a list"),
    (lambda d: d.update(runs=[7]), "runs[0] is not an object"),
])
def test_sarif_of_the_wrong_shape_is_bad_input(tmp_path: Path, mutate, where: str) -> None:
    result = _gate(tmp_path, "--sarif", str(_sarif(tmp_path, mutate)))
    assert_one_line_error(result, code=2)
    assert where in result.stderr


def test_the_unmodified_report_is_judged(tmp_path: Path) -> None:
    """The control: the same report, untouched, gives a verdict (zizmor's findings block)."""
    result = _gate(tmp_path, "--sarif", str(_sarif(tmp_path, lambda d: None)))
    assert result.returncode == 1, result.stderr
    assert json.loads(result.stdout)["counts"]["blocking"] >= 1


@pytest.mark.parametrize("number", ["NaN", "Infinity", "1e999"])
def test_nan_in_a_report_is_bad_input(tmp_path: Path, number: str) -> None:
    path = _sarif(tmp_path, lambda d: _first_result(d)["locations"][0]["physicalLocation"]["region"]
                  .update(startLine=12345))
    path.write_text(path.read_text().replace("12345", number))
    result = _gate(tmp_path, "--sarif", str(path))
    assert_one_line_error(result, code=2)


def test_a_deeply_nested_report_is_bad_input(tmp_path: Path) -> None:
    path = tmp_path / "deep.sarif"
    path.write_text('{"runs": ' + "[" * 5000 + "]" * 5000 + "}")
    result = _gate(tmp_path, "--sarif", str(path))
    assert_one_line_error(result, code=2)
    assert "nested too deeply" in result.stderr


def _exceptions(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "exceptions.yml"
    path.write_text(text)
    return path


def test_an_expiry_given_as_a_date_and_time_is_bad_input(tmp_path: Path) -> None:
    exceptions = _exceptions(tmp_path, (
        "exceptions:\n  - rule: artipacked\n    path: '*.yml'\n    justification: tested\n"
        "    owner: platform\n    expires: 2026-12-01T10:00:00Z\n"))
    result = _gate(tmp_path, "--sarif", str(ZIZMOR), "--exceptions", str(exceptions))
    assert_one_line_error(result, code=2)
    assert "entry #1: expires 2026-12-01T10:00:00+00:00 is a date and time" in result.stderr


@pytest.mark.parametrize("which", ["--exceptions", "--policy"])
def test_deeply_nested_yaml_is_bad_input(tmp_path: Path, which: str) -> None:
    deep = _exceptions(tmp_path, "exceptions: " + "[" * 3000 + "]" * 3000 + "\n")
    result = _gate(tmp_path, "--sarif", str(ZIZMOR), which, str(deep))
    assert_one_line_error(result, code=2)
    assert "nested too deeply" in result.stderr


def test_a_utf16_policy_is_bad_input(tmp_path: Path) -> None:
    policy = tmp_path / "policy.yml"
    policy.write_bytes("environments:\n  prod: {fail_at: HIGH}\n".encode("utf-16"))
    result = _gate(tmp_path, "--sarif", str(ZIZMOR), "--policy", str(policy))
    assert_one_line_error(result, code=2)
    assert "UTF-16" in result.stderr
