output "queue_arn" {
  description = "ARN of the main queue."
  value       = aws_sqs_queue.main.arn
}

output "queue_url" {
  description = "URL of the main queue (producers send here)."
  value       = aws_sqs_queue.main.id
}

output "queue_name" {
  description = "Name of the main queue."
  value       = aws_sqs_queue.main.name
}

output "dead_letter_queue_arn" {
  description = "ARN of the dead-letter queue."
  value       = aws_sqs_queue.dlq.arn
}

output "dead_letter_queue_url" {
  description = "URL of the dead-letter queue."
  value       = aws_sqs_queue.dlq.id
}

output "dead_letter_queue_name" {
  description = "Name of the dead-letter queue (alarm on ApproximateNumberOfMessagesVisible)."
  value       = aws_sqs_queue.dlq.name
}

output "function_name" {
  description = "Name of the consumer Lambda."
  value       = aws_lambda_function.this.function_name
}

output "function_arn" {
  description = "ARN of the consumer Lambda."
  value       = aws_lambda_function.this.arn
}

output "role_name" {
  description = "Name of the consumer's execution role (attach further permissions the handler needs)."
  value       = aws_iam_role.this.name
}

output "role_arn" {
  description = "ARN of the consumer's execution role."
  value       = aws_iam_role.this.arn
}

output "log_group_name" {
  description = "CloudWatch log group of the consumer."
  value       = aws_cloudwatch_log_group.this.name
}

output "event_source_mapping_uuid" {
  description = "UUID of the event source mapping."
  value       = aws_lambda_event_source_mapping.this.uuid
}

output "kms_key_arn" {
  description = "ARN of the KMS key encrypting the queues (producers need kms:GenerateDataKey and kms:Decrypt on it)."
  value       = aws_kms_key.this.arn
}

output "send_policy_json" {
  description = "IAM policy document letting a producer send to the queue (including the KMS permissions)."
  value       = local.send_policy_json
}
