"""``make demo-platform``: the whole platform on a laptop, against the local AWS emulator.

1. start the local AWS (moto server) and bootstrap the state backend, artifacts bucket, OIDC roles
   and ECR repositories (environments/bootstrap);
2. the pull-request stage for environments/dev: which roots a module change affects, the plan,
   its summary (printed, and written as markdown to .pipeline-tools/demo/), its fingerprint, and
   the security gate over the root and the plan;
3. apply exactly the reviewed plan, then re-plan: no changes;
4. push a new image to the emulated ECR and let the deployer roll it out, with the chat message
   delivered to a local receiver and printed;
5. a staging -> prod promotion as a dry run (against a local GitHub stand-in);
6. clean up: destroy dev and bootstrap, stop the emulator.

Each step prints what it does and how long it took; a failing step stops the demo with a one-line
message (and still cleans up); the total time is printed. tests/e2e/test_demo.py runs it end to end.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from pipeline_tools.core.errors import ExternalError, PipelineError
from pipeline_tools.core.redaction import error_line, redact
from pipeline_tools.local.local_apply import REGION, LocalRun, StepPrinter

REPO_ROOT = Path(__file__).resolve().parents[2]
ENV = "dev"
SERVICE = "api"
REPOSITORY = "platform/api"
# moto reports a service deployment COMPLETED only when told that many tasks run.
RUNNING_TASKS = "10"


class Demo:
    def __init__(self, out: TextIO, root: Path = REPO_ROOT) -> None:
        self.root = root
        self.out = out
        self.printer = StepPrinter(out)
        self.stack = ExitStack()
        self.workdir = Path(tempfile.mkdtemp(prefix="pt-demo-"))
        self.stack.callback(shutil.rmtree, self.workdir, ignore_errors=True)
        self.report_dir = root / ".pipeline-tools" / "demo"
        self.local: LocalRun | None = None
        self.planfile = self.workdir / "dev.tfplan"
        self.plan_json = self.report_dir / "dev.plan.json"
        self.cleaned_up = False

    # --- helpers ----------------------------------------------------------------------------

    def cli(self, *args: str, env: dict[str, str] | None = None, ok: tuple[int, ...] = (0,),
            cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        """Run ``pipeline-tools ARGS`` as a user would, print the command, fail on other exit codes."""
        self.printer.say(f"    $ pipeline-tools {' '.join(args)}")
        completed = subprocess.run([sys.executable, "-m", "pipeline_tools", *args], text=True,
                                   capture_output=True, env={**os.environ, **(env or {})},
                                   cwd=cwd or self.root, check=False)
        if completed.returncode not in ok:
            detail = (completed.stderr or completed.stdout).strip().splitlines()[-1:] or ["no output"]
            raise ExternalError(f"pipeline-tools {args[0]} exited {completed.returncode}: {detail[0]}")
        return completed

    def aws(self, service: str) -> Any:
        import boto3

        env = self.emulator_env
        return boto3.client(service, endpoint_url=env["AWS_ENDPOINT_URL"], region_name=REGION,
                            aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
                            aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"])

    @property
    def emulator_env(self) -> dict[str, str]:
        assert self.local is not None and self.local.emulator is not None
        return self.local.emulator.env()

    # --- steps ------------------------------------------------------------------------------

    def start(self) -> str:
        from pipeline_tools.local import emulator

        server = emulator.start(extra_env={"MOTO_ECS_SERVICE_RUNNING": RUNNING_TASKS},
                                log_path=self.workdir / "emulator.log")
        self.stack.callback(server.stop)
        self.local = LocalRun(ENV, root=self.root, printer=self.printer, emulator=server,
                              reuse_recorded_emulator=False)
        self.local.started_emulator = True  # so that its clean-up stops it
        self.stack.callback(self._cleanup_after_failure)
        return f"moto server at {server.endpoint}"

    def bootstrap(self) -> str:
        assert self.local is not None
        self.local.create_seed_bucket()
        summary = self.local.apply_bootstrap()
        package = self.local.upload_deployer_package()
        return f"{summary}\n{package}"

    def affected(self) -> str:
        """Which roots a change to a shared module affects, in a throw-away clone with one commit."""
        if not (self.root / ".git").exists():
            return "not a git checkout: skipped"
        clone = self.workdir / "clone"
        git = ["git", "-c", "user.name=demo", "-c", "user.email=demo@example.invalid"]
        subprocess.run([*git, "clone", "--quiet", "--no-hardlinks", str(self.root), str(clone)],
                       check=True, capture_output=True)
        module = clone / "terraform" / "modules" / "ecs" / "main.tf"
        module.write_text(module.read_text() + "\n# demo: a change to the shared ecs module\n")
        subprocess.run([*git, "-C", str(clone), "commit", "--quiet", "-am", "demo change"],
                       check=True, capture_output=True)
        result = self.cli("affected", "--base", "HEAD~1", "--head", "HEAD", "--format", "text", cwd=clone)
        return "a commit changing terraform/modules/ecs/main.tf affects:\n" + result.stdout

    def plan(self) -> str:
        assert self.local is not None
        terraform = self.local.terraform(ENV)
        terraform.init(backend_config={"bucket": self.local.state_bucket, "key": f"{ENV}/terraform.tfstate",
                                       "region": REGION, "use_path_style": "true"})
        terraform.plan(self.planfile, *self.local.var_args(ENV))
        self.report_dir.mkdir(parents=True, exist_ok=True)
        self.plan_json.write_text(json.dumps(terraform.show_json(self.planfile)))
        markdown = self.cli("plan", "summarize", str(self.plan_json), "--format", "markdown", "--env", ENV)
        (self.report_dir / "dev-plan.md").write_text(markdown.stdout)
        text = self.cli("plan", "summarize", str(self.plan_json), "--format", "text", "--env", ENV)
        fingerprint = self.cli("plan", "fingerprint", str(self.plan_json)).stdout.strip()
        head = "\n".join(text.stdout.splitlines()[:40])
        more = len(text.stdout.splitlines()) - 40
        return (f"{head}\n{'... (' + str(more) + ' more lines)' if more > 0 else ''}\n"
                f"fingerprint {fingerprint}\n"
                f"markdown for the pull request: {self.report_dir / 'dev-plan.md'}")

    def gate(self) -> str:
        result = self.cli("gate", f"environments/{ENV}", "terraform/modules", "--plan", str(self.plan_json),
                          "--env", ENV, "--format", "text")
        return result.stdout

    def apply(self) -> str:
        assert self.local is not None
        self.local.applied.append(ENV)
        # The saved plan file: exactly what was reviewed, nothing else.
        self.local.terraform(ENV).apply(self.planfile)
        self.local.env_outputs = self.local.terraform(ENV).output_json()
        return f"applied the reviewed plan; {len(self.local.env_outputs)} outputs"

    def replan(self) -> str:
        assert self.local is not None
        return self.local.check_replan()

    def deploy(self) -> str:
        from pipeline_tools.local.chat_receiver import ChatReceiver, slack_text

        assert self.local is not None
        outputs = {name: value["value"] for name, value in self.local.env_outputs.items()}
        receiver = ChatReceiver()
        self.stack.callback(receiver.stop)
        digest, tag = self._push_image()
        function = self.aws("lambda").get_function_configuration(
            FunctionName=outputs["deployer_function_name"])
        lambda_env = function.get("Environment", {}).get("Variables", {})
        event = self._ecr_push_event(digest, tag)
        event_file = self.workdir / "ecr-push-event.json"
        event_file.write_text(json.dumps(event, indent=2))
        # moto cannot run Lambda code without Docker: the demo hands EventBridge's event to the same
        # handler the Lambda runs, with the Lambda's own configuration.
        env = {**self.emulator_env, **lambda_env, "SLACK_WEBHOOK_URL": receiver.slack_url,
               "DISCORD_WEBHOOK_URL": receiver.discord_url}
        result = self.cli("deploy", "--event", str(event_file), env=env)
        service = self.aws("ecs").describe_services(cluster=outputs["cluster_name"],
                                                    services=[outputs["service_name"]])["services"][0]
        task = self.aws("ecs").describe_task_definition(taskDefinition=service["taskDefinition"])
        image = next(c["image"] for c in task["taskDefinition"]["containerDefinitions"]
                     if c["name"] == outputs["container_name"])
        if not image.endswith(digest):
            raise ExternalError(f"the service runs {image}, not the pushed digest {digest}")
        lines = [f"pushed {REPOSITORY}:{tag} ({digest})", result.stdout.strip(),
                 f"service {outputs['service_name']} now runs {image}"]
        for channel, payload in receiver.messages:
            if channel == "slack":
                lines.append("slack message received:")
                lines += ["  | " + line for line in slack_text(payload).splitlines()]
            else:
                lines.append(f"discord message received: {payload['embeds'][0].get('title', '')}")
        if not receiver.messages:
            raise ExternalError("no chat message arrived at the local receiver")
        return "\n".join(lines)

    def promotion_dry_run(self) -> str:
        from pipeline_tools.local.github_standin import GitHubStandin

        assert self.local is not None
        standin = GitHubStandin().start()
        self.stack.callback(standin.stop)
        standin.add_repo("demo/platform")
        env = {**self.emulator_env, "GITHUB_TOKEN": standin.token, "GITHUB_API_URL": standin.base_url,
               "GITHUB_REPOSITORY": "demo/platform", "TF_DATA_DIR": str(self.workdir / "prod-tf")}
        result = self.cli("promote", "--from", "staging", "--to", "prod", "--all", "--dry-run",
                          "--backend-config", f"bucket={self.local.state_bucket}",
                          "--backend-config", "key=prod/terraform.tfstate",
                          "--backend-config", f"region={REGION}",
                          "--backend-config", "use_path_style=true",
                          env=env, ok=(0, 1, 2))
        # The committed release files of staging and prod hold no release yet (placeholder digests:
        # a new platform's services start scaled to zero), so there is nothing to promote; any
        # other bad-input refusal is a real failure of the demo.
        nothing_released = result.returncode == 2 and "with a release" in result.stderr
        if result.returncode == 2 and not nothing_released:
            detail = result.stderr.strip().splitlines()[-1:] or ["no output"]
            raise ExternalError(f"pipeline-tools promote exited 2: {detail[0]}")
        if result.returncode == 0:
            note = ""
        elif nothing_released:
            note = (result.stderr.strip() + "\n(expected here: staging has no release yet, so "
                    "promotion refuses instead of promoting a placeholder)")
        else:
            note = ("(expected here: the demo deploys only dev, so staging has no verified deployment "
                    "and prod is not applied; promotion fails closed instead of guessing)")
        return result.stdout + note

    def cleanup(self) -> str:
        assert self.local is not None
        self.cleaned_up = True
        self.local.down()
        return "everything destroyed"

    def _cleanup_after_failure(self) -> None:
        if not self.cleaned_up and self.local is not None:
            self.printer.say("==> cleaning up after the failure")
            try:
                self.local.down()
            except PipelineError as exc:
                self.printer.say(f"    cleanup failed too: {redact(str(exc))}")

    # --- pieces of the deploy step --------------------------------------------------------------

    def _push_image(self) -> tuple[str, str]:
        """What `docker push` does, as far as ECR's API goes: put a manifest under a new tag."""
        tag = datetime.now(UTC).strftime("demo-%Y%m%d%H%M%S")
        layer = "sha256:" + hashlib.sha256(tag.encode()).hexdigest()
        manifest = {
            "schemaVersion": 2,
            "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
            "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "size": 1469,
                       "digest": "sha256:" + hashlib.sha256(f"config {tag}".encode()).hexdigest()},
            "layers": [{"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip",
                        "size": 2811478, "digest": layer}],
        }
        pushed = self.aws("ecr").put_image(repositoryName=REPOSITORY, imageManifest=json.dumps(manifest),
                                           imageTag=tag)
        return pushed["image"]["imageId"]["imageDigest"], tag

    @staticmethod
    def _ecr_push_event(digest: str, tag: str) -> dict[str, Any]:
        """The EventBridge event ECR emits for a completed push (AWS ECR User Guide's format)."""
        return {
            "version": "0",
            "id": hashlib.sha256(digest.encode()).hexdigest()[:32],
            "detail-type": "ECR Image Action",
            "source": "aws.ecr",
            "account": "123456789012",
            "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "region": REGION,
            "resources": [],
            "detail": {"result": "SUCCESS", "repository-name": REPOSITORY, "image-digest": digest,
                       "action-type": "PUSH", "image-tag": tag},
        }


