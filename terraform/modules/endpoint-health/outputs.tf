output "health_check_ids" {
  description = "Route53 health check ids by endpoint key."
  value       = { for key, check in aws_route53_health_check.this : key => check.id }
}

output "health_alarm_names" {
  description = "The endpoints' health alarms (in us-east-1) by endpoint key."
  value       = { for key, alarm in aws_cloudwatch_metric_alarm.health_check : key => alarm.alarm_name }
}

output "certificate_alarm_names" {
  description = "The certificate expiry alarms by certificate key (regional and us-east-1 ones together)."
  value = merge(
    { for key, alarm in aws_cloudwatch_metric_alarm.regional_certificate_expiry : key => alarm.alarm_name },
    { for key, alarm in aws_cloudwatch_metric_alarm.us_east_1_certificate_expiry : key => alarm.alarm_name },
  )
}

output "us_east_1_topic_arn" {
  description = "The SNS topic in us-east-1 the us-east-1 alarms notify (created here or given)."
  value       = local.us_east_1_topic_arn
}
