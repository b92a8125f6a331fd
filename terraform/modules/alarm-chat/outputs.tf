output "function_name" {
  description = "Name of the alarm notifier Lambda."
  value       = aws_lambda_function.this.function_name
}

output "function_arn" {
  description = "ARN of the alarm notifier Lambda."
  value       = aws_lambda_function.this.arn
}

output "role_arn" {
  description = "ARN of the notifier's execution role."
  value       = aws_iam_role.this.arn
}

output "dead_letter_queue_arn" {
  description = "ARN of the queue where deliveries that keep failing end."
  value       = aws_sqs_queue.dlq.arn
}

output "log_group_name" {
  description = "CloudWatch log group of the notifier (one line per delivered or failed notification)."
  value       = aws_cloudwatch_log_group.this.name
}
