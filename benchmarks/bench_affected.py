"""Benchmark ``pipeline-tools affected`` on a generated monorepo.

1,000 environment roots and 200 shared modules (about 6,000 ``.tf`` files, root ``main.tf`` files
of about 3 KB), one shared module changed. Prints: the time to simply walk and read every ``.tf``
file, the cold time (no cache) and the warm time (cache filled), both in-process and as the CLI a
workflow runs. Targets (issue 5): cold under 3 s and under 5x the read time; warm under 0.5 s.

    .venv/bin/python benchmarks/bench_affected.py [--roots 1000] [--modules 200] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pipeline_tools.affected.run import find_affected

RESOURCE = '''resource "aws_ssm_parameter" "p{i}" {{
  name  = "/bench/{root}/p{i}"
  type  = "String"
  value = jsonencode({{ index = {i}, root = "{root}", tags = local.tags }})
  tags  = merge(local.tags, {{ Name = "p{i}" }})
}}
'''


def module_files(index: int, modules: int) -> dict[str, str]:
    calls = ""
    # Modules 0-49 call one of modules 50-199, so changes deep down reach roots through chains.
    if index < 50:
        callee = 50 + (index * 3) % (modules - 50)
        calls = f'module "inner" {{\n  source = "../m{callee:03d}"\n  name   = var.name\n}}\n'
    return {
        "main.tf": calls + RESOURCE.format(i=0, root=f"m{index}").replace("local.tags", "var.tags"),
        "variables.tf": 'variable "name" {\n  type = string\n}\nvariable "tags" {\n  type    = map(string)\n'
                        '  default = {}\n}\n',
        "outputs.tf": 'output "id" {\n  value = aws_ssm_parameter.p0.id\n}\n',
        "versions.tf": 'terraform {\n  required_version = ">= 1.6"\n}\n',
        "locals.tf": f'locals {{\n  module_index = {index}\n}}\n',
    }


def root_files(index: int, modules: int, rng: random.Random) -> dict[str, str]:
    name = f"r{index:04d}"
    used = rng.sample(range(modules), 4)
    calls = "".join(
        f'module "mod_{m:03d}" {{\n  source = "../../modules/m{m:03d}"\n  name   = "{name}-{m}"\n'
        f"  tags   = local.tags\n}}\n\n" for m in used
    )
    resources = "".join(RESOURCE.format(i=i, root=name) for i in range(8))
    return {
        "main.tf": f'locals {{\n  tags = {{ root = "{name}" }}\n}}\n\n{calls}{resources}',
        "variables.tf": 'variable "region" {\n  type    = string\n  default = "us-east-1"\n}\n',
        "outputs.tf": "".join(f'output "p{i}" {{\n  value = aws_ssm_parameter.p{i}.arn\n}}\n'
                              for i in range(4)),
        "versions.tf": 'terraform {\n  required_version = ">= 1.6"\n}\n',
        "backend.tf": f'terraform {{\n  backend "s3" {{\n    key = "{name}.tfstate"\n  }}\n}}\n',
        "terraform.tfvars": 'region = "us-east-1"\n',
    }


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "b@example.com",
           "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "b@example.com"}
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True,
                          env=env).stdout.strip()


def generate(repo: Path, roots: int, modules: int) -> tuple[str, str]:
    rng = random.Random(5)
    for index in range(modules):
        for name, text in module_files(index, modules).items():
            path = repo / "modules" / f"m{index:03d}" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
    for index in range(roots):
        for name, text in root_files(index, modules, rng).items():
            path = repo / "environments" / f"r{index:04d}" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "generated")
    base = git(repo, "rev-parse", "HEAD")
    changed = repo / "modules" / "m050" / "main.tf"  # called by roots directly and through module m000
    changed.write_text(changed.read_text() + "# changed\n")
    git(repo, "commit", "-q", "-am", "change one shared module")
    return base, git(repo, "rev-parse", "HEAD")


def settle(repo: Path, seconds_ago: float = 60.0) -> None:
    """Date every file a minute back, as files checked out before the run are.

    The cache re-reads files modified within 2 s of its last write (their mtime cannot prove them
    unchanged), which freshly generated files all are.
    """
    when = time.time() - seconds_ago
    for directory, dirnames, filenames in os.walk(repo):
        dirnames[:] = [d for d in dirnames if d != ".git"]
        for filename in filenames:
            os.utime(os.path.join(directory, filename), (when, when))


def read_everything(repo: Path) -> tuple[float, int]:
    start = time.perf_counter()
    count = 0
    for directory, dirnames, filenames in os.walk(repo):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for filename in filenames:
            if filename.endswith(".tf"):
                with open(os.path.join(directory, filename), "rb") as handle:
                    handle.read()
                count += 1
    return time.perf_counter() - start, count


def cli_seconds(repo: Path, base: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pipeline_tools", "affected", "--base", base, "--format", "json"],
                   cwd=repo, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--roots", type=int, default=1000)
    parser.add_argument("--modules", type=int, default=200)
    parser.add_argument("--keep", type=Path, help="generate into this directory and keep it")
    args = parser.parse_args()
    repo = args.keep or Path(tempfile.mkdtemp(prefix="bench-affected-"))
    repo.mkdir(parents=True, exist_ok=True)
    cache = repo / ".git" / "pipeline-tools-cache"
    try:
        base, _head = generate(repo, args.roots, args.modules)
        settle(repo)
        read_time, tf_files = read_everything(repo)
        read_time = min(read_time, *(read_everything(repo)[0] for _ in range(2)))
        shutil.rmtree(cache, ignore_errors=True)
        start = time.perf_counter()
        result = find_affected(base, start=repo)
        cold = time.perf_counter() - start
        start = time.perf_counter()
        find_affected(base, start=repo)
        warm = time.perf_counter() - start
        shutil.rmtree(cache, ignore_errors=True)
        cold_cli = cli_seconds(repo, base)
        warm_cli = cli_seconds(repo, base)
        print(f"monorepo: {args.roots} roots, {args.modules} modules, {tf_files} .tf files; "
              f"{len(result.roots)} roots affected; python-hcl2 parsed {result.stats['parsed']} "
              "module blocks cold")
        print(f"read every .tf file:      {read_time:.3f} s")
        print(f"cold (in-process):        {cold:.3f} s  ({cold / read_time:.1f}x reading)  "
              "target < 3 s, < 5x")
        print(f"warm (in-process):        {warm:.3f} s  target < 0.5 s")
        print(f"cold (CLI, with startup): {cold_cli:.3f} s")
        print(f"warm (CLI, with startup): {warm_cli:.3f} s")
    finally:
        if args.keep is None:
            shutil.rmtree(repo, ignore_errors=True)


if __name__ == "__main__":
    main()
