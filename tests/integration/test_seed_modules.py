"""The seed modules of issue 13, each applied from its ``examples/basic`` root against the emulator.

Per module: one apply, what the emulator then holds read back with boto3 over HTTP (and the roles'
policies decided by the project's IAM evaluator, since moto enforces no IAM), a re-plan that must
be clean, and a destroy that must leave nothing behind. The tests of a module share one apply and
run in file order. Marked ``terraform`` (slow): each module costs four terraform invocations.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote_plus

import pytest
from botocore.config import Config

from pipeline_tools.iam.evaluate import Principal, Request, evaluate, parse_policy, trust_allows
from pipeline_tools.local.emulator import Emulator
from tests.support.emulator_clients import emulator_client, private_network
from tests.support.emulator_clients import role_principal as emulator_role_principal
from tests.support.module_example import ModuleExample

pytestmark = pytest.mark.terraform

# A module example after its apply, and its outputs.
Applied = tuple[ModuleExample, dict[str, Any]]


def client(emulator: Emulator, service: str) -> Any:
    # No host prefixes (Cloud Map's DiscoverInstances goes to "data-<endpoint>"): one local endpoint.
    return emulator_client(emulator.env(), service, config=Config(inject_host_prefix=False))


def role_principal(emulator: Emulator, role_name: str) -> Principal:
    return emulator_role_principal(emulator.env(), role_name)


@pytest.fixture(scope="module")
def network(emulator: Emulator) -> dict[str, Any]:
    emulator.reset()
    return private_network(emulator.env(), 77)


# ---------------------------------------------------------------------------------------------
# scheduled-tasks
# ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def scheduled_tasks(emulator: Emulator, network: dict[str, Any],
                    tmp_path_factory: pytest.TempPathFactory) -> Iterator[Applied]:
    example = ModuleExample("scheduled-tasks", emulator, tmp_path_factory.mktemp("scheduled-tasks"),
                            variables={"subnet_ids": network["subnet_ids"],
                                       "security_group_ids": network["security_group_ids"]})
    try:
        yield example, example.apply()
    finally:
        if example.applied:
            example.destroy()


def test_scheduled_task_runs_its_own_definition_with_a_dead_letter_queue(
        emulator: Emulator, network: dict[str, Any],
        scheduled_tasks: Applied) -> None:
    _, outputs = scheduled_tasks
    scheduler = client(emulator, "scheduler")
    schedule = scheduler.get_schedule(GroupName="example-jobs", Name="example-jobs-nightly-report")
    assert schedule["ScheduleExpression"] == "cron(15 2 * * ? *)"
    assert schedule["ScheduleExpressionTimezone"] == "Europe/Berlin"
    assert schedule["State"] == "ENABLED"
    assert schedule["KmsKeyArn"].startswith("arn:aws:kms:")
    target = schedule["Target"]
    assert target["Arn"].endswith(":cluster/example-jobs")
    assert target["EcsParameters"]["TaskDefinitionArn"] == outputs["task_definition_arns"]["nightly-report"]
    assert target["EcsParameters"]["LaunchType"] == "FARGATE"
    vpc = target["EcsParameters"]["NetworkConfiguration"]["awsvpcConfiguration"]
    # The provider holds subnets as a set: their order is not the order given.
    assert sorted(vpc["Subnets"]) == sorted(network["subnet_ids"]) and vpc["AssignPublicIp"] == "DISABLED"
    assert target["DeadLetterConfig"]["Arn"].endswith(":example-jobs-nightly-report-dlq")
    assert target["RoleArn"].endswith(":role/example-jobs-nightly-report-invoke")

    ecs = client(emulator, "ecs")
    definition = ecs.describe_task_definition(
        taskDefinition=outputs["task_definition_arns"]["nightly-report"])["taskDefinition"]
    (container,) = definition["containerDefinitions"]
    assert container["command"] == ["sh", "-c", "echo report"]
    assert container["readonlyRootFilesystem"] is True
    assert container["logConfiguration"]["options"]["awslogs-group"] == "/ecs/example-jobs/nightly-report"
    assert definition["executionRoleArn"].endswith(":role/example-jobs-nightly-report-execution")
    assert definition["taskRoleArn"].endswith(":role/example-jobs-nightly-report-task")

    # Each dead-letter queue is encrypted with the module's customer-managed key.
    sqs = client(emulator, "sqs")
    for url in outputs["dead_letter_queue_urls"].values():
        attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["KmsMasterKeyId"])["Attributes"]
        assert attributes["KmsMasterKeyId"].startswith("arn:aws:kms:")


def test_event_rule_runs_its_task_and_only_it_may_dead_letter(
        emulator: Emulator, scheduled_tasks: Applied) -> None:
    _, outputs = scheduled_tasks
    events = client(emulator, "events")
    rule = events.describe_rule(Name="example-jobs-on-upload")
    assert json.loads(rule["EventPattern"])["detail"] == {"bucket": {"name": ["example-uploads"]}}
    (target,) = events.list_targets_by_rule(Rule="example-jobs-on-upload")["Targets"]
    assert target["EcsParameters"]["TaskDefinitionArn"] == outputs["task_definition_arns"]["on-upload"]
    assert target["DeadLetterConfig"]["Arn"].endswith(":example-jobs-on-upload-dlq")
    assert target["RetryPolicy"]["MaximumRetryAttempts"] == 3

    # The queue accepts dead letters from this rule only (EventBridge sends them as itself).
    sqs = client(emulator, "sqs")
    url = outputs["dead_letter_queue_urls"]["on-upload"]
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["Policy"])["Attributes"]
    policy = json.loads(attributes["Policy"])
    (statement,) = policy["Statement"]
    assert statement["Principal"] == {"Service": "events.amazonaws.com"}
    assert statement["Condition"] == {"ArnEquals": {"aws:SourceArn": rule["Arn"]}}


def test_invoke_roles_run_only_their_own_task_and_pass_only_its_roles(
        emulator: Emulator, scheduled_tasks: Applied) -> None:
    _, outputs = scheduled_tasks
    (cluster_info,) = client(emulator, "ecs").describe_clusters(clusters=["example-jobs"])["clusters"]
    cluster = cluster_info["clusterArn"]
    other_cluster = cluster.replace("/example-jobs", "/someone-else")
    definitions = outputs["task_definition_arns"]
    nightly, upload = definitions["nightly-report"], definitions["on-upload"]
    invoke = role_principal(emulator, "example-jobs-nightly-report-invoke")

    def run_task(definition: str, in_cluster: str) -> bool:
        return evaluate(invoke, Request("ecs:RunTask", definition, {"ecs:cluster": in_cluster})).allowed

    assert run_task(nightly, cluster)
    assert run_task(nightly.rsplit(":", 1)[0] + ":99", cluster)  # a later revision of its own family
    assert not run_task(upload, cluster)  # the other task's definition
    assert not run_task(nightly, other_cluster)

    account_roles = nightly.split(":")[4]

    def pass_role(role_name: str, service: str = "ecs-tasks.amazonaws.com") -> bool:
        role_arn = f"arn:aws:iam::{account_roles}:role/{role_name}"
        return evaluate(invoke, Request("iam:PassRole", role_arn, {"iam:PassedToService": service})).allowed

    assert pass_role("example-jobs-nightly-report-task")
    assert pass_role("example-jobs-nightly-report-execution")
    assert not pass_role("example-jobs-on-upload-task")
    assert not pass_role("example-jobs-nightly-report-task", service="lambda.amazonaws.com")

    # Who may assume it: EventBridge Scheduler for this schedule only.
    trust = client(emulator, "iam").get_role(RoleName="example-jobs-nightly-report-invoke")["Role"]
    (statement,) = trust["AssumeRolePolicyDocument"]["Statement"]
    assert statement["Principal"] == {"Service": "scheduler.amazonaws.com"}
    assert statement["Condition"]["ArnLike"]["aws:SourceArn"] == outputs["schedule_arns"]["nightly-report"]


def test_scheduled_tasks_replan_clean(scheduled_tasks: Applied) -> None:
    example, _ = scheduled_tasks
    assert example.replan_changes() == []


def test_scheduled_tasks_destroy_leaves_nothing(
        emulator: Emulator, scheduled_tasks: Applied) -> None:
    example, _ = scheduled_tasks
    example.destroy()
    assert client(emulator, "scheduler").list_schedules()["Schedules"] == []
    assert client(emulator, "events").list_rules(NamePrefix="example-jobs")["Rules"] == []
    assert client(emulator, "sqs").list_queues(QueueNamePrefix="example-jobs").get("QueueUrls", []) == []
    roles = client(emulator, "iam").list_roles()["Roles"]
    assert [r["RoleName"] for r in roles if r["RoleName"].startswith("example-jobs")] == []



# ---------------------------------------------------------------------------------------------
# service-discovery
# ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def service_discovery(emulator: Emulator, network: dict[str, Any],
                      tmp_path_factory: pytest.TempPathFactory) -> Iterator[Applied]:
    example = ModuleExample("service-discovery", emulator, tmp_path_factory.mktemp("service-discovery"),
                            variables={"vpc_id": network["vpc_id"]})
    try:
        yield example, example.apply()
    finally:
        if example.applied:
            example.destroy()


def test_namespace_is_private_to_the_vpc_and_services_resolve_in_it(
        emulator: Emulator, network: dict[str, Any],
        service_discovery: Applied) -> None:
    _, outputs = service_discovery
    cloud_map = client(emulator, "servicediscovery")
    namespace = cloud_map.get_namespace(Id=outputs["namespace_id"])["Namespace"]
    assert namespace["Type"] == "DNS_PRIVATE" and namespace["Name"] == "example.platform.internal"

    services = {s["Name"]: s for s in cloud_map.list_services()["Services"]}
    assert sorted(services) == ["api", "worker"]
    assert sorted(outputs["service_registry_arns"].values()) == sorted(s["Arn"] for s in services.values())
    api = cloud_map.get_service(Id=services["api"]["Id"])["Service"]
    assert api["DnsConfig"]["DnsRecords"] == [{"Type": "A", "TTL": 10}]
    assert api["DnsConfig"]["RoutingPolicy"] == "MULTIVALUE"
    worker = cloud_map.get_service(Id=services["worker"]["Id"])["Service"]
    assert worker["DnsConfig"]["DnsRecords"] == [{"Type": "SRV", "TTL": 30}]

    # What ECS does for a task of a service that names the registry: register its IP, which
    # clients in the VPC then discover; and deregister it when the task stops.
    cloud_map.register_instance(ServiceId=services["api"]["Id"], InstanceId="task-1",
                                Attributes={"AWS_INSTANCE_IPV4": "10.77.1.10"})
    found = cloud_map.discover_instances(NamespaceName="example.platform.internal", ServiceName="api")
    assert [i["Attributes"]["AWS_INSTANCE_IPV4"] for i in found["Instances"]] == ["10.77.1.10"]
    cloud_map.deregister_instance(ServiceId=services["api"]["Id"], InstanceId="task-1")


def test_service_discovery_replans_clean(service_discovery: Applied) -> None:
    example, _ = service_discovery
    assert example.replan_changes() == []


def test_service_discovery_destroy_leaves_nothing(
        emulator: Emulator, service_discovery: Applied) -> None:
    example, _ = service_discovery
    example.destroy()
    cloud_map = client(emulator, "servicediscovery")
    assert cloud_map.list_services()["Services"] == []
    assert cloud_map.list_namespaces()["Namespaces"] == []


# ---------------------------------------------------------------------------------------------
# uploads
# ---------------------------------------------------------------------------------------------

def processor_package() -> bytes:
    """A processor package: the handler only has to exist (moto runs no Lambda code)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("processor.py",
                         "def handle(event, context):\n    return {'batchItemFailures': []}\n")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def uploads(emulator: Emulator, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Applied]:
    s3 = client(emulator, "s3")
    for bucket in ("example-artifacts", "example-logs"):
        s3.create_bucket(Bucket=bucket)
    # A log bucket S3's log delivery may write to (as the environment's log bucket lets it).
    s3.put_bucket_policy(Bucket="example-logs", Policy=json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "S3ServerAccessLogs", "Effect": "Allow", "Principal": {"Service": "logging.s3.amazonaws.com"},
        "Action": "s3:PutObject", "Resource": "arn:aws:s3:::example-logs/s3/example-platform-uploads/*"}]}))
    s3.put_bucket_versioning(Bucket="example-artifacts", VersioningConfiguration={"Status": "Enabled"})
    s3.put_object(Bucket="example-artifacts", Key="uploads/processor.zip", Body=processor_package())
    example = ModuleExample("uploads", emulator, tmp_path_factory.mktemp("uploads"),
                            variables={"package_bucket": "example-artifacts",
                                       "access_log_bucket": "example-logs"})
    try:
        yield example, example.apply()
    finally:
        if example.applied:
            example.destroy()


