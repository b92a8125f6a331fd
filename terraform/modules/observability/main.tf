# What tells the team something is wrong: alarms on ECS services (CPU, memory), the load balancer
# (5xx) and RDS (CPU, free storage) to a KMS-encrypted SNS topic; a dashboard of the same metrics;
# a multi-region CloudTrail trail with log file validation into an encrypted, private bucket and
# CloudWatch Logs; a GuardDuty detector whose serious findings go to the same topic; an AWS Config
# recorder with managed rules, delivering to the trail's bucket.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.name
  account_id = data.aws_caller_identity.current.account_id

  trail_name           = "${var.name}-trail"
  trail_arn            = "arn:${local.partition}:cloudtrail:${local.region}:${local.account_id}:trail/${local.trail_name}"
  trail_bucket         = "${var.name}-trail-${local.account_id}"
  trail_log_group_name = "/aws/cloudtrail/${var.name}"
  config_enabled       = var.enable_config ? 1 : 0
  # The trail's bucket is the audit bucket: CloudTrail's log files and AWS Config's deliveries.
  audit_bucket_count = var.enable_cloudtrail || var.enable_config ? 1 : 0
  config_key_prefix  = "config"
  alarm_actions      = [aws_sns_topic.alerts.arn]

  ecs_services = var.ecs_cluster_name == null ? toset([]) : toset(var.ecs_service_names)
  alb_enabled  = var.alb_arn_suffix != null
  rds_enabled  = var.rds_instance_identifier != null

  ecs_widgets = [for svc in local.ecs_services : {
    type   = "metric"
    width  = 12
    height = 6
    properties = {
      title  = "ECS ${svc}: CPU and memory (%)"
      region = local.region
      stat   = "Average"
      period = 300
      metrics = [
        ["AWS/ECS", "CPUUtilization", "ClusterName", var.ecs_cluster_name, "ServiceName", svc],
        ["AWS/ECS", "MemoryUtilization", "ClusterName", var.ecs_cluster_name, "ServiceName", svc],
      ]
    }
  }]
  alb_widgets = local.alb_enabled ? [{
    type   = "metric"
    width  = 12
    height = 6
    properties = {
      title  = "ALB: 5xx and target response time"
      region = local.region
      period = 300
      metrics = [
        ["AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", "LoadBalancer", var.alb_arn_suffix, { stat = "Sum" }],
        ["AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", "LoadBalancer", var.alb_arn_suffix, { stat = "Sum" }],
        ["AWS/ApplicationELB", "TargetResponseTime", "LoadBalancer", var.alb_arn_suffix, { stat = "p95", yAxis = "right" }],
      ]
    }
  }] : []
  rds_widgets = local.rds_enabled ? [{
    type   = "metric"
    width  = 12
    height = 6
    properties = {
      title  = "RDS ${var.rds_instance_identifier}: CPU (%) and free storage (bytes)"
      region = local.region
      period = 300
      stat   = "Average"
      metrics = [
        ["AWS/RDS", "CPUUtilization", "DBInstanceIdentifier", var.rds_instance_identifier],
        ["AWS/RDS", "FreeStorageSpace", "DBInstanceIdentifier", var.rds_instance_identifier, { yAxis = "right" }],
      ]
    }
  }] : []
  alarm_widget = [{
    type   = "alarm"
    width  = 24
    height = 4
    properties = {
      title = "Alarms"
      alarms = concat(
        [for a in aws_cloudwatch_metric_alarm.ecs_cpu : a.arn],
        [for a in aws_cloudwatch_metric_alarm.ecs_memory : a.arn],
        [for a in aws_cloudwatch_metric_alarm.alb_elb_5xx : a.arn],
        [for a in aws_cloudwatch_metric_alarm.alb_target_5xx : a.arn],
        [for a in aws_cloudwatch_metric_alarm.rds_cpu : a.arn],
        [for a in aws_cloudwatch_metric_alarm.rds_free_storage : a.arn],
      )
    }
  }]
}