def run(out: TextIO = sys.stdout, root: Path = REPO_ROOT) -> int:
    demo = Demo(out, root)
    started = time.monotonic()
    steps = [
        ("start the local AWS emulator", demo.start),
        ("bootstrap: state backend, artifacts, OIDC roles, ECR (environments/bootstrap)", demo.bootstrap),
        ("pull request: which roots a change affects", demo.affected),
        ("pull request: plan environments/dev and summarize it", demo.plan),
        ("pull request: security gate over environments/dev and its plan", demo.gate),
        ("merge: apply the reviewed plan to dev", demo.apply),
        ("re-plan dev: must show no changes", demo.replan),
        ("push a new image to ECR: the deployer rolls it out and reports to chat", demo.deploy),
        ("promote staging -> prod (dry run)", demo.promotion_dry_run),
        ("clean up", demo.cleanup),
    ]
    current = ""
    try:
        with demo.stack:
            for title, action in steps:
                current = title
                demo.printer.step(title, action)
    except PipelineError as exc:
        out.flush()
        sys.stderr.write(f"error: demo step '{current}' failed: {error_line(str(exc))}\n")
        return int(exc.exit_code) or 1
    except KeyboardInterrupt:
        sys.stderr.write("error: demo interrupted\n")
        return 130
    demo.printer.say(f"demo finished in {time.monotonic() - started:.1f} s")
    return 0


def main() -> int:
    return run()


if __name__ == "__main__":
    sys.exit(main())