def test_uploads_bucket_is_private_encrypted_and_takes_uploads_from_the_app_only(
        emulator: Emulator, uploads: Applied) -> None:
    _, outputs = uploads
    s3 = client(emulator, "s3")
    bucket = outputs["bucket_name"]
    block = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    assert all(block.values()) and len(block) == 4
    (rule,) = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
    assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms"
    (cors,) = s3.get_bucket_cors(Bucket=bucket)["CORSRules"]
    assert cors["AllowedOrigins"] == ["https://app.example.com"]
    assert sorted(cors["AllowedMethods"]) == ["POST", "PUT"]
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    logging = s3.get_bucket_logging(Bucket=bucket)["LoggingEnabled"]
    assert logging["TargetBucket"] == "example-logs"


def test_an_upload_reaches_the_processor_queue_and_only_under_the_prefix(
        emulator: Emulator, uploads: Applied) -> None:
    _, outputs = uploads
    s3, sqs, lambda_api = client(emulator, "s3"), client(emulator, "sqs"), client(emulator, "lambda")
    bucket = outputs["bucket_name"]
    # moto runs no Lambda code: with the event source mapping enabled it would take the message
    # off the queue for an invocation that cannot happen. Pause the mapping (what an operator does
    # to inspect the queue) and read the queue as the processor would; resume it afterwards.
    queue_arn = sqs.get_queue_attributes(QueueUrl=outputs["queue_url"],
                                         AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    (mapping,) = [m for m in lambda_api.list_event_source_mappings()["EventSourceMappings"]
                  if m["EventSourceArn"] == queue_arn]
    lambda_api.update_event_source_mapping(UUID=mapping["UUID"], Enabled=False)
    try:
        s3.put_object(Bucket=bucket, Key="elsewhere/ignored.txt", Body=b"not for the processor")
        s3.put_object(Bucket=bucket, Key="incoming/photo.jpg", Body=b"\xff\xd8 a photo")
        messages = sqs.receive_message(QueueUrl=outputs["queue_url"], MaxNumberOfMessages=10,
                                       WaitTimeSeconds=1).get("Messages", [])
    finally:
        lambda_api.update_event_source_mapping(UUID=mapping["UUID"], Enabled=True)
    records = [record for message in messages
               for record in json.loads(message["Body"]).get("Records", [])]
    # S3 URL-encodes the key in the event, so a processor decodes it (moto encodes '/' as well).
    assert [(r["eventName"], r["s3"]["bucket"]["name"], unquote_plus(r["s3"]["object"]["key"]))
            for r in records] == [
        ("ObjectCreated:Put", bucket, "incoming/photo.jpg")]

    # Only S3, for this bucket, may send to the queue.
    policy = sqs.get_queue_attributes(QueueUrl=outputs["queue_url"], AttributeNames=["Policy"])["Attributes"]
    (statement,) = json.loads(policy["Policy"])["Statement"]
    assert statement["Principal"] == {"Service": "s3.amazonaws.com"}
    assert statement["Condition"]["ArnEquals"] == {"aws:SourceArn": f"arn:aws:s3:::{bucket}"}


def test_processor_reads_uploads_and_nothing_else(emulator: Emulator, uploads: Applied) -> None:
    _, outputs = uploads
    processor = role_principal(emulator, outputs["processor_function_name"])
    bucket = outputs["bucket_name"]

    def may(action: str, resource: str) -> bool:
        return evaluate(processor, Request(action, resource)).allowed

    assert may("s3:GetObject", f"arn:aws:s3:::{bucket}/incoming/photo.jpg")
    assert not may("s3:GetObject", f"arn:aws:s3:::{bucket}/elsewhere/ignored.txt")
    assert not may("s3:PutObject", f"arn:aws:s3:::{bucket}/incoming/photo.jpg")
    assert not may("s3:DeleteObject", f"arn:aws:s3:::{bucket}/incoming/photo.jpg")

    function = client(emulator, "lambda").get_function(FunctionName=outputs["processor_function_name"])
    assert function["Configuration"]["Environment"]["Variables"]["UPLOADS_BUCKET"] == bucket


def test_uploads_replicate_with_delete_markers_to_the_replica_region_under_a_minimal_role(
        emulator: Emulator, uploads: Applied) -> None:
    _, outputs = uploads
    bucket, replica = outputs["bucket_name"], outputs["replica_bucket_name"]
    s3 = client(emulator, "s3")
    configuration = s3.get_bucket_replication(Bucket=bucket)["ReplicationConfiguration"]
    assert configuration["Role"] == outputs["replication_role_arn"]
    (rule,) = configuration["Rules"]
    assert rule["Status"] == "Enabled"
    assert rule["DeleteMarkerReplication"] == {"Status": "Enabled"}
    assert rule["SourceSelectionCriteria"]["SseKmsEncryptedObjects"] == {"Status": "Enabled"}
    assert rule["Destination"]["Bucket"] == f"arn:aws:s3:::{replica}"
    replica_alias = rule["Destination"]["EncryptionConfiguration"]["ReplicaKmsKeyID"]
    assert replica_alias.endswith(":alias/example-uploads-replica") and ":us-west-2:" in replica_alias
    # The replica: in the other region, versioned, encrypted with its own key, private.
    assert s3.get_bucket_location(Bucket=replica)["LocationConstraint"] == "us-west-2"
    assert s3.get_bucket_versioning(Bucket=replica)["Status"] == "Enabled"
    (sse,) = s3.get_bucket_encryption(Bucket=replica)["ServerSideEncryptionConfiguration"]["Rules"]
    assert sse["ApplyServerSideEncryptionByDefault"]["KMSMasterKeyID"] == outputs["replica_kms_key_arn"]
    assert all(s3.get_public_access_block(Bucket=replica)["PublicAccessBlockConfiguration"].values())

    # Only S3, for this account, may assume the role; it reads the source and writes the replica.
    iam = client(emulator, "iam")
    role_name = outputs["replication_role_arn"].rsplit("/", 1)[1]
    trust = parse_policy(iam.get_role(RoleName=role_name)["Role"]["AssumeRolePolicyDocument"])
    own_account = {"aws:SourceAccount": "123456789012"}
    assert trust_allows(trust, action="sts:AssumeRole", context=own_account, service="s3.amazonaws.com")
    assert not trust_allows(trust, action="sts:AssumeRole", context={"aws:SourceAccount": "210987654321"},
                            service="s3.amazonaws.com")
    assert not trust_allows(trust, action="sts:AssumeRole", context=own_account,
                            service="lambda.amazonaws.com")
    role = role_principal(emulator, role_name)

    def may(action: str, resource: str, **context: Any) -> bool:
        return evaluate(role, Request(action, resource, context)).allowed

    assert may("s3:GetObjectVersionForReplication", f"arn:aws:s3:::{bucket}/incoming/photo.jpg")
    assert may("s3:ReplicateObject", f"arn:aws:s3:::{replica}/incoming/photo.jpg")
    assert may("s3:ReplicateDelete", f"arn:aws:s3:::{replica}/incoming/photo.jpg")
    assert not may("s3:ReplicateObject", f"arn:aws:s3:::{bucket}/incoming/photo.jpg")
    assert not may("s3:GetObject", f"arn:aws:s3:::{replica}/incoming/photo.jpg")
    assert not may("s3:DeleteObject", f"arn:aws:s3:::{bucket}/incoming/photo.jpg")
    # The replica's key by its alias, through S3 in the replica's region, for the replica only.
    replica_key = outputs["replica_kms_key_arn"]
    through_s3 = {"kms:ViaService": "s3.us-west-2.amazonaws.com",
                  "kms:EncryptionContext:aws:s3:arn": f"arn:aws:s3:::{replica}",
                  "kms:ResourceAliases": ["alias/example-uploads-replica"]}
    assert may("kms:GenerateDataKey", replica_key, **through_s3)
    assert not may("kms:GenerateDataKey", replica_key,
                   **{**through_s3, "kms:ResourceAliases": ["alias/other"]})
    assert not may("kms:Decrypt", replica_key, **through_s3)
    assert not may("kms:GenerateDataKey", replica_key,
                   **{**through_s3, "kms:ViaService": "ec2.us-west-2.amazonaws.com"})


def test_uploads_replan_clean(uploads: Applied) -> None:
    example, _ = uploads
    assert example.replan_changes() == []


def test_uploads_destroy_leaves_nothing(emulator: Emulator, uploads: Applied) -> None:
    example, outputs = uploads
    example.destroy()
    buckets = [b["Name"] for b in client(emulator, "s3").list_buckets()["Buckets"]]
    assert outputs["bucket_name"] not in buckets
    assert outputs["replica_bucket_name"] not in buckets
    assert client(emulator, "sqs").list_queues(QueueNamePrefix="example-uploads").get("QueueUrls", []) == []
    assert client(emulator, "lambda").list_functions()["Functions"] == []


# ---------------------------------------------------------------------------------------------
# efs
# ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def efs(emulator: Emulator, network: dict[str, Any],
        tmp_path_factory: pytest.TempPathFactory) -> Iterator[Applied]:
    example = ModuleExample("efs", emulator, tmp_path_factory.mktemp("efs"),
                            variables={"vpc_id": network["vpc_id"], "subnet_ids": network["subnet_ids"],
                                       "client_security_group_ids": network["security_group_ids"]})
    try:
        yield example, example.apply()
    finally:
        if example.applied:
            example.destroy()


