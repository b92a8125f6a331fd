"""Does the installed moto still have the gap a patch closes? One small probe per patch.

A patch in :mod:`pipeline_tools.local.moto_patches` is applied only while stock moto still shows
its gap: moto keeps fixing things upstream (5.2.6 fixed Performance Insights and the CloudFront
origin access control id), and a patch applied over a fixed gap can hide or fight the fix.

Each probe runs a few API calls against stock moto *in process*, under ``moto.mock_aws()``, before
any patch is applied and before the server serves a request, and answers True when the gap is
still there. A probe that fails in an unexpected way answers True as well: applying a patch that
is not needed is safe, leaving out one that is needed breaks ``make local-apply``. Results are
cached per moto version and probe source (see :func:`detect`), so only the first emulator start
after an upgrade pays for them.

tests/integration/test_moto_patches.py proves each probe right: against a stock server, the gap is visible
exactly when the probe says it is.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

Clients = Callable[[str], Any]
"""Makes a boto3 client for a service name, pointed at the moto under test."""

PROBES: dict[str, Callable[[Clients], bool]] = {}
REGION = "us-east-1"
CACHE_ENV = "PIPELINE_TOOLS_MOTO_PROBE_CACHE"


def probe(name: str) -> Callable[[Callable[[Clients], bool]], Callable[[Clients], bool]]:
    def decorator(function: Callable[[Clients], bool]) -> Callable[[Clients], bool]:
        PROBES[name] = function
        return function

    return decorator


def _raises(action: Callable[[], object]) -> bool:
    from botocore.exceptions import ClientError
    from botocore.parsers import ResponseParserError

    try:
        action()
    except (ClientError, ResponseParserError, NotImplementedError):
        return True
    return False


def run_in_process(names: list[str]) -> dict[str, bool]:
    """Run the named probes against stock moto in this process; name -> gap still there."""
    import boto3
    from moto import mock_aws

    credentials = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
    made: dict[str, Any] = {}

    def clients(service: str) -> Any:
        if service not in made:
            made[service] = boto3.client(service, region_name=REGION, **credentials)
        return made[service]

    results: dict[str, bool] = {}
    # One mocked account for all probes (entering mock_aws and making clients is what costs);
    # every probe names its resources after itself, so none sees another's.
    with mock_aws():
        for name in names:
            try:
                results[name] = bool(PROBES[name](clients))
            except Exception:  # an unexpected failure keeps the patch (see the module's doc)
                results[name] = True
    return results


def _cache_path() -> Path:
    import moto

    source = Path(__file__).read_bytes()
    key = hashlib.sha256(moto.__version__.encode() + b"\0" + source).hexdigest()[:16]
    root = Path(os.environ.get(CACHE_ENV) or Path.home() / ".cache" / "pipeline-tools")
    return root / f"moto-probes-{key}.json"


def detect(names: list[str]) -> dict[str, bool]:
    """Gap still there, per patch name: cached per moto version and probe source."""
    path = _cache_path()
    try:
        cached = json.loads(path.read_text())
        if isinstance(cached, dict) and all(isinstance(cached.get(n), bool) for n in names):
            return {n: cached[n] for n in names}
    except (OSError, ValueError):
        pass
    results = run_in_process(names)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps(results, sort_keys=True))
        os.replace(temporary, path)
    except OSError:
        pass  # a read-only home only costs the probes again next time
    return results


# --- the probes, in the order of the patches -------------------------------------------------

def _ecs_service(clients: Clients, cluster: str, **settings: Any) -> Any:
    ecs = clients("ecs")
    ecs.create_cluster(clusterName=cluster)
    ecs.register_task_definition(family=cluster, containerDefinitions=[
        {"name": "app", "image": "nginx", "memory": 128}])
    ecs.create_service(cluster=cluster, serviceName="app", taskDefinition=cluster, desiredCount=1, **settings)
    return ecs


@probe("json-target-short-prefix")
def json_target_short_prefix(clients: Clients) -> bool:
    # What the Terraform provider's Go SDK sends: the short CloudTrail prefix in X-Amz-Target.
    cloudtrail = clients("cloudtrail")

    def short_prefix(request: Any, **_: Any) -> None:
        request.headers.replace_header("X-Amz-Target", "CloudTrail_20131101.DescribeTrails")

    cloudtrail.meta.events.register("before-sign.cloudtrail.DescribeTrails", short_prefix)
    try:
        return _raises(lambda: cloudtrail.describe_trails())
    finally:
        cloudtrail.meta.events.unregister("before-sign.cloudtrail.DescribeTrails", short_prefix)


@probe("appautoscaling-tags")
def appautoscaling_tags(clients: Clients) -> bool:
    _ecs_service(clients, "probe-scaling")
    aas = clients("application-autoscaling")
    arn = aas.register_scalable_target(
        ServiceNamespace="ecs", ResourceId="service/probe-scaling/app",
        ScalableDimension="ecs:service:DesiredCount", MinCapacity=1, MaxCapacity=2,
        Tags={"probe": "1"}).get("ScalableTargetARN")
    if not arn:
        return True
    tags: list[object] = []
    if _raises(lambda: tags.append(aas.list_tags_for_resource(ResourceARN=arn)["Tags"])):
        return True
    return tags != [{"probe": "1"}]


def _queue(clients: Clients, name: str) -> tuple[Any, str]:
    sqs = clients("sqs")
    return sqs, sqs.create_queue(QueueName=name)["QueueUrl"]


def _queue_attributes(sqs: Any, url: str) -> dict[str, str]:
    return sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"]).get("Attributes", {})


@probe("sqs-redrive-allow-policy")
def sqs_redrive_allow_policy(clients: Clients) -> bool:
    sqs, url = _queue(clients, "probe-redrive-allow")
    policy = json.dumps({"redrivePermission": "allowAll"})
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"RedriveAllowPolicy": policy})
    return _queue_attributes(sqs, url).get("RedriveAllowPolicy") != policy


@probe("sqs-set-attributes-keeps-policy")
def sqs_set_attributes_keeps_policy(clients: Clients) -> bool:
    sqs, url = _queue(clients, "probe-keeps-policy")
    policy = json.dumps({"Version": "2012-10-17", "Statement": []})
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": policy})
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"VisibilityTimeout": "60"})
    return "Policy" not in _queue_attributes(sqs, url)


@probe("sqs-compact-redrive-policy")
def sqs_compact_redrive_policy(clients: Clients) -> bool:
    sqs, url = _queue(clients, "probe-redrive")
    dlq_arn = _queue_attributes(sqs, sqs.create_queue(QueueName="probe-dlq")["QueueUrl"])["QueueArn"]
    sent = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 5}, separators=(",", ":"))
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"RedrivePolicy": sent})
    return _queue_attributes(sqs, url).get("RedrivePolicy") != sent


@probe("ecs-service-keeps-settings")
def ecs_service_keeps_settings(clients: Clients) -> bool:
    ecs = _ecs_service(clients, "probe-settings", availabilityZoneRebalancing="DISABLED",
                       healthCheckGracePeriodSeconds=30)
    service = ecs.describe_services(cluster="probe-settings", services=["app"])["services"][0]
    return (service.get("availabilityZoneRebalancing"), service.get("healthCheckGracePeriodSeconds")) != (
        "DISABLED", 30)


@probe("cloudfront-distribution-read-back")
def cloudfront_distribution_read_back(clients: Clients) -> bool:
    cloudfront = clients("cloudfront")
    oac = cloudfront.create_origin_access_control(OriginAccessControlConfig={
        "Name": "probe", "SigningProtocol": "sigv4", "SigningBehavior": "always",
        "OriginAccessControlOriginType": "s3"})["OriginAccessControl"]["Id"]
    origins = {"Quantity": 1, "Items": [{"Id": "s3", "DomainName": "probe.s3.us-east-1.amazonaws.com",
                                         "OriginAccessControlId": oac,
                                         "S3OriginConfig": {"OriginAccessIdentity": ""}}]}
    behaviour = {"TargetOriginId": "s3", "ViewerProtocolPolicy": "redirect-to-https",
                 "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6"}
    default_certificate = cloudfront.create_distribution(DistributionConfig={
        "CallerReference": "probe-1", "Comment": "", "Enabled": True, "Origins": origins,
        "DefaultCacheBehavior": behaviour, "ViewerCertificate": {"CloudFrontDefaultCertificate": True},
    })["Distribution"]["Id"]
    config = cloudfront.get_distribution_config(Id=default_certificate)["DistributionConfig"]
    acm = cloudfront.create_distribution(DistributionConfig={
        "CallerReference": "probe-2", "Comment": "", "Enabled": True, "Origins": origins,
        "DefaultCacheBehavior": behaviour, "Aliases": {"Quantity": 1, "Items": ["probe.example.com"]},
        "ViewerCertificate": {"ACMCertificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/probe",
                              "SSLSupportMethod": "sni-only", "MinimumProtocolVersion": "TLSv1.2_2021"},
    })["Distribution"]["DistributionConfig"]["ViewerCertificate"]
    return (config["Origins"]["Items"][0].get("OriginAccessControlId") != oac
            or "ForwardedValues" in config["DefaultCacheBehavior"]
            or "SSLSupportMethod" in config["ViewerCertificate"]
            or acm.get("CloudFrontDefaultCertificate") is not False)


@probe("rds-parameter-source-user")
def rds_parameter_source_user(clients: Clients) -> bool:
    rds = clients("rds")
    rds.create_db_parameter_group(DBParameterGroupName="probe", DBParameterGroupFamily="postgres16",
                                  Description="probe")
    rds.modify_db_parameter_group(DBParameterGroupName="probe", Parameters=[
        {"ParameterName": "log_min_duration_statement", "ParameterValue": "500", "ApplyMethod": "immediate"}])
    parameters = rds.describe_db_parameters(DBParameterGroupName="probe")["Parameters"]
    system = rds.describe_db_parameters(DBParameterGroupName="probe", Source="system")["Parameters"]
    return [p.get("Source") for p in parameters] != ["user"] or bool(system)


@probe("rds-instance-performance-insights")
def rds_instance_performance_insights(clients: Clients) -> bool:
    rds = clients("rds")
    rds.create_db_instance(DBInstanceIdentifier="probe", DBInstanceClass="db.t4g.micro", Engine="postgres",
                           AllocatedStorage=20, MasterUsername="probe", MasterUserPassword="probe-password",
                           EnablePerformanceInsights=True)
    instance = rds.describe_db_instances(DBInstanceIdentifier="probe")["DBInstances"][0]
    return (instance.get("PerformanceInsightsEnabled"), instance.get("PerformanceInsightsRetentionPeriod"),
            bool(instance.get("PerformanceInsightsKMSKeyId"))) != (True, 7, True)


def _cache_subnet_group(clients: Clients, name: str) -> Any:
    ec2 = clients("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.9.1.0/24", AvailabilityZone="us-east-1a")
    elasticache = clients("elasticache")
    elasticache.create_cache_subnet_group(CacheSubnetGroupName=name, CacheSubnetGroupDescription="probe",
                                          SubnetIds=[subnet["Subnet"]["SubnetId"]])
    return elasticache


@probe("elasticache-replication-group-members")
def elasticache_replication_group_members(clients: Clients) -> bool:
    elasticache = _cache_subnet_group(clients, "probe-members")
    elasticache.create_replication_group(
        ReplicationGroupId="probe", ReplicationGroupDescription="probe", Engine="redis",
        CacheNodeType="cache.t4g.micro", NumCacheClusters=2, CacheSubnetGroupName="probe-members")
    members = elasticache.describe_replication_groups(ReplicationGroupId="probe")["ReplicationGroups"][0][
        "MemberClusters"]
    if len(members) != 2 or _raises(lambda: elasticache.describe_cache_clusters(CacheClusterId=members[0])):
        return True
    elasticache.delete_replication_group(ReplicationGroupId="probe")
    return not _raises(lambda: elasticache.describe_replication_groups(ReplicationGroupId="probe"))


@probe("elasticache-user-groups")
def elasticache_user_groups(clients: Clients) -> bool:
    elasticache = clients("elasticache")
    return _raises(lambda: elasticache.create_user_group(UserGroupId="probe-group", Engine="redis",
                                                         UserIds=["default"]))


@probe("elasticache-delete-subnet-group")
def elasticache_delete_subnet_group(clients: Clients) -> bool:
    elasticache = _cache_subnet_group(clients, "probe-delete")
    return _raises(lambda: elasticache.delete_cache_subnet_group(CacheSubnetGroupName="probe-delete"))


@probe("cloudfront-origin-access-identity")
def cloudfront_origin_access_identity(clients: Clients) -> bool:
    return _raises(lambda: clients("cloudfront").create_cloud_front_origin_access_identity(
        CloudFrontOriginAccessIdentityConfig={"CallerReference": "probe", "Comment": "probe"}))


@probe("policy-deny-applies-only-when-its-condition-holds")
def policy_deny_applies_only_when_its_condition_holds(clients: Clients) -> bool:
    s3 = clients("s3")
    s3.create_bucket(Bucket="probe-tls-only")
    s3.put_bucket_policy(Bucket="probe-tls-only", Policy=json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Deny", "Principal": "*", "Action": "s3:*",
        "Resource": ["arn:aws:s3:::probe-tls-only", "arn:aws:s3:::probe-tls-only/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}))
    return _raises(lambda: s3.put_object(Bucket="probe-tls-only", Key="state", Body=b"{}"))


@probe("s3-replication-read-back")
def s3_replication_read_back(clients: Clients) -> bool:
    s3 = clients("s3")
    for bucket in ("probe-replicated", "probe-replica"):
        s3.create_bucket(Bucket=bucket)
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_replication(Bucket="probe-replicated", ReplicationConfiguration={
        "Role": "arn:aws:iam::123456789012:role/probe-replication",
        "Rules": [{"ID": "all", "Priority": 1, "Status": "Enabled", "Filter": {},
                   "DeleteMarkerReplication": {"Status": "Enabled"},
                   "SourceSelectionCriteria": {"SseKmsEncryptedObjects": {"Status": "Enabled"}},
                   "Destination": {"Bucket": "arn:aws:s3:::probe-replica"}}]})
    (rule,) = s3.get_bucket_replication(Bucket="probe-replicated")["ReplicationConfiguration"]["Rules"]
    return (rule.get("DeleteMarkerReplication") != {"Status": "Enabled"}
            or "SourceSelectionCriteria" not in rule)


@probe("s3-delete-marker-dispose")
def s3_delete_marker_dispose(clients: Clients) -> bool:
    s3 = clients("s3")
    s3.create_bucket(Bucket="probe-versioned")
    s3.put_bucket_versioning(Bucket="probe-versioned", VersioningConfiguration={"Status": "Enabled"})
    s3.put_object(Bucket="probe-versioned", Key="lock", Body=b"lock")
    s3.delete_object(Bucket="probe-versioned", Key="lock")
    s3.put_bucket_versioning(Bucket="probe-versioned", VersioningConfiguration={"Status": "Suspended"})
    listing = s3.list_object_versions(Bucket="probe-versioned")
    objects = [{"Key": item["Key"], "VersionId": item["VersionId"]}
               for item in listing.get("Versions", []) + listing.get("DeleteMarkers", [])]
    return _raises(lambda: s3.delete_objects(Bucket="probe-versioned",
                                             Delete={"Objects": objects, "Quiet": True}))


@probe("cloudfront-cache-and-response-headers-policies")
def cloudfront_cache_and_response_headers_policies(clients: Clients) -> bool:
    cloudfront = clients("cloudfront")
    return _raises(lambda: cloudfront.list_cache_policies(Type="custom")) or _raises(
        lambda: cloudfront.list_response_headers_policies(Type="custom"))


@probe("ec2-group-rule-description")
def ec2_group_rule_description(clients: Clients) -> bool:
    ec2 = clients("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.8.0.0/16")["Vpc"]["VpcId"]
    source, target = (ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc)["GroupId"]
                      for name in ("probe-source", "probe-target"))
    ec2.authorize_security_group_ingress(GroupId=target, IpPermissions=[{
        "IpProtocol": "tcp", "FromPort": 80, "ToPort": 80,
        "UserIdGroupPairs": [{"GroupId": source, "Description": "probe"}]}])
    rules = ec2.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": [target]}])
    return [r.get("Description") for r in rules["SecurityGroupRules"] if not r["IsEgress"]] != ["probe"]


@probe("lambda-dead-letter-config")
def lambda_dead_letter_config(clients: Clients) -> bool:
    import io
    import zipfile

    trust = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "lambda.amazonaws.com"}}]}
    role = clients("iam").create_role(RoleName="probe", AssumeRolePolicyDocument=json.dumps(trust))
    role_arn = role["Role"]["Arn"]
    sqs, url = _queue(clients, "probe-lambda-dlq")
    queue_arn = _queue_attributes(sqs, url)["QueueArn"]
    package = io.BytesIO()
    with zipfile.ZipFile(package, "w") as archive:
        archive.writestr("handler.py", "def handler(event, context):\n    return None\n")
    functions = clients("lambda")
    functions.create_function(FunctionName="probe", Runtime="python3.12", Role=role_arn,
                              Handler="handler.handler", Code={"ZipFile": package.getvalue()},
                              DeadLetterConfig={"TargetArn": queue_arn})
    configuration = functions.get_function_configuration(FunctionName="probe")
    return configuration.get("DeadLetterConfig", {}).get("TargetArn") != queue_arn


@probe("efs-delete-file-system-policy")
def efs_delete_file_system_policy(clients: Clients) -> bool:
    efs = clients("efs")
    file_system_id = efs.create_file_system(CreationToken="probe-policy")["FileSystemId"]
    efs.put_file_system_policy(FileSystemId=file_system_id, Policy=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "*",
                                               "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}))
    return _raises(lambda: efs.delete_file_system_policy(FileSystemId=file_system_id))


@probe("budgets-subscribers-and-tags")
def budgets_subscribers_and_tags(clients: Clients) -> bool:
    budgets = clients("budgets")
    account = "123456789012"
    notification = {"NotificationType": "ACTUAL", "ComparisonOperator": "GREATER_THAN", "Threshold": 80,
                    "ThresholdType": "PERCENTAGE"}
    budgets.create_budget(AccountId=account, Budget={
        "BudgetName": "probe", "BudgetLimit": {"Amount": "10", "Unit": "USD"}, "TimeUnit": "MONTHLY",
        "BudgetType": "COST"}, NotificationsWithSubscribers=[{
            "Notification": notification,
            "Subscribers": [{"SubscriptionType": "EMAIL", "Address": "a@example.com"}]}],
        ResourceTags=[{"Key": "probe", "Value": "yes"}])
    return (_raises(lambda: budgets.describe_subscribers_for_notification(
        AccountId=account, BudgetName="probe", Notification=notification))
        or _raises(lambda: budgets.list_tags_for_resource(
            ResourceARN=f"arn:aws:budgets::{account}:budget/probe")))
