"""Running checkov: once over every path, once over the plan JSON, both at the same time.

checkov's exit code says nothing we can trust (0 for a missing directory, an empty one and
unparseable ``.tf``), so it is never read as a verdict: the JSON report is. A run that leaves no
report, or a report that is not JSON, is a crash and the gate fails closed.

checkov cannot live in the project's virtualenv (its bc-python-hcl2 installs a package named
``hcl2`` over python-hcl2's), so it is found through ``PIPELINE_TOOLS_CHECKOV``, then ``PATH``,
then ``.tools/checkov/bin/checkov`` under the repository (what ``make`` installs).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline_tools.core.errors import InputError
from pipeline_tools.core.redaction import redact

CHECKOV_ENV = "PIPELINE_TOOLS_CHECKOV"
CONFIG_NAMES = (".checkov.yaml", ".checkov.yml")
# Environment variables through which checkov takes options (CKV_CHECK, CKV_SKIP_CHECK,
# CKV_FRAMEWORK, ...) or talks to its platform (BC_API_KEY: remote suppressions). Any of them
# would change what is checked behind the policy's back, so the gate's checkov never sees them.
_SCRUBBED_PREFIXES = ("CKV_", "BC_", "PRISMA_")
_SCRUBBED_NAMES = {"DOWNLOAD_EXTERNAL_MODULES", "EXTERNAL_MODULES_DIR"}
DIRECTORY_FRAMEWORKS = ("terraform", "github_actions")
REPORT_NAME = "results_json.json"
# How long checkov may run before the gate gives up on it and fails closed (exit 2). A scan of this
# repository takes well under a minute; a hung one would otherwise hold the job for its whole
# timeout. Overridden by --checkov-timeout or this environment variable.
TIMEOUT_ENV = "PIPELINE_TOOLS_CHECKOV_TIMEOUT"
DEFAULT_TIMEOUT_SECONDS = 300.0


def locate_checkov(repo_root: Path, env: dict[str, str] | None = None) -> str:
    env = dict(os.environ if env is None else env)
    configured = env.get(CHECKOV_ENV)
    if configured:
        if Path(configured).is_file() and os.access(configured, os.X_OK):
            return configured
        raise InputError(f"{CHECKOV_ENV}={configured} is not an executable file; the gate cannot scan")
    on_path = shutil.which("checkov", path=env.get("PATH"))
    if on_path:
        return on_path
    bundled = repo_root / ".tools" / "checkov" / "bin" / "checkov"
    if bundled.is_file() and os.access(bundled, os.X_OK):
        return str(bundled)
    raise InputError(
        "checkov not found (set PIPELINE_TOOLS_CHECKOV, put it on PATH, or run "
        "'make .tools/checkov/.installed'); refusing to pass the gate without scanning"
    )


@dataclass
class CheckovRun:
    label: str
    args: list[str]
    output_dir: Path
    process: subprocess.Popen[bytes]


def refuse_config_files(paths: Sequence[Path]) -> None:
    """checkov reads ``.checkov.yaml`` from each ``-d`` directory: skips and soft-fails hidden there
    would bypass the policy, so their presence is bad input (the policy lives in security/)."""
    for path in paths:
        for name in CONFIG_NAMES:
            if path.is_dir() and (path / name).exists():
                raise InputError(
                    f"{path / name} would change what checkov checks; the gate's policy, exceptions and "
                    "baseline live in security/ (remove the file)"
                )


def checkov_env(home: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(_SCRUBBED_PREFIXES) and key not in _SCRUBBED_NAMES
    }
    # Offline and quiet: no guideline downloads, no colour codes in messages, and a home
    # directory without a ~/.checkov.yaml.
    env.update({"BC_SKIP_MAPPING": "TRUE", "ANSI_COLORS_DISABLED": "1", "HOME": str(home)})
    return env


def directory_args(paths: Sequence[Path]) -> list[str]:
    args: list[str] = []
    for path in paths:
        args += ["-d", str(path)]
    return [*args, "--framework", *DIRECTORY_FRAMEWORKS]


def plan_args(plan: Path) -> list[str]:
    return ["-f", str(plan), "--framework", "terraform_plan"]


def start(binary: str, label: str, scan_args: list[str], work: Path) -> CheckovRun:
    output_dir = Path(tempfile.mkdtemp(prefix=f"checkov-{label}-", dir=work))
    args = [binary, *scan_args, "-o", "json", "--output-file-path", str(output_dir), "--skip-download"]
    # cwd and HOME are an empty directory: checkov also reads .checkov.yaml from both.
    env = checkov_env(work)
    # Its own session: checkov starts worker processes, and a kill must reach them too (a surviving
    # child would hold stderr open and keep the gate waiting after the timeout).
    process = subprocess.Popen(args, cwd=work, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               start_new_session=True)
    return CheckovRun(label=label, args=args, output_dir=output_dir, process=process)


def kill(run: CheckovRun) -> None:
    """Kill checkov and every process it started (its session's process group), then reap it."""
    try:
        os.killpg(run.process.pid, signal.SIGKILL)
    except OSError:  # already gone (or not a group leader): the process alone
        run.process.kill()
    run.process.communicate()


def finish(run: CheckovRun, timeout: float = DEFAULT_TIMEOUT_SECONDS, *, limit: float | None = None) -> str:
    """Wait up to ``timeout`` seconds for the run; return its JSON report text or fail closed (exit 2).
    ``limit`` is the configured bound named in the message (the whole batch shares one deadline)."""
    try:
        _, stderr = run.process.communicate(timeout=max(timeout, 0.0))
    except subprocess.TimeoutExpired:
        kill(run)
        bound = timeout if limit is None else limit
        raise InputError(
            f"checkov ({run.label}) did not finish within {bound:g} s; failing closed "
            f"(raise the bound with --checkov-timeout or {TIMEOUT_ENV})"
        ) from None
    report = run.output_dir / REPORT_NAME
    if not report.is_file():
        tail = " ".join(stderr.decode(errors="replace").split())[-400:] or "no message"
        raise InputError(
            f"checkov ({run.label}) crashed or wrote no report "
            f"(exit {run.process.returncode}): {redact(tail)}"
        )
    return report.read_text(errors="replace")


class CheckovBatch:
    """Every scan started at once, in the background, while the gate reads its other inputs.

    Use as a context manager: leaving it (normally or through an error) kills whatever is still
    running and removes the report directory.
    """

    def __init__(self, binary: str, scans: dict[str, list[str]],
                 timeout: float = DEFAULT_TIMEOUT_SECONDS) -> None:
        self.binary, self.scans, self.timeout = binary, scans, timeout
        self.deadline = 0.0
        self.runs: list[CheckovRun] = []
        self._tmp: tempfile.TemporaryDirectory[str] | None = None

    def __enter__(self) -> CheckovBatch:
        self._tmp = tempfile.TemporaryDirectory(prefix="pipeline-tools-gate-")
        self.deadline = time.monotonic() + self.timeout  # one bound for every run, from their start
        try:
            for label, scan_args in self.scans.items():
                self.runs.append(start(self.binary, label, scan_args, Path(self._tmp.name)))
        except OSError as exc:
            self.__exit__(None, None, None)
            raise InputError(f"cannot start checkov ({self.binary}): {exc.strerror or exc}") from None
        return self

    def reports(self) -> dict[str, str]:
        """Wait for every run: label -> report text (or fail closed)."""
        return {run.label: finish(run, self.deadline - time.monotonic(), limit=self.timeout)
                for run in self.runs}

    def __exit__(self, *exc_info: object) -> None:
        for run in self.runs:
            if run.process.poll() is None:
                kill(run)
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None


def timeout_from_environment(env: dict[str, str] | None = None) -> float:
    """The bound set by ``PIPELINE_TOOLS_CHECKOV_TIMEOUT`` (seconds), or the default."""
    text = (os.environ if env is None else env).get(TIMEOUT_ENV, "").strip()
    if not text:
        return DEFAULT_TIMEOUT_SECONDS
    return parse_timeout(text, TIMEOUT_ENV)


def parse_timeout(text: str, what: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise InputError(f"{what} {text!r} is not a number of seconds") from None
    if not 0 < value <= 86_400:
        raise InputError(f"{what} {text!r} must be more than 0 and at most 86400 seconds")
    return value


def run_all(binary: str, scans: dict[str, list[str]],
            timeout: float = DEFAULT_TIMEOUT_SECONDS) -> dict[str, str]:
    """Run every scan at once (checkov's ~2 s start-up overlaps); label -> report text."""
    with CheckovBatch(binary, scans, timeout) as batch:
        return batch.reports()
