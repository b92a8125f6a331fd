output "file_system_id" {
  description = "ID of the file system (an ECS volume's `efs_volume_configuration.file_system_id`)."
  value       = aws_efs_file_system.this.id
}

output "file_system_arn" {
  description = "ARN of the file system."
  value       = aws_efs_file_system.this.arn
}

output "access_point_ids" {
  description = "ID of each access point, by name (`efs_volume_configuration.authorization_config.access_point_id`)."
  value       = { for name, ap in aws_efs_access_point.this : name => ap.id }
}

output "access_point_arns" {
  description = "ARN of each access point, by name."
  value       = { for name, ap in aws_efs_access_point.this : name => ap.arn }
}

output "security_group_id" {
  description = "Security group of the mount targets."
  value       = aws_security_group.mount_targets.id
}

output "mount_target_ids" {
  description = "Mount target in each subnet, by subnet id."
  value       = { for mt in aws_efs_mount_target.this : mt.subnet_id => mt.id }
}

output "client_policy_json" {
  description = "IAM policy for a task role that mounts and writes through the access points (transit encryption and IAM authorization on in the task's volume)."
  value = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "MountThroughAccessPoints"
      Effect   = "Allow"
      Action   = ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"]
      Resource = aws_efs_file_system.this.arn
      Condition = {
        StringEquals = { "elasticfilesystem:AccessPointArn" = [for ap in aws_efs_access_point.this : ap.arn] }
      }
    }]
  })
}
