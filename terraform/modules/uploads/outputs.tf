output "bucket_name" {
  description = "Name of the uploads bucket (presign uploads into it under `upload_prefix`)."
  value       = aws_s3_bucket.uploads.id
}

output "bucket_arn" {
  description = "ARN of the uploads bucket."
  value       = aws_s3_bucket.uploads.arn
}

output "bucket_kms_key_arn" {
  description = "KMS key encrypting the uploads: a role presigning uploads needs kms:GenerateDataKey on it."
  value       = aws_kms_key.bucket.arn
}

output "queue_url" {
  description = "Queue the bucket's notifications go to."
  value       = module.processor.queue_url
}

output "dead_letter_queue_url" {
  description = "Uploads the processor kept failing on (alarm on its depth)."
  value       = module.processor.dead_letter_queue_url
}

output "dead_letter_queue_name" {
  description = "Name of the dead-letter queue."
  value       = module.processor.dead_letter_queue_name
}

output "processor_function_name" {
  description = "Name of the processor Lambda."
  value       = module.processor.function_name
}

output "processor_role_name" {
  description = "Processor's execution role (attach what else the handler needs)."
  value       = module.processor.role_name
}

output "replication_role_arn" {
  description = "ARN of the role S3 assumes to replicate the uploads (null without `replication`)."
  value       = one(aws_iam_role.replication[*].arn)
}