# ---------------------------------------------------------------------------------------------
# KMS key: alerts topic, trail, trail log group
# ---------------------------------------------------------------------------------------------
resource "aws_kms_key" "this" {
  description             = "Encrypts the ${var.name} alerts topic, CloudTrail logs and their log group"
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_key_deletion_window_in_days

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "EnableIamPolicies"
        Effect    = "Allow"
        Principal = { AWS = "arn:${local.partition}:iam::${local.account_id}:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        # CloudWatch alarms and EventBridge publish to the encrypted topic.
        Sid       = "AlarmAndEventPublishers"
        Effect    = "Allow"
        Principal = { Service = ["cloudwatch.amazonaws.com", "events.amazonaws.com"] }
        Action    = ["kms:Decrypt", "kms:GenerateDataKey*"]
        Resource  = "*"
        Condition = {
          StringEquals = { "aws:SourceAccount" = local.account_id }
        }
      },
      {
        Sid       = "CloudTrailEncryptLogs"
        Effect    = "Allow"
        Principal = { Service = "cloudtrail.amazonaws.com" }
        Action    = "kms:GenerateDataKey*"
        Resource  = "*"
        Condition = {
          StringEquals = { "aws:SourceArn" = local.trail_arn }
          StringLike   = { "kms:EncryptionContext:aws:cloudtrail:arn" = "arn:${local.partition}:cloudtrail:*:${local.account_id}:trail/*" }
        }
      },
      {
        Sid       = "CloudTrailDescribeKey"
        Effect    = "Allow"
        Principal = { Service = "cloudtrail.amazonaws.com" }
        Action    = "kms:DescribeKey"
        Resource  = "*"
      },
      {
        # Whoever may read the trail bucket may decrypt its log files.
        Sid       = "AccountDecryptsLogFiles"
        Effect    = "Allow"
        Principal = { AWS = "arn:${local.partition}:iam::${local.account_id}:root" }
        Action    = ["kms:Decrypt", "kms:ReEncryptFrom"]
        Resource  = "*"
        Condition = {
          StringLike = { "kms:EncryptionContext:aws:cloudtrail:arn" = "arn:${local.partition}:cloudtrail:*:${local.account_id}:trail/*" }
        }
      },
      {
        Sid       = "CloudWatchLogs"
        Effect    = "Allow"
        Principal = { Service = "logs.${local.region}.amazonaws.com" }
        Action    = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"]
        Resource  = "*"
        Condition = {
          ArnEquals = {
            "kms:EncryptionContext:aws:logs:arn" = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${local.trail_log_group_name}"
          }
        }
      },
    ]
  })

  tags = var.tags
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.name}-observability"
  target_key_id = aws_kms_key.this.key_id
}

# ---------------------------------------------------------------------------------------------
# Alerts topic
# ---------------------------------------------------------------------------------------------
resource "aws_sns_topic" "alerts" {
  name              = "${var.name}-alerts"
  kms_master_key_id = aws_kms_key.this.arn

  tags = var.tags
}

resource "aws_sns_topic_policy" "alerts" {
  arn = aws_sns_topic.alerts.arn

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "CloudWatchAlarms"
        Effect    = "Allow"
        Principal = { Service = "cloudwatch.amazonaws.com" }
        Action    = "sns:Publish"
        Resource  = aws_sns_topic.alerts.arn
        Condition = {
          StringEquals = { "aws:SourceAccount" = local.account_id }
        }
      },
      {
        Sid       = "GuardDutyFindings"
        Effect    = "Allow"
        Principal = { Service = "events.amazonaws.com" }
        Action    = "sns:Publish"
        Resource  = aws_sns_topic.alerts.arn
        Condition = {
          StringEquals = { "aws:SourceAccount" = local.account_id }
        }
      },
    ]
  })
}

resource "aws_sns_topic_subscription" "email" {
  for_each = toset(var.alarm_email_addresses)

  topic_arn = aws_sns_topic.alerts.arn
  protocol  = "email"
  endpoint  = each.value
}

# ---------------------------------------------------------------------------------------------
# Alarms
# ---------------------------------------------------------------------------------------------
resource "aws_cloudwatch_metric_alarm" "ecs_cpu" {
  for_each = local.ecs_services

  alarm_name          = "${var.name}-ecs-${each.key}-cpu-high"
  alarm_description   = "ECS service ${each.key}: average CPU above ${var.cpu_utilization_threshold}% for 15 minutes"
  namespace           = "AWS/ECS"
  metric_name         = "CPUUtilization"
  dimensions          = { ClusterName = var.ecs_cluster_name, ServiceName = each.key }
  statistic           = "Average"
  period              = 300
  evaluation_periods  = 3
  threshold           = var.cpu_utilization_threshold
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "missing"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions

  tags = var.tags
}

