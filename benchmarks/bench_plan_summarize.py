"""Benchmark: `pipeline-tools plan summarize` on a plan of ~24,000 resource changes.

The plan is a real one scaled up: by default this script runs the plan scenario of the tests
(tests/support/plan_scenarios.py: terraform against a fresh local moto server, ~1-2 minutes), or it takes
``--plan FILE`` (any ``terraform show -json`` output). Its resource changes are repeated under
numbered modules until there are ``--resources`` of them.

Printed figures (best of ``--repeat`` runs, each command in its own process, side by side in one
run on the same file):
* the parse floors: ``json.load`` (the standard library) and ``orjson.loads`` (what the plan reader
  uses), wall time and peak RSS;
* wall time of ``summarize --format markdown`` and ``--format json`` as a ratio to the ``json.load``
  floor (target: <= 1.0x: summarizing costs no more than merely parsing with the standard library)
  and to the orjson floor (for information);
* peak RSS of each, as a ratio to the ``json.load`` floor's (target: <= 1.3x);
* start-up: ``summarize`` of a small plan (json and markdown) minus a bare ``python -c pass``
  (target: <= 55 ms above it), and ``pipeline-tools --help`` (target: < 0.3 s).

The package's bytecode is compiled first (as an installed package has it), so that start-up is
measured without compiling sources even where ``PYTHONDONTWRITEBYTECODE`` is set.

Run from the repository root: ``.venv/bin/python benchmarks/bench_plan_summarize.py`` (with
``PIPELINE_TOOLS_PROVIDER_MIRROR`` exported where the terraform registry is out of reach, as
``make`` does).

Note: the floor includes Python's cyclic garbage collector re-scanning the growing document while
it parses; ``plan summarize`` turns that collector off for its short, acyclic pass, which is why
it can come out below 1.0x.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

# Runs one command and prints its own peak RSS (children only: this wrapper's memory is not counted).
_MEASURE = (
    "import resource, subprocess, sys, time\n"
    "start = time.perf_counter()\n"
    "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode\n"
    "wall = time.perf_counter() - start\n"
    "usage = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "print(code, wall, usage.ru_maxrss, usage.ru_utime + usage.ru_stime)\n"
)


@dataclass
class Figures:
    """Best (lowest) wall time (s), peak RSS (KiB) and CPU time (s) of one command over its runs.
    On a shared machine wall time swings with the load, CPU time much less, so both are printed."""

    wall: float = float("inf")
    rss: int = 1 << 62
    cpu: float = float("inf")


def measure(commands: dict[str, list[str]], repeat: int) -> dict[str, Figures]:
    """``repeat`` rounds, each running every command once in turn: commands compared side by
    side see the same load (measured one after the other, a load spike skews their ratio)."""
    figures = {label: Figures() for label in commands}
    for _ in range(repeat):
        for label, command in commands.items():
            out = subprocess.run([sys.executable, "-c", _MEASURE, *command], capture_output=True,
                                 text=True, check=True).stdout.split()
            code, wall, peak, cpu = int(out[0]), float(out[1]), int(out[2]), float(out[3])
            if code != 0:
                raise SystemExit(f"error: {' '.join(command)} exited {code}")
            best = figures[label]
            best.wall, best.rss, best.cpu = min(best.wall, wall), min(best.rss, peak), min(best.cpu, cpu)
    return figures


def compile_bytecode() -> None:
    """Write the package's bytecode first, as an installed package has it (pip compiles on
    install): with ``PYTHONDONTWRITEBYTECODE`` set, as on some CI machines, every measured run
    would otherwise compile the package from source again (tens of milliseconds of start-up)."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO_ROOT / "pipeline_tools")],
                   env=env, stdout=subprocess.DEVNULL, check=True)


def real_plan(plan_path: Path | None) -> dict:
    if plan_path is not None:
        return json.loads(plan_path.read_text())
    from pipeline_tools.local import emulator
    from tests.support.plan_scenarios import build_scenario_plan

    print("making a real plan: terraform against a fresh local moto server ...", flush=True)
    server = emulator.start()
    try:
        with tempfile.TemporaryDirectory(prefix="pt-bench-") as workdir:
            return build_scenario_plan(server, Path(workdir)).plan
    finally:
        server.stop()


