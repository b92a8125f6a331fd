"""``make demo``: the pipeline end to end against the local AWS emulator.

Each step prints what it does and how long it took; a failing step stops the demo with a one-line
message and a non-zero exit; the total time is printed at the end. Later steps grow with the
toolkit (see docs/demo.md).
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from pipeline_tools.errors import PipelineError
from pipeline_tools.redact import redact

REPO_ROOT = Path(__file__).resolve().parents[2]


class Demo:
    def __init__(self, out: Any = sys.stdout) -> None:
        self.out = out
        self.state: dict[str, Any] = {}
        self.stack = ExitStack()
        self.workdir = Path(self.stack.enter_context(tempfile.TemporaryDirectory(prefix="pt-demo-")))

    def say(self, text: str = "") -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def step(self, title: str, action: Callable[[], str | None]) -> None:
        self.say(f"==> {title}")
        started = time.monotonic()
        detail = action()
        elapsed = time.monotonic() - started
        if detail:
            for line in detail.rstrip().splitlines():
                self.say(f"    {line}")
        self.say(f"    done in {elapsed:.1f} s")


def run(steps: list[tuple[str, Callable[[Demo], str | None]]], out: Any = sys.stdout) -> int:
    demo = Demo(out)
    started = time.monotonic()
    current = ""
    try:
        with demo.stack:
            for title, action in steps:
                current = title
                demo.step(title, lambda action=action: action(demo))
    except PipelineError as exc:
        sys.stderr.write(f"error: demo step '{current}' failed: {redact(str(exc))}\n")
        return int(exc.exit_code) or 1
    demo.say(f"demo finished in {time.monotonic() - started:.1f} s")
    return 0


def _start_emulator(demo: Demo) -> str:
    from pipeline_tools.local import emulator

    server = emulator.start(log_path=demo.workdir / "emulator.log")
    demo.stack.callback(server.stop)
    demo.state["emulator"] = server
    return f"moto server at {server.endpoint}"


# A small terraform root for the plan summary step: a bucket, a queue with a dead-letter queue,
# an IAM role with a wildcard policy (a risk flag) and a sensitive variable echoed by an output.
_PLAN_DEMO_ROOT = {
    "versions.tf": """terraform {
  required_version = ">= 1.6"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.100"
    }
  }
}

provider "aws" {
  region = "us-east-1"
}
""",
    "variables.tf": """variable "api_token" {
  type        = string
  description = "A secret: it must never appear in the summary."
  sensitive   = true
}
""",
    "main.tf": """resource "aws_s3_bucket" "assets" {
  bucket = "pt-demo-assets"
}

resource "aws_sqs_queue" "dlq" {
  name = "pt-demo-dlq"
}

resource "aws_sqs_queue" "jobs" {
  name = "pt-demo-jobs"
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dlq.arn
    maxReceiveCount     = 3
  })
}

resource "aws_iam_role" "worker" {
  name = "pt-demo-worker"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "ecs-tasks.amazonaws.com" }
    }]
  })
}

resource "aws_iam_role_policy" "worker" {
  name = "queues"
  role = aws_iam_role.worker.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["sqs:*"], Resource = "*" }]
  })
}

resource "aws_ssm_parameter" "token" {
  name  = "/pt-demo/api-token"
  type  = "SecureString"
  value = var.api_token
}
""",
    "outputs.tf": """output "jobs_queue" {
  value = aws_sqs_queue.jobs.name
}

output "api_token" {
  value     = var.api_token
  sensitive = true
}
""",
}


def _summarize_a_real_plan(demo: Demo) -> str:
    """terraform init + plan of a small root against the emulator, then the text summary."""
    from pipeline_tools.adapters.terraform import Terraform, terraform_env
    from pipeline_tools.plan.model import summarize
    from pipeline_tools.render.text import render_plan_text

    root = demo.workdir / "plan-summary"
    root.mkdir(exist_ok=True)
    for name, text in _PLAN_DEMO_ROOT.items():
        (root / name).write_text(text)
    env = terraform_env({**demo.state["emulator"].env(), "TF_VAR_api_token": "demo-token-0123456789"})
    terraform = Terraform(root, env=env)
    terraform.init(backend=False)
    terraform.plan(root / "demo.tfplan")
    summary = summarize(terraform.show_json(root / "demo.tfplan"))
    return render_plan_text(summary, color=False)


def default_steps() -> list[tuple[str, Callable[[Demo], str | None]]]:
    return [
        ("start the local AWS emulator", _start_emulator),
        ("summarize a real terraform plan (pipeline-tools plan summarize)", _summarize_a_real_plan),
    ]


def main() -> int:
    return run(default_steps())


if __name__ == "__main__":
    sys.exit(main())
