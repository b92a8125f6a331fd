output "alerts_topic_arn" {
  description = "The topic alarms and GuardDuty findings go to."
  value       = module.observability.alerts_topic_arn
}

output "audit_bucket_name" {
  description = "The bucket of the trail's log files and Config's deliveries."
  value       = module.observability.cloudtrail_bucket_name
}

output "cloudtrail_arn" {
  description = "The trail."
  value       = module.observability.cloudtrail_arn
}

output "config_recorder_name" {
  description = "The Config recorder."
  value       = module.observability.config_recorder_name
}

output "config_rule_arns" {
  description = "The managed Config rules, by identifier."
  value       = module.observability.config_rule_arns
}

output "kms_key_arn" {
  description = "The key of the topic, the trail and the audit bucket."
  value       = module.observability.kms_key_arn
}
