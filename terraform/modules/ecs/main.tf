data "aws_region" "current" {}
data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  partition      = data.aws_partition.current.partition
  region         = data.aws_region.current.name
  account_id     = data.aws_caller_identity.current.account_id
  container_name = coalesce(var.container_name, var.service_name)
  family         = "${var.cluster_name}-${var.service_name}"

  # A service joining another instance's cluster uses that instance's key (its ARN is unknown until
  # created, so the count must not depend on it).
  create_kms_key = var.create_cluster ? var.log_kms_key_arn == null : false
  log_kms_arn    = local.create_kms_key ? aws_kms_key.logs[0].arn : var.log_kms_key_arn

  app_log_group  = "/ecs/${var.cluster_name}/${var.service_name}"
  exec_log_group = "/ecs/${var.cluster_name}/exec"

  # With create_cluster = false the service joins a cluster another instance of this module
  # created (same name, same exec log group); the ARNs follow from the names.
  cluster_arn        = var.create_cluster ? aws_ecs_cluster.this[0].arn : "arn:${local.partition}:ecs:${local.region}:${local.account_id}:cluster/${var.cluster_name}"
  exec_log_group_arn = var.create_cluster ? aws_cloudwatch_log_group.exec[0].arn : "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${local.exec_log_group}"

  # ECR repository ARN derived from an ECR image reference (<account>.dkr.ecr.<region>.amazonaws.com/<name>@sha256:...),
  # so the execution role can pull from exactly that repository. Null for images outside ECR.
  ecr_image_parts    = try(regex("^([0-9]{12})\\.dkr\\.ecr\\.([a-z0-9-]+)\\.amazonaws\\.com[^/]*/([^@]+)@", var.image), null)
  ecr_repository_arn = local.ecr_image_parts == null ? null : "arn:${local.partition}:ecr:${local.ecr_image_parts[1]}:${local.ecr_image_parts[0]}:repository/${local.ecr_image_parts[2]}"

  # A secret reference may carry a `:json-key:version-stage:version-id` suffix; IAM wants the
  # secret ARN itself (the first seven colon-separated fields).
  secret_arns = distinct([for arn in values(var.secrets) :
    startswith(split(":", arn)[2], "secretsmanager") ? join(":", slice(split(":", arn), 0, 7)) : arn
  ])
  secretsmanager_arns = [for arn in local.secret_arns : arn if split(":", arn)[2] == "secretsmanager"]
  ssm_parameter_arns  = [for arn in local.secret_arns : arn if split(":", arn)[2] == "ssm"]

  # The X-Ray daemon sidecar listens on UDP 2000; tasks share one network namespace (awsvpc), so
  # the app reaches it on localhost.
  xray_daemon_address = "127.0.0.1:2000"
  app_environment     = merge(var.xray_daemon ? { AWS_XRAY_DAEMON_ADDRESS = local.xray_daemon_address } : {}, var.environment)

  container_definition = merge(
    {
      name      = local.container_name
      image     = var.image
      essential = true
      portMappings = [{
        containerPort = var.container_port
        hostPort      = var.container_port
        protocol      = "tcp"
      }]
      # Sorted lists so the rendered JSON (and therefore the plan) is stable.
      environment            = [for name in sort(keys(local.app_environment)) : { name = name, value = local.app_environment[name] }]
      secrets                = [for name in sort(keys(var.secrets)) : { name = name, valueFrom = var.secrets[name] }]
      readonlyRootFilesystem = var.readonly_root_filesystem
      # A writable scratch directory for applications that need one despite the read-only root.
      mountPoints = concat(
        [{ sourceVolume = "tmp", containerPath = "/tmp", readOnly = false }],
        var.efs_volume == null ? [] : [{ sourceVolume = "efs", containerPath = var.efs_volume.container_path, readOnly = var.efs_volume.read_only }],
      )
      volumesFrom    = []
      systemControls = []
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = aws_cloudwatch_log_group.app.name
          awslogs-region        = local.region
          awslogs-stream-prefix = var.service_name
        }
      }
    },
    var.container_health_check == null ? {} : {
      healthCheck = {
        command     = var.container_health_check.command
        interval    = var.container_health_check.interval
        timeout     = var.container_health_check.timeout
        retries     = var.container_health_check.retries
        startPeriod = var.container_health_check.start_period
      }
    },
  )

  # Not essential: a daemon that dies costs traces, not the service.
  xray_container_definition = {
    name                   = "xray-daemon"
    image                  = var.xray_daemon_image
    essential              = false
    cpu                    = 32
    memoryReservation      = 256
    portMappings           = [{ containerPort = 2000, hostPort = 2000, protocol = "udp" }]
    environment            = []
    secrets                = []
    readonlyRootFilesystem = true
    mountPoints            = []
    volumesFrom            = []
    systemControls         = []
    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group         = aws_cloudwatch_log_group.app.name
        awslogs-region        = local.region
        awslogs-stream-prefix = "xray"
      }
    }
  }
  container_definitions = concat([local.container_definition], var.xray_daemon ? [local.xray_container_definition] : [])

  # FARGATE keeps the launch type (no strategy): existing services stay as they are.
  capacity_provider_strategy = {
    FARGATE      = []
    FARGATE_SPOT = [{ capacity_provider = "FARGATE_SPOT", weight = 1, base = 0 }]
    mixed = [
      { capacity_provider = "FARGATE", weight = var.mixed_weights.on_demand, base = var.mixed_on_demand_base },
      { capacity_provider = "FARGATE_SPOT", weight = var.mixed_weights.spot, base = 0 },
    ]
  }[var.capacity]

  # Deployment alarms on the service's own target group: an explicit switch, decidable at plan
  # time (the target group's and load balancer's ARNs are unknown until they exist).
  target_group_alarms = var.deployment_alarms == null ? false : var.deployment_alarms.target_group_alarms
  target_group_suffix = var.target_group_arn == null ? null : element(split(":", var.target_group_arn), 5)
  deployment_alarm_names = var.deployment_alarms == null ? [] : concat(
    [for alarm in aws_cloudwatch_metric_alarm.deployment : alarm.alarm_name],
    var.deployment_alarms.alarm_names,
  )
}

