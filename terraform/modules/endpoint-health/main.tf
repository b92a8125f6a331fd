# Route53 health checks on the environment's public HTTPS endpoints with an alarm each, and expiry
# alarms on its ACM certificates. Route53 publishes health-check metrics only in us-east-1 and
# CloudFront's certificate lives there too, so those alarms (and, unless given, a topic for them)
# are created with the aws.us_east_1 provider; the regional certificates' alarms notify the
# environment's own alerts topic.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition

  us_east_1_topic_arn = var.create_us_east_1_topic ? aws_sns_topic.us_east_1[0].arn : var.us_east_1_alarm_topic_arn
  notifier_subscribed = var.create_us_east_1_topic && var.subscribe_notifier
}

# ---------------------------------------------------------------------------------------------
# Health checks (global service; their metrics are in us-east-1)
# ---------------------------------------------------------------------------------------------

resource "aws_route53_health_check" "this" {
  for_each = var.endpoints

  type              = "HTTPS"
  fqdn              = each.value.fqdn
  port              = each.value.port
  resource_path     = each.value.path
  failure_threshold = each.value.failure_threshold
  request_interval  = each.value.request_interval
  # The load balancer and CloudFront serve several names: the checker must send the name it checks.
  enable_sni = true

  tags = merge(var.tags, { Name = "${var.name}-${each.key}" })
}

resource "aws_cloudwatch_metric_alarm" "health_check" {
  provider = aws.us_east_1
  for_each = var.endpoints

  alarm_name          = "${var.name}-${each.key}-unhealthy"
  alarm_description   = "https://${each.value.fqdn}${each.value.path} fails Route53's health checks."
  namespace           = "AWS/Route53"
  metric_name         = "HealthCheckStatus"
  statistic           = "Minimum"
  period              = 60
  evaluation_periods  = var.alarm_evaluation_periods
  threshold           = 1
  comparison_operator = "LessThanThreshold"
  # A health check that reports nothing is no evidence the endpoint is up.
  treat_missing_data = "breaching"
  alarm_actions      = [local.us_east_1_topic_arn]
  ok_actions         = [local.us_east_1_topic_arn]

  dimensions = {
    HealthCheckId = aws_route53_health_check.this[each.key].id
  }

  tags = var.tags
}

# ---------------------------------------------------------------------------------------------
# Certificate expiry (ACM publishes DaysToExpiry daily, in the certificate's region)
# ---------------------------------------------------------------------------------------------

resource "aws_cloudwatch_metric_alarm" "regional_certificate_expiry" {
  for_each = var.regional_certificate_arns

  alarm_name          = "${var.name}-${each.key}-certificate-expiry"
  alarm_description   = "The ${each.key} certificate expires in fewer than ${var.certificate_expiry_days} days: ACM's renewal is stuck (check its DNS validation record)."
  namespace           = "AWS/CertificateManager"
  metric_name         = "DaysToExpiry"
  statistic           = "Minimum"
  period              = 86400
  evaluation_periods  = 1
  threshold           = var.certificate_expiry_days
  comparison_operator = "LessThanThreshold"
  # No data until ACM has issued the certificate: not an expiry.
  treat_missing_data = "missing"
  alarm_actions      = [var.alarm_topic_arn]
  ok_actions         = [var.alarm_topic_arn]

  dimensions = {
    CertificateArn = each.value
  }

  tags = var.tags
}

resource "aws_cloudwatch_metric_alarm" "us_east_1_certificate_expiry" {
  provider = aws.us_east_1
  for_each = var.us_east_1_certificate_arns

  alarm_name          = "${var.name}-${each.key}-certificate-expiry"
  alarm_description   = "The ${each.key} certificate (us-east-1) expires in fewer than ${var.certificate_expiry_days} days: ACM's renewal is stuck (check its DNS validation record)."
  namespace           = "AWS/CertificateManager"
  metric_name         = "DaysToExpiry"
  statistic           = "Minimum"
  period              = 86400
  evaluation_periods  = 1
  threshold           = var.certificate_expiry_days
  comparison_operator = "LessThanThreshold"
  treat_missing_data  = "missing"
  alarm_actions       = [local.us_east_1_topic_arn]
  ok_actions          = [local.us_east_1_topic_arn]

  dimensions = {
    CertificateArn = each.value
  }

  tags = var.tags
}

