variable "name" {
  description = "Name of the file system (its Name tag, security group and key alias), e.g. `platform-dev-shared`."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,48}$", var.name))
    error_message = "name must be 1 to 48 letters, digits, '_' or '-'."
  }
}

variable "vpc_id" {
  description = "VPC of the mount targets' security group (the network module's `vpc_id`)."
  type        = string

  validation {
    condition     = can(regex("^vpc-[0-9a-f]{8,17}$", var.vpc_id))
    error_message = "vpc_id must be a VPC id (vpc-...)."
  }
}

variable "subnet_ids" {
  description = "Private subnets, one per Availability Zone: the file system gets a mount target in each."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) > 0 && length(var.subnet_ids) == length(distinct(var.subnet_ids)) && alltrue([for id in var.subnet_ids : can(regex("^subnet-[0-9a-f]{8,17}$", id))])
    error_message = "subnet_ids must hold distinct subnet ids (subnet-...), at least one."
  }
}

variable "client_security_group_ids" {
  description = "Security groups (the ECS tasks') allowed to reach the mount targets on NFS (TCP 2049)."
  type        = list(string)

  validation {
    condition     = length(var.client_security_group_ids) > 0 && alltrue([for id in var.client_security_group_ids : can(regex("^sg-[0-9a-f]{8,17}$", id))])
    error_message = "client_security_group_ids must hold at least one security group id (sg-...)."
  }
}

variable "access_points" {
  description = <<-EOT
    Access points, by name: each confines its clients to `path` (created on first use, owned by
    `uid`:`gid` with `permissions`) and makes every client act as that POSIX user, so an
    application cannot see or change another's files.
  EOT
  type = map(object({
    path        = string
    uid         = number
    gid         = number
    permissions = optional(string, "0750")
  }))
  default = {}

  validation {
    condition     = alltrue([for ap in values(var.access_points) : can(regex("^/[A-Za-z0-9_./-]*$", ap.path)) && ap.path != "/"])
    error_message = "every access point's path must be an absolute directory other than / (the root stays unreachable)."
  }

  validation {
    condition     = alltrue([for ap in values(var.access_points) : ap.uid >= 1 && ap.gid >= 1 && ap.uid <= 4294967295 && ap.gid <= 4294967295])
    error_message = "uid and gid must be between 1 and 4294967295 (not root)."
  }

  validation {
    condition     = alltrue([for ap in values(var.access_points) : can(regex("^0?[0-7]{3}$", ap.permissions))])
    error_message = "permissions must be an octal mode such as 0750."
  }
}

variable "throughput_mode" {
  description = "Throughput mode: `elastic` (pay per use, bursts), `bursting` (scales with size)."
  type        = string
  default     = "elastic"

  validation {
    condition     = contains(["elastic", "bursting"], var.throughput_mode)
    error_message = "throughput_mode must be elastic or bursting."
  }
}

variable "transition_to_ia" {
  description = "After how long unread files move to Infrequent Access storage (null: never)."
  type        = string
  default     = "AFTER_30_DAYS"

  validation {
    condition     = var.transition_to_ia == null || contains(["AFTER_1_DAY", "AFTER_7_DAYS", "AFTER_14_DAYS", "AFTER_30_DAYS", "AFTER_60_DAYS", "AFTER_90_DAYS", "AFTER_180_DAYS", "AFTER_270_DAYS", "AFTER_365_DAYS"], coalesce(var.transition_to_ia, "AFTER_30_DAYS"))
    error_message = "transition_to_ia must be null or one of AFTER_1_DAY ... AFTER_365_DAYS."
  }
}

variable "kms_key_deletion_window_in_days" {
  description = "Waiting period before the file system's KMS key is deleted after it is scheduled for deletion."
  type        = number
  default     = 30

  validation {
    condition     = var.kms_key_deletion_window_in_days >= 7 && var.kms_key_deletion_window_in_days <= 30
    error_message = "kms_key_deletion_window_in_days must be between 7 and 30."
  }
}

variable "tags" {
  description = "Tags applied to every resource."
  type        = map(string)
  default     = {}
}
