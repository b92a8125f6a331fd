"""``make local-apply ENV=dev``: apply bootstrap and an environment against the local AWS emulator.

Steps (each printed with its duration):

1. use the emulator recorded in ``.pipeline-tools/`` (``pipeline-tools local up``) or start one;
2. create the *seed* bucket that holds bootstrap's own state (see "bootstrap's state" below);
3. apply ``environments/bootstrap`` (state bucket, lock table, KMS key, artifacts bucket, GitHub
   OIDC roles, ECR repositories) with its state in the seed bucket;
4. build the deployer Lambda package where the environment publishes it from (its tfvars'
   ``deployer_package_path``: terraform uploads it), or, for a root that only reads it from S3
   (``deployer_package_s3_key`` alone), upload it to the artifacts bucket by hand;
5. apply ``environments/<ENV>`` with its state in the bucket bootstrap created;
6. ``terraform plan -detailed-exitcode``: any change is a failure (a perpetual diff means the
   configuration or the emulator is wrong, and in real AWS would show up on every pull request);
7. destroy ENV, then bootstrap, then the seed bucket, and stop the emulator if this run started it
   (skipped with ``--keep``).

Bootstrap's state: bootstrap creates the state bucket, so it cannot keep its own state there on
the first run. Real accounts apply bootstrap once with local state and then move it into the new
bucket (``terraform init -migrate-state``; see environments/bootstrap/README.md). Locally that
would cost two more terraform invocations for no extra coverage, so the harness instead creates a
separate seed bucket for bootstrap's state before applying it; the environments keep their state
in the bucket bootstrap created, exactly as in a real account.

Nothing here changes the committed roots: the emulator is reached through ``AWS_ENDPOINT_URL``
and test credentials, the S3 backend through ``-backend-config`` (``use_path_style=true``), and the
few settings that only make sense for a throwaway emulator are passed as ``-var`` (see
:data:`LOCAL_VARS` and docs/local-aws.md). Terraform's working data goes to a temporary
``TF_DATA_DIR``, so a user's own ``.terraform`` directories in the roots are left alone.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import re
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO, TypeVar

from pipeline_tools.core.errors import ExternalError, InputError, PipelineError, VerdictError
from pipeline_tools.core.redaction import error_line, redact
from pipeline_tools.integrations.terraform import root_variable_values

REPO_ROOT = Path(__file__).resolve().parents[2]
ENVIRONMENTS = ("dev", "staging", "prod")
BOOTSTRAP = "bootstrap"
REGION = "us-east-1"
SEED_BUCKET = "platform-bootstrap-tfstate-local"

# Settings passed with -var on local runs only. They never appear in committed files; each one is
# explained in docs/local-aws.md.
LOCAL_VARS: dict[str, dict[str, str]] = {
    # The emulator is thrown away after the run: let destroy delete the state, artifacts and log
    # buckets although they hold objects (the committed default keeps them).
    BOOTSTRAP: {"force_destroy": "true"},
    # Turns off deletion protection and lets buckets, the zone and secrets go at destroy time.
    "dev": {"allow_destroy": "true"},
    "staging": {"allow_destroy": "true"},
    "prod": {"allow_destroy": "true"},
}

T = TypeVar("T")


@dataclass
class StepPrinter:
    out: TextIO = field(default_factory=lambda: sys.stdout)
    timings: list[tuple[str, float]] = field(default_factory=list)

    def say(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def step(self, title: str, action: Callable[[], T]) -> T:
        self.say(f"==> {title}")
        started = time.monotonic()
        try:
            result = action()
        except Exception:
            self.say(f"    failed after {time.monotonic() - started:.1f} s")
            raise
        elapsed = time.monotonic() - started
        self.timings.append((title, elapsed))
        if isinstance(result, str) and result:
            for line in result.rstrip().splitlines():
                self.say(f"    {line}")
        self.say(f"    done in {elapsed:.1f} s")
        return result


@dataclass
class PlanChange:
    address: str
    actions: list[str]


class LocalRun:
    """One local apply: an emulator, the bootstrap root and one environment root."""

    def __init__(self, env: str, *, root: Path = REPO_ROOT, printer: StepPrinter | None = None,
                 emulator: Any = None, reuse_recorded_emulator: bool = True) -> None:
        if env not in ENVIRONMENTS:
            raise InputError(f"unknown environment {env!r}; expected one of {', '.join(ENVIRONMENTS)}")
        self.env = env
        self.root = root
        for name in (BOOTSTRAP, env):  # fail before starting anything slow
            self.root_dir(name)
        self.printer = printer or StepPrinter()
        self.emulator = emulator
        self.reuse_recorded_emulator = reuse_recorded_emulator
        self.started_emulator = False
        self.workdir = Path(tempfile.mkdtemp(prefix=f"pt-local-apply-{env}-"))
        self.bootstrap_outputs: dict[str, Any] = {}
        self.env_outputs: dict[str, Any] = {}
        self.applied: list[str] = []  # roots applied and not yet destroyed, in order

    # --- helpers ------------------------------------------------------------------------------

    def root_dir(self, name: str) -> Path:
        path = self.root / "environments" / name
        if not (path / "main.tf").is_file():
            raise InputError(f"{path} is not a Terraform root (no main.tf)")
        return path

    def terraform(self, name: str) -> Any:
        from pipeline_tools.integrations.terraform import Terraform, terraform_env

        data_dir = self.workdir / name / ".terraform"
        data_dir.mkdir(parents=True, exist_ok=True)
        env = terraform_env({**self.emulator.env(), "TF_DATA_DIR": str(data_dir)})
        return Terraform(self.root_dir(name), env=env)

    def var_args(self, name: str) -> list[str]:
        wanted = LOCAL_VARS.get(name, {})
        missing = sorted(set(wanted) - declared_variables(self.root_dir(name)))
        if missing:
            # Silently skipping one would leave protections on and the destroy would fail late.
            raise InputError(f"environments/{name} does not declare {', '.join(missing)}, "
                             "which the local run sets (see docs/local-aws.md)")
        return [f"-var={key}={value}" for key, value in wanted.items()] + self._emulator_gap_args(name)

    def _emulator_gap_args(self, name: str) -> list[str]:
        """A var file turning off, for this run only, what the emulator cannot run (docs/local-aws.md):
        the uploads pipeline, because moto invokes a queue's Lambda inside the request that adds a
        message (S3's test event when the notification is set) and, without Docker, that request
        never returns."""
        if name not in ENVIRONMENTS:
            return []
        add_ons = root_variable_values(self.root_dir(name)).get("add_ons")
        if not isinstance(add_ons, dict):
            add_ons = {}
        uploads = add_ons.get("uploads")
        gaps = {"add_ons": {**add_ons, "uploads": {**(uploads if isinstance(uploads, dict) else {}),
                                                    "enabled": False}}}
        path = self.workdir / f"{name}-emulator-gaps.tfvars.json"
        path.write_text(json.dumps(gaps))
        return [f"-var-file={path}"]

    def s3(self) -> Any:
        import boto3

        env = self.emulator.env()
        return boto3.client(
            "s3", endpoint_url=env["AWS_ENDPOINT_URL"], region_name=REGION,
            aws_access_key_id=env["AWS_ACCESS_KEY_ID"], aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
        )

    # --- steps ----------------------------------------------------------------------------------

    def start_emulator(self) -> str:
        from pipeline_tools.local import emulator as emulator_module

        if self.emulator is not None:
            return f"using the emulator at {self.emulator.endpoint}"
        if self.reuse_recorded_emulator:
            running = emulator_module.find_running(self.root)
            if running is not None:
                self.emulator = running
                return f"reusing the emulator at {running.endpoint} (pid {running.pid})"
        state_dir = emulator_module.state_file(self.root).parent
        state_dir.mkdir(parents=True, exist_ok=True)
        self.emulator = emulator_module.start(log_path=state_dir / "emulator.log")
        self.started_emulator = True
        return f"started moto server at {self.emulator.endpoint} (log: {state_dir / 'emulator.log'})"

    def create_seed_bucket(self) -> str:
        client = self.s3()

        def create() -> None:
            client.create_bucket(Bucket=SEED_BUCKET)
            client.put_bucket_versioning(Bucket=SEED_BUCKET,
                                         VersioningConfiguration={"Status": "Enabled"})

        aws_call("create the seed state bucket", create)
        return f"s3://{SEED_BUCKET} holds bootstrap's state"

    def apply_root(self, name: str, bucket: str) -> dict[str, Any]:
        tf = self.terraform(name)
        tf.init(backend_config={
            "bucket": bucket,
            "key": f"{name}/terraform.tfstate",
            "region": REGION,
            "use_path_style": "true",
        })
        self.applied.append(name)
        self.run_logged(tf, name, "apply",
                        ["apply", "-input=false", "-no-color", "-auto-approve", *self.var_args(name)])
        return tf.output_json()

    def run_logged(self, tf: Any, name: str, verb: str, args: list[str]) -> None:
        """Run terraform; on failure keep the whole output in a log and report every error.

        An apply that failed by the emulator's known security group race is applied again, up to
        ``emulator.RACE_RETRIES`` times (``emulator.is_emulator_race``); the re-plan that follows
        must still be clean.
        """
        from pipeline_tools.local.emulator import RACE_RETRIES, is_emulator_race

        completed = tf.run(args, check=False)
        applies = 1
        while (completed.returncode != 0 and verb == "apply" and applies <= RACE_RETRIES
               and is_emulator_race(completed.stderr or "")):
            race = terraform_errors(completed.stderr)
            self.printer.say(f"    the emulator's security group race ({race}); applying once more "
                             "(docs/local-aws.md)")
            completed = tf.run(args, check=False)
            applies += 1
        if completed.returncode == 0:
            return
        log = self.workdir / f"{name}-{verb}.log"
        log.write_text(redact((completed.stdout or "") + (completed.stderr or "")))
        attempts = f" after {applies} applies" if applies > 1 else ""
        raise ExternalError(f"terraform {verb} of environments/{name} failed{attempts}: "
                            f"{terraform_errors(completed.stderr or completed.stdout or '')} "
                            f"(full output: {log})")

    def apply_bootstrap(self) -> str:
        self.bootstrap_outputs = self.apply_root(BOOTSTRAP, SEED_BUCKET)
        return (f"state bucket {self.state_bucket}, artifacts bucket {self.artifacts_bucket}")

    @property
    def state_bucket(self) -> str:
        return str(_output(self.bootstrap_outputs, "state_bucket_name"))

    @property
    def artifacts_bucket(self) -> str:
        return str(_output(self.bootstrap_outputs, "artifacts_bucket_name"))

    def deployer_package_key(self) -> str | None:
        """The S3 key the environment reads the deployer package from, if it deploys one."""
        root = self.root_dir(self.env)
        if "deployer_package_s3_key" not in declared_variables(root):
            return None
        key = root_variable_values(root).get("deployer_package_s3_key")
        if not isinstance(key, str) or not key:
            raise InputError(f"{root}: its variable files must set deployer_package_s3_key")
        return key

    def upload_deployer_package(self) -> str:
        """Build the deployer package where the root publishes it from (terraform uploads it), or,
        for a root that reads it from S3 without publishing it, build and upload it by hand."""
        from pipeline_tools.deploy.package import build_for_root, build_zip

        root = self.root_dir(self.env)
        published = build_for_root(root)
        if published is not None:
            return (f"built {published.path.relative_to(root)} ({published.size} bytes, sha256 "
                    f"{published.sha256[:12]}); terraform publishes it")
        key = self.deployer_package_key()
        if key is None:
            return f"{self.env} deploys no Lambda package; nothing to upload"
        archive = self.workdir / "deployer.zip"
        built = build_zip(archive)
        aws_call("upload the deployer package",
                 lambda: self.s3().upload_file(str(archive), self.artifacts_bucket, key))
        return (f"built {archive.name} ({built.size} bytes, sha256 {built.sha256[:12]}); "
                f"uploaded to s3://{self.artifacts_bucket}/{key}")

    def apply_env(self) -> str:
        self.env_outputs = self.apply_root(self.env, self.state_bucket)
        return f"{len(self.env_outputs)} outputs"

    def replan(self) -> list[PlanChange]:
        """Plan ENV again; return every resource the plan would change (empty when clean)."""
        tf = self.terraform(self.env)
        planfile = self.workdir / f"{self.env}-replan.tfplan"
        code = tf.plan(planfile, *self.var_args(self.env), detailed_exitcode=True)
        if code == 0:
            return []
        plan = tf.show_json(planfile)
        changes = [
            PlanChange(change["address"], list(change["change"]["actions"]))
            for change in plan.get("resource_changes", [])
            if change["change"]["actions"] not in (["no-op"], ["read"])
        ]
        # Exit 2 with only output changes is still a diff; report it rather than pass silently.
        return changes or [PlanChange("(outputs)", ["update"])]

    def check_replan(self) -> str:
        changes = self.replan()
        if changes:
            listing = "; ".join(f"{c.address} ({'/'.join(c.actions)})" for c in changes)
            raise VerdictError(f"re-plan of {self.env} is not clean: {listing}")
        return "no changes"

    def destroy_root(self, name: str) -> str:
        self.run_logged(self.terraform(name), name, "destroy",
                        ["destroy", "-input=false", "-no-color", "-auto-approve", *self.var_args(name)])
        self.applied.remove(name)
        return f"{name} destroyed"

    def delete_seed_bucket(self) -> str:
        client = self.s3()

        def delete() -> None:
            versions = client.list_object_versions(Bucket=SEED_BUCKET)
            for item in versions.get("Versions", []) + versions.get("DeleteMarkers", []):
                client.delete_object(Bucket=SEED_BUCKET, Key=item["Key"], VersionId=item["VersionId"])
            client.delete_bucket(Bucket=SEED_BUCKET)

        aws_call("delete the seed state bucket", delete)
        return f"s3://{SEED_BUCKET} deleted"

    def stop_emulator(self) -> str:
        if self.started_emulator and self.emulator is not None:
            self.emulator.stop()
            self.started_emulator = False
            return "emulator stopped"
        return "emulator left running (it was running before)"

    def keep_emulator(self) -> str:
        """With --keep: record a started emulator so `pipeline-tools local env|down` find it."""
        from pipeline_tools.local import emulator as emulator_module

        if self.started_emulator:
            emulator_module.save(self.emulator, self.root)
            self.started_emulator = False
        return (f"kept: emulator at {self.emulator.endpoint}; point a shell at it with "
                "eval \"$(pipeline-tools local env)\"; stop it with 'pipeline-tools local down'")

    # --- the whole run ------------------------------------------------------------------------

    def up(self) -> None:
        step = self.printer.step
        step("local AWS emulator", self.start_emulator)
        step("seed bucket for bootstrap's state", self.create_seed_bucket)
        step("apply environments/bootstrap", self.apply_bootstrap)
        step("deployer Lambda package", self.upload_deployer_package)
        step(f"apply environments/{self.env}", self.apply_env)

    def down(self) -> None:
        """Destroy what was applied (ENV, then bootstrap), delete the seed bucket, stop the emulator.

        Every step is attempted even after one fails, so a failed destroy never leaves a moto
        process behind; the first failure is raised at the end.
        """
        step = self.printer.step
        failure: PipelineError | None = None
        try:
            for name in reversed(list(self.applied)):
                try:
                    step(f"destroy environments/{name}", functools.partial(self.destroy_root, name))
                except PipelineError as exc:
                    failure = failure or exc
            if self.emulator is not None:
                try:
                    step("delete the seed bucket", self.delete_seed_bucket)
                except PipelineError as exc:
                    failure = failure or exc
        finally:
            step("stop the emulator", self.stop_emulator)
        if failure is not None:
            raise failure


def aws_call(what: str, action: Callable[[], T]) -> T:
    """Run a boto3 call; turn its failure into one ExternalError line (secrets masked)."""
    from boto3.exceptions import Boto3Error
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        return action()
    except (BotoCoreError, ClientError, Boto3Error) as exc:
        raise ExternalError(f"cannot {what}: {redact(str(exc))}") from None


def terraform_errors(output: str, limit: int = 12) -> str:
    """Every ``Error:`` summary with the resource it concerns and the AWS error code, on one line,
    secrets masked."""
    lines = [line.strip(" │╷╵") for line in output.splitlines()]
    errors: list[str] = []
    for index, line in enumerate(lines):
        if line.startswith("Error:"):
            following = lines[index + 1:]
            end = next((i for i, c in enumerate(following) if c.startswith("Error:")), len(following))
            context = [candidate.strip() for candidate in following[:end]]
            where = next((c for c in context[:11] if c.startswith("with ")), "") or next(
                (c for c in context[:11] if c.startswith("on ")), "")
            where = where.removeprefix("with ").rstrip(",:")
            # The summary often says only what was being done; the code says why (in the same line
            # or in the detail below it).
            code = _API_ERROR.search(" ".join([line, *context]))
            summary = line if code is None or code.group(0) in line else f"{line} ({code.group(0)})"
            errors.append(f"{summary} [{where}]" if where else summary)
    text = "; ".join(errors[:limit]) or " ".join(line for line in lines if line)[-600:]
    if len(errors) > limit:
        text += f"; and {len(errors) - limit} more"
    return redact(text)


_API_ERROR = re.compile(r"api error [A-Za-z0-9_.]+")


def _output(outputs: dict[str, Any], name: str) -> Any:
    try:
        return outputs[name]["value"]
    except (KeyError, TypeError):
        raise ExternalError(f"bootstrap has no output {name!r}") from None


def declared_variables(root: Path) -> set[str]:
    import hcl2

    names: set[str] = set()
    for tf_file in sorted(root.glob("*.tf")):
        with tf_file.open(encoding="utf-8") as handle:
            parsed = hcl2.load(handle)
        for block in parsed.get("variable", []):
            names.update(block)
    return names


@contextlib.contextmanager
def applied_environment(env: str, **kwargs: Any) -> Iterator[LocalRun]:
    """Bootstrap + ``env`` applied; destroyed (and the emulator stopped if started) on exit."""
    run = LocalRun(env, **kwargs)
    try:
        run.up()
        yield run
    finally:
        run.down()


def run(env: str, *, keep: bool = False, out: TextIO = sys.stdout, root: Path = REPO_ROOT) -> int:
    printer = StepPrinter(out)
    local = LocalRun(env, root=root, printer=printer)
    started = time.monotonic()
    failure: PipelineError | None = None
    try:
        local.up()
        printer.step(f"re-plan environments/{env} (must show no changes)", local.check_replan)
    except PipelineError as exc:
        failure = exc
    finally:
        if keep:
            if local.emulator is not None:
                printer.step("keep everything", local.keep_emulator)
        else:
            try:
                local.down()
            except PipelineError as exc:
                failure = failure or exc
    if failure is not None:
        raise failure
    printer.say(f"local apply of bootstrap + {env} finished in {time.monotonic() - started:.1f} s")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m pipeline_tools.local.local_apply",
        description="Apply environments/bootstrap and environments/ENV against the local AWS "
        "emulator, fail on any diff in a second plan, then destroy both (unless --keep).",
    )
    parser.add_argument("--env", default="dev", help=f"one of {', '.join(ENVIRONMENTS)} (default dev)")
    parser.add_argument("--keep", action="store_true",
                        help="leave the emulator and the applied roots running")
    args = parser.parse_args(argv)
    try:
        return run(args.env, keep=args.keep)
    except PipelineError as exc:
        sys.stderr.write(f"error: {error_line(str(exc))}\n")
        return int(exc.exit_code)
    except KeyboardInterrupt:
        sys.stderr.write("error: interrupted (everything started was torn down unless --keep)\n")
        return 130
    except Exception as exc:  # one line, never a traceback
        sys.stderr.write(f"error: internal error: {type(exc).__name__}: {error_line(str(exc))}\n")
        return 4


if __name__ == "__main__":
    sys.exit(main())
