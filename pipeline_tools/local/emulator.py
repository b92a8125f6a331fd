"""Start, find and stop the local AWS emulator (moto in server mode on a free 127.0.0.1 port).

Terraform (provider and S3 backend), boto3 and the AWS CLI all honour ``AWS_ENDPOINT_URL``, so
pointing them at the emulator is purely a matter of environment: see :meth:`Emulator.env`.
The Terraform roots themselves carry no emulator settings.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline_tools.core.errors import ExternalError
from pipeline_tools.core.files import write_text_atomic

if TYPE_CHECKING:
    from pipeline_tools.integrations.terraform import Terraform

REGION = "us-east-1"
# moto's default account; the dummy credentials below are moto's documented test values.
ACCOUNT_ID = "123456789012"

# Settings every local run needs (see docs/local-aws.md for why):
BASE_SERVER_ENV = {
    # Attaching AWS-managed IAM policies fails unless moto loads them.
    "MOTO_IAM_LOAD_MANAGED_POLICIES": "true",
    # Otherwise ACM certificates sit in PENDING_VALIDATION for 60 s.
    "MOTO_ACM_VALIDATION_WAIT": "0",
}

STARTUP_TIMEOUT_SECONDS = 60.0

# What a rare emulator race looks like in terraform's output: a security group rule that moto says
# is already there, or no longer there, although the plan and the rules terraform read a moment
# earlier said otherwise. Seen a few times in a hundred applies on two loaded cores, with requests
# served one at a time (moto_runner), and never against AWS; the cause inside moto is not known
# (docs/local-aws.md, "One request at a time"). The local harness applies again when it sees it
# (up to RACE_RETRIES times), and the clean re-plan every test demands still has to hold.
_EMULATOR_RACE_ERRORS = ("InvalidPermission.Duplicate", "InvalidPermission.NotFound")
# How many more applies the race may take. CI of stop 21 failed creating a security group rule in
# the platform migration's flat layout (dozens of rules in one apply); whether by the race a second
# time is not known, as the message then carried no error code (``terraform_errors`` adds it now).
RACE_RETRIES = 2


def is_emulator_race(terraform_output: str) -> bool:
    """Whether a failed apply against the emulator shows the known security group race (any other
    error then fails the second apply again, so nothing else is hidden)."""
    return any(code in terraform_output for code in _EMULATOR_RACE_ERRORS)


def apply_through_race(terraform: Terraform, *args: str) -> None:
    """``terraform apply`` (no plan file), again (up to ``RACE_RETRIES`` times) if it failed by the
    race above."""
    for retries_left in range(RACE_RETRIES, -1, -1):
        try:
            terraform.apply(None, *args)
            return
        except ExternalError as exc:
            if not retries_left or not is_emulator_race(str(exc)):
                raise


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Emulator:
    port: int
    pid: int
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        """Environment that points terraform, boto3 and the AWS CLI at this emulator."""
        return client_env(self.endpoint)

    def is_alive(self) -> bool:
        # /moto-api/config is tiny; /moto-api/data.json dumps every resource (megabytes once the
        # managed IAM policies are loaded) and can take seconds.
        try:
            with urllib.request.urlopen(f"{self.endpoint}/moto-api/config", timeout=5) as resp:
                return 200 <= resp.status < 300
        except (OSError, urllib.error.URLError):
            return False

    def reset(self) -> None:
        """Forget every resource (between tests)."""
        request = urllib.request.Request(f"{self.endpoint}/moto-api/reset", method="POST", data=b"")
        with urllib.request.urlopen(request, timeout=30):
            pass

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGTERM)


def client_env(endpoint: str) -> dict[str, str]:
    return {
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_REGION": REGION,
        "AWS_DEFAULT_REGION": REGION,
        # moto answers unimplemented calls with HTTP 500, which the AWS provider would retry
        # 25 times by default: keep retries low locally so a gap fails in seconds.
        "AWS_MAX_ATTEMPTS": "2",
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_PAGER": "",
    }


def start(*, port: int | None = None, extra_env: dict[str, str] | None = None,
          log_path: Path | None = None) -> Emulator:
    """Start moto server in a child process and wait until it answers.

    Without ``port`` the child binds a port the kernel chooses and reports it (see
    :mod:`pipeline_tools.local.moto_runner`), so two emulators started at once never share one.
    """
    from pipeline_tools.local import require_local_extra

    require_local_extra()  # before the child process fails with an ImportError nobody sees
    env = {**os.environ, **BASE_SERVER_ENV, **(extra_env or {})}
    # The emulator must never reach a real AWS endpoint or pick up a user's profile.
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "MOTO_PORT"):
        env.pop(name, None)
    with tempfile.TemporaryDirectory(prefix="pipeline-tools-emulator-") as scratch:
        port_file = Path(scratch) / "port"
        log = open(log_path, "ab") if log_path else subprocess.DEVNULL  # noqa: SIM115 - child keeps it
        process = subprocess.Popen(
            [sys.executable, "-m", "pipeline_tools.local.moto_runner", str(port or 0), str(port_file)],
            stdout=log,
            stderr=log if log_path else subprocess.PIPE,
            env=env,
            start_new_session=True,
        )
        emulator = Emulator(port=port or 0, pid=process.pid, process=process)
        deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if process.poll() is not None:
                detail = ""
                if process.stderr is not None:
                    last_lines = process.stderr.read().decode(errors="replace").strip().splitlines()[-1:]
                    detail = f": {last_lines[0]}" if last_lines else ""
                raise ExternalError(f"the local AWS emulator exited during start-up{detail}")
            # Only once the child has written the port file has it bound the port: before that,
            # whatever answers on a port given with ``port`` is some other server.
            bound = port_file.exists()
            if bound:
                emulator.port = int(port_file.read_text())
            if bound and emulator.is_alive():
                if process.stderr is not None:
                    # Nobody reads it from here on; don't let a full pipe block the server.
                    process.stderr.close()
                    process.stderr = None
                return emulator
            time.sleep(0.1)
    emulator.stop()
    where = f"port {emulator.port}" if emulator.port else "any port"
    raise ExternalError(f"the local AWS emulator did not answer on {where} within "
                        f"{STARTUP_TIMEOUT_SECONDS:.0f} s")


# --- a persistent emulator for `pipeline-tools local up|down|env` and `make local-apply` ---

def state_file(root: Path) -> Path:
    return root / ".pipeline-tools" / "emulator.json"


def save(emulator: Emulator, root: Path) -> None:
    path = state_file(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomic(path, json.dumps({"port": emulator.port, "pid": emulator.pid}))


def find_running(root: Path) -> Emulator | None:
    """The emulator recorded under ``root`` if it is still answering."""
    path = state_file(root)
    try:
        data = json.loads(path.read_text())
        emulator = Emulator(port=int(data["port"]), pid=int(data["pid"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return emulator if emulator.is_alive() else None


def forget(root: Path) -> None:
    state_file(root).unlink(missing_ok=True)
