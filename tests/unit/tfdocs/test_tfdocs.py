"""``pipeline-tools docs terraform``: README tables generated from HCL (python-hcl2), and --check."""

from __future__ import annotations

import textwrap
from pathlib import Path

from pipeline_tools.tfdocs.model import render_value, unwrap_expression
from pipeline_tools.tfdocs.render import BEGIN_MARKER, END_MARKER
from tests.support.cli import assert_one_line_error, run_cli

MODULE_TF = textwrap.dedent('''
    variable "name" {
      type        = string
      description = "Name prefix | used everywhere"
      validation {
        condition     = length(var.name) > 0
        error_message = "Must not be empty."
      }
    }

    variable "settings" {
      type = object({
        size  = string
        count = optional(number, 2)
      })
      default     = { size = "small" }
      description = "Sizing."
    }

    variable "token" {
      type      = string
      default   = null
      sensitive = true
    }

    resource "aws_s3_bucket" "this" {
      bucket = var.name
    }

    data "aws_caller_identity" "current" {}

    output "bucket_arn" {
      description = "ARN of the bucket."
      value       = aws_s3_bucket.this.arn
    }
''')


def make_module(root: Path, name: str = "bucket", readme: str | None = None) -> Path:
    module = root / name
    module.mkdir(parents=True)
    (module / "main.tf").write_text(MODULE_TF)
    if readme is not None:
        (module / "README.md").write_text(readme)
    return module


def test_writes_tables_between_markers_and_keeps_the_hand_written_text(tmp_path):
    module = make_module(tmp_path, readme=f"# Bucket\n\nHand-written intro.\n\n{BEGIN_MARKER}\nold\n"
                                          f"{END_MARKER}\n\nFooter stays.\n")
    result = run_cli("docs", "terraform", str(tmp_path))
    assert result.returncode == 0, result.stderr
    text = (module / "README.md").read_text()
    assert text.startswith("# Bucket\n\nHand-written intro.\n")
    assert text.endswith(f"{END_MARKER}\n\nFooter stays.\n")
    assert "\nold\n" not in text
    lines = text.splitlines()
    # Required input: no default, "yes"; pipes in descriptions escaped so the table holds.
    assert "| name | Name prefix \\| used everywhere | `string` | n/a | yes |" in lines
    assert ("| settings | Sizing. | `object({size = string, count = optional(number, 2)})` | "
            '`{ size = "small" }` | no |') in lines
    assert "| token | (sensitive) | `string` | `null` | no |" in lines
    assert "| bucket_arn | ARN of the bucket. | no |" in lines
    assert "| `aws_s3_bucket.this` | resource |" in lines
    assert "| `data.aws_caller_identity.current` | data source |" in lines


def test_check_reports_stale_readmes_and_exits_1_without_writing(tmp_path):
    current = make_module(tmp_path, "current")
    stale = make_module(tmp_path, "stale", readme="# stale\n")
    assert run_cli("docs", "terraform", str(current)).returncode == 0
    before = (stale / "README.md").read_text()

    result = run_cli("docs", "terraform", "--check", str(tmp_path))
    assert result.returncode == 1
    assert result.stdout.splitlines() == [f"stale: {stale / 'README.md'}"]
    assert_one_line_error(result, code=1)
    assert (stale / "README.md").read_text() == before

    assert run_cli("docs", "terraform", str(tmp_path)).returncode == 0
    again = run_cli("docs", "terraform", "--check", str(tmp_path))
    assert again.returncode == 0, again.stdout + again.stderr
    assert "2 README(s) up to date" in again.stdout


def test_a_changed_variable_makes_the_readme_stale(tmp_path):
    module = make_module(tmp_path)
    assert run_cli("docs", "terraform", str(module)).returncode == 0
    with (module / "main.tf").open("a") as handle:
        handle.write('\nvariable "extra" {\n  type = number\n  description = "New."\n}\n')
    assert run_cli("docs", "terraform", "--check", str(module)).returncode == 1


def test_missing_readme_is_created_with_a_title(tmp_path):
    module = make_module(tmp_path)
    assert run_cli("docs", "terraform", str(module)).returncode == 0
    text = (module / "README.md").read_text()
    assert text.startswith(f"# bucket\n\n{BEGIN_MARKER}\n")


def test_bad_input_is_one_line_error_and_writes_nothing(tmp_path):
    assert_one_line_error(run_cli("docs", "terraform", str(tmp_path / "nope")), code=2)
    (tmp_path / "empty").mkdir()
    assert_one_line_error(run_cli("docs", "terraform", str(tmp_path / "empty")), code=2)

    good = make_module(tmp_path, "good", readme="# good\n")
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "main.tf").write_text('variable "x" {\n  type = \n')
    result = run_cli("docs", "terraform", str(tmp_path))
    assert_one_line_error(result, code=2)
    assert "broken" in result.stderr
    # All-or-nothing: the good module's README was not written either.
    assert (good / "README.md").read_text() == "# good\n"

    half = make_module(tmp_path / "x", "half", readme=f"# half\n{BEGIN_MARKER}\n")
    result = run_cli("docs", "terraform", str(half))
    assert_one_line_error(result, code=2)
    assert (half / "README.md").read_text() == f"# half\n{BEGIN_MARKER}\n"


def test_expression_rendering():
    assert unwrap_expression("${map(string)}") == "map(string)"
    assert unwrap_expression('${list(object({"a": "string"}))}') == "list(object({a = string}))"
    # python-hcl2 nests quoted interpolations; string literals inside them stay quoted.
    nested = '${list(object({"pattern": "${optional(string, "*")}", "n": "${optional(number, 3)}"}))}'
    expected = 'list(object({pattern = optional(string, "*"), n = optional(number, 3)}))'
    assert unwrap_expression(nested) == expected
    assert render_value(["a", 1, True, None]) == '["a", 1, true, null]'
    assert render_value({"with space": "x"}) == '{ "with space" = "x" }'