def test_file_system_is_encrypted_and_mounted_in_every_private_subnet(
        emulator: Emulator, network: dict[str, Any], efs: Applied) -> None:
    _, outputs = efs
    efs_api, ec2 = client(emulator, "efs"), client(emulator, "ec2")
    (file_system,) = efs_api.describe_file_systems(FileSystemId=outputs["file_system_id"])["FileSystems"]
    assert file_system["Encrypted"] is True
    key = client(emulator, "kms").describe_key(KeyId="alias/example-shared-efs")["KeyMetadata"]
    assert file_system["KmsKeyId"] in (key["Arn"], key["KeyId"])
    assert file_system["ThroughputMode"] == "elastic"

    mount_targets = efs_api.describe_mount_targets(FileSystemId=outputs["file_system_id"])["MountTargets"]
    assert sorted(m["SubnetId"] for m in mount_targets) == sorted(network["subnet_ids"])
    for target in mount_targets:
        groups = efs_api.describe_mount_target_security_groups(MountTargetId=target["MountTargetId"])
        assert groups["SecurityGroups"] == [outputs["security_group_id"]]

    # NFS from the client tasks' security group, and nothing else.
    (group,) = ec2.describe_security_groups(GroupIds=[outputs["security_group_id"]])["SecurityGroups"]
    assert [(p["IpProtocol"], p["FromPort"], p["ToPort"], [g["GroupId"] for g in p["UserIdGroupPairs"]],
             p["IpRanges"]) for p in group["IpPermissions"]] == [
        ("tcp", 2049, 2049, network["security_group_ids"], [])]


