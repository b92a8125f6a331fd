# A shared file system for ECS tasks: EFS encrypted with its own key, a mount target in every
# private subnet (one per AZ, so a task mounts in its own AZ), a security group that admits NFS
# from the client tasks only, access points that pin each application to its directory and POSIX
# user, and a file system policy that refuses unencrypted transport and mounts that bypass an
# access point. Backups are AWS Backup's (the backups module: retention, cross-region copy); EFS's
# own automatic backups stay off, so there is one set of recovery points, not two.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  partition  = data.aws_partition.current.partition
  account_id = data.aws_caller_identity.current.account_id
}

resource "aws_kms_key" "this" {
  description             = "Encrypts the ${var.name} EFS file system"
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_key_deletion_window_in_days

  # A key policy's "*" resource means this key; EFS uses it through grants made for the account.
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "EnableIamPolicies"
      Effect    = "Allow"
      Principal = { AWS = "arn:${local.partition}:iam::${local.account_id}:root" }
      Action    = "kms:*"
      Resource  = "*"
    }]
  })

  tags = var.tags
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.name}-efs"
  target_key_id = aws_kms_key.this.key_id
}

resource "aws_efs_file_system" "this" {
  #checkov:skip=CKV2_AWS_18:Backed up by the backups module's AWS Backup plan (pass file_system_arn in its resource_arns), which owns retention and the cross-region copy; the selection lives with that plan, not here. exp:2027-03-01
  creation_token   = var.name
  encrypted        = true
  kms_key_id       = aws_kms_key.this.arn
  performance_mode = "generalPurpose"
  throughput_mode  = var.throughput_mode

  dynamic "lifecycle_policy" {
    for_each = var.transition_to_ia == null ? [] : [var.transition_to_ia]

    content {
      transition_to_ia = lifecycle_policy.value
    }
  }

  tags = merge(var.tags, { Name = var.name })
}

# ---------------------------------------------------------------------------------------------
# Network: mount targets and who may reach them
# ---------------------------------------------------------------------------------------------
resource "aws_security_group" "mount_targets" {
  name        = "${var.name}-efs"
  description = "EFS mount targets of ${var.name}: NFS from the client tasks only"
  vpc_id      = var.vpc_id

  tags = merge(var.tags, { Name = "${var.name}-efs" })
}

# By position, like the mount targets: the client groups may be created in the same apply.
resource "aws_vpc_security_group_ingress_rule" "nfs" {
  for_each = { for index, group_id in var.client_security_group_ids : tostring(index) => group_id }

  security_group_id            = aws_security_group.mount_targets.id
  description                  = "NFS from client tasks"
  ip_protocol                  = "tcp"
  from_port                    = 2049
  to_port                      = 2049
  referenced_security_group_id = each.value

  tags = var.tags
}

# Keyed by the subnet's position, not its id: an environment creates its subnets in the same apply,
# and for_each keys must be known when planning.
resource "aws_efs_mount_target" "this" {
  for_each = { for index, subnet_id in var.subnet_ids : tostring(index) => subnet_id }

  file_system_id  = aws_efs_file_system.this.id
  subnet_id       = each.value
  security_groups = [aws_security_group.mount_targets.id]
}

# ---------------------------------------------------------------------------------------------
# Access points and the file system policy
# ---------------------------------------------------------------------------------------------
resource "aws_efs_access_point" "this" {
  for_each = var.access_points

  file_system_id = aws_efs_file_system.this.id

  posix_user {
    uid = each.value.uid
    gid = each.value.gid
  }

  root_directory {
    path = each.value.path

    creation_info {
      owner_uid   = each.value.uid
      owner_gid   = each.value.gid
      permissions = each.value.permissions
    }
  }

  tags = merge(var.tags, { Name = "${var.name}-${each.key}" })
}

resource "aws_efs_file_system_policy" "this" {
  file_system_id = aws_efs_file_system.this.id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "DenyUnencryptedTransport"
        Effect    = "Deny"
        Principal = { AWS = "*" }
        Action    = "*"
        Resource  = aws_efs_file_system.this.arn
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
      {
        # Clients still need IAM permission (client_policy_json); this only makes the access
        # point mandatory, so no client reaches the file system's root.
        Sid       = "DenyMountWithoutAccessPoint"
        Effect    = "Deny"
        Principal = { AWS = "*" }
        Action    = ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite", "elasticfilesystem:ClientRootAccess"]
        Resource  = aws_efs_file_system.this.arn
        Condition = { Null = { "elasticfilesystem:AccessPointArn" = "true" } }
      },
    ]
  })
}
