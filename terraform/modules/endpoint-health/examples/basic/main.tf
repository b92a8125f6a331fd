# Health checks on an API and a frontend host name with their alarms, expiry alarms on a regional
# certificate and a us-east-1 one, and the us-east-1 alarm topic those alarms notify. Applied,
# re-planned and destroyed against the local AWS emulator by
# tests/integration/test_rollout_health_modules.py.

resource "aws_acm_certificate" "api" {
  domain_name       = "api.${var.domain_name}"
  validation_method = "DNS"

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_acm_certificate" "frontend" {
  provider = aws.us_east_1

  domain_name       = "app.${var.domain_name}"
  validation_method = "DNS"

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_sns_topic" "alerts" {
  name              = "example-health-alerts"
  kms_master_key_id = "alias/aws/sns"
}

module "endpoint_health" {
  source = "../.."
  providers = {
    aws           = aws
    aws.us_east_1 = aws.us_east_1
  }

  name = "example-health"
  endpoints = {
    api      = { fqdn = "api.${var.domain_name}", path = "/health", request_interval = 10 }
    frontend = { fqdn = "app.${var.domain_name}" }
  }
  regional_certificate_arns  = { api = aws_acm_certificate.api.arn }
  us_east_1_certificate_arns = { frontend = aws_acm_certificate.frontend.arn }
  certificate_expiry_days    = 30
  alarm_topic_arn            = aws_sns_topic.alerts.arn
  alarm_email_addresses      = ["oncall@example.org"]
  subscribe_notifier         = var.notifier_function_arn != null
  notifier_function_arn      = var.notifier_function_arn

  # Short-lived example: its key may go after a week.
  kms_key_deletion_window_in_days = 7
}
