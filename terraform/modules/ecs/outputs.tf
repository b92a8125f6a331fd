output "cluster_name" {
  description = "Name of the ECS cluster."
  value       = var.create_cluster ? aws_ecs_cluster.this[0].name : var.cluster_name
}

output "cluster_arn" {
  description = "ARN of the ECS cluster."
  value       = local.cluster_arn
}

output "service_name" {
  description = "Name of the ECS service (what `pipeline-tools deploy --service` takes)."
  value       = aws_ecs_service.this.name
}

output "service_id" {
  description = "ARN (ID) of the ECS service."
  value       = aws_ecs_service.this.id
}

output "task_definition_family" {
  description = "Family of the task definition."
  value       = aws_ecs_task_definition.this.family
}

output "task_definition_arn" {
  description = "ARN (with revision) of the task definition Terraform declares; the service may run a newer one registered by the deployer."
  value       = aws_ecs_task_definition.this.arn
}

output "container_name" {
  description = "Name of the application container (what the deployer swaps the image of)."
  value       = local.container_name
}

output "container_port" {
  description = "Port the application container listens on."
  value       = var.container_port
}

output "log_group_name" {
  description = "Name of the application log group."
  value       = aws_cloudwatch_log_group.app.name
}

output "log_group_arn" {
  description = "ARN of the application log group."
  value       = aws_cloudwatch_log_group.app.arn
}

output "exec_log_group_name" {
  description = "Name of the log group receiving ECS Exec session logs."
  value       = local.exec_log_group
}

output "log_kms_key_arn" {
  description = "ARN of the KMS key encrypting the log groups (created by the module unless one was passed in)."
  value       = local.log_kms_arn
}

output "execution_role_arn" {
  description = "ARN of the task execution role (ECS agent)."
  value       = aws_iam_role.execution.arn
}

output "task_role_arn" {
  description = "ARN of the task role (the application's AWS identity)."
  value       = aws_iam_role.task.arn
}

output "task_role_name" {
  description = "Name of the task role, for attaching further policies from the root."
  value       = aws_iam_role.task.name
}

output "autoscaling_resource_id" {
  description = "Application Auto Scaling resource ID of the service (null when autoscaling is off)."
  value       = try(aws_appautoscaling_target.this[0].resource_id, null)
}

output "deployment_alarm_names" {
  description = "The CloudWatch alarms that stop and roll back a deployment of the service (created here and given), empty without deployment_alarms."
  value       = local.deployment_alarm_names
}