# ---------------------------------------------------------------------------------------------
# Logs (application and ECS Exec sessions), KMS-encrypted
# ---------------------------------------------------------------------------------------------

data "aws_iam_policy_document" "kms" {
  #checkov:skip=CKV_AWS_109:This is a KMS key policy: "*" as resource means this key only, and the administering principal is the account itself. exp:2027-02-19
  #checkov:skip=CKV_AWS_111:This is a KMS key policy: "*" as resource means this key only, and the administering principal is the account itself. exp:2027-02-19
  #checkov:skip=CKV_AWS_356:This is a KMS key policy: "*" as resource means this key only (key policies cannot name the key they are attached to). exp:2027-02-19
  count = local.create_kms_key ? 1 : 0

  statement {
    sid       = "AccountAdministers"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }

  statement {
    sid       = "CloudWatchLogsUsesKey"
    actions   = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["logs.${local.region}.amazonaws.com"]
    }

    condition {
      test     = "ArnLike"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = ["arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:/ecs/${var.cluster_name}/*"]
    }
  }
}

resource "aws_kms_key" "logs" {
  count = local.create_kms_key ? 1 : 0

  description             = "Encrypts the ECS log groups and exec sessions of ${var.cluster_name}"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.kms[0].json

  tags = var.tags
}

resource "aws_kms_alias" "logs" {
  count = local.create_kms_key ? 1 : 0

  name          = "alias/${var.cluster_name}-${var.service_name}-logs"
  target_key_id = aws_kms_key.logs[0].key_id
}

resource "aws_cloudwatch_log_group" "app" {
  name              = local.app_log_group
  retention_in_days = var.log_retention_days
  kms_key_id        = local.log_kms_arn

  tags = var.tags
}

resource "aws_cloudwatch_log_group" "exec" {
  count = var.create_cluster ? 1 : 0

  name              = local.exec_log_group
  retention_in_days = var.log_retention_days
  kms_key_id        = local.log_kms_arn

  tags = var.tags
}

# ---------------------------------------------------------------------------------------------
# Cluster
# ---------------------------------------------------------------------------------------------

resource "aws_ecs_cluster" "this" {
  count = var.create_cluster ? 1 : 0

  name = var.cluster_name

  setting {
    name  = "containerInsights"
    value = var.container_insights
  }

  configuration {
    execute_command_configuration {
      kms_key_id = local.log_kms_arn
      logging    = "OVERRIDE"

      log_configuration {
        cloud_watch_encryption_enabled = true
        cloud_watch_log_group_name     = aws_cloudwatch_log_group.exec[0].name
      }
    }
  }

  tags = var.tags
}

resource "aws_ecs_cluster_capacity_providers" "this" {
  count = var.create_cluster ? 1 : 0

  cluster_name       = aws_ecs_cluster.this[0].name
  capacity_providers = ["FARGATE", "FARGATE_SPOT"]

  default_capacity_provider_strategy {
    capacity_provider = "FARGATE"
    weight            = 1
    base              = 0
  }
}

