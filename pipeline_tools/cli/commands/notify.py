"""``pipeline-tools notify``: post an apply, promotion, drift (or deploy) report to Slack/Discord.

Webhooks come from SLACK_WEBHOOK_URL / DISCORD_WEBHOOK_URL, or SLACK_WEBHOOK_SECRET_ID /
DISCORD_WEBHOOK_SECRET_ID (Secrets Manager id, or ssm:<parameter>); see docs/deployer.md.
Only argparse is imported here.
"""

from __future__ import annotations

import argparse

EPILOG = """\
exit codes:
  0  sent to every configured channel, or no channel is configured, or a channel failed
     (a chat outage must not fail the workflow that reports; see --strict)
  2  bad input
  3  with --strict: at least one configured channel did not accept the message

deadlines (a receiver answering one byte at a time cannot hold the workflow):
  NOTIFY_CALL_DEADLINE_SECONDS  total per webhook call, retries included (default 10)
  NOTIFY_DEADLINE_SECONDS       total for the notification, all channels (default 20)

example:
  pipeline-tools notify --event-type drift --status warning --title "drift in prod" \\
      --field Environment=prod --field "Resources drifted=3" --link "Run=https://github.com/o/r/actions/runs/1"
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "notify",
        help="post an apply/promotion/drift report to Slack and Discord",
        description="Send one notification to every configured chat channel (Slack Block Kit, "
        "Discord embed), cut to each service's limits. Webhook URLs are read from the environment "
        "and never printed.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--event-type", required=True, choices=["apply", "promotion", "drift", "deploy"],
                        help="what is being reported")
    parser.add_argument("--status", required=True, choices=["success", "failure", "warning", "info"],
                        help="how it went (sets the colour and icon)")
    parser.add_argument("--title", required=True, help="one line: what happened")
    parser.add_argument("--summary", default="", help="a sentence under the title")
    parser.add_argument("--reason", default="", help="why it failed (shown on failure/warning)")
    parser.add_argument("--field", action="append", default=[], metavar="NAME=VALUE",
                        help="a short fact; repeatable, shown in order")
    parser.add_argument("--link", action="append", default=[], metavar="TEXT=URL",
                        help="a link (http/https); repeatable")
    parser.add_argument("--detail", action="append", default=[], metavar="LINE",
                        help="a detail line (cut to fit); repeatable")
    parser.add_argument("--channel", action="append", choices=["slack", "discord"], default=None,
                        help="only these channels (default: every configured one)")
    parser.add_argument("--strict", action="store_true",
                        help="exit 3 if a configured channel did not accept the message")
    parser.add_argument("--dry-run", action="store_true",
                        help="print the payloads as JSON instead of sending them")
    parser.set_defaults(func=run)


def _pairs(values: list[str], flag: str) -> list[tuple[str, str]]:
    from pipeline_tools.core.errors import InputError

    pairs = []
    for value in values:
        name, sep, rest = value.partition("=")
        if not sep or not name.strip():
            raise InputError(f"{flag} must look like NAME=VALUE, got {value!r}")
        pairs.append((name.strip(), rest))
    return pairs


def run(args: argparse.Namespace) -> int:
    import json
    import os

    from pipeline_tools import notify
    from pipeline_tools.core.errors import ExitCode, InputError
    from pipeline_tools.core.redaction import redact
    from pipeline_tools.notify import webhooks
    from pipeline_tools.notify.sender import deadlines_from_env

    if not args.title.strip():
        raise InputError("--title must not be empty")
    deadlines_from_env(os.environ)  # NOTIFY_*DEADLINE_SECONDS: bad values are bad input here
    links = []
    for text, url in _pairs(args.link, "--link"):
        if not url.startswith(("https://", "http://")) or any(c.isspace() for c in url):
            raise InputError(f"--link {text}: the URL must start with https:// or http://")
        links.append(notify.Link(text, url))
    notification = notify.Notification(
        title=args.title.strip(),
        status=notify.Status(args.status),
        event_type=notify.EventType(args.event_type),
        summary=args.summary,
        fields=[notify.Field(name, value) for name, value in _pairs(args.field, "--field")],
        links=links,
        reason=args.reason,
        details=list(args.detail),
    )
    if args.dry_run:
        payloads = notify.build_payloads(notification)
        if args.channel:
            payloads = {k: v for k, v in payloads.items() if k in args.channel}
        print(json.dumps(payloads, indent=2, ensure_ascii=False))
        return ExitCode.OK
    urls = webhooks.resolve(os.environ)
    # Configured but unusable (whitespace or control characters): said, never quoted.
    refused = webhooks.refused_urls(os.environ)
    if args.channel:
        urls = {k: v for k, v in urls.items() if k in args.channel}
        refused = {k: v for k, v in refused.items() if k in args.channel}
    for channel, problem in refused.items():
        print(f"{channel}: NOT delivered ({problem})")
    if not urls:
        if not refused:
            print("no chat channel configured (set SLACK_WEBHOOK_URL / DISCORD_WEBHOOK_URL or the "
                  "*_SECRET_ID variables): nothing sent")
        return ExitCode.EXTERNAL if refused and args.strict else ExitCode.OK
    deliveries = notify.send(notification, webhooks=urls)
    failed = bool(refused)
    for delivery in deliveries:
        if delivery.delivered:
            print(f"{delivery.channel}: delivered")
        else:
            failed = True
            print(redact(f"{delivery.channel}: NOT delivered ({delivery.error})"))
    return ExitCode.EXTERNAL if failed and args.strict else ExitCode.OK
