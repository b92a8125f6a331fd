output "jobs_queue_url" {
  description = "URL of the jobs queue."
  value       = aws_sqs_queue.jobs.url
}

output "db_password" {
  description = "The secret, echoed back: must be masked in every summary."
  value       = var.db_password
  sensitive   = true
}

output "logs_bucket_arn" {
  description = "ARN of the (replaced) logs bucket: known only after apply."
  value       = aws_s3_bucket.logs.arn
}

output "logs_bucket_name" {
  description = "Name of the logs bucket."
  value       = aws_s3_bucket.logs.bucket
}
