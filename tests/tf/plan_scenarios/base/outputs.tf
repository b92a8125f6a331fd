output "jobs_queue_url" {
  description = "URL of the jobs queue."
  value       = aws_sqs_queue.jobs.url
}

output "db_password" {
  description = "The secret, echoed back: must be masked in every summary."
  value       = var.db_password
  sensitive   = true
}
