# Scheduled and event-driven ECS tasks: each task runs on Fargate either on a schedule (EventBridge
# Scheduler: cron, rate or one-off) or when an EventBridge rule's pattern matches an event. Every task
# has its own task definition, execution role (pull, logs), task role (what its code may do), log
# group, dead-letter queue and invoke role; an invoke role may run only its own task definition in
# the given cluster and pass only its own task's two roles, to ECS only.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.name
  account_id = data.aws_caller_identity.current.account_id

  scheduled = { for key, task in var.tasks : key => task if task.schedule_expression != null }
  on_event  = { for key, task in var.tasks : key => task if task.event_pattern != null }

  log_group_prefix = "/ecs/${var.name}"
  # Rules are named <name>-<key>; their ARNs are known before they exist, which breaks the cycle
  # between a rule's target (needs the invoke role) and the role's trust (names the rule).
  rule_arns = {
    for key, task in local.on_event : key => (
      task.event_bus_name == "default"
      ? "arn:${local.partition}:events:${local.region}:${local.account_id}:rule/${var.name}-${key}"
      : "arn:${local.partition}:events:${local.region}:${local.account_id}:rule/${task.event_bus_name}/${var.name}-${key}"
    )
  }

  # ECR repository ARN of an ECR image reference, so the execution role pulls exactly that
  # repository. Null for images outside ECR.
  ecr_repository_arns = {
    for key, task in var.tasks : key => try(
      format("arn:%s:ecr:%s:%s:repository/%s", local.partition,
        regex("^([0-9]{12})\\.dkr\\.ecr\\.([a-z0-9-]+)\\.amazonaws\\.com[^/]*/([^@:]+)", task.image)[1],
        regex("^([0-9]{12})\\.dkr\\.ecr\\.([a-z0-9-]+)\\.amazonaws\\.com[^/]*/([^@:]+)", task.image)[0],
      regex("^([0-9]{12})\\.dkr\\.ecr\\.([a-z0-9-]+)\\.amazonaws\\.com[^/]*/([^@:]+)", task.image)[2]),
      null
    )
  }
}