def test_clients_reach_the_file_system_only_through_the_access_point_over_tls(
        emulator: Emulator, efs: Applied) -> None:
    _, outputs = efs
    efs_api = client(emulator, "efs")
    (access_point,) = efs_api.describe_access_points(FileSystemId=outputs["file_system_id"])["AccessPoints"]
    assert access_point["PosixUser"] == {"Uid": 1000, "Gid": 1000}
    assert access_point["RootDirectory"]["Path"] == "/app"
    assert access_point["RootDirectory"]["CreationInfo"] == {"OwnerUid": 1000, "OwnerGid": 1000,
                                                             "Permissions": "0750"}

    # A task role with the module's client policy, against the file system policy AWS holds.
    file_system_arn = outputs["access_point_arns"]["app"].split(":access-point/")[0] + \
        ":file-system/" + outputs["file_system_id"]
    held = efs_api.describe_file_system_policy(FileSystemId=outputs["file_system_id"])["Policy"]
    task = Principal(role_arn="arn:aws:iam::123456789012:role/app-task",
                     identity=parse_policy(outputs["client_policy_json"], "client"))

    def mount(context: dict[str, str]) -> bool:
        request = Request("elasticfilesystem:ClientMount", file_system_arn, context)
        return evaluate(task, request, resource_policy=parse_policy(held, "file-system")).allowed

    through_access_point = {"elasticfilesystem:AccessPointArn": access_point["AccessPointArn"]}
    assert mount({**through_access_point, "aws:SecureTransport": "true"})
    assert not mount({**through_access_point, "aws:SecureTransport": "false"})
    assert not mount({"aws:SecureTransport": "true"})  # the file system's root, bypassing the access point


