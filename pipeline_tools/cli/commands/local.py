"""``pipeline-tools local up|down|env``: the local AWS emulator for people exploring by hand."""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "local",
        help="start, stop or show the local AWS emulator (moto server)",
        description="Run the local AWS emulator (moto server on 127.0.0.1) and print the "
        "environment that points terraform, boto3 and the AWS CLI at it. State is kept in "
        ".pipeline-tools/ under the current directory. Needs the optional 'local' extra: "
        "pip install 'pipeline-tools[local]'.",
        epilog="exit codes: 0 done; 1 ('env') no emulator running here; 2 bad input; 3 the emulator "
        "failed to start, or the 'local' extra (moto[server]) is not installed.",
    )
    actions = parser.add_subparsers(dest="local_action", metavar="ACTION")
    actions.required = True
    up = actions.add_parser("up", help="start the emulator unless one is already running here",
                            description="Start the emulator in the background (idempotent).")
    up.add_argument("--port", type=int, help="port on 127.0.0.1 (default: a free one)")
    up.set_defaults(func=_up)
    down = actions.add_parser("down", help="stop the emulator started by 'local up'",
                              description="Stop the emulator started by 'local up' (idempotent).")
    down.set_defaults(func=_down)
    env = actions.add_parser("env", help="print export lines for the running emulator",
                             description="Print shell export lines: eval \"$(pipeline-tools local env)\".")
    env.set_defaults(func=_env)


def _root() -> Path:
    return Path.cwd()


def _up(args: argparse.Namespace) -> int:
    from pipeline_tools.core.errors import InputError
    from pipeline_tools.local import emulator, require_local_extra

    require_local_extra()  # before anything is written under .pipeline-tools/
    running = emulator.find_running(_root())
    if running is not None:
        print(f"local AWS emulator already running at {running.endpoint} (pid {running.pid})")
        return 0
    if args.port is not None and not 1 <= args.port <= 65535:
        raise InputError(f"--port must be between 1 and 65535, got {args.port}")
    state_dir = emulator.state_file(_root()).parent
    state_dir.mkdir(parents=True, exist_ok=True)
    started = emulator.start(port=args.port, log_path=state_dir / "emulator.log")
    emulator.save(started, _root())
    print(f"local AWS emulator running at {started.endpoint} (pid {started.pid})")
    print('point your shell at it with: eval "$(pipeline-tools local env)"')
    return 0


def _down(args: argparse.Namespace) -> int:
    from pipeline_tools.local import emulator

    running = emulator.find_running(_root())
    emulator.forget(_root())
    if running is None:
        print("no local AWS emulator running here")
        return 0
    running.stop()
    print(f"stopped the local AWS emulator at {running.endpoint}")
    return 0


def _env(args: argparse.Namespace) -> int:
    from pipeline_tools.core.errors import VerdictError
    from pipeline_tools.local import emulator

    running = emulator.find_running(_root())
    if running is None:
        raise VerdictError("no local AWS emulator running here; start one with 'pipeline-tools local up'")
    for key, value in running.env().items():
        sys.stdout.write(f"export {key}={shlex.quote(value)}\n")
    return 0
