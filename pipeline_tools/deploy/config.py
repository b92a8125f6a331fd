"""The deployer's configuration from the environment (docs/architecture.md: set by Terraform's
deploy-trigger module for the Lambda; the same names work for the CLI)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from pipeline_tools.core.errors import InputError

DEFAULT_TIMEOUT_SECONDS = 600.0


@dataclass(frozen=True)
class DeployConfig:
    targets_parameter: str = ""
    lock_table: str = ""
    timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> DeployConfig:
        env = os.environ if env is None else env
        raw_timeout = env.get("DEPLOY_TIMEOUT_SECONDS", "").strip()
        timeout = DEFAULT_TIMEOUT_SECONDS
        if raw_timeout:
            try:
                timeout = float(raw_timeout)
            except ValueError as exc:
                raise InputError(f"DEPLOY_TIMEOUT_SECONDS must be a number, got {raw_timeout!r}") from exc
            if timeout <= 0:
                raise InputError("DEPLOY_TIMEOUT_SECONDS must be positive")
        return cls(
            targets_parameter=env.get("DEPLOY_TARGETS_PARAMETER", "").strip(),
            lock_table=env.get("DEPLOY_LOCK_TABLE", "").strip(),
            timeout_seconds=timeout,
        )