def startup(py: str, base: dict, repeat: int) -> bool:
    """Start-up on a small (real, unscaled) plan, above a bare interpreter."""
    with tempfile.TemporaryDirectory(prefix="pt-bench-small-") as tmp:
        small = Path(tmp) / "small.plan.json"
        small.write_text(json.dumps(base))
        commands = {"bare": [py, "-c", "pass"]}
        for fmt in ("json", "markdown"):
            commands[fmt] = [py, "-m", "pipeline_tools", "plan", "summarize", str(small), "--format", fmt]
        figures = measure(commands, repeat)
        bare = figures["bare"]
        ok = True
        for fmt in ("json", "markdown"):
            above_ms = (figures[fmt].wall - bare.wall) * 1000
            ok &= fmt != "json" or above_ms <= 55
            target = "(target <= 55 ms)" if fmt == "json" else "(jinja2 included)"
            cpu_above_ms = (figures[fmt].cpu - bare.cpu) * 1000
            print(f"start-up, small plan, {fmt:8s} {figures[fmt].wall:6.3f} s  {above_ms:5.0f} ms above a "
                  f"bare interpreter ({bare.wall:5.3f} s) {target}; CPU {cpu_above_ms:4.0f} ms above its")
        return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--plan", type=Path, help="a real plan JSON to scale (default: run terraform)")
    parser.add_argument("--resources", type=int, default=24000, help="resource changes to reach")
    parser.add_argument("--repeat", type=int, default=3, help="runs per command (best is kept)")
    parser.add_argument("--save-plan", type=Path, help="also write the unscaled real plan here (for --plan)")
    args = parser.parse_args()

    from tests.support.plan_scenarios import scale_plan

    compile_bytecode()
    base = real_plan(args.plan)
    if args.save_plan is not None:
        args.save_plan.write_text(json.dumps(base))
    per_copy = len(base.get("resource_changes") or [])
    if per_copy == 0:
        raise SystemExit("error: the plan has no resource changes to scale")
    copies = -(-args.resources // per_copy)
    big = scale_plan(base, copies)
    with tempfile.TemporaryDirectory(prefix="pt-bench-") as tmp:
        plan_file = Path(tmp) / "big.plan.json"
        plan_file.write_text(json.dumps(big))
        del big
        size_mb = plan_file.stat().st_size / 1e6
        print(f"plan: {copies * per_copy} resource changes ({copies} copies of {per_copy}), "
              f"{size_mb:.1f} MB")
        py = sys.executable
        commands = {
            "json.load": [py, "-c", f"import json; json.load(open({str(plan_file)!r}))"],
            "orjson.loads": [py, "-c", f"import orjson; orjson.loads(open({str(plan_file)!r}, 'rb').read())"],
        }
        for fmt in ("markdown", "json"):
            commands[fmt] = [py, "-m", "pipeline_tools", "plan", "summarize", str(plan_file), "--format", fmt]
        figures = measure(commands, args.repeat)
        floor, orjson_floor = figures["json.load"], figures["orjson.loads"]
        print(f"parse floor (json.load):    {floor.wall:6.3f} s  peak RSS {floor.rss / 1024:7.1f} MiB  "
              f"CPU {floor.cpu:6.3f} s")
        print(f"parse floor (orjson.loads): {orjson_floor.wall:6.3f} s  peak RSS "
              f"{orjson_floor.rss / 1024:7.1f} MiB  CPU {orjson_floor.cpu:6.3f} s")
        ok = True
        for fmt in ("markdown", "json"):
            run = figures[fmt]
            time_ratio, rss_ratio = run.wall / floor.wall, run.rss / floor.rss
            ok &= time_ratio <= 1.0 and rss_ratio <= 1.3
            print(f"summarize --format {fmt:8s} {run.wall:6.3f} s  peak RSS {run.rss / 1024:7.1f} MiB   "
                  f"time {time_ratio:4.2f}x json.load (target <= 1.0x), "
                  f"{run.wall / orjson_floor.wall:4.2f}x orjson   "
                  f"RSS {rss_ratio:4.2f}x json.load's (target <= 1.3x)   CPU {run.cpu / floor.cpu:4.2f}x "
                  "json.load's")
        ok &= startup(py, base, max(5, args.repeat))
    help_walls = []
    for _ in range(max(5, args.repeat)):
        start = time.perf_counter()
        subprocess.run([py, "-m", "pipeline_tools", "--help"], stdout=subprocess.DEVNULL, check=True)
        help_walls.append(time.perf_counter() - start)
    help_wall = min(help_walls)
    ok &= help_wall < 0.3
    print(f"pipeline-tools --help:      {help_wall:6.3f} s  (target < 0.3 s)")
    print("all targets met" if ok else "some targets NOT met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
