output "cluster_name" {
  description = "The example's cluster."
  value       = module.ecs.cluster_name
}

output "service_name" {
  description = "The example's service."
  value       = module.ecs.service_name
}

output "task_definition_arn" {
  description = "The service's task definition (app and X-Ray daemon)."
  value       = module.ecs.task_definition_arn
}

output "task_role_name" {
  description = "The task role (allowed to send traces)."
  value       = module.ecs.task_role_name
}

output "deployment_alarm_names" {
  description = "The alarms that roll a deployment back."
  value       = module.ecs.deployment_alarm_names
}

output "target_group_arn" {
  description = "The target group the alarms watch."
  value       = aws_lb_target_group.example.arn
}

output "load_balancer_arn_suffix" {
  description = "The load balancer's ARN suffix (the alarms' LoadBalancer dimension)."
  value       = aws_lb.example.arn_suffix
}
