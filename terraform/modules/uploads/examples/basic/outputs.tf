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
