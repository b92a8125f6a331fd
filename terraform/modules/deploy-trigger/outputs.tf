output "function_name" {
  description = "Name of the deployer Lambda."
  value       = aws_lambda_function.this.function_name
}

output "function_arn" {
  description = "ARN of the deployer Lambda."
  value       = aws_lambda_function.this.arn
}

output "function_version_source" {
  description = "S3 location (bucket, key, object version) of the package the function runs."
  value = {
    s3_bucket         = var.s3_bucket
    s3_key            = var.s3_key
    s3_object_version = local.package_version
  }
}

output "role_arn" {
  description = "ARN of the deployer's execution role."
  value       = aws_iam_role.this.arn
}

output "role_name" {
  description = "Name of the deployer's execution role."
  value       = aws_iam_role.this.name
}

output "log_group_name" {
  description = "CloudWatch log group of the deployer."
  value       = aws_cloudwatch_log_group.this.name
}

output "event_rule_arn" {
  description = "ARN of the EventBridge rule matching successful ECR pushes."
  value       = aws_cloudwatch_event_rule.ecr_push.arn
}

output "event_rule_name" {
  description = "Name of the EventBridge rule matching successful ECR pushes."
  value       = aws_cloudwatch_event_rule.ecr_push.name
}

output "dead_letter_queue_arn" {
  description = "ARN of the dead-letter queue for failed invocations and undeliverable events (alarm on its depth)."
  value       = aws_sqs_queue.dlq.arn
}

output "dead_letter_queue_name" {
  description = "Name of the dead-letter queue."
  value       = aws_sqs_queue.dlq.name
}

output "dead_letter_queue_url" {
  description = "URL of the dead-letter queue."
  value       = aws_sqs_queue.dlq.id
}

output "deploy_targets_parameter_name" {
  description = "Name of the SSM parameter holding the deploy targets JSON (DEPLOY_TARGETS_PARAMETER)."
  value       = aws_ssm_parameter.deploy_targets.name
}

output "deploy_targets_parameter_arn" {
  description = "ARN of the SSM parameter holding the deploy targets JSON."
  value       = aws_ssm_parameter.deploy_targets.arn
}

output "lock_table_name" {
  description = "Name of the deployer's DynamoDB lock table (DEPLOY_LOCK_TABLE)."
  value       = aws_dynamodb_table.locks.name
}

output "lock_table_arn" {
  description = "ARN of the deployer's DynamoDB lock table."
  value       = aws_dynamodb_table.locks.arn
}

output "kms_key_arn" {
  description = "ARN of the KMS key encrypting the deployer's logs, queue, lock table and environment."
  value       = aws_kms_key.this.arn
}

output "repositories" {
  description = "ECR repositories whose pushes trigger the deployer."
  value       = local.repositories
}

output "environment_variables" {
  description = "Environment variables of the deployer Lambda (docs/architecture.md)."
  value       = local.environment_variables
}
