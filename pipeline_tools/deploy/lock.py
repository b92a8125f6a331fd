"""Per-service deploy locks and the record of handled images, in one DynamoDB table.

The table (``DEPLOY_LOCK_TABLE``, hash key ``lock_id`` string, TTL attribute ``expires_at``) holds
two kinds of items:

- ``lock#<cluster>/<service>``: taken with a conditional put (absent, or expired), released with a
  conditional delete (only by its owner). ``expires_at`` bounds how long a crashed holder blocks
  the service; the condition compares it too, because DynamoDB's TTL deletion is lazy.
- ``handled#<cluster>/<service>#<repository>@<digest>``: written once a deploy of that image to
  that service reached an outcome (whatever it was), so a redelivered event does nothing.

Without a table (CLI use) :class:`NoLock` is used: no cross-process lock and no handled record;
docs/deployer.md says so.
"""

from __future__ import annotations

import time
import uuid
from typing import Any, Protocol

from pipeline_tools.core.errors import ExternalError

HANDLED_RECORD_DAYS = 90


class DeployLock(Protocol):
    def acquire(self, cluster: str, service: str, ttl_seconds: float) -> bool: ...
    def release(self, cluster: str, service: str) -> None: ...
    def was_handled(self, cluster: str, service: str, repository: str, digest: str) -> bool: ...
    def mark_handled(
        self, cluster: str, service: str, repository: str, digest: str, outcome: str
    ) -> None: ...


class NoLock:
    """No table configured: nothing is shared between processes."""

    def acquire(self, cluster: str, service: str, ttl_seconds: float) -> bool:
        return True

    def release(self, cluster: str, service: str) -> None:
        return None

    def was_handled(self, cluster: str, service: str, repository: str, digest: str) -> bool:
        return False

    def mark_handled(self, cluster: str, service: str, repository: str, digest: str, outcome: str) -> None:
        return None


class DynamoDBLock:
    def __init__(self, dynamodb_client: Any, table: str) -> None:
        self._client = dynamodb_client
        self._table = table
        self._owner = uuid.uuid4().hex

    @staticmethod
    def lock_id(cluster: str, service: str) -> str:
        return f"lock#{cluster}/{service}"

    @staticmethod
    def handled_id(cluster: str, service: str, repository: str, digest: str) -> str:
        return f"handled#{cluster}/{service}#{repository}@{digest}"

    def acquire(self, cluster: str, service: str, ttl_seconds: float) -> bool:
        from botocore.exceptions import BotoCoreError, ClientError

        now = int(time.time())
        try:
            self._client.put_item(
                TableName=self._table,
                Item={
                    "lock_id": {"S": self.lock_id(cluster, service)},
                    "owner": {"S": self._owner},
                    "expires_at": {"N": str(now + int(ttl_seconds) + 1)},
                },
                ConditionExpression="attribute_not_exists(lock_id) OR expires_at < :now",
                ExpressionAttributeValues={":now": {"N": str(now)}},
            )
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return False
            raise ExternalError(f"taking the deploy lock in table {self._table} failed: {exc}") from exc
        except BotoCoreError as exc:
            raise ExternalError(f"taking the deploy lock in table {self._table} failed: {exc}") from exc
        return True

    def release(self, cluster: str, service: str) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self._client.delete_item(
                TableName=self._table,
                Key={"lock_id": {"S": self.lock_id(cluster, service)}},
                ConditionExpression="#owner = :me",
                ExpressionAttributeNames={"#owner": "owner"},
                ExpressionAttributeValues={":me": {"S": self._owner}},
            )
        except (BotoCoreError, ClientError):
            # Not ours any more (expired and re-taken), or DynamoDB is down: the TTL frees it.
            return

    def was_handled(self, cluster: str, service: str, repository: str, digest: str) -> bool:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            response = self._client.get_item(
                TableName=self._table,
                Key={"lock_id": {"S": self.handled_id(cluster, service, repository, digest)}},
                ConsistentRead=True,
            )
        except (BotoCoreError, ClientError) as exc:
            raise ExternalError(f"reading DynamoDB table {self._table} failed: {exc}") from exc
        return "Item" in response

    def mark_handled(self, cluster: str, service: str, repository: str, digest: str, outcome: str) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        now = int(time.time())
        try:
            self._client.put_item(
                TableName=self._table,
                Item={
                    "lock_id": {"S": self.handled_id(cluster, service, repository, digest)},
                    "outcome": {"S": outcome},
                    "handled_at": {"N": str(now)},
                    "expires_at": {"N": str(now + HANDLED_RECORD_DAYS * 86400)},
                },
            )
        except (BotoCoreError, ClientError) as exc:
            raise ExternalError(f"writing DynamoDB table {self._table} failed: {exc}") from exc
