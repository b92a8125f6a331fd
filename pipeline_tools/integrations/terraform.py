"""Running the terraform CLI.

Provider installation: on a user's machine terraform uses the public registry as usual. Where
the registry is out of reach, set ``PIPELINE_TOOLS_PROVIDER_MIRROR`` to a filesystem mirror
directory (the layout ``terraform providers mirror`` writes); a CLI configuration pointing at it,
with a shared plugin cache, is generated under the cache directory and handed to terraform
through ``TF_CLI_CONFIG_FILE``. Nothing in the project names a machine path.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline_tools.core.errors import ExternalError, InputError
from pipeline_tools.core.redaction import redact

MIRROR_ENV = "PIPELINE_TOOLS_PROVIDER_MIRROR"


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "pipeline-tools"


def _unpacked_providers(folder: Path) -> Iterator[Path]:
    """The unpacked providers (or links to them) in a mirror or plugin cache: its directories
    HOST/NAMESPACE/TYPE/VERSION/PLATFORM."""
    return (entry for entry in folder.glob("*/*/*/*/*") if entry.is_dir())


def mirror_is_unpacked(mirror: str | Path) -> bool:
    """Whether a filesystem mirror holds providers unpacked rather than as the registry's zip files."""
    return any(_unpacked_providers(Path(mirror)))


def cli_config_for_mirror(mirror: str) -> Path:
    """Write (once) a terraform CLI config that installs providers from ``mirror``.

    A mirror of zips gets a plugin cache, so that each provider is unpacked once. An unpacked
    mirror gets none: terraform links every root's provider straight to the mirror, and a shared
    cache would only add a race. (Every ``terraform init`` of a root without a lock file deletes
    and re-creates the cache's entry for each provider, so a terraform starting in another root at
    that moment finds no provider there: terraform documents the cache as not safe for concurrent
    use, and parallel tests and matrix legs are concurrent.)
    """
    root = cache_dir() / "terraform"
    root.mkdir(parents=True, exist_ok=True)
    text = (
        "provider_installation {\n"
        f"  filesystem_mirror {{\n    path = {json.dumps(mirror)}\n  }}\n"
        "}\n"
    )
    if not mirror_is_unpacked(mirror):
        plugin_cache = root / "plugin-cache"
        plugin_cache.mkdir(parents=True, exist_ok=True)
        text += f"plugin_cache_dir = {json.dumps(str(plugin_cache))}\n"
    config = root / "terraformrc"
    if not config.exists() or config.read_text() != text:
        # A name of this process's own: two processes writing at once must not rename one file twice.
        tmp = config.with_name(f"{config.name}.{os.getpid()}.tmp")
        tmp.write_text(text)
        tmp.replace(config)
    return config


def seed_plugin_cache(shared: Path, private: Path) -> None:
    """Make ``private`` a plugin cache of one job's own holding what ``shared`` holds, each provider
    a link to the directory it resolves to, as a runner restores its own copy of a cache.

    One job's ``terraform init`` then rewrites only its own cache's entries (see
    :func:`cli_config_for_mirror` for why sharing one cache between concurrent jobs fails).
    """
    private.mkdir(parents=True, exist_ok=True)
    if not shared.is_dir():
        return
    for entry in _unpacked_providers(shared):
        link = private / entry.relative_to(shared)
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(entry.resolve(), target_is_directory=True)


def keep_new_providers(private: Path, shared: Path) -> None:
    """After a job: the providers terraform downloaded into the job's own cache (directories, not
    links) that ``shared`` lacks are moved there whole, for the jobs that start later (the cache a
    runner saves). A directory renamed into place appears at once or not at all; a job that lost
    the race to another one keeps its copy to itself."""
    if not private.is_dir():
        return
    for entry in _unpacked_providers(private):
        if entry.is_symlink():
            continue
        target = shared / entry.relative_to(private)
        if target.exists():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = target.with_name(f".{target.name}.{os.getpid()}.{id(entry)}.tmp")
        shutil.copytree(entry, staging, symlinks=True)
        try:
            staging.rename(target)
        except OSError:
            shutil.rmtree(staging, ignore_errors=True)


def parse_backend_config(pairs: Sequence[str]) -> dict[str, str]:
    """``["bucket=b", "key=k"]`` (from repeated ``--backend-config`` flags) -> a mapping."""
    from pipeline_tools.core.errors import InputError

    config: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise InputError(f"--backend-config expects KEY=VALUE, got {pair!r}")
        config[key] = value
    return config


def terraform_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment terraform runs in: the caller's, plus mirror config and automation flags."""
    env = dict(os.environ)
    env.update(extra or {})
    mirror = env.get(MIRROR_ENV)
    if mirror:
        env["TF_CLI_CONFIG_FILE"] = str(cli_config_for_mirror(mirror))
    elif env.get("TF_CLI_CONFIG_FILE") and not Path(env["TF_CLI_CONFIG_FILE"]).exists():
        # A config variable pointing at nothing only produces a warning on every call.
        env.pop("TF_CLI_CONFIG_FILE")
    env.setdefault("TF_IN_AUTOMATION", "1")
    env.setdefault("TF_INPUT", "0")
    env.setdefault("CHECKPOINT_DISABLE", "1")
    return env