def test_efs_replans_clean(efs: Applied) -> None:
    example, _ = efs
    assert example.replan_changes() == []


def test_efs_destroy_leaves_nothing(emulator: Emulator, efs: Applied) -> None:
    example, outputs = efs
    example.destroy()
    left = [f["FileSystemId"] for f in client(emulator, "efs").describe_file_systems()["FileSystems"]]
    assert outputs["file_system_id"] not in left


# ---------------------------------------------------------------------------------------------
# ecr-push-role
# ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def ecr_push_role(emulator: Emulator, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Applied]:
    # What bootstrap holds: the GitHub OIDC provider and the application's repositories.
    provider_arn = client(emulator, "iam").create_open_id_connect_provider(
        Url="https://token.actions.githubusercontent.com", ClientIDList=["sts.amazonaws.com"],
        ThumbprintList=["6938fd4d98bab03faadb97b34396831e3780aea1"])["OpenIDConnectProviderArn"]
    for name in ("example-app/api", "example-app/worker", "platform/api"):
        client(emulator, "ecr").create_repository(repositoryName=name)
    example = ModuleExample("ecr-push-role", emulator, tmp_path_factory.mktemp("ecr-push-role"),
                            variables={"oidc_provider_arn": provider_arn})
    try:
        yield example, example.apply()
    finally:
        if example.applied:
            example.destroy()


