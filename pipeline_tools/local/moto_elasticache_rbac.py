"""ElastiCache user groups for the emulator (moto 5 has users but no user groups).

The `cache` module authenticates Redis with RBAC and IAM (no AUTH token anywhere): it creates
users, a user group and a replication group naming it. moto implements users and accepts
``UserGroupIds`` on the replication group, but has no ``CreateUserGroup``,
``DescribeUserGroups``, ``ModifyUserGroup`` or ``DeleteUserGroup``, and refuses user-group ARNs
when tagging. This adds them; :mod:`moto_patches` registers it as the patch
``elasticache-user-groups`` (applied, like every patch, only while its probe finds the gap), tested
in tests/integration/test_moto_patches.py and through terraform in
tests/integration/test_no_secret_in_state.py (apply, describe, clean re-plan).
"""

from __future__ import annotations

import re
from typing import Any

NAME = "elasticache-user-groups"  # for PIPELINE_TOOLS_MOTO_PATCHES_DISABLE
_ARN = re.compile(
    r"^arn:aws:elasticache:.*:[0-9]*:(cluster|snapshot|subnetgroup|replicationgroup|user|usergroup):.*$"
)


def apply() -> None:
    from moto.core.responses import ActionResult
    from moto.elasticache import exceptions, models, responses

    if getattr(models.ElastiCacheBackend, "_pipeline_tools_user_groups", False):
        return

    class UserGroupNotFound(exceptions.ElastiCacheException):
        code = "UserGroupNotFound"

        def __init__(self, group_id: str):
            super().__init__(f"User group {group_id} not found.")

    class UserGroupAlreadyExists(exceptions.ElastiCacheException):
        code = "UserGroupAlreadyExists"

        def __init__(self, group_id: str):
            super().__init__(f"User group {group_id} already exists.")

    original_init = models.ElastiCacheBackend.__init__

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        self.arn_regex = _ARN
        self.user_groups = {}

    def groups(backend: Any) -> dict[str, dict[str, Any]]:
        if not hasattr(backend, "user_groups"):
            backend.user_groups = {}
            backend.arn_regex = _ARN
        return backend.user_groups

    def create_user_group(self: Any) -> ActionResult:
        params = self._get_params()
        group_id = params["UserGroupId"]
        backend = self.elasticache_backend
        if group_id in groups(backend):
            raise UserGroupAlreadyExists(group_id)
        arn = f"arn:aws:elasticache:{self.region}:{self.current_account}:usergroup:{group_id}"
        group = {
            "UserGroupId": group_id,
            "Status": "active",
            "Engine": (params.get("Engine") or "redis").lower(),
            "UserIds": list(params.get("UserIds") or []),
            "MinimumEngineVersion": "6.0",
            "ReplicationGroups": [],
            "ARN": arn,
        }
        groups(backend)[group_id] = group
        if params.get("Tags"):
            backend.tagging_service.tag_resource(arn, params["Tags"])
        return ActionResult(group)

    def describe_user_groups(self: Any) -> ActionResult:
        group_id = self._get_params().get("UserGroupId")
        known = groups(self.elasticache_backend)
        if group_id:
            if group_id not in known:
                raise UserGroupNotFound(group_id)
            return ActionResult({"UserGroups": [known[group_id]]})
        return ActionResult({"UserGroups": list(known.values())})

    def modify_user_group(self: Any) -> ActionResult:
        params = self._get_params()
        known = groups(self.elasticache_backend)
        group_id = params["UserGroupId"]
        if group_id not in known:
            raise UserGroupNotFound(group_id)
        group = known[group_id]
        removed = set(params.get("UserIdsToRemove") or [])
        group["UserIds"] = [u for u in group["UserIds"] if u not in removed] + [
            u for u in params.get("UserIdsToAdd") or [] if u not in group["UserIds"]
        ]
        return ActionResult(group)

    def delete_user_group(self: Any) -> ActionResult:
        group_id = self._get_params()["UserGroupId"]
        known = groups(self.elasticache_backend)
        if group_id not in known:
            raise UserGroupNotFound(group_id)
        group = {**known.pop(group_id), "Status": "deleting"}
        return ActionResult(group)

    models.ElastiCacheBackend.__init__ = init  # type: ignore[method-assign]
    responses.ElastiCacheResponse.create_user_group = create_user_group  # type: ignore[attr-defined]
    responses.ElastiCacheResponse.describe_user_groups = describe_user_groups  # type: ignore[attr-defined]
    responses.ElastiCacheResponse.modify_user_group = modify_user_group  # type: ignore[attr-defined]
    responses.ElastiCacheResponse.delete_user_group = delete_user_group  # type: ignore[attr-defined]
    models.ElastiCacheBackend._pipeline_tools_user_groups = True  # type: ignore[attr-defined]
