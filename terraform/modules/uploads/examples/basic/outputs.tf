output "bucket_name" {
  description = "The example's uploads bucket."
  value       = module.uploads.bucket_name
}

output "queue_url" {
  description = "The queue the bucket notifies."
  value       = module.uploads.queue_url
}

output "dead_letter_queue_url" {
  description = "The processor's dead-letter queue."
  value       = module.uploads.dead_letter_queue_url
}

output "processor_function_name" {
  description = "The processor Lambda."
  value       = module.uploads.processor_function_name
}

output "replica_bucket_name" {
  description = "The replica bucket in the replica region."
  value       = module.replica.bucket_name
}

output "replica_kms_key_arn" {
  description = "The replica bucket's KMS key."
  value       = module.replica.kms_key_arn
}

output "replication_role_arn" {
  description = "The role S3 assumes to replicate the uploads."
  value       = module.uploads.replication_role_arn
}
