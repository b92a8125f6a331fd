"""Cold import time of the deployer Lambda's handler module (target: < 0.3 s).

Each sample is a fresh interpreter importing ``pipeline_tools.deploy.handler`` (what Lambda does on
a cold start before the first event), measured inside the process so interpreter start-up is not
counted. Also reports the import of everything the first invocation loads on top of it except
boto3 (which the runtime has to load anyway), and checks that no heavy library is on that path.

    .venv/bin/python benchmarks/bench_handler_import.py [--samples N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys

TARGET_SECONDS = 0.3
HEAVY = ("github", "jinja2", "hcl2", "requests", "boto3", "botocore")

PROBE = f"""
import json, sys, time
start = time.perf_counter()
import pipeline_tools.deploy.handler
handler = time.perf_counter() - start
start = time.perf_counter()
import pipeline_tools.deploy.run, pipeline_tools.deploy.notification, pipeline_tools.notify.webhooks
first_call = time.perf_counter() - start
heavy = [m for m in {HEAVY!r} if m in sys.modules]
print(json.dumps({{"handler": handler, "first_call": first_call, "heavy": heavy}}))
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=15)
    args = parser.parse_args()
    samples = []
    for _ in range(args.samples):
        out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True)
        samples.append(json.loads(out.stdout))
    handler = [s["handler"] for s in samples]
    first_call = [s["first_call"] for s in samples]
    heavy = sorted({m for s in samples for m in s["heavy"]})
    print(f"samples: {len(samples)}")
    print(f"import pipeline_tools.deploy.handler: median {statistics.median(handler) * 1000:.1f} ms, "
          f"max {max(handler) * 1000:.1f} ms (target < {TARGET_SECONDS * 1000:.0f} ms)")
    print(f"+ modules loaded by the first invocation (without boto3): median "
          f"{statistics.median(first_call) * 1000:.1f} ms, max {max(first_call) * 1000:.1f} ms")
    print(f"heavy modules imported: {', '.join(heavy) or 'none'}")
    ok = max(handler) < TARGET_SECONDS and not heavy
    print("result: " + ("OK" if ok else "OVER TARGET"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
