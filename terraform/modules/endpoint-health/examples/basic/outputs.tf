output "health_check_ids" {
  description = "The example's health checks by endpoint."
  value       = module.endpoint_health.health_check_ids
}

output "health_alarm_names" {
  description = "The example's health alarms by endpoint."
  value       = module.endpoint_health.health_alarm_names
}

output "certificate_alarm_names" {
  description = "The example's certificate expiry alarms."
  value       = module.endpoint_health.certificate_alarm_names
}

output "certificate_arns" {
  description = "The example's certificates (api regional, frontend in us-east-1)."
  value       = { api = aws_acm_certificate.api.arn, frontend = aws_acm_certificate.frontend.arn }
}

output "us_east_1_topic_arn" {
  description = "The us-east-1 alarm topic."
  value       = module.endpoint_health.us_east_1_topic_arn
}

output "alerts_topic_arn" {
  description = "The regional alerts topic."
  value       = aws_sns_topic.alerts.arn
}