resource "aws_cloudwatch_metric_alarm" "ecs_memory" {
  for_each = local.ecs_services

  alarm_name          = "${var.name}-ecs-${each.key}-memory-high"
  alarm_description   = "ECS service ${each.key}: average memory above ${var.memory_utilization_threshold}% for 15 minutes"
  namespace           = "AWS/ECS"
  metric_name         = "MemoryUtilization"
  dimensions          = { ClusterName = var.ecs_cluster_name, ServiceName = each.key }
  statistic           = "Average"
  period              = 300
  evaluation_periods  = 3
  threshold           = var.memory_utilization_threshold
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "missing"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions

  tags = var.tags
}

resource "aws_cloudwatch_metric_alarm" "alb_elb_5xx" {
  count = local.alb_enabled ? 1 : 0

  alarm_name          = "${var.name}-alb-elb-5xx"
  alarm_description   = "Load balancer returned more than ${var.alb_5xx_threshold} 5xx responses in 5 minutes (no healthy target, misrouting)"
  namespace           = "AWS/ApplicationELB"
  metric_name         = "HTTPCode_ELB_5XX_Count"
  dimensions          = { LoadBalancer = var.alb_arn_suffix }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = var.alb_5xx_threshold
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions

  tags = var.tags
}

resource "aws_cloudwatch_metric_alarm" "alb_target_5xx" {
  count = local.alb_enabled ? 1 : 0

  alarm_name          = "${var.name}-alb-target-5xx"
  alarm_description   = "Targets returned more than ${var.alb_5xx_threshold} 5xx responses in 5 minutes (application errors)"
  namespace           = "AWS/ApplicationELB"
  metric_name         = "HTTPCode_Target_5XX_Count"
  dimensions          = { LoadBalancer = var.alb_arn_suffix }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = var.alb_5xx_threshold
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions

  tags = var.tags
}

resource "aws_cloudwatch_metric_alarm" "rds_cpu" {
  count = local.rds_enabled ? 1 : 0

  alarm_name          = "${var.name}-rds-cpu-high"
  alarm_description   = "RDS ${var.rds_instance_identifier}: average CPU above ${var.cpu_utilization_threshold}% for 15 minutes"
  namespace           = "AWS/RDS"
  metric_name         = "CPUUtilization"
  dimensions          = { DBInstanceIdentifier = var.rds_instance_identifier }
  statistic           = "Average"
  period              = 300
  evaluation_periods  = 3
  threshold           = var.cpu_utilization_threshold
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "missing"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions

  tags = var.tags
}

resource "aws_cloudwatch_metric_alarm" "rds_free_storage" {
  count = local.rds_enabled ? 1 : 0

  alarm_name          = "${var.name}-rds-free-storage-low"
  alarm_description   = "RDS ${var.rds_instance_identifier}: free storage below ${var.rds_free_storage_threshold_bytes} bytes"
  namespace           = "AWS/RDS"
  metric_name         = "FreeStorageSpace"
  dimensions          = { DBInstanceIdentifier = var.rds_instance_identifier }
  statistic           = "Minimum"
  period              = 300
  evaluation_periods  = 1
  threshold           = var.rds_free_storage_threshold_bytes
  comparison_operator = "LessThanThreshold"
  treat_missing_data  = "breaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions

  tags = var.tags
}

resource "aws_cloudwatch_dashboard" "this" {
  dashboard_name = var.name
  dashboard_body = jsonencode({
    widgets = concat(local.alarm_widget, local.ecs_widgets, local.alb_widgets, local.rds_widgets)
  })
}

# ---------------------------------------------------------------------------------------------
# CloudTrail
# ---------------------------------------------------------------------------------------------
resource "aws_s3_bucket" "trail" {
  #checkov:skip=CKV_AWS_144:Audit logs stay in the account's home region; CloudTrail log file validation proves integrity, replication would double the cost. exp:2027-02-19
  #checkov:skip=CKV2_AWS_62:Trail log files are read by CloudWatch Logs and auditors, no consumer needs S3 events. exp:2027-02-19
  #checkov:skip=CKV_AWS_18:Access logging is configured by aws_s3_bucket_logging.trail when access_logs is given (the state-backend access-log bucket); checkov cannot follow that conditional. exp:2027-02-19
  count = local.audit_bucket_count

  bucket        = local.trail_bucket
  force_destroy = var.force_destroy
  tags          = var.tags
}

