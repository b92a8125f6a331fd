output "alerts_topic_arn" {
  description = "ARN of the SNS topic receiving alarms and GuardDuty findings (subscribe chat integrations here)."
  value       = aws_sns_topic.alerts.arn
}

output "alerts_topic_name" {
  description = "Name of the alerts topic."
  value       = aws_sns_topic.alerts.name
}

output "kms_key_arn" {
  description = "ARN of the KMS key encrypting the topic, trail log files and trail log group."
  value       = aws_kms_key.this.arn
}

output "dashboard_name" {
  description = "Name of the CloudWatch dashboard."
  value       = aws_cloudwatch_dashboard.this.dashboard_name
}

output "alarm_arns" {
  description = "ARNs of every alarm, by alarm name."
  value = merge(
    { for a in aws_cloudwatch_metric_alarm.ecs_cpu : a.alarm_name => a.arn },
    { for a in aws_cloudwatch_metric_alarm.ecs_memory : a.alarm_name => a.arn },
    { for a in aws_cloudwatch_metric_alarm.alb_elb_5xx : a.alarm_name => a.arn },
    { for a in aws_cloudwatch_metric_alarm.alb_target_5xx : a.alarm_name => a.arn },
    { for a in aws_cloudwatch_metric_alarm.rds_cpu : a.alarm_name => a.arn },
    { for a in aws_cloudwatch_metric_alarm.rds_free_storage : a.alarm_name => a.arn },
  )
}

output "cloudtrail_arn" {
  description = "ARN of the trail, or null when enable_cloudtrail is false."
  value       = one(aws_cloudtrail.this[*].arn)
}

output "cloudtrail_bucket_name" {
  description = "The audit bucket: the trail's log files and AWS Config's deliveries (under config/), or null when neither enable_cloudtrail nor enable_config is set."
  value       = one(aws_s3_bucket.trail[*].id)
}

output "cloudtrail_log_group_name" {
  description = "CloudWatch log group receiving the trail's events, or null when enable_cloudtrail is false."
  value       = one(aws_cloudwatch_log_group.trail[*].name)
}

output "guardduty_detector_id" {
  description = "Id of the GuardDuty detector, or null when enable_guardduty is false."
  value       = one(aws_guardduty_detector.this[*].id)
}

output "config_recorder_name" {
  description = "Name of the AWS Config recorder, or null when enable_config is false."
  value       = one(aws_config_configuration_recorder.this[*].name)
}

output "config_rule_arns" {
  description = "ARNs of the managed Config rules, by source identifier (empty when enable_config is false)."
  value       = { for identifier, rule in aws_config_config_rule.managed : identifier => rule.arn }
}
