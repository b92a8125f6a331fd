output "task_definition_arns" {
  description = "Task definition ARN (with revision) of each task, by key."
  value       = { for key, definition in aws_ecs_task_definition.task : key => definition.arn }
}

output "task_role_arns" {
  description = "Application role of each task, by key: attach further policies here if `task_role_policy_json` is not enough."
  value       = { for key, role in aws_iam_role.task : key => role.arn }
}

output "execution_role_arns" {
  description = "ECS agent (execution) role of each task, by key."
  value       = { for key, role in aws_iam_role.execution : key => role.arn }
}

output "invoke_role_arns" {
  description = "Role EventBridge Scheduler or the EventBridge rule uses to start each task, by key."
  value       = { for key, role in aws_iam_role.invoke : key => role.arn }
}

output "schedule_arns" {
  description = "EventBridge Scheduler schedule of each scheduled task, by key."
  value       = { for key, schedule in aws_scheduler_schedule.task : key => schedule.arn }
}

output "rule_arns" {
  description = "EventBridge rule of each event-driven task, by key."
  value       = { for key, rule in aws_cloudwatch_event_rule.task : key => rule.arn }
}

output "dead_letter_queue_arns" {
  description = "Dead-letter queue of each task (invocations that could not start the task), by key: alarm on its depth."
  value       = { for key, queue in aws_sqs_queue.dlq : key => queue.arn }
}

output "dead_letter_queue_urls" {
  description = "URL of each task's dead-letter queue, by key."
  value       = { for key, queue in aws_sqs_queue.dlq : key => queue.url }
}

output "log_group_names" {
  description = "CloudWatch log group of each task, by key."
  value       = { for key, group in aws_cloudwatch_log_group.task : key => group.name }
}

output "kms_key_arn" {
  description = "KMS key encrypting the log groups and dead-letter queues."
  value       = aws_kms_key.this.arn
}