resource "aws_s3_bucket_ownership_controls" "trail" {
  count  = local.audit_bucket_count
  bucket = aws_s3_bucket.trail[0].id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_versioning" "trail" {
  count  = local.audit_bucket_count
  bucket = aws_s3_bucket.trail[0].id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "trail" {
  count  = local.audit_bucket_count
  bucket = aws_s3_bucket.trail[0].id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.this.arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_public_access_block" "trail" {
  count                   = local.audit_bucket_count
  bucket                  = aws_s3_bucket.trail[0].id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_logging" "trail" {
  count         = local.audit_bucket_count == 1 && var.access_logs != null ? 1 : 0
  bucket        = aws_s3_bucket.trail[0].id
  target_bucket = var.access_logs.bucket
  target_prefix = coalesce(var.access_logs.prefix, "${local.trail_bucket}/")
}

resource "aws_s3_bucket_lifecycle_configuration" "trail" {
  count  = local.audit_bucket_count
  bucket = aws_s3_bucket.trail[0].id

  rule {
    id     = "expire-trail-logs"
    status = "Enabled"

    filter {}

    expiration {
      days = var.cloudtrail_retention_days
    }

    noncurrent_version_expiration {
      noncurrent_days = 30
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  depends_on = [aws_s3_bucket_versioning.trail]
}

resource "aws_s3_bucket_policy" "trail" {
  count  = local.audit_bucket_count
  bucket = aws_s3_bucket.trail[0].id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "CloudTrailAclCheck"
        Effect    = "Allow"
        Principal = { Service = "cloudtrail.amazonaws.com" }
        Action    = "s3:GetBucketAcl"
        Resource  = aws_s3_bucket.trail[0].arn
        Condition = {
          StringEquals = { "aws:SourceArn" = local.trail_arn }
        }
      },
      {
        Sid       = "CloudTrailWrite"
        Effect    = "Allow"
        Principal = { Service = "cloudtrail.amazonaws.com" }
        Action    = "s3:PutObject"
        Resource  = "${aws_s3_bucket.trail[0].arn}/AWSLogs/${local.account_id}/*"
        Condition = {
          StringEquals = {
            "aws:SourceArn" = local.trail_arn
            "s3:x-amz-acl"  = "bucket-owner-full-control"
          }
        }
      },
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource  = [aws_s3_bucket.trail[0].arn, "${aws_s3_bucket.trail[0].arn}/*"]
        Condition = {
          Bool = { "aws:SecureTransport" = "false" }
        }
      },
    ]
  })

  depends_on = [aws_s3_bucket_public_access_block.trail]
}

resource "aws_cloudwatch_log_group" "trail" {
  count = var.enable_cloudtrail ? 1 : 0

  name              = local.trail_log_group_name
  retention_in_days = var.log_retention_in_days
  kms_key_id        = aws_kms_key.this.arn

  tags = var.tags
}

resource "aws_iam_role" "trail" {
  count = var.enable_cloudtrail ? 1 : 0

  name                 = "${var.name}-cloudtrail-logs"
  permissions_boundary = var.permissions_boundary_arn
  description          = "Lets CloudTrail deliver events to ${local.trail_log_group_name}"

  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "cloudtrail.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = {
        StringEquals = { "aws:SourceArn" = local.trail_arn }
      }
    }]
  })

  tags = var.tags
}

resource "aws_iam_role_policy" "trail" {
  count = var.enable_cloudtrail ? 1 : 0

  name = "deliver-to-log-group"
  role = aws_iam_role.trail[0].id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
      Resource = "${aws_cloudwatch_log_group.trail[0].arn}:*"
    }]
  })
}

resource "aws_cloudtrail" "this" {
  #checkov:skip=CKV_AWS_252:A per-log-file SNS notification would flood the alerts topic; nothing consumes it. exp:2027-02-19
  count = var.enable_cloudtrail ? 1 : 0

  name                          = local.trail_name
  s3_bucket_name                = aws_s3_bucket.trail[0].id
  is_multi_region_trail         = true
  include_global_service_events = true
  enable_log_file_validation    = true
  kms_key_id                    = aws_kms_key.this.arn
  cloud_watch_logs_group_arn    = "${aws_cloudwatch_log_group.trail[0].arn}:*"
  cloud_watch_logs_role_arn     = aws_iam_role.trail[0].arn

  tags = var.tags

  depends_on = [aws_s3_bucket_policy.trail, aws_iam_role_policy.trail]
}

