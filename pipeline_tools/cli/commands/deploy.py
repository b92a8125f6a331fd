"""``pipeline-tools deploy``: roll a new image out to an ECS service and follow it to the end.

Forms (see docs/deployer.md):

- ``pipeline-tools deploy --event FILE|-``: an EventBridge "ECR Image Action" event, handled exactly
  as the deployer Lambda handles it;
- ``pipeline-tools deploy --cluster C --service S --container NAME --image REPO@sha256:DIGEST``;
- ``pipeline-tools deploy package --out FILE [--upload s3://bucket/key]``: build the Lambda zip;
- ``pipeline-tools deploy package --root DIR``: build it where the Terraform root DIR publishes it
  from (its tfvars' ``deployer_package_path``), or say that DIR publishes none.

Only argparse is imported here; the deployer and boto3 load inside the handler.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only argparse is imported at run time (the CLI starts fast)
    from pipeline_tools.deploy.package import PackageResult

EXIT_CODES_HELP = """\
exit codes:
  0   the rollout COMPLETED (or there was nothing to do: duplicate event, older image,
      no matching deploy target; or --no-wait and the rollout started)
  1   (not used by deploy)
  2   bad input (arguments, event file, deploy targets; a cluster, service, container,
      repository or image digest that does not exist; an image outside the target's repository)
  3   AWS failed or answered something unusable before a rollout outcome was known
  4   internal error
  10  the rollout FAILED
  11  the rollout failed and the ECS deployment circuit breaker ROLLED the service BACK
  12  the rollout did not finish within --timeout (TIMED OUT; it may still be running)
  13  BUSY: another deploy of the same service holds the lock; nothing was changed
  14  SUPERSEDED: another deployment replaced this one before it completed
With several services in one event the most severe outcome wins (10, 11, 12, 14, 13).
A chat notification that fails or times out never changes the exit code: it prints a warning.
Notification deadlines: NOTIFY_CALL_DEADLINE_SECONDS (per webhook call, default 10) and
NOTIFY_DEADLINE_SECONDS (all channels, default 20)."""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "deploy",
        help="deploy an image to ECS and follow the rollout; build the deployer Lambda package",
        description="Deploy an image by digest to an ECS service (from an ECR push event or\n"
        "directly), following the deployment until it completes, fails, is rolled back or\n"
        "times out. 'deploy package' builds the deployer Lambda's zip instead.\n"
        "See docs/deployer.md.",
        epilog=EXIT_CODES_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "action", nargs="?", choices=["package"], default=None,
        help="'package': build the deployer Lambda zip (with --out, optional --upload; or --root DIR)",
    )
    source = parser.add_argument_group("deploy from an event")
    source.add_argument("--event", metavar="FILE|-",
                        help="EventBridge 'ECR Image Action' event JSON (a file, or - for stdin)")
    direct = parser.add_argument_group("deploy directly")
    direct.add_argument("--cluster", help="ECS cluster name or ARN")
    direct.add_argument("--service", help="ECS service name")
    direct.add_argument("--container", metavar="NAME", help="container whose image changes")
    direct.add_argument("--image", metavar="REPO@sha256:DIGEST",
                        help="image by digest (repository URL or name, then @sha256:...)")
    direct.add_argument("--environment", default="", help="environment name shown in notifications")
    direct.add_argument("--trigger", default="", help="what triggered this deploy, for notifications")
    direct.add_argument("--source-commit", default="", metavar="SHA", help="commit the image was built from")
    common_targets = parser.add_argument_group("deploy targets")
    common_targets.add_argument(
        "--targets-parameter", metavar="NAME",
        help="SSM parameter with the deploy targets JSON (default: DEPLOY_TARGETS_PARAMETER); the "
        "direct form's image must come from the repository its target names (without targets: the "
        "repository the container runs from now)")
    common = parser.add_argument_group("deploy options")
    common.add_argument("--timeout", type=float, metavar="SECONDS", default=None,
                        help="how long to follow the rollout (default: DEPLOY_TIMEOUT_SECONDS or 600)")
    common.add_argument("--no-wait", action="store_true",
                        help="return once update_service succeeded, without following the rollout")
    common.add_argument("--no-notify", action="store_true",
                        help="do not send chat notifications even if webhooks are configured")
    package = parser.add_argument_group("deploy package")
    package.add_argument("--out", metavar="FILE", help="where to write the zip")
    package.add_argument("--upload", metavar="s3://BUCKET/KEY", help="also upload the zip to S3")
    package.add_argument("--root", metavar="DIR",
                         help="build it where the Terraform root DIR publishes it from (its tfvars' "
                         "deployer_package_path, relative to DIR); nothing when DIR sets none")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pipeline_tools.core.errors import InputError

    deploy_flags = {
        "--event": args.event, "--cluster": args.cluster, "--service": args.service,
        "--container": args.container, "--image": args.image,
    }
    if args.action == "package":
        given = [flag for flag, value in deploy_flags.items() if value is not None]
        if given:
            raise InputError(f"'deploy package' does not take {', '.join(given)}")
        if args.root and (args.out or args.upload):
            raise InputError("'deploy package --root' takes neither --out nor --upload")
        if not args.out and not args.root:
            raise InputError("'deploy package' needs --out FILE or --root DIR")
        return _package(args)
    if args.out or args.upload or args.root:
        raise InputError("--out/--upload/--root belong to 'deploy package'")
    if args.event is not None:
        direct = [flag for flag, value in deploy_flags.items() if value is not None and flag != "--event"]
        if direct:
            raise InputError(f"--event cannot be combined with {', '.join(direct)}")
        return _deploy_event(args)
    missing = [flag for flag, value in deploy_flags.items() if value is None and flag != "--event"]
    if len(missing) == 4:
        raise InputError("give --event FILE|-, or --cluster, --service, --container and --image")
    if missing:
        raise InputError(f"the direct form also needs {', '.join(missing)}")
    return _deploy_direct(args)


def _package(args: argparse.Namespace) -> int:
    from pathlib import Path

    from pipeline_tools.deploy import package

    if args.root:
        built = package.build_for_root(Path(args.root))
        if built is None:
            print(f"{args.root} publishes no deployer package "
                  f"(no {package.ROOT_PATH_VARIABLE} in its tfvars)")
            return 0
        print(_wrote(built))
        return 0
    if args.upload:
        package.parse_s3_url(args.upload)  # bad input must fail before anything is written
    result = package.build_zip(Path(args.out))
    print(_wrote(result))
    print(f"handlers: {package.HANDLER} (deployer), {package.ALARM_HANDLER} (alarm notifier), "
          f"{package.IDP_HANDLER} (Google identity provider), {package.UPLOADS_HANDLER} (uploads processor)")
    if args.upload:
        version = package.upload(result, args.upload)
        suffix = f" (version {version})" if version else ""
        print(f"uploaded to {args.upload}{suffix}")
    return 0


def _wrote(result: PackageResult) -> str:
    return f"wrote {result.path} ({result.size} bytes, {len(result.entries)} files) sha256 {result.sha256}"


def _config(args: argparse.Namespace):
    from dataclasses import replace

    from pipeline_tools.core.errors import InputError
    from pipeline_tools.deploy.config import DeployConfig

    config = DeployConfig.from_env()
    if not args.no_notify:
        import os

        from pipeline_tools.notify.sender import deadlines_from_env

        deadlines_from_env(os.environ)  # bad notification deadlines: exit 2 before touching AWS
    if args.targets_parameter:
        config = replace(config, targets_parameter=args.targets_parameter)
    if args.timeout is not None:
        if args.timeout <= 0:
            raise InputError("--timeout must be positive")
        config = replace(config, timeout_seconds=args.timeout)
    return config


def _read_event(source: str) -> object:
    import json
    import sys

    from pipeline_tools.core.errors import InputError

    try:
        text = sys.stdin.read() if source == "-" else open(source, encoding="utf-8").read()  # noqa: SIM115
    except OSError as exc:
        raise InputError(f"cannot read event {source}: {exc.strerror or exc}") from exc
    try:
        return json.loads(text)
    except ValueError as exc:
        raise InputError(f"event {source} is not valid JSON: {exc}") from exc


def _notifier(args: argparse.Namespace):
    from pipeline_tools.deploy.run import notify_result

    return None if args.no_notify else notify_result


def _deploy_event(args: argparse.Namespace) -> int:
    from pipeline_tools.deploy.run import handle_event

    config = _config(args)
    event = _read_event(args.event)
    report = handle_event(event, config, notifier=_notifier(args), timeout_seconds=config.timeout_seconds,
                          wait=not args.no_wait)
    if report.ignored:
        print(f"nothing to deploy: {report.ignored}")
    for result in report.results:
        _print_result(result)
    return report.exit_code


def _deploy_direct(args: argparse.Namespace) -> int:

    from pipeline_tools.deploy.deployer import DeployRequest
    from pipeline_tools.deploy.images import parse_image
    from pipeline_tools.deploy.run import deploy_direct

    parse_image(args.image)  # ECR registry (or none), ECR repository name, digest: before any AWS call
    config = _config(args)
    trigger = args.trigger or _default_trigger()
    request = DeployRequest(
        cluster=args.cluster, service=args.service, container=args.container, image=args.image,
        environment=args.environment, trigger=trigger, source_commit=args.source_commit or "",
    )
    result = deploy_direct(request, config, wait=not args.no_wait, notifier=_notifier(args))
    _print_result(result)
    return result.exit_code


def _default_trigger() -> str:
    from pipeline_tools.core.ci import CIEnvironment

    return CIEnvironment.from_env().run_description() or "pipeline-tools deploy (manual)"


def _print_result(result) -> None:
    from pipeline_tools.core.redaction import error_line

    def redact(text: str) -> str:
        # ECS reasons and events are relayed text: redacted, one line, no terminal escapes.
        return error_line(text, limit=2000)

    where = f"{result.cluster}/{result.service}"
    line = f"{where}: {result.outcome.value} (exit {result.exit_code})"
    if result.old_image or result.new_image:
        line += f"; {result.old_image or '?'} -> {result.new_image}"
    if result.duration_seconds:
        line += f"; {result.duration_seconds:.0f} s"
    print(redact(line))
    if result.deployment_id:
        print(f"  deployment {result.deployment_id}, task definition {result.task_definition_arn}")
    if result.reason:
        print(redact(f"  reason: {result.reason}"))
    for reason in result.stopped_reasons:
        print(redact(f"  stopped task: {reason}"))
    for message in result.service_events:
        print(redact(f"  service event: {message}"))