# ---------------------------------------------------------------------------------------------
# KMS key for the log groups and the dead-letter queues
# ---------------------------------------------------------------------------------------------
resource "aws_kms_key" "this" {
  description             = "Encrypts the ${var.name} scheduled tasks' logs, schedules and dead-letter queues"
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_key_deletion_window_in_days

  # A key policy's "*" resource means this key. (jsonencode, not aws_iam_policy_document: checkov
  # reads the latter as an identity policy and flags the "*".)
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat(
      [
        {
          Sid       = "EnableIamPolicies"
          Effect    = "Allow"
          Principal = { AWS = "arn:${local.partition}:iam::${local.account_id}:root" }
          Action    = "kms:*"
          Resource  = "*"
        },
        {
          Sid       = "CloudWatchLogs"
          Effect    = "Allow"
          Principal = { Service = "logs.${local.region}.amazonaws.com" }
          Action    = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"]
          Resource  = "*"
          Condition = {
            ArnLike = {
              "kms:EncryptionContext:aws:logs:arn" = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${local.log_group_prefix}/*"
            }
          }
        },
      ],
      # EventBridge itself (not a role) writes a rule's undeliverable events to its dead-letter queue.
      length(local.on_event) == 0 ? [] : [
        {
          Sid       = "EventBridgeDeadLetters"
          Effect    = "Allow"
          Principal = { Service = "events.amazonaws.com" }
          Action    = ["kms:Decrypt", "kms:GenerateDataKey"]
          Resource  = "*"
          Condition = {
            ArnEquals = { "aws:SourceArn" = values(local.rule_arns) }
          }
        },
      ],
    )
  })

  tags = var.tags
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.name}-scheduled-tasks"
  target_key_id = aws_kms_key.this.key_id
}

resource "aws_cloudwatch_log_group" "task" {
  for_each = var.tasks

  name              = "${local.log_group_prefix}/${each.key}"
  retention_in_days = var.log_retention_in_days
  kms_key_id        = aws_kms_key.this.arn

  tags = var.tags
}

resource "aws_sqs_queue" "dlq" {
  for_each = var.tasks

  name                      = "${var.name}-${each.key}-dlq"
  message_retention_seconds = 1209600
  kms_master_key_id         = aws_kms_key.this.arn

  tags = var.tags
}

# ---------------------------------------------------------------------------------------------
# Per task: execution role, task role, task definition
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
  for_each = var.tasks

  name                 = "${var.name}-${each.key}-execution"
  description          = "ECS agent role of the ${var.name}-${each.key} task: pulls its image, writes its logs"
  assume_role_policy   = data.aws_iam_policy_document.ecs_tasks_assume.json
  permissions_boundary = var.permissions_boundary_arn

  tags = var.tags
}

data "aws_iam_policy_document" "execution" {
  for_each = var.tasks

  # GetAuthorizationToken has no resource-level permissions: AWS only accepts "*" here.
  dynamic "statement" {
    for_each = local.ecr_repository_arns[each.key] == null ? [] : [1]

    content {
      sid       = "EcrLogin"
      actions   = ["ecr:GetAuthorizationToken"]
      resources = ["*"]
    }
  }

  dynamic "statement" {
    for_each = local.ecr_repository_arns[each.key] == null ? [] : [local.ecr_repository_arns[each.key]]

    content {
      sid       = "EcrPullTheTaskImage"
      actions   = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
      resources = [statement.value]
    }
  }

  statement {
    sid       = "WriteTaskLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.task[each.key].arn}:*"]
  }
}

resource "aws_iam_role_policy" "execution" {
  for_each = var.tasks

  name   = "ecs-agent"
  role   = aws_iam_role.execution[each.key].id
  policy = data.aws_iam_policy_document.execution[each.key].json
}

resource "aws_iam_role" "task" {
  for_each = var.tasks

  name                 = "${var.name}-${each.key}-task"
  description          = "Application role of the ${var.name}-${each.key} task"
  assume_role_policy   = data.aws_iam_policy_document.ecs_tasks_assume.json
  permissions_boundary = var.permissions_boundary_arn

  tags = var.tags
}

resource "aws_iam_role_policy" "task" {
  for_each = { for key, task in var.tasks : key => task if task.task_role_policy_json != null }

  name   = "application"
  role   = aws_iam_role.task[each.key].id
  policy = each.value.task_role_policy_json
}

resource "aws_ecs_task_definition" "task" {
  for_each = var.tasks

  family                   = "${var.name}-${each.key}"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = tostring(each.value.cpu)
  memory                   = tostring(each.value.memory)
  execution_role_arn       = aws_iam_role.execution[each.key].arn
  task_role_arn            = aws_iam_role.task[each.key].arn

  container_definitions = jsonencode([merge(
    {
      name      = each.key
      image     = each.value.image
      essential = true
      # Sorted so the rendered JSON (and therefore the plan) is stable.
      environment            = [for name in sort(keys(each.value.environment)) : { name = name, value = each.value.environment[name] }]
      readonlyRootFilesystem = true
      # A writable scratch directory despite the read-only root.
      mountPoints    = [{ sourceVolume = "tmp", containerPath = "/tmp", readOnly = false }]
      portMappings   = []
      volumesFrom    = []
      systemControls = []
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = aws_cloudwatch_log_group.task[each.key].name
          awslogs-region        = local.region
          awslogs-stream-prefix = each.key
        }
      }
    },
    length(each.value.command) == 0 ? {} : { command = each.value.command },
  )])

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = each.value.cpu_architecture
  }

  volume {
    name = "tmp"
  }

  tags = var.tags
}

# ---------------------------------------------------------------------------------------------
# Invoke roles: run exactly this task definition in this cluster, pass exactly its two roles
# ---------------------------------------------------------------------------------------------
data "aws_iam_policy_document" "invoke_assume" {
  for_each = var.tasks

  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = [each.value.schedule_expression != null ? "scheduler.amazonaws.com" : "events.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values = [each.value.schedule_expression != null
        ? "arn:${local.partition}:scheduler:${local.region}:${local.account_id}:schedule/${var.name}/${var.name}-${each.key}"
      : local.rule_arns[each.key]]
    }
  }
}

resource "aws_iam_role" "invoke" {
  for_each = var.tasks

  name                 = "${var.name}-${each.key}-invoke"
  description          = "Lets ${each.value.schedule_expression != null ? "EventBridge Scheduler" : "the EventBridge rule"} start the ${var.name}-${each.key} task"
  assume_role_policy   = data.aws_iam_policy_document.invoke_assume[each.key].json
  permissions_boundary = var.permissions_boundary_arn

  tags = var.tags
}

data "aws_iam_policy_document" "invoke" {
  for_each = var.tasks

  statement {
    sid     = "RunOwnTaskDefinition"
    actions = ["ecs:RunTask"]
    # Any revision of the task's own family: a revision registered outside Terraform (a deploy)
    # stays runnable, nothing else does.
    resources = ["arn:${local.partition}:ecs:${local.region}:${local.account_id}:task-definition/${aws_ecs_task_definition.task[each.key].family}:*"]

    condition {
      test     = "ArnEquals"
      variable = "ecs:cluster"
      values   = [var.cluster_arn]
    }
  }

  statement {
    sid       = "PassOwnTaskRoles"
    actions   = ["iam:PassRole"]
    resources = [aws_iam_role.execution[each.key].arn, aws_iam_role.task[each.key].arn]

    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["ecs-tasks.amazonaws.com"]
    }
  }

  # EventBridge Scheduler writes undeliverable invocations to the dead-letter queue with this role
  # (an EventBridge rule does so as the service itself: the queue policy below).
  dynamic "statement" {
    for_each = each.value.schedule_expression != null ? [1] : []

    content {
      sid       = "DeadLetters"
      actions   = ["sqs:SendMessage"]
      resources = [aws_sqs_queue.dlq[each.key].arn]
    }
  }

  dynamic "statement" {
    for_each = each.value.schedule_expression != null ? [1] : []

    content {
      sid       = "EncryptDeadLetters"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources = [aws_kms_key.this.arn]
    }
  }
}

resource "aws_iam_role_policy" "invoke" {
  for_each = var.tasks

  name   = "run-task"
  role   = aws_iam_role.invoke[each.key].id
  policy = data.aws_iam_policy_document.invoke[each.key].json
}

# ---------------------------------------------------------------------------------------------
# Schedules (EventBridge Scheduler)
# ---------------------------------------------------------------------------------------------
resource "aws_scheduler_schedule_group" "this" {
  count = length(local.scheduled) == 0 ? 0 : 1

  name = var.name

  tags = var.tags
}

resource "aws_scheduler_schedule" "task" {
  for_each = local.scheduled

  name                         = "${var.name}-${each.key}"
  group_name                   = aws_scheduler_schedule_group.this[0].name
  description                  = "Runs the ${var.name}-${each.key} ECS task"
  schedule_expression          = each.value.schedule_expression
  schedule_expression_timezone = each.value.schedule_timezone
  state                        = each.value.enabled ? "ENABLED" : "DISABLED"
  # The schedule's target parameters (cluster, network, roles) are encrypted with the module's key.
  kms_key_arn = aws_kms_key.this.arn

  flexible_time_window {
    mode = "OFF"
  }

  target {
    arn      = var.cluster_arn
    role_arn = aws_iam_role.invoke[each.key].arn

    ecs_parameters {
      task_definition_arn = aws_ecs_task_definition.task[each.key].arn
      launch_type         = "FARGATE"
      platform_version    = var.platform_version
      task_count          = 1

      network_configuration {
        subnets          = var.subnet_ids
        security_groups  = var.security_group_ids
        assign_public_ip = false
      }
    }

    dead_letter_config {
      arn = aws_sqs_queue.dlq[each.key].arn
    }

    retry_policy {
      maximum_retry_attempts       = var.maximum_retry_attempts
      maximum_event_age_in_seconds = var.maximum_event_age_in_seconds
    }
  }

  depends_on = [aws_iam_role_policy.invoke]
}

# ---------------------------------------------------------------------------------------------
# Event-driven tasks (EventBridge rules)
# ---------------------------------------------------------------------------------------------
resource "aws_cloudwatch_event_rule" "task" {
  for_each = local.on_event

  name           = "${var.name}-${each.key}"
  description    = "Runs the ${var.name}-${each.key} ECS task when an event matches"
  event_bus_name = each.value.event_bus_name
  event_pattern  = each.value.event_pattern
  state          = each.value.enabled ? "ENABLED" : "DISABLED"

  tags = var.tags
}

resource "aws_cloudwatch_event_target" "task" {
  for_each = local.on_event

  rule           = aws_cloudwatch_event_rule.task[each.key].name
  event_bus_name = each.value.event_bus_name
  target_id      = "run-task"
  arn            = var.cluster_arn
  role_arn       = aws_iam_role.invoke[each.key].arn

  ecs_target {
    task_definition_arn = aws_ecs_task_definition.task[each.key].arn
    launch_type         = "FARGATE"
    platform_version    = var.platform_version
    task_count          = 1

    network_configuration {
      subnets          = var.subnet_ids
      security_groups  = var.security_group_ids
      assign_public_ip = false
    }
  }

  dead_letter_config {
    arn = aws_sqs_queue.dlq[each.key].arn
  }

  retry_policy {
    maximum_retry_attempts       = var.maximum_retry_attempts
    maximum_event_age_in_seconds = var.maximum_event_age_in_seconds
  }

  depends_on = [aws_iam_role_policy.invoke, aws_sqs_queue_policy.rule_dead_letters]
}

# A rule's dead letters are sent by EventBridge itself, allowed for this rule only.
data "aws_iam_policy_document" "rule_dead_letters" {
  for_each = local.on_event

  statement {
    sid       = "RuleDeadLetters"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.dlq[each.key].arn]

    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }

    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [local.rule_arns[each.key]]
    }
  }
}

resource "aws_sqs_queue_policy" "rule_dead_letters" {
  for_each = local.on_event

  queue_url = aws_sqs_queue.dlq[each.key].id
  policy    = data.aws_iam_policy_document.rule_dead_letters[each.key].json
}