# ---------------------------------------------------------------------------------------------
# AWS Config: what every resource looked like and when it changed, and managed rules evaluated
# against it. It delivers to the trail's bucket (one audit bucket, the same encryption, retention
# and access logging) under config/, with its own role.
# ---------------------------------------------------------------------------------------------
resource "aws_iam_role" "config" {
  count = local.config_enabled

  name                 = "${var.name}-config"
  permissions_boundary = var.permissions_boundary_arn
  description          = "Lets AWS Config record ${var.name}'s account and deliver to its trail bucket"

  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "config.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = {
        StringEquals = { "aws:SourceAccount" = local.account_id }
      }
    }]
  })

  tags = var.tags
}

# AWS's own policy for a recorder's role: the read-only Describe/List/Get calls recording needs,
# which only AWS keeps in step with the resource types Config supports.
resource "aws_iam_role_policy_attachment" "config" {
  count = local.config_enabled

  role       = aws_iam_role.config[0].name
  policy_arn = "arn:${local.partition}:iam::aws:policy/service-role/AWS_ConfigRole"
}

resource "aws_iam_role_policy" "config_delivery" {
  count = local.config_enabled

  name = "deliver-to-trail-bucket"
  role = aws_iam_role.config[0].id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "CheckTheBucket"
        Effect   = "Allow"
        Action   = ["s3:GetBucketAcl", "s3:ListBucket"]
        Resource = aws_s3_bucket.trail[0].arn
      },
      {
        Sid      = "WriteSnapshotsAndHistory"
        Effect   = "Allow"
        Action   = "s3:PutObject"
        Resource = "${aws_s3_bucket.trail[0].arn}/${local.config_key_prefix}/AWSLogs/${local.account_id}/Config/*"
      },
      {
        Sid      = "EncryptWithTheBucketKey"
        Effect   = "Allow"
        Action   = ["kms:GenerateDataKey", "kms:Decrypt"]
        Resource = aws_kms_key.this.arn
      },
    ]
  })
}

resource "aws_config_configuration_recorder" "this" {
  count = local.config_enabled

  name     = var.name
  role_arn = aws_iam_role.config[0].arn

  recording_group {
    all_supported                 = true
    include_global_resource_types = true
  }
}

resource "aws_config_delivery_channel" "this" {
  count = local.config_enabled

  name           = var.name
  s3_bucket_name = aws_s3_bucket.trail[0].id
  s3_key_prefix  = local.config_key_prefix
  s3_kms_key_arn = aws_kms_key.this.arn

  snapshot_delivery_properties {
    delivery_frequency = var.config_delivery_frequency
  }

  depends_on = [aws_config_configuration_recorder.this, aws_iam_role_policy.config_delivery]
}

resource "aws_config_configuration_recorder_status" "this" {
  count = local.config_enabled

  name       = aws_config_configuration_recorder.this[0].name
  is_enabled = true

  depends_on = [aws_config_delivery_channel.this]
}

resource "aws_config_config_rule" "managed" {
  for_each = var.enable_config ? toset(var.config_managed_rules) : toset([])

  name = "${var.name}-${lower(replace(each.key, "_", "-"))}"

  source {
    owner             = "AWS"
    source_identifier = each.key
  }

  tags = var.tags

  depends_on = [aws_config_configuration_recorder.this]
}

# ---------------------------------------------------------------------------------------------
# GuardDuty
# ---------------------------------------------------------------------------------------------
resource "aws_guardduty_detector" "this" {
  #checkov:skip=CKV2_AWS_3:Organization-wide auto-enable (aws_guardduty_organization_configuration) belongs to the delegated GuardDuty administrator account, not to a workload environment; this enables the detector of the account and region it runs in. exp:2027-02-19
  count = var.enable_guardduty ? 1 : 0

  enable                       = true
  finding_publishing_frequency = "FIFTEEN_MINUTES"

  tags = var.tags
}

resource "aws_cloudwatch_event_rule" "guardduty_findings" {
  count = var.enable_guardduty ? 1 : 0

  name        = "${var.name}-guardduty-findings"
  description = "GuardDuty findings of severity ${var.guardduty_alert_min_severity} or more"

  event_pattern = jsonencode({
    source      = ["aws.guardduty"]
    detail-type = ["GuardDuty Finding"]
    detail = {
      severity = [{ numeric = [">=", var.guardduty_alert_min_severity] }]
    }
  })

  tags = var.tags
}

resource "aws_cloudwatch_event_target" "guardduty_findings" {
  count = var.enable_guardduty ? 1 : 0

  rule      = aws_cloudwatch_event_rule.guardduty_findings[0].name
  target_id = "alerts"
  arn       = aws_sns_topic.alerts.arn
}
