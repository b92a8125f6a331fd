"""The deployer Lambda: EventBridge "ECR Image Action" events -> :func:`run.handle_event`.

Configured by environment variables (docs/architecture.md): DEPLOY_TARGETS_PARAMETER,
DEPLOY_LOCK_TABLE, DEPLOY_TIMEOUT_SECONDS, SLACK_WEBHOOK_SECRET_ID, DISCORD_WEBHOOK_SECRET_ID.

What the function returns or raises decides whether Lambda retries the (asynchronous) invocation:

- a deploy reached an outcome (completed, failed, rolled back, timed out, superseded), the event
  was ignored, or nothing was to be done -> return a summary; retrying would not change anything,
  the outcome went to chat and the logs;
- another deploy of the same service holds the lock, or AWS failed before an outcome was known ->
  raise, so Lambda retries later and, when retries run out, the event lands in the dead-letter
  queue;
- a malformed event or configuration -> raise, so it lands in the dead-letter queue.

Cold import must stay fast (benchmarks/bench_handler_import.py): only stdlib and this package at
module level; boto3 loads on first use.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from pipeline_tools.core.errors import ExternalError, PipelineError
from pipeline_tools.core.redaction import error_line, redact
from pipeline_tools.deploy.config import DeployConfig
from pipeline_tools.deploy.outcome import Outcome

log = logging.getLogger("pipeline_tools.deploy")


class DeployBusyError(ExternalError):
    """Another deploy of the service is running: retry later."""


def lambda_handler(event: Any, context: Any) -> dict[str, Any]:
    from pipeline_tools.deploy.run import handle_event, monotonic_budget

    _configure_logging()
    config = DeployConfig.from_env()
    timeout = config.timeout_seconds
    budget = monotonic_budget(getattr(context, "get_remaining_time_in_millis", None))
    if budget is not None:
        timeout = min(timeout, budget)
    try:
        report = handle_event(event, config, timeout_seconds=timeout)
    except PipelineError as exc:
        # One line, redacted: CloudWatch keeps it; the raise makes Lambda retry / dead-letter.
        log.error("deploy failed: %s", error_line(str(exc)))
        raise
    summary = report.to_dict()
    log.info("%s", redact(json.dumps(summary, default=str)))
    busy = [r for r in report.results if r.outcome is Outcome.BUSY]
    if busy:
        names = ", ".join(f"{r.cluster}/{r.service}" for r in busy)
        raise DeployBusyError(f"another deploy is in progress for {names}; retry later")
    return summary


def _configure_logging() -> None:
    # The Lambda runtime installs a root handler at WARNING; our INFO lines are the audit trail.
    logging.getLogger("pipeline_tools").setLevel(logging.INFO)