# ---------------------------------------------------------------------------------------------
# The us-east-1 alarm topic (optional), KMS-encrypted, reaching the same people
# ---------------------------------------------------------------------------------------------

resource "aws_kms_key" "us_east_1" {
  provider = aws.us_east_1
  count    = var.create_us_east_1_topic ? 1 : 0

  description             = "Encrypts ${var.name}'s us-east-1 alarm topic"
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
        # CloudWatch alarms publish to the encrypted topic.
        Sid       = "AlarmPublishers"
        Effect    = "Allow"
        Principal = { Service = "cloudwatch.amazonaws.com" }
        Action    = ["kms:Decrypt", "kms:GenerateDataKey*"]
        Resource  = "*"
        Condition = {
          StringEquals = { "aws:SourceAccount" = local.account_id }
        }
      },
    ]
  })

  tags = var.tags
}

resource "aws_kms_alias" "us_east_1" {
  provider = aws.us_east_1
  count    = var.create_us_east_1_topic ? 1 : 0

  name          = "alias/${var.name}-health-alarms"
  target_key_id = aws_kms_key.us_east_1[0].key_id
}

resource "aws_sns_topic" "us_east_1" {
  provider = aws.us_east_1
  count    = var.create_us_east_1_topic ? 1 : 0

  name              = "${var.name}-health-alarms"
  kms_master_key_id = aws_kms_key.us_east_1[0].arn

  tags = var.tags
}

resource "aws_sns_topic_policy" "us_east_1" {
  provider = aws.us_east_1
  count    = var.create_us_east_1_topic ? 1 : 0

  arn = aws_sns_topic.us_east_1[0].arn

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "CloudWatchAlarms"
        Effect    = "Allow"
        Principal = { Service = "cloudwatch.amazonaws.com" }
        Action    = "sns:Publish"
        Resource  = aws_sns_topic.us_east_1[0].arn
        Condition = {
          StringEquals = { "aws:SourceAccount" = local.account_id }
        }
      },
    ]
  })
}

resource "aws_sns_topic_subscription" "email" {
  provider = aws.us_east_1
  for_each = var.create_us_east_1_topic ? toset(var.alarm_email_addresses) : toset([])

  topic_arn = aws_sns_topic.us_east_1[0].arn
  protocol  = "email"
  endpoint  = each.value
}

resource "aws_sns_topic_subscription" "pager" {
  provider = aws.us_east_1
  # The URLs carry keys: addressed by position, never by value.
  count = var.create_us_east_1_topic ? nonsensitive(length(var.pager_https_endpoints)) : 0

  topic_arn              = aws_sns_topic.us_east_1[0].arn
  protocol               = "https"
  endpoint               = var.pager_https_endpoints[count.index]
  endpoint_auto_confirms = false
}

resource "aws_sns_topic_subscription" "notifier" {
  provider = aws.us_east_1
  count    = local.notifier_subscribed ? 1 : 0

  topic_arn = aws_sns_topic.us_east_1[0].arn
  protocol  = "lambda"
  endpoint  = var.notifier_function_arn

  lifecycle {
    precondition {
      condition     = var.notifier_function_arn != null
      error_message = "subscribe_notifier needs notifier_function_arn."
    }
  }
}

# The notifier lives in the module's region; SNS in us-east-1 invokes it across regions.
resource "aws_lambda_permission" "notifier" {
  count = local.notifier_subscribed ? 1 : 0

  statement_id  = "AllowHealthAlarmsFromUsEast1"
  action        = "lambda:InvokeFunction"
  function_name = var.notifier_function_arn
  principal     = "sns.amazonaws.com"
  source_arn    = aws_sns_topic.us_east_1[0].arn
}