def test_only_main_of_the_application_repository_may_assume_the_push_role(
        emulator: Emulator, ecr_push_role: Applied) -> None:
    _, outputs = ecr_push_role
    role = client(emulator, "iam").get_role(RoleName="example-app-ecr-push")["Role"]
    assert role["Arn"] == outputs["role_arn"] and role["MaxSessionDuration"] == 3600
    trust = parse_policy(role["AssumeRolePolicyDocument"], "trust")
    (provider,) = client(emulator, "iam").list_open_id_connect_providers()["OpenIDConnectProviderList"]

    def assume(subject: str, audience: str = "sts.amazonaws.com") -> bool:
        return trust_allows(trust, federated=provider["Arn"], action="sts:AssumeRoleWithWebIdentity",
                            context={"token.actions.githubusercontent.com:sub": subject,
                                     "token.actions.githubusercontent.com:aud": audience})

    assert assume("repo:example-org/example-app:ref:refs/heads/main")
    assert not assume("repo:example-org/example-app:pull_request")
    assert not assume("repo:example-org/example-app:ref:refs/heads/feature")
    assert not assume("repo:example-org/other-app:ref:refs/heads/main")
    assert not assume("repo:example-org/example-app:ref:refs/heads/main", audience="someone-else")


def test_push_role_pushes_to_its_own_repositories_and_does_nothing_else(
        emulator: Emulator, ecr_push_role: Applied) -> None:
    _, outputs = ecr_push_role
    pusher = role_principal(emulator, "example-app-ecr-push")
    ecr = client(emulator, "ecr")
    arns = {r["repositoryName"]: r["repositoryArn"] for r in ecr.describe_repositories()["repositories"]}
    assert sorted(outputs["repository_arns"]) == sorted([arns["example-app/api"], arns["example-app/worker"]])

    def may(action: str, resource: str) -> bool:
        return evaluate(pusher, Request(action, resource)).allowed

    assert may("ecr:GetAuthorizationToken", "*")
    for action in ("ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload",
                   "ecr:BatchCheckLayerAvailability", "ecr:PutImage"):
        assert may(action, arns["example-app/api"]) and may(action, arns["example-app/worker"])
        assert not may(action, arns["platform/api"])  # another application's repository
    for action in ("ecr:BatchDeleteImage", "ecr:DeleteRepository", "ecr:SetRepositoryPolicy",
                   "ecr:PutLifecyclePolicy", "ecr:BatchGetImage"):
        assert not may(action, arns["example-app/api"])


def test_ecr_push_role_replans_clean(ecr_push_role: Applied) -> None:
    example, _ = ecr_push_role
    assert example.replan_changes() == []


def test_ecr_push_role_destroy_leaves_nothing(emulator: Emulator, ecr_push_role: Applied) -> None:
    example, _ = ecr_push_role
    example.destroy()
    roles = [r["RoleName"] for r in client(emulator, "iam").list_roles()["Roles"]]
    assert "example-app-ecr-push" not in roles


# ---------------------------------------------------------------------------------------------
# budget (Cost Anomaly Detection planned only: moto has no such API; the budget itself is applied,
# its subscribers read back through the budgets-subscribers-and-tags patch; docs/local-aws.md)
# ---------------------------------------------------------------------------------------------