@dataclass
class Terraform:
    """One terraform working directory."""

    workdir: Path
    env: dict[str, str] = field(default_factory=terraform_env)
    binary: str = "terraform"

    def run(self, args: Sequence[str], *, check: bool = True, capture: bool = True,
            ok_codes: Sequence[int] = (0,)) -> subprocess.CompletedProcess[str]:
        if shutil.which(self.binary, path=self.env.get("PATH")) is None:
            raise ExternalError(f"{self.binary} is not installed or not on PATH")
        completed = subprocess.run(
            [self.binary, f"-chdir={self.workdir}", *args],
            env=self.env,
            text=True,
            capture_output=capture,
            check=False,
        )
        if check and completed.returncode not in ok_codes:
            raise ExternalError(
                f"terraform {args[0]} in {self.workdir} failed (exit {completed.returncode}): "
                f"{_last_error(completed.stderr or completed.stdout or '')}"
            )
        return completed

    def init(self, *, backend: bool = True, backend_config: Mapping[str, str] | None = None,
             upgrade: bool = False) -> None:
        args = ["init", "-input=false", "-no-color"]
        if not backend:
            args.append("-backend=false")
        for key, value in (backend_config or {}).items():
            args.append(f"-backend-config={key}={value}")
        if upgrade:
            args.append("-upgrade")
        self.run(args)

    def plan(self, out: Path | str, *extra: str, detailed_exitcode: bool = False) -> int:
        """Run ``terraform plan -out``; with ``detailed_exitcode`` return 0 (no changes) or 2."""
        args = ["plan", "-input=false", "-no-color", f"-out={out}", *extra]
        if detailed_exitcode:
            args.append("-detailed-exitcode")
        return self.run(args, ok_codes=(0, 2) if detailed_exitcode else (0,)).returncode

    def show_json(self, planfile: Path | str) -> dict[str, Any]:
        completed = self.run(["show", "-json", "-no-color", str(planfile)])
        try:
            return json.loads(completed.stdout)
        except json.JSONDecodeError as exc:
            raise ExternalError(f"terraform show -json printed invalid JSON: {exc}") from None

    def apply(self, planfile: Path | str | None = None, *extra: str) -> None:
        args = ["apply", "-input=false", "-no-color", "-auto-approve", *extra]
        if planfile is not None:
            args.append(str(planfile))
        self.run(args)

    def destroy(self, *extra: str) -> None:
        self.run(["destroy", "-input=false", "-no-color", "-auto-approve", *extra])

    def output_json(self) -> dict[str, Any]:
        completed = self.run(["output", "-json", "-no-color"])
        return json.loads(completed.stdout or "{}")


def root_variable_files(root: Path) -> list[Path]:
    """The variable files terraform loads by itself in ``root``, in its order (later files win):
    ``terraform.tfvars``, ``terraform.tfvars.json``, then ``*.auto.tfvars`` and
    ``*.auto.tfvars.json`` in lexical order of their names."""
    named = [root / "terraform.tfvars", root / "terraform.tfvars.json"]
    automatic = sorted((path for path in root.iterdir()
                        if path.name.endswith((".auto.tfvars", ".auto.tfvars.json"))),
                       key=lambda path: path.name)
    return [path for path in [*named, *automatic] if path.is_file()]


def root_variable_values(root: Path) -> dict[str, Any]:
    """The variable values ``root``'s own variable files give (no ``-var``/``-var-file``), merged as
    terraform merges them. One reader for every command that needs a root's settings."""
    if not root.is_dir():
        raise InputError(f"{root}: not a directory")
    values: dict[str, Any] = {}
    for path in root_variable_files(root):
        values.update(_variable_file_values(path))
    return values


def _variable_file_values(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
        if path.name.endswith(".json"):
            parsed = json.loads(text)
        else:
            import hcl2  # heavy: only commands that read a root's settings need it

            parsed = hcl2.loads(text)
    except Exception as exc:  # OSError, decoding, JSON, recursion, and python-hcl2's many lark errors
        raise InputError(f"{path}: cannot read it as a variable file ({type(exc).__name__})") from None
    if not isinstance(parsed, dict):
        raise InputError(f"{path}: a variable file holds name = value pairs")
    return dict(parsed)


def _last_error(output: str, limit: int = 600) -> str:
    """The most useful part of terraform's error output, on one line, secrets masked."""
    lines = [line.strip(" │╷╵") for line in output.splitlines()]
    lines = [line for line in lines if line]
    start = next((i for i, line in enumerate(lines) if line.startswith("Error:")), max(0, len(lines) - 6))
    text = " ".join(lines[start:start + 8])
    return redact(text[:limit])
