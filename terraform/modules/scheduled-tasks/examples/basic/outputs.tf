output "schedule_arns" {
  description = "The example's schedules."
  value       = module.scheduled_tasks.schedule_arns
}

output "rule_arns" {
  description = "The example's rules."
  value       = module.scheduled_tasks.rule_arns
}

output "task_definition_arns" {
  description = "The example's task definitions."
  value       = module.scheduled_tasks.task_definition_arns
}

output "dead_letter_queue_urls" {
  description = "The example's dead-letter queues."
  value       = module.scheduled_tasks.dead_letter_queue_urls
}
