output "role_arn" {
  description = "The example's push role."
  value       = module.ecr_push_role.role_arn
}

output "repository_arns" {
  description = "Where the role may push."
  value       = module.ecr_push_role.repository_arns
}
