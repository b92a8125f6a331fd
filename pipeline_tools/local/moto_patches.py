"""Small fixes applied to moto inside the emulator process, before it serves requests.

Each patch is a function registered with :func:`patch`; it names the moto gap it closes and why,
and has a test in tests/integration/test_moto_patches.py. Patches never weaken what the Terraform modules
ask for: they make the emulator answer the way AWS does.

A patch is applied only while the installed moto still has its gap: each has a probe in
:mod:`pipeline_tools.local.moto_probes` that asks stock moto before the server starts, so a moto
upgrade that fixes a gap upstream retires the patch by itself (and ``make lock`` pins the moto
that CI installs, so that happens on purpose, not by surprise).

``PIPELINE_TOOLS_MOTO_PATCHES_DISABLE`` (comma-separated patch names, or ``all``) leaves patches
out of an emulator process: the tests use it to compare every patch with stock moto.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

PATCHES: list[tuple[str, Callable[[], None]]] = []
DISABLE_ENV = "PIPELINE_TOOLS_MOTO_PATCHES_DISABLE"


def patch(name: str) -> Callable[[Callable[[], None]], Callable[[], None]]:
    def decorator(function: Callable[[], None]) -> Callable[[], None]:
        PATCHES.append((name, function))
        return function

    return decorator


def disabled_names(environ: dict[str, str] | None = None) -> set[str]:
    raw = (environ if environ is not None else os.environ).get(DISABLE_ENV, "")
    return {name.strip() for name in raw.split(",") if name.strip()}


def apply_all() -> list[str]:
    """Apply every registered patch that is not disabled through the environment and whose gap the
    installed moto still has; return their names."""
    from pipeline_tools.local import moto_probes

    disabled = disabled_names()
    wanted = [name for name, _ in PATCHES if name not in disabled and "all" not in disabled]
    still_needed = moto_probes.detect(wanted) if wanted else {}
    applied = []
    for name, function in PATCHES:
        if still_needed.get(name):
            function()
            applied.append(name)
    return applied


# --- Request routing (JSON protocol) ----------------------------------------------------------

@patch("json-target-short-prefix")
def json_target_short_prefix() -> None:
    """A JSON-protocol request whose ``X-Amz-Target`` uses the service's short prefix is served.

    Gap: moto 5.2.6 finds the operation of a JSON-protocol request by matching ``X-Amz-Target``
    against the prefix in botocore's model, which for CloudTrail is now
    ``com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101``; the AWS SDK for Go v2 in the
    Terraform provider sends ``CloudTrail_20131101.CreateTrail``, which moto answers with an empty
    404, so no ``aws_cloudtrail`` can be created. CloudTrail's endpoint accepts both forms. The patch
    accepts a target whose prefix is the last part of the model's prefix, for an operation the
    model has; nothing else changes.
    """
    from moto.core.responses import BaseResponse, get_service_model

    original = BaseResponse._get_action_from_request

    def _get_action_from_request(self: BaseResponse, request: Any) -> str:
        action = original(self, request)
        if action is not None:
            return action
        prefix, _, operation = (request.headers.get("X-Amz-Target") or "").rpartition(".")
        if not prefix or not operation:
            return action
        try:
            model = get_service_model(self.boto3_service_name)
        except Exception:  # a service moto has no botocore model for: leave it to moto
            return action
        model_prefix = str(model.metadata.get("targetPrefix") or "")
        if model_prefix.rpartition(".")[2] == prefix and operation in model.operation_names:
            return operation
        return action

    BaseResponse._get_action_from_request = _get_action_from_request  # type: ignore[method-assign]


# --- Application Auto Scaling ---------------------------------------------------------------

@patch("appautoscaling-tags")
def appautoscaling_tags() -> None:
    """Scalable targets carry tags: RegisterScalableTarget(Tags), ListTagsForResource, Tag/Untag.

    Gap: moto implements none of the tagging calls of Application Auto Scaling. The AWS provider
    reads the tags of every ``aws_appautoscaling_target`` after creating it (the resource is
    taggable, and provider ``default_tags`` apply), so apply fails with HTTP 500 on
    ``ListTagsForResource``. AWS keeps the tags given to RegisterScalableTarget and answers
    ``{"Tags": {key: value}}`` for the target's ARN
    (https://docs.aws.amazon.com/autoscaling/application/APIReference/API_ListTagsForResource.html);
    an unknown ARN is a ResourceNotFoundException.
    """
    import json

    from moto.applicationautoscaling import models, responses
    from moto.core.exceptions import JsonRESTError

    class ResourceNotFound(JsonRESTError):
        def __init__(self, arn: str) -> None:
            super().__init__("ResourceNotFoundException", f"No resource found for ARN {arn}")

    response_cls = responses.ApplicationAutoScalingResponse
    original_register = response_cls.register_scalable_target

    def target_by_arn(backend: models.ApplicationAutoscalingBackend, arn: str) -> models.FakeScalableTarget:
        for by_resource in backend.targets.values():
            for target in by_resource.values():
                if target.arn == arn:
                    return target
        raise ResourceNotFound(arn)

    def register_scalable_target(self: responses.ApplicationAutoScalingResponse) -> str:
        body = original_register(self)
        tags = self._get_param("Tags") or {}
        if tags:
            arn = json.loads(body)["ScalableTargetARN"]
            target = target_by_arn(self.applicationautoscaling_backend, arn)
            target.tags = {**getattr(target, "tags", {}), **tags}
        return body

    def list_tags_for_resource(self: responses.ApplicationAutoScalingResponse) -> str:
        target = target_by_arn(self.applicationautoscaling_backend, self._get_param("ResourceARN"))
        return json.dumps({"Tags": dict(getattr(target, "tags", {}))})

    def tag_resource(self: responses.ApplicationAutoScalingResponse) -> str:
        target = target_by_arn(self.applicationautoscaling_backend, self._get_param("ResourceARN"))
        target.tags = {**getattr(target, "tags", {}), **(self._get_param("Tags") or {})}
        return json.dumps({})

    def untag_resource(self: responses.ApplicationAutoScalingResponse) -> str:
        target = target_by_arn(self.applicationautoscaling_backend, self._get_param("ResourceARN"))
        remove = set(self._get_param("TagKeys") or [])
        target.tags = {k: v for k, v in getattr(target, "tags", {}).items() if k not in remove}
        return json.dumps({})

    response_cls.register_scalable_target = register_scalable_target
    response_cls.list_tags_for_resource = list_tags_for_resource
    response_cls.tag_resource = tag_resource
    response_cls.untag_resource = untag_resource


# --- SQS --------------------------------------------------------------------------------------

@patch("sqs-redrive-allow-policy")
def sqs_redrive_allow_policy() -> None:
    """Queues keep and return ``RedriveAllowPolicy``.

    Gap: moto stores the attribute but never returns it, and rejects it by name in
    GetQueueAttributes. ``aws_sqs_queue_redrive_allow_policy`` (and ``aws_sqs_queue``) wait until
    GetQueueAttributes shows the value they set, so the apply hangs until the provider's timeout.
    AWS returns it with the other attributes once set, and not at all when it is unset or was set
    to "" (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_GetQueueAttributes.html).
    """
    from moto.sqs.models import Queue

    Queue.redrive_allow_policy = None  # class default for queues created before it is set
    if "RedriveAllowPolicy" not in Queue.BASE_ATTRIBUTES:
        Queue.BASE_ATTRIBUTES = [*Queue.BASE_ATTRIBUTES, "RedriveAllowPolicy"]
    original_attributes = Queue.attributes

    def attributes(self: Queue) -> dict:
        result = original_attributes.fget(self)
        if not result.get("RedriveAllowPolicy"):
            result.pop("RedriveAllowPolicy", None)
        return result

    Queue.attributes = property(attributes)


@patch("sqs-set-attributes-keeps-policy")
def sqs_set_attributes_keeps_policy() -> None:
    """SetQueueAttributes changes only the attributes it is given.

    Gap: moto's ``Queue._set_attributes`` ends with ``self.policy = attributes.get("Policy")``,
    so setting any other attribute (a redrive policy, a redrive allow policy, a timeout) silently
    deletes the queue's access policy; ``aws_sqs_queue_policy`` then shows a diff on every plan
    and consumers lose access. AWS leaves attributes that are not named in the call unchanged
    (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html).
    """
    from moto.sqs.models import Queue

    original = Queue._set_attributes

    def _set_attributes(self: Queue, attributes: dict, now: float | None = None) -> None:
        previous = getattr(self, "policy", None)
        original(self, attributes, now)
        if "Policy" not in attributes:
            self.policy = previous

    Queue._set_attributes = _set_attributes


@patch("sqs-compact-redrive-policy")
def sqs_compact_redrive_policy() -> None:
    """``RedrivePolicy`` comes back as compact JSON, the way AWS writes it.

    Gap: moto re-serialises the stored policy with ``json.dumps`` defaults (``", "`` and
    ``": "`` separators). The AWS provider compares the string it sent (``jsonencode`` output,
    compact) with the one it reads, so every plan shows ``redrive_policy`` "whitespace changes" on
    ``aws_sqs_queue``. AWS returns the policy compact:
    ``{"deadLetterTargetArn":"arn:aws:sqs:...","maxReceiveCount":5}``.
    """
    import json

    from moto.sqs.models import Queue

    original_attributes = Queue.attributes

    def attributes(self: Queue) -> dict:
        result = original_attributes.fget(self)
        if self.redrive_policy:
            result["RedrivePolicy"] = json.dumps(self.redrive_policy, separators=(",", ":"))
        return result

    Queue.attributes = property(attributes)


# --- ECS --------------------------------------------------------------------------------------

# CreateService members moto's create_service reads itself (everything else it drops).
_ECS_CREATE_SERVICE_HANDLED = {
    "cluster", "serviceName", "taskDefinition", "desiredCount", "loadBalancers",
    "schedulingStrategy", "serviceRegistries", "tags", "deploymentController", "launchType",
    "platformVersion", "propagateTags", "networkConfiguration", "role", "clientToken",
}


@patch("ecs-service-keeps-settings")
def ecs_service_keeps_settings() -> None:
    """DescribeServices returns the settings CreateService was given.

    Gap: moto's CreateService keeps only a dozen members and drops the rest
    (``availabilityZoneRebalancing``, ``deploymentConfiguration`` with the circuit breaker,
    ``healthCheckGracePeriodSeconds``, ``enableExecuteCommand``, ``enableECSManagedTags``, ...),
    so ``aws_ecs_service`` shows e.g. ``+ availability_zone_rebalancing = "DISABLED"`` on every
    plan. AWS stores each setting and returns it in the Service object
    (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Service.html). UpdateService
    already stores what it is given in moto.
    """
    from moto.core.utils import camelcase_to_underscores
    from moto.ecs.responses import EC2ContainerServiceResponse

    original = EC2ContainerServiceResponse.create_service

    def create_service(self: EC2ContainerServiceResponse):  # type: ignore[no-untyped-def]
        result = original(self)
        service = self.ecs_backend._get_service(self._get_param("cluster", "default"),
                                                self._get_param("serviceName"))
        for key, value in self._get_params().items():
            if key in _ECS_CREATE_SERVICE_HANDLED or value is None:
                continue
            attribute = camelcase_to_underscores(key)
            if getattr(service, attribute, None) is None:
                setattr(service, attribute, value)
        return result

    EC2ContainerServiceResponse.create_service = create_service


# --- CloudFront -------------------------------------------------------------------------------

@patch("cloudfront-distribution-read-back")
def cloudfront_distribution_read_back() -> None:
    """A distribution reads back as it was created: OAC ids, cache policies, viewer certificate.

    Gaps in moto, each a perpetual diff on ``aws_cloudfront_distribution``:

    * ``Origin.OriginAccessControlId`` is dropped, so the origin is replaced on every plan.
      AWS returns it (https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_Origin.html).
    * ``ForwardedValues`` is invented (``QueryString=false, Cookies=none``) on behaviours that use
      a cache policy; AWS returns no ForwardedValues when ``CachePolicyId`` is set (the two are
      mutually exclusive, API_DefaultCacheBehavior.html).
    * ``ViewerCertificate.SSLSupportMethod`` defaults to ``sni-only`` even with the CloudFront
      default certificate; AWS returns no SSLSupportMethod unless an ACM or IAM certificate is
      used.
    * ``ViewerCertificate.CloudFrontDefaultCertificate`` defaults to true even when an ACM
      certificate is given (custom domain); AWS returns false and CertificateSource ``acm``.
    """
    from moto.cloudfront import models

    original_origin_init = models.Origin.__init__

    def origin_init(self: models.Origin, origin: dict) -> None:
        original_origin_init(self, origin)
        self.origin_access_control_id = origin.get("OriginAccessControlId") or ""

    original_behaviour_init = models.DefaultCacheBehaviour.__init__

    def behaviour_init(self: models.DefaultCacheBehaviour, config: dict) -> None:
        had_forwarded_values = "ForwardedValues" in config
        original_behaviour_init(self, config)
        if config.get("CachePolicyId") and not had_forwarded_values:
            self.forwarded_values = None

    original_certificate_init = models.ViewerCertificate.__init__

    def certificate_init(self: models.ViewerCertificate, config: dict) -> None:
        original_certificate_init(self, config)
        own_certificate = config.get("ACMCertificateArn") or config.get("IAMCertificateId")
        if not config.get("SSLSupportMethod") and not own_certificate:
            self.ssl_support_method = None
        if own_certificate and "CloudFrontDefaultCertificate" not in config:
            self.cloud_front_default_certificate = False
            self.certificate_source = "acm" if config.get("ACMCertificateArn") else "iam"

    models.Origin.__init__ = origin_init
    models.DefaultCacheBehaviour.__init__ = behaviour_init
    models.ViewerCertificate.__init__ = certificate_init


# --- RDS --------------------------------------------------------------------------------------

@patch("rds-parameter-source-user")
def rds_parameter_source_user() -> None:
    """Parameters set through ModifyDBParameterGroup are ``Source: user``; the Source filter works.

    Gap: moto stores the raw request items and returns them without ``Source``, and ignores the
    ``Source`` filter of DescribeDBParameters. The AWS provider keeps only parameters whose
    Source is ``user`` when it reads ``aws_db_parameter_group``, so it sees none and plans to add
    them all again on every plan. In AWS a parameter changed by the customer has Source ``user``
    (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_Parameter.html).
    """
    from moto.core.responses import ActionResult
    from moto.rds.exceptions import DBParameterGroupNotFoundError
    from moto.rds.models import DBParameterGroup
    from moto.rds.responses import RDSResponse

    original_update = DBParameterGroup.update_parameters

    def update_parameters(self: DBParameterGroup, new_parameters) -> None:  # type: ignore[no-untyped-def]
        new_parameters = list(new_parameters)
        original_update(self, new_parameters)
        for parameter in new_parameters:
            self.parameters[parameter["ParameterName"]].setdefault("Source", "user")

    def describe_db_parameters(self: RDSResponse) -> ActionResult:
        name = self.params.get("DBParameterGroupName")
        groups = self.backend.describe_db_parameter_groups({"db_parameter_group_name": name})
        if not groups:
            raise DBParameterGroupNotFoundError(name)
        source = self.params.get("Source")
        parameters = [p for p in groups[0].parameters.values()
                      if source is None or p.get("Source", "user") == source]
        return ActionResult({"Parameters": parameters})

    DBParameterGroup.update_parameters = update_parameters
    RDSResponse.describe_db_parameters = describe_db_parameters


@patch("rds-instance-performance-insights")
def rds_instance_performance_insights() -> None:
    """DB instances keep their Performance Insights settings.

    Gap: moto drops ``EnablePerformanceInsights``, ``PerformanceInsightsKMSKeyId`` and
    ``PerformanceInsightsRetentionPeriod`` on create, so ``aws_db_instance`` with Performance
    Insights on shows ``performance_insights_enabled = false -> true`` on every plan. AWS returns
    ``PerformanceInsightsEnabled``, the KMS key (its default key when none is given) and the
    retention (7 days by default) (API_DBInstance.html).
    """
    from moto.rds.models import DBInstance

    original_init = DBInstance.__init__

    def init(self: DBInstance, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        original_init(self, *args, **kwargs)
        enabled = bool(kwargs.get("enable_performance_insights", False))
        self.performance_insights_enabled = enabled
        if enabled:
            self.performance_insights_retention_period = int(
                kwargs.get("performance_insights_retention_period") or 7)
            self.performance_insights_kms_key_id = kwargs.get("performance_insights_kms_key_id") or (
                f"arn:aws:kms:{self.region}:{self.account_id}:key/"
                "00000000-0000-0000-0000-000000000000")

    original_update = DBInstance.update

    def update(self: DBInstance, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        enable = kwargs.pop("enable_performance_insights", None)
        original_update(self, *args, **kwargs)
        if enable is not None:
            self.performance_insights_enabled = bool(enable)
            if enable and not getattr(self, "performance_insights_retention_period", None):
                self.performance_insights_retention_period = 7

    DBInstance.__init__ = init
    DBInstance.update = update


# --- ElastiCache ------------------------------------------------------------------------------

@patch("elasticache-user-groups")
def elasticache_user_groups() -> None:
    """ElastiCache user groups: Create/Describe/Modify/DeleteUserGroup, and tags on their ARNs.

    Gap: moto 5 implements ElastiCache users but no user groups, so the ``cache`` module's
    ``aws_elasticache_user_group`` (Redis RBAC with IAM authentication, no AUTH token in state)
    cannot be created. AWS keeps a group of user ids per engine and lets a replication group name
    it (https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CreateUserGroup.html).
    The code lives in :mod:`pipeline_tools.local.moto_elasticache_rbac`.
    """
    from pipeline_tools.local import moto_elasticache_rbac

    moto_elasticache_rbac.apply()


@patch("elasticache-replication-group-members")
def elasticache_replication_group_members() -> None:
    """A replication group has real member cache clusters; deleting it deletes them.

    Gaps: moto names member clusters in the replication group but never creates them (and,
    with cluster mode disabled, ignores ``NumCacheClusters``), so the AWS provider's read of
    ``aws_elasticache_replication_group`` fails with CacheClusterNotFound for ``<id>-001``.
    DeleteReplicationGroup and DeleteCacheCluster only set the status to ``deleting`` and the
    resource never goes away, so destroy waits until it times out. In AWS a replication group
    with cluster mode disabled has ``NumCacheClusters`` member clusters, each visible through
    DescribeCacheClusters with its ``ReplicationGroupId``, and deleted resources disappear after
    ``deleting``.
    """
    from moto.elasticache.models import CacheCluster, ElastiCacheBackend, ReplicationGroup

    original_disabled = ReplicationGroup._set_node_members_clusters_disabled

    def set_members_disabled(self: ReplicationGroup, **kwargs) -> None:  # type: ignore[no-untyped-def]
        wanted = kwargs.get("num_cache_clusters") or 1
        if not kwargs.get("replicas_per_node_group") and wanted > 1:
            kwargs["replicas_per_node_group"] = wanted - 1
        original_disabled(self, **kwargs)

    original_create = ElastiCacheBackend.create_replication_group

    def create_replication_group(self: ElastiCacheBackend, **kwargs) -> ReplicationGroup:  # type: ignore[no-untyped-def]
        group = original_create(self, **kwargs)
        zones = {member["cache_cluster_id"]: member.get("preferred_availability_zone")
                 for node_group in group.node_groups for member in node_group["node_group_members"]}
        for cluster_id in group.member_clusters:
            if cluster_id in self.cache_clusters:
                continue
            self.cache_clusters[cluster_id] = CacheCluster(
                account_id=self.account_id, region_name=self.region_name,
                cache_cluster_id=cluster_id, cache_node_type=group.cache_node_type,
                replication_group_id=group.replication_group_id, az_mode="single-az",
                preferred_availability_zone=zones.get(cluster_id), num_cache_nodes=1,
                engine=group.engine, engine_version=kwargs.get("engine_version") or "7.1",
                cache_parameter_group_name=kwargs.get("cache_parameter_group_name"),
                cache_subnet_group_name=kwargs.get("cache_subnet_group_name"),
                transit_encryption_enabled=kwargs.get("transit_encryption_enabled"),
                network_type=group.network_type, ip_discovery=group.ip_discovery,
                snapshot_name=None,
                preferred_maintenance_window=kwargs.get("preferred_maintenance_window"),
                port=group.port, notification_topic_arn=kwargs.get("notification_topic_arn"),
                auto_minor_version_upgrade=kwargs.get("auto_minor_version_upgrade"),
                snapshot_retention_limit=group.snapshot_retention_limit,
                snapshot_window=group.snapshot_window, auth_token=kwargs.get("auth_token"),
                outpost_mode=None, preferred_outpost_arn=None, preferred_availability_zones=None,
                cache_security_group_names=kwargs.get("cache_security_group_names"),
                security_group_ids=kwargs.get("security_group_ids"), tags=None, snapshot_arns=None,
                preferred_outpost_arns=None, log_delivery_configurations=[],
                cache_node_ids_to_remove=None, cache_node_ids_to_reboot=None,
            )
            member = self.cache_clusters[cluster_id]
            # moto only fills these for engine "redis"; a member always belongs to its group.
            member.replication_group_id = group.replication_group_id
            # The provider reads encryption settings from the member clusters (as AWS reports
            # them there too); without them at_rest_encryption_enabled forces a replacement.
            member.at_rest_encryption_enabled = group.at_rest_encryption_enabled
            member.transit_encryption_enabled = group.transit_encryption_enabled
            # ...and the security groups, as CacheCluster.SecurityGroups memberships.
            member.security_groups = [{"SecurityGroupId": group_id, "Status": "active"}
                                      for group_id in kwargs.get("security_group_ids") or []]
        return group

    original_delete_group = ElastiCacheBackend.delete_replication_group

    def delete_replication_group(self: ElastiCacheBackend, replication_group_id: str,
                                 retain_primary_cluster: bool | None) -> ReplicationGroup:
        group = original_delete_group(self, replication_group_id, retain_primary_cluster)
        self.replication_groups.pop(replication_group_id, None)
        for cluster_id, cluster in list(self.cache_clusters.items()):
            if getattr(cluster, "replication_group_id", None) == replication_group_id:
                del self.cache_clusters[cluster_id]
        return group

    original_delete_cluster = ElastiCacheBackend.delete_cache_cluster

    def delete_cache_cluster(self: ElastiCacheBackend, cache_cluster_id: str) -> CacheCluster:
        cluster = original_delete_cluster(self, cache_cluster_id)
        self.cache_clusters.pop(cache_cluster_id, None)
        return cluster

    ReplicationGroup._set_node_members_clusters_disabled = set_members_disabled
    ElastiCacheBackend.create_replication_group = create_replication_group
    ElastiCacheBackend.delete_replication_group = delete_replication_group
    ElastiCacheBackend.delete_cache_cluster = delete_cache_cluster


@patch("elasticache-delete-subnet-group")
def elasticache_delete_subnet_group() -> None:
    """DeleteCacheSubnetGroup exists.

    Gap: moto does not implement it (HTTP 500), so destroying ``aws_elasticache_subnet_group``
    fails. AWS deletes the group (CacheSubnetGroupNotFoundFault when it does not exist,
    CacheSubnetGroupInUse while a cluster uses it)
    (https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_DeleteCacheSubnetGroup.html).
    """
    from moto.core.responses import EmptyResult
    from moto.elasticache.exceptions import CacheSubnetGroupNotFound, ElastiCacheException
    from moto.elasticache.responses import ElastiCacheResponse

    class CacheSubnetGroupInUse(ElastiCacheException):
        code = "CacheSubnetGroupInUse"

        def __init__(self, name: str) -> None:
            super().__init__(f"Cache subnet group {name} is currently in use by a cache cluster.")

    def delete_cache_subnet_group(self: ElastiCacheResponse) -> EmptyResult:
        backend = self.elasticache_backend
        name = self._get_param("CacheSubnetGroupName")
        if name not in backend.cache_subnet_groups:
            raise CacheSubnetGroupNotFound(name)
        if any(c.cache_subnet_group_name == name for c in backend.cache_clusters.values()):
            raise CacheSubnetGroupInUse(name)
        del backend.cache_subnet_groups[name]
        return EmptyResult()

    ElastiCacheResponse.delete_cache_subnet_group = delete_cache_subnet_group


@patch("cloudfront-origin-access-identity")
def cloudfront_origin_access_identity() -> None:
    """CloudFront origin access identities (the API behind ``aws_cloudfront_origin_access_identity``).

    Gap: moto has no origin-access-identity API at all; the create call gets a 404 and apply
    fails. AWS: Create/Get/GetConfig/Update/Delete/ListCloudFrontOriginAccessIdentities under
    ``/2020-05-31/origin-access-identity/cloudfront``, each identity with an Id, an
    S3CanonicalUserId, its config (CallerReference, Comment) and an ETag that Update and Delete
    must quote in If-Match (PreconditionFailed otherwise)
    (https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_CreateCloudFrontOriginAccessIdentity.html).
    """
    import hashlib

    from moto.cloudfront import urls
    from moto.cloudfront.exceptions import CloudFrontException
    from moto.cloudfront.models import CloudFrontBackend, random_id
    from moto.cloudfront.responses import CloudFrontResponse
    from moto.core.responses import ActionResult, EmptyResult

    class NoSuchIdentity(CloudFrontException):
        code = "NoSuchCloudFrontOriginAccessIdentity"

        def __init__(self) -> None:
            super().__init__(self.code, "The specified origin access identity does not exist.")

    class PreconditionFailed(CloudFrontException):
        code = "PreconditionFailed"

        def __init__(self) -> None:
            super().__init__(self.code, "The If-Match version is missing or not valid.")

    class Identity:
        def __init__(self, config: dict) -> None:
            self.id = "E" + random_id()[1:]
            self.s3_canonical_user_id = hashlib.sha384(self.id.encode()).hexdigest()[:96]
            self.config = {"CallerReference": config.get("CallerReference", ""),
                           "Comment": config.get("Comment", "")}
            self.etag = random_id()

        def view(self) -> dict:
            return {"Id": self.id, "S3CanonicalUserId": self.s3_canonical_user_id,
                    "CloudFrontOriginAccessIdentityConfig": self.config}

    def identities(backend: CloudFrontBackend) -> dict[str, Identity]:
        if not hasattr(backend, "origin_access_identities"):
            backend.origin_access_identities = {}
        return backend.origin_access_identities

    def find(self: CloudFrontResponse) -> Identity:
        identity = identities(self.backend).get(self._get_param("Id"))
        if identity is None:
            raise NoSuchIdentity()
        return identity

    def check_if_match(self: CloudFrontResponse, identity: Identity) -> None:
        if self._get_param("IfMatch") != identity.etag:
            raise PreconditionFailed()

    def create(self: CloudFrontResponse) -> ActionResult:
        identity = Identity(self._get_param("CloudFrontOriginAccessIdentityConfig", {}))
        identities(self.backend)[identity.id] = identity
        return ActionResult({
            "CloudFrontOriginAccessIdentity": identity.view(), "ETag": identity.etag,
            "Location": f"https://cloudfront.amazonaws.com/2020-05-31/origin-access-identity/"
                        f"cloudfront/{identity.id}",
        })

    def get(self: CloudFrontResponse) -> ActionResult:
        identity = find(self)
        return ActionResult({"CloudFrontOriginAccessIdentity": identity.view(), "ETag": identity.etag})

    def get_config(self: CloudFrontResponse) -> ActionResult:
        identity = find(self)
        return ActionResult({"CloudFrontOriginAccessIdentityConfig": identity.config,
                             "ETag": identity.etag})

    def update(self: CloudFrontResponse) -> ActionResult:
        identity = find(self)
        check_if_match(self, identity)
        config = self._get_param("CloudFrontOriginAccessIdentityConfig", {})
        identity.config["Comment"] = config.get("Comment", "")
        identity.etag = random_id()
        return ActionResult({"CloudFrontOriginAccessIdentity": identity.view(), "ETag": identity.etag})

    def delete(self: CloudFrontResponse) -> EmptyResult:
        identity = find(self)
        check_if_match(self, identity)
        del identities(self.backend)[identity.id]
        return EmptyResult()

    def list_all(self: CloudFrontResponse) -> ActionResult:
        items = [{"Id": i.id, "S3CanonicalUserId": i.s3_canonical_user_id,
                  "Comment": i.config["Comment"]} for i in identities(self.backend).values()]
        return ActionResult({"CloudFrontOriginAccessIdentityList": {
            "Marker": "", "MaxItems": 100, "IsTruncated": False, "Quantity": len(items),
            "Items": items or None,
        }})

    CloudFrontResponse.create_cloud_front_origin_access_identity = create
    CloudFrontResponse.get_cloud_front_origin_access_identity = get
    CloudFrontResponse.get_cloud_front_origin_access_identity_config = get_config
    CloudFrontResponse.update_cloud_front_origin_access_identity = update
    CloudFrontResponse.delete_cloud_front_origin_access_identity = delete
    CloudFrontResponse.list_cloud_front_origin_access_identities = list_all
    base = "{0}/2020-05-31/origin-access-identity/cloudfront"
    urls.url_paths.update({
        base + "$": CloudFrontResponse.dispatch,
        base + "/(?P<oai_id>[^/]+)$": CloudFrontResponse.dispatch,
        base + "/(?P<oai_id>[^/]+)/config$": CloudFrontResponse.dispatch,
    })


# --- IAM policy evaluation (S3 bucket policies) ------------------------------------------------

@patch("policy-deny-applies-only-when-its-condition-holds")
def policy_deny_applies_only_when_its_condition_holds() -> None:
    """A Deny statement whose Condition cannot hold does not apply.

    Gap: moto evaluates only the StringEquals operator and treats every other condition
    (``Bool``, ``StringLike``, ``IpAddress``...) as satisfied, and for S3 it has no request context
    at all (no ``aws:SecureTransport``, ``aws:SourceVpce``...). So the standard TLS-only bucket
    policy (Deny ``s3:*`` when ``aws:SecureTransport`` is false), which every bucket here has,
    becomes an unconditional Deny: Terraform cannot write state to the state bucket and the
    deployer package cannot be uploaded. In AWS a statement applies only when all its conditions
    hold, and a condition on a key absent from the request context does not hold (except the
    ``...IfExists`` and ``Null`` operators)
    (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-logic-multiple-context-keys-or-values.html).
    So a Deny whose condition keys are missing from the context is ignored; Deny statements
    without a condition, with ``...IfExists``/``Null`` conditions or with context values, and
    all Allow statements, are evaluated by moto as before.
    """
    from moto.iam.access_control import IAMPolicyStatement, PermissionResult

    original = IAMPolicyStatement.is_action_permitted

    def condition_cannot_hold(conditions: dict, context: dict[str, str]) -> bool:
        for operator, keys in conditions.items():
            if operator.endswith("IfExists") or operator == "Null":
                continue
            if any(key not in context for key in keys):
                return True
        return False

    def is_action_permitted(self: IAMPolicyStatement, action: str, resource: str = "*",
                            principal: str | None = None,
                            incoming_condition_values: dict[str, str] | None = None) -> PermissionResult:
        conditions = self._statement.get("Condition")
        if (self._statement.get("Effect") == "Deny" and isinstance(conditions, dict) and conditions
                and condition_cannot_hold(conditions, incoming_condition_values or {})):
            return PermissionResult.NEUTRAL
        return original(self, action, resource, principal, incoming_condition_values)

    IAMPolicyStatement.is_action_permitted = is_action_permitted


# --- S3 ----------------------------------------------------------------------------------------

@patch("s3-delete-marker-dispose")
def s3_delete_marker_dispose() -> None:
    """Deleting the last version of a key whose history holds a delete marker works.

    Gap: once versioning is suspended (destroy removes ``aws_s3_bucket_versioning`` before the
    bucket), moto's DeleteObject(s) drops every version of the key and disposes of each, and
    ``FakeDeleteMarker`` has no ``dispose`` method: the request fails with HTTP 500
    (AttributeError). The S3 backend's lock file (``use_lockfile``) leaves a delete marker per
    Terraform run, so ``force_destroy`` of the state bucket retries until it times out. AWS
    deletes delete markers like any other version
    (https://docs.aws.amazon.com/AmazonS3/latest/userguide/ManagingDelMarkers.html).
    """
    from moto.s3.models import FakeDeleteMarker

    def dispose(self: FakeDeleteMarker, garbage: bool = False) -> None:
        """A delete marker holds no data buffer: nothing to release."""

    FakeDeleteMarker.dispose = dispose


@patch("s3-replication-read-back")
def s3_replication_read_back() -> None:
    """A bucket's replication rules read back as they were put.

    Gap: moto stores the rules PutBucketReplication is given, but GetBucketReplication answers
    every rule with ``DeleteMarkerReplication`` ``Disabled``, a ``Filter`` of ``Prefix ""`` and no
    ``SourceSelectionCriteria``, so ``aws_s3_bucket_replication_configuration`` with delete-marker
    replication and SSE-KMS source selection (the uploads module's ``replication``) differs from
    its configuration on every plan. AWS returns the rules as configured
    (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketReplication.html).
    """
    from moto.core.responses import ActionResult
    from moto.s3.exceptions import ReplicationConfigurationNotFoundError
    from moto.s3.responses import S3Response

    def rule_as_put(rule: dict[str, Any]) -> dict[str, Any]:
        # xmltodict gives text for numbers and None for an empty element such as <Filter/>.
        answer = {key: value for key, value in rule.items() if value is not None}
        answer["Priority"] = int(rule.get("Priority") or 1)
        answer["Filter"] = rule.get("Filter") or {}
        answer.setdefault("DeleteMarkerReplication", {"Status": "Disabled"})
        return answer

    def get_bucket_replication(self: S3Response) -> Any:
        self.data["Action"] = "GetBucketReplication"
        replication = self.backend.get_bucket_replication(self.bucket_name)
        if not replication:
            raise ReplicationConfigurationNotFoundError(bucket_name=self.bucket_name)
        rules = [rule_as_put(rule) for rule in replication["Rule"]]
        return self.serialized(ActionResult(
            {"ReplicationConfiguration": {"Role": replication["Role"], "Rules": rules}}))

    S3Response.get_bucket_replication = get_bucket_replication


def _cloudfront_policy_api(kind: str, path: str) -> None:
    """Create/Get/GetConfig/Update/Delete/List for one CloudFront policy type (``kind`` e.g.
    ``CachePolicy``), stored as the config the caller sent, with an ETag that Update and Delete
    must quote in If-Match."""
    import uuid

    from moto.cloudfront import urls
    from moto.cloudfront.exceptions import CloudFrontException
    from moto.cloudfront.models import random_id
    from moto.cloudfront.responses import CloudFrontResponse
    from moto.core.responses import ActionResult, EmptyResult
    from moto.core.utils import camelcase_to_underscores, utcnow

    config_key = f"{kind}Config"
    store_name = f"_pipeline_tools_{camelcase_to_underscores(kind)}s"
    snake = camelcase_to_underscores(kind)

    class NoSuchPolicy(CloudFrontException):
        def __init__(self) -> None:
            super().__init__(f"NoSuch{kind}", f"The {kind} does not exist.")

    class PreconditionFailed(CloudFrontException):
        def __init__(self) -> None:
            super().__init__("PreconditionFailed", "The If-Match version is missing or not valid.")

    def store(self: CloudFrontResponse) -> dict[str, dict]:
        if not hasattr(self.backend, store_name):
            setattr(self.backend, store_name, {})
        return getattr(self.backend, store_name)

    def find(self: CloudFrontResponse) -> dict:
        policy = store(self).get(self._get_param("Id"))
        if policy is None:
            raise NoSuchPolicy()
        return policy

    def view(policy: dict) -> dict:
        return {"Id": policy["Id"], "LastModifiedTime": policy["LastModifiedTime"],
                config_key: policy["config"]}

    def create(self: CloudFrontResponse) -> ActionResult:
        policy = {"Id": str(uuid.uuid4()), "LastModifiedTime": utcnow(),
                  "config": self._get_param(config_key, {}), "ETag": random_id()}
        store(self)[policy["Id"]] = policy
        return ActionResult({kind: view(policy), "ETag": policy["ETag"],
                             "Location": f"https://cloudfront.amazonaws.com/2020-05-31/{path}/{policy['Id']}"})

    def get(self: CloudFrontResponse) -> ActionResult:
        policy = find(self)
        return ActionResult({kind: view(policy), "ETag": policy["ETag"]})

    def get_config(self: CloudFrontResponse) -> ActionResult:
        policy = find(self)
        return ActionResult({config_key: policy["config"], "ETag": policy["ETag"]})

    def update(self: CloudFrontResponse) -> ActionResult:
        policy = find(self)
        if self._get_param("IfMatch") != policy["ETag"]:
            raise PreconditionFailed()
        policy.update(config=self._get_param(config_key, {}), LastModifiedTime=utcnow(), ETag=random_id())
        return ActionResult({kind: view(policy), "ETag": policy["ETag"]})

    def delete(self: CloudFrontResponse) -> EmptyResult:
        policy = find(self)
        if self._get_param("IfMatch") != policy["ETag"]:
            raise PreconditionFailed()
        del store(self)[policy["Id"]]
        return EmptyResult()

    def list_all(self: CloudFrontResponse) -> ActionResult:
        # Only customer-created policies live here; AWS-managed ones are not emulated.
        wanted = self._get_param("Type")
        items = [] if wanted == "managed" else [
            {"Type": "custom", kind: view(policy)} for policy in store(self).values()]
        return ActionResult({f"{kind}List": {"MaxItems": 100, "Quantity": len(items),
                                             "Items": items or None}})

    setattr(CloudFrontResponse, f"create_{snake}", create)
    setattr(CloudFrontResponse, f"get_{snake}", get)
    setattr(CloudFrontResponse, f"get_{snake}_config", get_config)
    setattr(CloudFrontResponse, f"update_{snake}", update)
    setattr(CloudFrontResponse, f"delete_{snake}", delete)
    setattr(CloudFrontResponse, f"list_{snake.replace('policy', 'policies')}", list_all)
    base = "{0}/2020-05-31/" + path
    urls.url_paths.update({
        base + "$": CloudFrontResponse.dispatch,
        base + "/(?P<policy_id>[^/]+)$": CloudFrontResponse.dispatch,
        base + "/(?P<policy_id>[^/]+)/config$": CloudFrontResponse.dispatch,
    })


@patch("cloudfront-cache-and-response-headers-policies")
def cloudfront_cache_and_response_headers_policies() -> None:
    """CloudFront cache policies and response headers policies can be created and read.

    Gap: moto has neither API; creating ``aws_cloudfront_cache_policy`` or
    ``aws_cloudfront_response_headers_policy`` gets a 404 and apply fails. AWS:
    Create/Get/GetConfig/Update/Delete/List under ``/2020-05-31/cache-policy`` and
    ``/2020-05-31/response-headers-policy``; each policy has an Id, a LastModifiedTime, the config
    as sent and an ETag that Update and Delete must quote in If-Match
    (https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_CreateCachePolicy.html,
    API_CreateResponseHeadersPolicy.html). AWS-managed policies are not emulated (List with
    Type=managed is empty).
    """
    _cloudfront_policy_api("CachePolicy", "cache-policy")
    _cloudfront_policy_api("ResponseHeadersPolicy", "response-headers-policy")


# --- EC2 ---------------------------------------------------------------------------------------

@patch("ec2-group-rule-description")
def ec2_group_rule_description() -> None:
    """Security group rules that reference another group keep their description.

    Gap: ``SecurityGroupRule.description`` returns only the CIDR range's description; for a rule
    referencing another security group the description is stored with the group pair and never
    returned by DescribeSecurityGroupRules, so every ``aws_vpc_security_group_ingress_rule`` /
    ``egress_rule`` with ``referenced_security_group_id`` and a description plans an update on
    every plan. AWS returns the rule's Description whatever its target
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_SecurityGroupRule.html).
    """
    from moto.ec2.models.security_groups import SecurityGroupRule

    def description(self: SecurityGroupRule) -> str | None:
        return self.ip_range.get("Description") or (self.source_group or {}).get("Description")

    SecurityGroupRule.description = property(description)


# --- Lambda ------------------------------------------------------------------------------------

@patch("lambda-dead-letter-config")
def lambda_dead_letter_config() -> None:
    """Functions keep and return their ``DeadLetterConfig``.

    Gap: moto drops ``DeadLetterConfig`` on CreateFunction and UpdateFunctionConfiguration, so
    ``aws_lambda_function`` with a ``dead_letter_config`` block plans to add it on every plan.
    AWS stores the target ARN and returns it in the function configuration
    (https://docs.aws.amazon.com/lambda/latest/api/API_DeadLetterConfig.html).
    """
    from moto.awslambda.models import LambdaFunction

    original_init = LambdaFunction.__init__
    original_configuration = LambdaFunction.get_configuration
    original_update = LambdaFunction.update_configuration

    def init(self: LambdaFunction, account_id: str, spec: dict, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        original_init(self, account_id, spec, *args, **kwargs)
        self.dead_letter_config = spec.get("DeadLetterConfig") or None

    def get_configuration(self: LambdaFunction, *args, **kwargs) -> dict:  # type: ignore[no-untyped-def]
        config = original_configuration(self, *args, **kwargs)
        dead_letter = getattr(self, "dead_letter_config", None)
        if dead_letter and dead_letter.get("TargetArn"):
            config["DeadLetterConfig"] = {"TargetArn": dead_letter["TargetArn"]}
        return config

    def update_configuration(self: LambdaFunction, config_updates: dict) -> dict:
        if "DeadLetterConfig" in config_updates:
            self.dead_letter_config = config_updates["DeadLetterConfig"] or None
        return original_update(self, config_updates)

    LambdaFunction.__init__ = init
    LambdaFunction.get_configuration = get_configuration
    LambdaFunction.update_configuration = update_configuration


# --- EFS --------------------------------------------------------------------------------------

@patch("efs-delete-file-system-policy")
def efs_delete_file_system_policy() -> None:
    """DeleteFileSystemPolicy exists; asking for the policy of a missing file system is an error.

    Gap: moto does not implement DeleteFileSystemPolicy (HTTP 500), and DescribeFileSystemPolicy
    of a file system that does not exist crashes (HTTP 500), so destroying an
    ``aws_efs_file_system_policy`` never finishes. AWS deletes the policy (FileSystemNotFound for
    an unknown file system) and answers DescribeFileSystemPolicy with FileSystemNotFound, or
    PolicyNotFound once the policy is gone
    (https://docs.aws.amazon.com/efs/latest/ug/API_DeleteFileSystemPolicy.html).
    """
    from moto.efs.exceptions import FileSystemNotFound
    from moto.efs.responses import EFSResponse

    original_describe = EFSResponse.describe_file_system_policy

    def known_file_system(response: EFSResponse) -> Any:
        file_system_id = response._get_param("FileSystemId")
        if file_system_id not in response.efs_backend.file_systems_by_id:
            raise FileSystemNotFound(file_system_id)
        return response.efs_backend.file_systems_by_id[file_system_id]

    def describe_file_system_policy(self: EFSResponse) -> Any:
        known_file_system(self)
        return original_describe(self)

    def delete_file_system_policy(self: EFSResponse) -> Any:
        known_file_system(self).file_system_policy = None
        return "{}", {"Content-Type": "application/json"}

    EFSResponse.describe_file_system_policy = describe_file_system_policy
    EFSResponse.delete_file_system_policy = delete_file_system_policy


# --- Budgets -----------------------------------------------------------------------------------

@patch("budgets-subscribers-and-tags")
def budgets_subscribers_and_tags() -> None:
    """A budget's notification subscribers and its tags can be read back and changed.

    Gap: moto keeps the subscribers CreateBudget and CreateNotification are given but implements no
    DescribeSubscribersForNotification, CreateSubscriber or DeleteSubscriber, and it drops
    CreateBudget's ``ResourceTags`` and has no ListTagsForResource / TagResource / UntagResource
    (HTTP 500 "not implemented"), so ``aws_budgets_budget`` cannot be read after its apply. AWS
    returns each notification's subscribers and the budget's tags
    (https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_budgets_DescribeSubscribersForNotification.html,
    https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_budgets_ListTagsForResource.html).
    """
    import json

    from moto.budgets.exceptions import NotFoundException
    from moto.budgets.models import Budget
    from moto.budgets.responses import BudgetsResponse

    def same(one: dict[str, Any], other: dict[str, Any]) -> bool:
        keys = ("NotificationType", "ComparisonOperator", "ThresholdType")
        return (all(one.get(key, "PERCENTAGE" if key == "ThresholdType" else None)
                    == other.get(key, "PERCENTAGE" if key == "ThresholdType" else None) for key in keys)
                and float(one.get("Threshold", 0)) == float(other.get("Threshold", 0)))

    def budget_of(response: BudgetsResponse, name: str) -> Budget:
        account = response._get_param("AccountId") or response.current_account
        budget = response.backend.budgets[account].get(name)
        if budget is None:
            raise NotFoundException(f"Unable to get budget: {name} - the budget doesn't exist.")
        return budget

    def notification_of(response: BudgetsResponse) -> Any:
        budget = budget_of(response, response._get_param("BudgetName"))
        wanted = response._get_param("Notification") or {}
        for notification in budget.notifications:
            if same(notification.details, wanted):
                return notification
        raise NotFoundException("Unable to find the notification - it doesn't exist.")

    def budget_of_arn(response: BudgetsResponse) -> Budget:
        # arn:aws:budgets::<account>:budget/<name>
        return budget_of(response, response._get_param("ResourceARN").rpartition(":budget/")[2])

    original_create = BudgetsResponse.create_budget

    def create_budget(self: BudgetsResponse) -> str:
        result = original_create(self)
        budget = budget_of(self, (self._get_param("Budget") or {})["BudgetName"])
        budget.resource_tags = {tag["Key"]: tag["Value"] for tag in self._get_param("ResourceTags") or []}
        return result

    def describe_subscribers_for_notification(self: BudgetsResponse) -> str:
        return json.dumps({"Subscribers": list(notification_of(self).subscribers)})

    def create_subscriber(self: BudgetsResponse) -> str:
        notification = notification_of(self)
        notification.subscribers = [*notification.subscribers, self._get_param("Subscriber")]
        return json.dumps({})

    def delete_subscriber(self: BudgetsResponse) -> str:
        notification = notification_of(self)
        gone = self._get_param("Subscriber") or {}
        notification.subscribers = [s for s in notification.subscribers
                                    if (s.get("SubscriptionType"), s.get("Address"))
                                    != (gone.get("SubscriptionType"), gone.get("Address"))]
        return json.dumps({})

    def list_tags_for_resource(self: BudgetsResponse) -> str:
        tags = getattr(budget_of_arn(self), "resource_tags", {})
        return json.dumps({"ResourceTags": [{"Key": k, "Value": v} for k, v in sorted(tags.items())]})

    def tag_resource(self: BudgetsResponse) -> str:
        budget = budget_of_arn(self)
        budget.resource_tags = {**getattr(budget, "resource_tags", {}),
                                **{t["Key"]: t["Value"] for t in self._get_param("ResourceTags") or []}}
        return json.dumps({})

    def untag_resource(self: BudgetsResponse) -> str:
        budget = budget_of_arn(self)
        removed = set(self._get_param("ResourceTagKeys") or [])
        budget.resource_tags = {k: v for k, v in getattr(budget, "resource_tags", {}).items()
                                if k not in removed}
        return json.dumps({})

    BudgetsResponse.create_budget = create_budget  # type: ignore[method-assign]
    BudgetsResponse.describe_subscribers_for_notification = describe_subscribers_for_notification  # type: ignore[attr-defined]
    BudgetsResponse.create_subscriber = create_subscriber  # type: ignore[attr-defined]
    BudgetsResponse.delete_subscriber = delete_subscriber  # type: ignore[attr-defined]
    BudgetsResponse.list_tags_for_resource = list_tags_for_resource  # type: ignore[attr-defined]
    BudgetsResponse.tag_resource = tag_resource  # type: ignore[attr-defined]
    BudgetsResponse.untag_resource = untag_resource  # type: ignore[attr-defined]