def planned(plan: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Address -> planned values of every resource the plan creates."""
    return {change["address"]: change["change"]["after"] for change in plan["resource_changes"]
            if change["change"]["actions"] == ["create"]}


def test_budget_alerts_on_actual_and_forecast_spend_and_watches_for_anomalies(
        emulator: Emulator, tmp_path_factory: pytest.TempPathFactory) -> None:
    example = ModuleExample("budget", emulator, tmp_path_factory.mktemp("budget"))
    resources = planned(example.plan())
    assert sorted(resources) == ["module.budget.aws_budgets_budget.monthly",
                                 "module.budget.aws_ce_anomaly_monitor.services[0]",
                                 "module.budget.aws_ce_anomaly_subscription.this[0]"]
    budget = resources["module.budget.aws_budgets_budget.monthly"]
    limit = (budget["limit_amount"], budget["limit_unit"], budget["time_unit"])
    assert limit == ("1500.00", "USD", "MONTHLY")
    assert budget["cost_filter"] == [{"name": "TagKeyValue", "values": ["user:Environment$prod"]}]
    alerts = sorted((n["notification_type"], n["threshold"], tuple(n["subscriber_email_addresses"]))
                    for n in budget["notification"])
    assert alerts == [("ACTUAL", 80, ("platform-team@example.com",)),
                      ("ACTUAL", 100, ("platform-team@example.com",)),
                      ("FORECASTED", 100, ("platform-team@example.com",))]
    monitor = resources["module.budget.aws_ce_anomaly_monitor.services[0]"]
    assert (monitor["monitor_type"], monitor["monitor_dimension"]) == ("DIMENSIONAL", "SERVICE")
    subscription = resources["module.budget.aws_ce_anomaly_subscription.this[0]"]
    assert subscription["frequency"] == "DAILY"  # email subscribers get the digest
    assert subscription["subscriber"] == [{"type": "EMAIL", "address": "platform-team@example.com"}]
    (dimension,) = subscription["threshold_expression"][0]["dimension"]
    assert (dimension["key"], dimension["values"]) == ("ANOMALY_TOTAL_IMPACT_ABSOLUTE", ["50"])

    # Anomaly detection is per account: a second root turns it off.
    without_anomalies = planned(example.plan(anomaly_detection=False))
    assert sorted(without_anomalies) == ["module.budget.aws_budgets_budget.monthly"]


def test_budget_applies_reads_its_alerts_back_and_destroys(
        emulator: Emulator, tmp_path_factory: pytest.TempPathFactory) -> None:
    # What a root without anomaly detection applies (all but the account's one owner of it).
    example = ModuleExample("budget", emulator, tmp_path_factory.mktemp("budget-applied"),
                            variables={"anomaly_detection": False})
    try:
        outputs = example.apply()
        budgets = client(emulator, "budgets")
        account = "123456789012"
        budget = budgets.describe_budget(AccountId=account, BudgetName=outputs["budget_name"])["Budget"]
        assert budget["BudgetLimit"] == {"Amount": "1500.0", "Unit": "USD"} or \
            float(budget["BudgetLimit"]["Amount"]) == 1500
        notifications = budgets.describe_notifications_for_budget(
            AccountId=account, BudgetName=outputs["budget_name"])["Notifications"]
        heard_by = {(n["NotificationType"], n["Threshold"]): budgets.describe_subscribers_for_notification(
            AccountId=account, BudgetName=outputs["budget_name"], Notification=n)["Subscribers"]
            for n in notifications}
        email = [{"SubscriptionType": "EMAIL", "Address": "platform-team@example.com"}]
        assert heard_by == {("ACTUAL", 80): email, ("ACTUAL", 100): email, ("FORECASTED", 100): email}
        assert example.replan_changes() == []
    finally:
        if example.applied:
            example.destroy()
    left = budgets.describe_budgets(AccountId=account).get("Budgets", [])
    assert outputs["budget_name"] not in [b["BudgetName"] for b in left]


# ---------------------------------------------------------------------------------------------
# backups (planned only: moto's AWS Backup has vaults and plans but no backup selections;
# docs/local-aws.md)
# ---------------------------------------------------------------------------------------------

def test_backups_copy_every_recovery_point_of_the_database_and_file_system_to_the_recovery_region(
        emulator: Emulator, tmp_path_factory: pytest.TempPathFactory) -> None:
    file_system = client(emulator, "efs").create_file_system(CreationToken="example-backups", Encrypted=True)
    database = client(emulator, "rds").create_db_instance(
        DBInstanceIdentifier="example-backups", Engine="postgres", DBInstanceClass="db.t4g.micro",
        AllocatedStorage=20, MasterUsername="app", MasterUserPassword="not-a-real-secret-1")["DBInstance"]
    protected = [database["DBInstanceArn"], file_system["FileSystemArn"]]
    example = ModuleExample("backups", emulator, tmp_path_factory.mktemp("backups"),
                            variables={"resource_arns": protected})
    plan = example.plan()
    resources = planned(plan)

    assert sorted(resources["module.backups.aws_backup_selection.this[0]"]["resources"]) == sorted(protected)
    (rule,) = resources["module.backups.aws_backup_plan.daily[0]"]["rule"]
    assert (rule["schedule"], rule["target_vault_name"]) == ("cron(0 3 * * ? *)", "example-prod")
    assert rule["lifecycle"][0]["delete_after"] == 35
    # The copy goes to the recovery region's vault, whose ARN (and so the copy block) is known
    # once that vault exists.
    changes = {c["address"]: c["change"] for c in plan["resource_changes"]}
    unknown_rule = changes["module.backups.aws_backup_plan.daily[0]"]["after_unknown"]["rule"][0]
    assert unknown_rule["copy_action"] is True
    call = plan["configuration"]["root_module"]["module_calls"]["backups"]["expressions"]
    assert "module.recovery_vault.vault_arn" in call["copy_destination_vault_arn"]["references"]
    assert call["copy_retention_days"]["constant_value"] == 90
    recovery_region = plan["configuration"]["provider_config"]["aws.recovery"]["expressions"]["region"]
    assert recovery_region == {"references": ["var.recovery_region"]}
    assert plan["variables"]["recovery_region"]["value"] == "us-west-2"

    # The recovery region holds only a vault: no plan, no role there.
    assert sorted(a for a in resources if a.startswith("module.recovery_vault.")) == [
        "module.recovery_vault.aws_backup_vault.this", "module.recovery_vault.aws_kms_alias.vault",
        "module.recovery_vault.aws_kms_key.vault"]
    attached = sorted(resources[a]["policy_arn"] for a in resources
                      if a.startswith("module.backups.aws_iam_role_policy_attachment.backup"))
    assert attached == ["arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
                        "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores"]


# ---------------------------------------------------------------------------------------------
# observability: the account's audit (CloudTrail, GuardDuty, AWS Config with managed rules)
# ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def audit(emulator: Emulator, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Applied]:
    example = ModuleExample("observability", emulator, tmp_path_factory.mktemp("observability"))
    try:
        yield example, example.apply()
    finally:
        if example.applied:
            example.destroy()


def test_config_records_everything_and_delivers_encrypted_to_the_audit_bucket(
        emulator: Emulator, audit: Applied) -> None:
    _, outputs = audit
    config = client(emulator, "config")
    (recorder,) = config.describe_configuration_recorders()["ConfigurationRecorders"]
    assert recorder["name"] == outputs["config_recorder_name"] == "example-prod"
    assert recorder["recordingGroup"]["allSupported"] is True
    assert recorder["recordingGroup"]["includeGlobalResourceTypes"] is True
    assert recorder["roleARN"].endswith(":role/example-prod-config")
    (status,) = config.describe_configuration_recorder_status()["ConfigurationRecordersStatus"]
    assert status["recording"] is True
    (channel,) = config.describe_delivery_channels()["DeliveryChannels"]
    assert channel["s3BucketName"] == outputs["audit_bucket_name"]
    assert (channel["s3KeyPrefix"], channel["s3KmsKeyArn"]) == ("config", outputs["kms_key_arn"])
    rules = {rule["Source"]["SourceIdentifier"]: rule
             for rule in config.describe_config_rules()["ConfigRules"]}
    assert sorted(rules) == ["CLOUD_TRAIL_ENABLED", "ENCRYPTED_VOLUMES",
                             "S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED"]
    assert {rule["Source"]["Owner"] for rule in rules.values()} == {"AWS"}
    assert outputs["config_rule_arns"] == {name: rule["ConfigRuleArn"] for name, rule in rules.items()}
    # The trail writes to the same bucket.
    (trail,) = client(emulator, "cloudtrail").describe_trails()["trailList"]
    assert trail["S3BucketName"] == outputs["audit_bucket_name"]


def test_config_role_is_config_s_alone_and_writes_only_under_its_prefix(
        emulator: Emulator, audit: Applied) -> None:
    _, outputs = audit
    iam = client(emulator, "iam")
    role = iam.get_role(RoleName="example-prod-config")["Role"]
    trust = parse_policy(role["AssumeRolePolicyDocument"], "trust")
    source = {"aws:SourceAccount": "123456789012"}
    assert trust_allows(trust, service="config.amazonaws.com", action="sts:AssumeRole", context=source)
    assert not trust_allows(trust, service="config.amazonaws.com", action="sts:AssumeRole",
                            context={"aws:SourceAccount": "210987654321"})
    assert not trust_allows(trust, service="lambda.amazonaws.com", action="sts:AssumeRole", context=source)
    attached = [p["PolicyArn"] for p in iam.list_attached_role_policies(RoleName="example-prod-config")[
        "AttachedPolicies"]]
    assert attached == ["arn:aws:iam::aws:policy/service-role/AWS_ConfigRole"]
    delivery = role_principal(emulator, "example-prod-config")
    bucket = f"arn:aws:s3:::{outputs['audit_bucket_name']}"

    def may(action: str, resource: str) -> bool:
        return evaluate(delivery, Request(action, resource)).allowed

    assert may("s3:PutObject", f"{bucket}/config/AWSLogs/123456789012/Config/us-east-1/snapshot.json.gz")
    assert not may("s3:PutObject", f"{bucket}/AWSLogs/123456789012/CloudTrail/forged.json.gz")
    assert not may("s3:DeleteObject", f"{bucket}/config/AWSLogs/123456789012/Config/x")
    assert may("kms:GenerateDataKey", outputs["kms_key_arn"])
    assert not may("kms:GenerateDataKey", "arn:aws:kms:us-east-1:123456789012:key/another-key")


def test_audit_replans_clean(audit: Applied) -> None:
    example, _ = audit
    assert example.replan_changes() == []


def test_audit_destroy_leaves_nothing(emulator: Emulator, audit: Applied) -> None:
    example, outputs = audit
    example.destroy()
    config = client(emulator, "config")
    assert config.describe_configuration_recorders()["ConfigurationRecorders"] == []
    assert config.describe_config_rules()["ConfigRules"] == []
    buckets = [b["Name"] for b in client(emulator, "s3").list_buckets()["Buckets"]]
    assert outputs["audit_bucket_name"] not in buckets
