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


def default_steps() -> list[tuple[str, Callable[[Demo], str | None]]]:
    return [
        ("start the local AWS emulator", _start_emulator),
    ]


def main() -> int:
    return run(default_steps())


if __name__ == "__main__":
    sys.exit(main())