# ---------------------------------------------------------------------------------------------
# IAM: execution role (ECS agent: pull the image, write logs, read secrets) and task role (app)
# ---------------------------------------------------------------------------------------------

data "aws_iam_policy_document" "ecs_tasks_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["arn:${local.partition}:ecs:${local.region}:${local.account_id}:*"]
    }
  }
}

resource "aws_iam_role" "execution" {
  name                 = "${var.cluster_name}-${var.service_name}-execution"
  permissions_boundary = var.permissions_boundary_arn
  description          = "ECS agent role of ${local.family}: pulls the image, writes logs, reads the task's secrets"
  assume_role_policy   = data.aws_iam_policy_document.ecs_tasks_assume.json

  tags = var.tags
}

data "aws_iam_policy_document" "execution" {
  # GetAuthorizationToken has no resource-level permissions: AWS only accepts "*" here.
  dynamic "statement" {
    for_each = local.ecr_repository_arn == null ? [] : [1]

    content {
      sid       = "EcrLogin"
      actions   = ["ecr:GetAuthorizationToken"]
      resources = ["*"]
    }
  }

  dynamic "statement" {
    for_each = local.ecr_repository_arn == null ? [] : [local.ecr_repository_arn]

    content {
      sid       = "EcrPullTheServiceImage"
      actions   = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
      resources = [statement.value]
    }
  }

  statement {
    sid       = "WriteContainerLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.app.arn}:*"]
  }

  dynamic "statement" {
    for_each = length(local.secretsmanager_arns) > 0 ? [1] : []

    content {
      sid       = "ReadTaskSecrets"
      actions   = ["secretsmanager:GetSecretValue"]
      resources = local.secretsmanager_arns
    }
  }

  dynamic "statement" {
    for_each = length(local.ssm_parameter_arns) > 0 ? [1] : []

    content {
      sid       = "ReadTaskParameters"
      actions   = ["ssm:GetParameters"]
      resources = local.ssm_parameter_arns
    }
  }

  dynamic "statement" {
    for_each = length(var.secrets_kms_key_arns) > 0 ? [1] : []

    content {
      sid       = "DecryptTaskSecrets"
      actions   = ["kms:Decrypt"]
      resources = var.secrets_kms_key_arns
    }
  }
}

resource "aws_iam_role_policy" "execution" {
  name   = "ecs-agent"
  role   = aws_iam_role.execution.id
  policy = data.aws_iam_policy_document.execution.json
}

resource "aws_iam_role" "task" {
  name                 = "${var.cluster_name}-${var.service_name}-task"
  permissions_boundary = var.permissions_boundary_arn
  description          = "Application role of ${local.family}"
  assume_role_policy   = data.aws_iam_policy_document.ecs_tasks_assume.json

  tags = var.tags
}

resource "aws_iam_role_policy" "task_app" {
  count = var.task_role_policy_json == null ? 0 : 1

  name   = "application"
  role   = aws_iam_role.task.id
  policy = var.task_role_policy_json
}

data "aws_iam_policy_document" "task_exec" {
  count = var.enable_execute_command ? 1 : 0

  # The SSM Session Manager channel used by ECS Exec supports no resource-level permissions.
  statement {
    sid       = "EcsExecChannel"
    actions   = ["ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"]
    resources = ["*"]
  }

  statement {
    sid       = "EcsExecSessionLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"]
    resources = [local.exec_log_group_arn, "${local.exec_log_group_arn}:*"]
  }

  statement {
    sid       = "EcsExecDescribeLogGroups"
    actions   = ["logs:DescribeLogGroups"]
    resources = ["arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:*"]
  }

  statement {
    sid       = "EcsExecEncryption"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [local.log_kms_arn]
  }
}

