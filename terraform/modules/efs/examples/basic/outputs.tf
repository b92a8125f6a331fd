output "file_system_id" {
  description = "The example's file system."
  value       = module.efs.file_system_id
}

output "access_point_arns" {
  description = "The example's access points."
  value       = module.efs.access_point_arns
}

output "mount_target_ids" {
  description = "The example's mount targets."
  value       = module.efs.mount_target_ids
}

output "security_group_id" {
  description = "The mount targets' security group."
  value       = module.efs.security_group_id
}

output "client_policy_json" {
  description = "The policy a client task role needs."
  value       = module.efs.client_policy_json
}
