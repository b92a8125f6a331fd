"""pipeline-tools.yml: strict loading, the built-in default, and the `config` command."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from pipeline_tools.cli.main import main
from pipeline_tools.config import default_config, load_config, parse_config
from pipeline_tools.core.errors import InputError

REPO_ROOT = Path(__file__).resolve().parents[3]

MINIMAL = """\
version: 1
stages:
  - name: dev
    roots: ["environments/dev*"]
"""


def test_the_repository_file_says_what_the_built_in_default_says():
    # A repository without the file must behave exactly as this one does.
    from_file = load_config(repo_root=REPO_ROOT)
    assert from_file.source.endswith("pipeline-tools.yml")
    assert dataclasses.replace(from_file, source="built-in default") == default_config()


def test_without_a_file_the_default_is_todays_layout(tmp_path):
    config = load_config(repo_root=tmp_path)
    assert [stage.name for stage in config.stages] == ["dev", "staging", "prod"]
    assert [config.stage_for(f"environments/{name}").name for name in ("dev", "staging", "prod")] == [
        "dev", "staging", "prod"]
    assert config.stage_for("environments/bootstrap") is None
    resolved = config.resolved("111111111111")
    prod = resolved["stages"][2]
    assert prod["required_reviewers"] is True
    assert prod["cluster"] == "platform-prod"
    assert prod["apply_role"] == "arn:aws:iam::111111111111:role/platform-prod-terraform-apply"
    assert resolved["state_bucket"] == "platform-tfstate-111111111111"
    assert [stage["auto_deploy"] for stage in resolved["stages"]] == [True, False, False]


def test_first_matching_stage_wins_and_globs_cross_directories():
    config = parse_config(MINIMAL + """\
  - name: dev-eu
    roots: ["environments/dev-eu*"]
  - name: teams
    roots: ["teams/*/prod", "teams/*"]