# X-Ray accepts no resource-level permissions for these actions: "*" is the only resource.
data "aws_iam_policy_document" "task_xray" {
  count = var.xray_daemon ? 1 : 0

  statement {
    sid       = "XrayDaemonSendsTraces"
    actions   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets", "xray:GetSamplingStatisticSummaries"]
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "task_xray" {
  count = var.xray_daemon ? 1 : 0

  name   = "xray-daemon"
  role   = aws_iam_role.task.id
  policy = data.aws_iam_policy_document.task_xray[0].json
}

resource "aws_iam_role_policy" "task_exec" {
  count = var.enable_execute_command ? 1 : 0

  name   = "ecs-exec"
  role   = aws_iam_role.task.id
  policy = data.aws_iam_policy_document.task_exec[0].json
}

# ---------------------------------------------------------------------------------------------
# Task definition and service
# ---------------------------------------------------------------------------------------------

resource "aws_ecs_task_definition" "this" {
  family                   = local.family
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = tostring(var.cpu)
  memory                   = tostring(var.memory)
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = aws_iam_role.task.arn
  container_definitions    = jsonencode(local.container_definitions)

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = var.cpu_architecture
  }

  volume {
    name = "tmp"
  }

  # The EFS file system (efs_volume), only through its access point, encrypted in transit and
  # authorized by the task role.
  dynamic "volume" {
    for_each = var.efs_volume == null ? [] : [var.efs_volume]

    content {
      name = "efs"

      efs_volume_configuration {
        file_system_id     = volume.value.file_system_id
        transit_encryption = "ENABLED"

        authorization_config {
          access_point_id = volume.value.access_point_id
          iam             = "ENABLED"
        }
      }
    }
  }

  # Keep superseded revisions registered: the deployment circuit breaker rolls back to the
  # previous revision, and the deployer may still be running one Terraform no longer declares.
  skip_destroy = true

  tags = var.tags
}

resource "aws_ecs_service" "this" {
  name                               = var.service_name
  cluster                            = local.cluster_arn
  task_definition                    = aws_ecs_task_definition.this.arn
  desired_count                      = var.desired_count
  launch_type                        = var.capacity == "FARGATE" ? "FARGATE" : null
  platform_version                   = var.platform_version
  deployment_minimum_healthy_percent = var.deployment_minimum_healthy_percent
  deployment_maximum_percent         = var.deployment_maximum_percent
  health_check_grace_period_seconds  = var.target_group_arn == null ? null : var.health_check_grace_period_seconds
  enable_execute_command             = var.enable_execute_command
  enable_ecs_managed_tags            = true
  propagate_tags                     = "SERVICE"
  wait_for_steady_state              = false

  deployment_controller {
    type = "ECS"
  }

  # A deployment whose tasks never become healthy stops and rolls back to the last good one.
  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  # ...and a deployment during which one of these alarms fires stops (and rolls back) too: the
  # circuit breaker cannot see tasks that start and pass health checks but answer with errors.
  dynamic "alarms" {
    for_each = length(local.deployment_alarm_names) > 0 ? [var.deployment_alarms] : []

    content {
      alarm_names = local.deployment_alarm_names
      enable      = true
      rollback    = alarms.value.rollback
    }
  }

  dynamic "capacity_provider_strategy" {
    for_each = local.capacity_provider_strategy

    content {
      capacity_provider = capacity_provider_strategy.value.capacity_provider
      weight            = capacity_provider_strategy.value.weight
      base              = capacity_provider_strategy.value.base
    }
  }

  network_configuration {
    subnets          = var.subnet_ids
    security_groups  = var.security_group_ids
    assign_public_ip = false
  }

  dynamic "load_balancer" {
    for_each = var.target_group_arn == null ? [] : [var.target_group_arn]

    content {
      target_group_arn = load_balancer.value
      container_name   = local.container_name
      container_port   = var.container_port
    }
  }

  # Service discovery: ECS registers each task's IP address (awsvpc: an A record) and removes it
  # when the task stops.
  dynamic "service_registries" {
    for_each = var.service_registry_arn == null ? [] : [var.service_registry_arn]

    content {
      registry_arn = service_registries.value
    }
  }

  tags = var.tags

  lifecycle {
    # task_definition: Terraform creates the service with the revision it declares, but rollouts
    # belong to the deployer (`pipeline-tools deploy`), which registers a revision with the new
    # digest and follows the deployment to the end. Without this, every plan after a deploy would
    # show a diff and an apply would silently roll the service back (docs/architecture.md).
    # desired_count: Application Auto Scaling changes it at run time; Terraform only sets the
    # initial count.
    ignore_changes = [task_definition, desired_count]
  }
}

# ---------------------------------------------------------------------------------------------
# Deployment alarms (optional): what the service's users see, on its own target group
# ---------------------------------------------------------------------------------------------

resource "aws_cloudwatch_metric_alarm" "deployment" {
  for_each = local.target_group_alarms ? {
    target-5xx = {
      description = "Targets of ${local.family} answer with 5xx: a deployment in progress stops and rolls back."
      metric      = "HTTPCode_Target_5XX_Count"
      statistic   = "Sum"
      threshold   = var.deployment_alarms.target_5xx_threshold
    }
    unhealthy-hosts = {
      description = "Targets of ${local.family} fail their health checks: a deployment in progress stops and rolls back."
      metric      = "UnHealthyHostCount"
      statistic   = "Maximum"
      threshold   = var.deployment_alarms.unhealthy_hosts_threshold
    }
  } : {}

  alarm_name          = "${local.family}-${each.key}"
  alarm_description   = each.value.description
  namespace           = "AWS/ApplicationELB"
  metric_name         = each.value.metric
  statistic           = each.value.statistic
  period              = 60
  evaluation_periods  = var.deployment_alarms.evaluation_periods
  threshold           = each.value.threshold
  comparison_operator = "GreaterThanOrEqualToThreshold"
  # No requests, no 5xx: missing data is not a failure.
  treat_missing_data = "notBreaching"
  alarm_actions      = var.alarm_topic_arns
  ok_actions         = var.alarm_topic_arns

  dimensions = {
    LoadBalancer = var.load_balancer_arn_suffix
    TargetGroup  = local.target_group_suffix
  }

  tags = var.tags

  lifecycle {
    precondition {
      condition     = var.target_group_arn != null && var.load_balancer_arn_suffix != null
      error_message = "deployment_alarms.target_group_alarms needs target_group_arn and load_balancer_arn_suffix (or set it to false)."
    }
  }
}

# ---------------------------------------------------------------------------------------------
# Autoscaling (optional)
# ---------------------------------------------------------------------------------------------

resource "aws_appautoscaling_target" "this" {
  count = var.enable_autoscaling ? 1 : 0

  service_namespace  = "ecs"
  resource_id        = "service/${var.cluster_name}/${aws_ecs_service.this.name}"
  scalable_dimension = "ecs:service:DesiredCount"
  min_capacity       = var.min_capacity
  max_capacity       = var.max_capacity

  tags = var.tags

  lifecycle {
    precondition {
      condition     = var.min_capacity <= var.max_capacity
      error_message = "min_capacity must not exceed max_capacity."
    }
  }
}

resource "aws_appautoscaling_policy" "cpu" {
  count = var.enable_autoscaling ? 1 : 0

  name               = "${local.family}-cpu"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.this[0].service_namespace
  resource_id        = aws_appautoscaling_target.this[0].resource_id
  scalable_dimension = aws_appautoscaling_target.this[0].scalable_dimension

  target_tracking_scaling_policy_configuration {
    target_value       = var.cpu_target_percent
    scale_in_cooldown  = var.scale_in_cooldown_seconds
    scale_out_cooldown = var.scale_out_cooldown_seconds

    predefined_metric_specification {
      predefined_metric_type = "ECSServiceAverageCPUUtilization"
    }
  }
}

resource "aws_appautoscaling_policy" "memory" {
  count = var.enable_autoscaling ? 1 : 0

  name               = "${local.family}-memory"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.this[0].service_namespace
  resource_id        = aws_appautoscaling_target.this[0].resource_id
  scalable_dimension = aws_appautoscaling_target.this[0].scalable_dimension

  target_tracking_scaling_policy_configuration {
    target_value       = var.memory_target_percent
    scale_in_cooldown  = var.scale_in_cooldown_seconds
    scale_out_cooldown = var.scale_out_cooldown_seconds

    predefined_metric_specification {
      predefined_metric_type = "ECSServiceAverageMemoryUtilization"
    }
  }
}

resource "aws_appautoscaling_scheduled_action" "this" {
  for_each = var.enable_autoscaling ? var.scheduled_actions : {}

  name               = "${local.family}-${each.key}"
  service_namespace  = aws_appautoscaling_target.this[0].service_namespace
  resource_id        = aws_appautoscaling_target.this[0].resource_id
  scalable_dimension = aws_appautoscaling_target.this[0].scalable_dimension
  schedule           = each.value.schedule
  timezone           = each.value.timezone

  scalable_target_action {
    min_capacity = each.value.min_capacity
    max_capacity = each.value.max_capacity
  }
}

# The cluster became optional (create_cluster); existing state keeps its objects.
moved {
  from = aws_ecs_cluster.this
  to   = aws_ecs_cluster.this[0]
}

moved {
  from = aws_ecs_cluster_capacity_providers.this
  to   = aws_ecs_cluster_capacity_providers.this[0]
}

moved {
  from = aws_cloudwatch_log_group.exec
  to   = aws_cloudwatch_log_group.exec[0]
}
