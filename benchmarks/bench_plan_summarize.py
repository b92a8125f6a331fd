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
import subprocess
import sys
import tempfile
import time
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
# CPU seconds of the last measure() (best of its runs): on a shared machine wall time swings with
# the load, CPU time much less, so both are printed.
LAST_CPU: list[float] = [0.0]


def measure(command: list[str], repeat: int) -> tuple[float, int]:
    """Best wall time (s) and peak RSS (KiB) of ``command`` over ``repeat`` runs."""
    walls, peaks, cpus = [], [], []
    for _ in range(repeat):
        out = subprocess.run([sys.executable, "-c", _MEASURE, *command], capture_output=True, text=True,
                             check=True).stdout.split()
        code, wall, peak, cpu = int(out[0]), float(out[1]), int(out[2]), float(out[3])
        if code != 0:
            raise SystemExit(f"error: {' '.join(command)} exited {code}")
        walls.append(wall)
        peaks.append(peak)
        cpus.append(cpu)
    LAST_CPU[0] = min(cpus)
    return min(walls), min(peaks)


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
        bare, _ = measure([py, "-c", "pass"], repeat)
        ok = True
        for fmt in ("json", "markdown"):
            wall, _ = measure([py, "-m", "pipeline_tools", "plan", "summarize", str(small), "--format", fmt],
                              repeat)
            above_ms = (wall - bare) * 1000
            ok &= fmt != "json" or above_ms <= 55
            target = "(target <= 55 ms)" if fmt == "json" else "(jinja2 included)"
            print(f"start-up, small plan, {fmt:8s} {wall:6.3f} s  {above_ms:5.0f} ms above a bare "
                  f"interpreter ({bare:5.3f} s) {target}")
        return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--plan", type=Path, help="a real plan JSON to scale (default: run terraform)")
    parser.add_argument("--resources", type=int, default=24000, help="resource changes to reach")
    parser.add_argument("--repeat", type=int, default=3, help="runs per command (best is kept)")
    parser.add_argument("--save-plan", type=Path, help="also write the unscaled real plan here (for --plan)")
    args = parser.parse_args()

    from tests.support.plan_scenarios import scale_plan

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
        floor_wall, floor_rss = measure([py, "-c", f"import json; json.load(open({str(plan_file)!r}))"],
                                        args.repeat)
        floor_cpu = LAST_CPU[0]
        orjson_wall, orjson_rss = measure(
            [py, "-c", f"import orjson; orjson.loads(open({str(plan_file)!r}, 'rb').read())"], args.repeat)
        print(f"parse floor (json.load):    {floor_wall:6.3f} s  peak RSS {floor_rss / 1024:7.1f} MiB  "
              f"CPU {floor_cpu:6.3f} s")
        print(f"parse floor (orjson.loads): {orjson_wall:6.3f} s  peak RSS {orjson_rss / 1024:7.1f} MiB")
        ok = True
        for fmt in ("markdown", "json"):
            wall, rss = measure([py, "-m", "pipeline_tools", "plan", "summarize", str(plan_file),
                                 "--format", fmt], args.repeat)
            time_ratio, rss_ratio = wall / floor_wall, rss / floor_rss
            ok &= time_ratio <= 1.0 and rss_ratio <= 1.3
            print(f"summarize --format {fmt:8s} {wall:6.3f} s  peak RSS {rss / 1024:7.1f} MiB   "
                  f"time {time_ratio:4.2f}x json.load (target <= 1.0x), {wall / orjson_wall:4.2f}x orjson   "
                  f"RSS {rss_ratio:4.2f}x json.load's (target <= 1.3x)   CPU {LAST_CPU[0] / floor_cpu:4.2f}x "
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