""")
    assert config.stage_for("environments/dev-eu-west").name == "dev"  # dev comes first
    assert config.stage_for("teams/a/b/prod").name == "teams"
    assert config.stage_for("environments/prod") is None
    assert config.stages[0].github_environment == "dev"  # defaults to the stage name
    assert config.stages[0].apply_on_merge is True
    assert config.stages[0].required_reviewers is False


def test_names_fill_in_project_region_and_stage():
    config = parse_config(MINIMAL.replace("version: 1", "version: 1\nproject: acme\nregion: eu-west-2\n")
                          + "    cluster: \"{project}-{region}-{stage}\"\n"
                          + "    apply_role: arn:aws:iam::222222222222:role/deployer\n")
    stage = config.resolved("111111111111")["stages"][0]
    assert stage["cluster"] == "acme-eu-west-2-dev"
    assert stage["apply_role"] == "arn:aws:iam::222222222222:role/deployer"  # an ARN stays as given
    assert stage["plan_role"] == "arn:aws:iam::111111111111:role/acme-dev-terraform-plan"
    assert config.resolved()["stages"][0]["plan_role"] == "acme-dev-terraform-plan"  # no account: a name


def test_a_deeply_nested_configuration_is_refused_while_it_is_read():
    # The same strict reader as the gate's policy (core/strict_input.py): nesting is bounded while
    # PyYAML composes the document, not after.
    text = "version: 1\nmatrix: " + "[" * 3000 + "]" * 3000 + "\n"
    with pytest.raises(InputError) as caught:
        parse_config(text, source="pipeline-tools.yml")
    assert str(caught.value) == "pipeline-tools.yml: nested too deeply (more than 32 levels)"


@pytest.mark.parametrize(("text", "message"), [
    ("stages: []\nversion: 1\n", "stages: expected a non-empty list"),
    ("version: 2\n" + MINIMAL.split("\n", 1)[1], "version: expected 1"),
    (MINIMAL + "colour: blue\n", "unknown key 'colour'"),
    (MINIMAL + "    required_reviewer: true\n", "stages[0] (dev): unknown key 'required_reviewer'"),
    (MINIMAL + "    required_reviewers: \"yes\"\n", "required_reviewers: expected true or false"),
    (MINIMAL + "  - name: dev\n    roots: [x]\n", "the name 'dev' is used twice"),
    (MINIMAL + "    cluster: \"{projct}-x\"\n", "unknown placeholder {projct}"),
    (MINIMAL + "    cluster: \"{project\"\n", "unbalanced"),
    (MINIMAL + "project: Acme Corp\n", "project: 'Acme Corp' must be"),
    (MINIMAL + "region: mars\n", "region: 'mars' is not an AWS region"),
    (MINIMAL + "matrix: {max_jobs: 300}\n", "max_jobs: expected a whole number from 1 to 256"),
    (MINIMAL + "matrix: {max_jobs: true}\n", "max_jobs: expected a whole number"),
    (MINIMAL + "state_bucket: \"{stage}-state\"\n", "unknown placeholder {stage}"),
    ("version: 1\nstages:\n  - name: dev\n    roots: [\"../elsewhere\"]\n",
     "must be a path inside the repository"),
    ("version: 1\nstages:\n  - name: dev\n", "roots: expected a non-empty list"),
    ("version: 1\nstages:\n  - name: dev/x\n    roots: [a]\n", "name: 'dev/x' must be"),
    ("version: 1\nversion: 1\n", "line 2: key 'version' appears twice"),
    ("version: 1\nstages: [\n", "not valid YAML (line"),
    ("- just\n- a list\n", "expected a mapping of settings"),
])
def test_mistakes_are_refused_with_the_key_named(text, message):
    with pytest.raises(InputError) as caught:
        parse_config(text, source="pipeline-tools.yml")
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_config_command_shows_resolved_names(tmp_path, monkeypatch, capsys):
    (tmp_path / ".git").mkdir()
    (tmp_path / "pipeline-tools.yml").write_text(MINIMAL.replace("version: 1", "version: 1\nproject: acme"))
    monkeypatch.chdir(tmp_path)
    assert main(["config", "show", "--format", "json", "--account-id", "123456789012"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["stages"][0]["cluster"] == "acme-dev"
    assert shown["state_bucket"] == "acme-tfstate-123456789012"


def test_config_command_reports_a_bad_file_in_one_line_with_exit_2(tmp_path, monkeypatch, capsys):
    (tmp_path / ".git").mkdir()
    (tmp_path / "pipeline-tools.yml").write_text(MINIMAL + "    auto_deploy: sometimes\n")
    monkeypatch.chdir(tmp_path)
    assert main(["config", "check"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1
    assert "auto_deploy: expected true or false" in err
    assert main(["config", "check", "--config", str(tmp_path / "missing.yml")]) == 2
    assert "no such configuration file" in capsys.readouterr().err


def test_more_stages_than_the_apply_workflow_runs_are_refused():
    from pipeline_tools.config import parse_config
    from pipeline_tools.core.errors import InputError

    stages = "".join(f"  - {{name: s{i}, roots: ['environments/s{i}'], github_environment: s{i}, "
                     f"required_reviewers: false, auto_deploy: false}}\n" for i in range(7))
    text = f"version: 1\nproject: p\nregion: us-east-1\nroots_dir: environments\nstages:\n{stages}"
    with pytest.raises(InputError, match="at most 6"):
        parse_config(text)
    assert len(parse_config(text.replace("  - {name: s6", "#")).stages) == 6


def test_stage_outputs_for_a_workflow_step(tmp_path: Path, capsys):
    from pipeline_tools.config.model import stage_outputs

    config = default_config()
    outputs = stage_outputs(config, "environments/prod", "123456789012")
    assert outputs["apply_role"] == "arn:aws:iam::123456789012:role/platform-prod-terraform-apply"
    assert outputs["state_bucket"] == "platform-tfstate-123456789012"
    assert (outputs["stage"], outputs["github_environment"], outputs["cluster"]) == \
        ("prod", "prod", "platform-prod")
    # Without the account: no bucket name to guess; a root no stage holds: empty names, not an error.
    assert stage_outputs(config, "dev")["state_bucket"] == ""
    assert stage_outputs(config, "environments/bootstrap")["plan_role"] == ""
    with pytest.raises(InputError, match="no such stage"):
        stage_outputs(config, "qa")
    assert main(["config", "show", "--format", "github-output", "--stage", "staging",
                 "--account-id", "123456789012"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "cluster=platform-staging" in lines and all("=" in line for line in lines)


def test_staged_roots_are_the_roots_a_stage_holds_in_stage_order(tmp_path: Path):
    from pipeline_tools.config.load import staged_roots

    for name in ("prod-eu", "dev", "bootstrap", "prod", "staging-old"):
        (tmp_path / "environments" / name).mkdir(parents=True)
        (tmp_path / "environments" / name / "main.tf").write_text("")
    (tmp_path / "environments" / "dev-notes").mkdir()  # no Terraform in it: not a root
    assert staged_roots(default_config(), tmp_path) == [
        ("environments/dev", "dev"), ("environments/staging-old", "staging"),
        ("environments/prod", "prod"), ("environments/prod-eu", "prod")]
    assert staged_roots(default_config(), tmp_path / "nowhere") == []


def test_a_job_that_applies_a_root_requires_a_stage_to_hold_it(cli):
    # apply-dispatch.yml: bootstrap has no roles the pipeline could assume; the job must stop at once.
    refused = cli("config", "show", "--format", "github-output", "--stage", "environments/bootstrap",
                  "--require-stage")
    assert refused.returncode == 2 and refused.stdout == ""
    assert refused.stderr.startswith("error: --stage 'environments/bootstrap': no stage of")
    held = cli("config", "show", "--format", "github-output", "--stage", "environments/dev",
               "--require-stage", "--account-id", "123456789012")
    assert held.returncode == 0
    assert "drift_role=arn:aws:iam::123456789012:role/platform-dev-terraform-plan" in held.stdout.splitlines()
