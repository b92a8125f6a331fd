"""Gate wall time against one bare ``checkov -d`` over the same tree, measured in the same run.

Target: the gate takes at most 1.15x the bare checkov run (checkov runs once over every path;
the gate's own work, parsing and evaluation, must stay small next to checkov's start-up).

    .venv/bin/python benchmarks/bench_gate.py [--rounds 3] [PATH ...]

PATHs default to this repository's terraform, environments and .github/workflows (those that
exist). Runs alternate (checkov, gate, checkov, gate, ...) so machine load affects both alike.
The verdict uses the best (minimum) of the rounds, since load only ever adds time; medians and
the gate's own work outside its checkov run (load-insensitive) are printed too.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from pipeline_tools.gate.scanners.checkov_run import DIRECTORY_FRAMEWORKS, locate_checkov  # noqa: E402

TARGET_RATIO = 1.15


def _timed(command: list[str], env: dict[str, str]) -> tuple[float, bytes]:
    start = time.perf_counter()
    completed = subprocess.run(command, cwd=REPO_ROOT, env=env, capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    if completed.returncode not in (0, 1):
        sys.exit(f"{command[0]} failed (exit {completed.returncode}): {completed.stderr.decode()[-500:]}")
    return elapsed, completed.stdout


def _runs(times: list[float]) -> str:
    return ", ".join(f"{t:.2f}" for t in times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    defaults = ("terraform", "environments", ".github/workflows")
    paths = args.paths or [p for p in defaults if (REPO_ROOT / p).exists()]
    checkov = locate_checkov(REPO_ROOT)
    env = {**os.environ, "PIPELINE_TOOLS_CHECKOV": checkov, "GITHUB_ACTIONS": "false"}
    bare_times: list[float] = []
    gate_times: list[float] = []
    overheads: list[float] = []  # gate wall time minus its own checkov run: load-insensitive
    with tempfile.TemporaryDirectory() as tmp:
        bare = [checkov, *[a for p in paths for a in ("-d", p)], "--framework", *DIRECTORY_FRAMEWORKS,
                "-o", "json", "--output-file-path", tmp, "--skip-download"]
        gate = [sys.executable, "-m", "pipeline_tools", "gate", *paths, "--format", "json",
                "--sarif-out", str(Path(tmp) / "gate.sarif")]
        for _ in range(args.rounds):
            bare_times.append(_timed(bare, env)[0])
            elapsed, stdout = _timed(gate, env)
            gate_times.append(elapsed)
            overheads.append(elapsed - json.loads(stdout)["timings"]["checkov"])
    bare_median, gate_median = statistics.median(bare_times), statistics.median(gate_times)
    ratio = min(gate_times) / min(bare_times)
    print(f"paths: {' '.join(paths)}  rounds: {args.rounds}")
    verdict = "OK" if ratio <= TARGET_RATIO else "OVER"
    print(f"bare checkov -d (median): {bare_median:7.2f} s   runs: {_runs(bare_times)}")
    print(f"pipeline-tools gate     : {gate_median:7.2f} s   runs: {_runs(gate_times)}")
    overhead = statistics.median(overheads)
    print(f"gate work outside checkov (median): {overhead:.2f} s   runs: {_runs(overheads)}")
    print(f"ratio gate/bare, best of {args.rounds}: {ratio:.3f} (target <= {TARGET_RATIO})  {verdict}")
    print(f"ratio gate/bare, medians: {gate_median / bare_median:.3f}")
    print(f"ratio (bare + gate's own work)/bare: {(bare_median + overhead) / bare_median:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
