# Cost guard rails: a monthly AWS Budget alerting at a few thresholds of actual and forecast spend,
# and Cost Anomaly Detection (a monitor per AWS service with a subscription), so a runaway NAT
# gateway or a forgotten instance is noticed in days rather than on the invoice.

locals {
  # Email subscribers get the daily digest; an SNS topic needs IMMEDIATE (AWS's rule).
  anomaly_frequency = var.alert_topic_arn == null ? "DAILY" : "IMMEDIATE"
}

resource "aws_budgets_budget" "monthly" {
  name         = var.name
  budget_type  = "COST"
  limit_amount = format("%.2f", var.monthly_limit_usd)
  limit_unit   = "USD"
  time_unit    = "MONTHLY"

  dynamic "cost_filter" {
    for_each = var.cost_filters

    content {
      name   = cost_filter.key
      values = cost_filter.value
    }
  }

  dynamic "notification" {
    for_each = var.alerts

    content {
      comparison_operator        = "GREATER_THAN"
      threshold                  = notification.value.threshold_percent
      threshold_type             = "PERCENTAGE"
      notification_type          = notification.value.type
      subscriber_email_addresses = var.alert_emails
      subscriber_sns_topic_arns  = var.alert_topic_arn == null ? [] : [var.alert_topic_arn]
    }
  }

  tags = var.tags

  lifecycle {
    precondition {
      condition     = length(var.alert_emails) > 0 || var.alert_topic_arn != null
      error_message = "A budget nobody hears about is no guard rail: set alert_emails or alert_topic_arn."
    }
  }
}

resource "aws_ce_anomaly_monitor" "services" {
  count = var.anomaly_detection ? 1 : 0

  name              = var.name
  monitor_type      = "DIMENSIONAL"
  monitor_dimension = "SERVICE"

  tags = var.tags
}

resource "aws_ce_anomaly_subscription" "this" {
  count = var.anomaly_detection ? 1 : 0

  name             = var.name
  frequency        = local.anomaly_frequency
  monitor_arn_list = [aws_ce_anomaly_monitor.services[0].arn]

  threshold_expression {
    dimension {
      key           = "ANOMALY_TOTAL_IMPACT_ABSOLUTE"
      match_options = ["GREATER_THAN_OR_EQUAL"]
      values        = [tostring(var.anomaly_threshold_usd)]
    }
  }

  dynamic "subscriber" {
    for_each = local.anomaly_frequency == "IMMEDIATE" ? [] : var.alert_emails

    content {
      type    = "EMAIL"
      address = subscriber.value
    }
  }

  dynamic "subscriber" {
    for_each = var.alert_topic_arn == null ? [] : [var.alert_topic_arn]

    content {
      type    = "SNS"
      address = subscriber.value
    }
  }

  tags = var.tags
}
