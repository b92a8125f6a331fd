variable "name" {
  description = "Name of the vault, plan, role and key alias, e.g. `platform-prod`."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,50}$", var.name))
    error_message = "name must be 1 to 50 letters, digits, '_' or '-'."
  }
}

variable "resource_arns" {
  description = "RDS databases and EFS file systems to back up (their ARNs). Empty: the module only creates the vault, e.g. as another region's copy destination."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.resource_arns : can(regex("^arn:aws[a-z-]*:(rds:[a-z0-9-]+:[0-9]{12}:(db|cluster):[A-Za-z0-9-]+|elasticfilesystem:[a-z0-9-]+:[0-9]{12}:file-system/fs-[0-9a-f]+)$", arn))])
    error_message = "resource_arns must hold RDS instance or cluster ARNs and EFS file system ARNs, without wildcards."
  }
}

variable "schedule" {
  description = "When the daily backup starts (EventBridge cron, UTC)."
  type        = string
  default     = "cron(0 3 * * ? *)"

  validation {
    condition     = can(regex("^cron\\(.+\\)$", var.schedule))
    error_message = "schedule must be a cron(...) expression."
  }
}

variable "retention_days" {
  description = "Days each recovery point is kept in this vault."
  type        = number
  default     = 35

  validation {
    condition     = var.retention_days >= 1 && var.retention_days <= 36500
    error_message = "retention_days must be between 1 and 36500."
  }
}

variable "copy_destination_vault_arn" {
  description = "Vault in another region (or account) every recovery point is copied to, e.g. another instance of this module in the recovery region; null: no copy."
  type        = string
  default     = null

  validation {
    condition     = var.copy_destination_vault_arn == null || can(regex("^arn:aws[a-z-]*:backup:[a-z0-9-]+:[0-9]{12}:backup-vault:[A-Za-z0-9_.-]+$", coalesce(var.copy_destination_vault_arn, "x")))
    error_message = "copy_destination_vault_arn must be an AWS Backup vault ARN."
  }
}

variable "copy_retention_days" {
  description = "Days a copied recovery point is kept in the destination vault."
  type        = number
  default     = 35

  validation {
    condition     = var.copy_retention_days >= 1 && var.copy_retention_days <= 36500
    error_message = "copy_retention_days must be between 1 and 36500."
  }
}

variable "permissions_boundary_arn" {
  description = "Permissions boundary of the backup role, or null."
  type        = string
  default     = null

  validation {
    condition     = var.permissions_boundary_arn == null || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:policy/[A-Za-z0-9+=,.@_/-]+$", coalesce(var.permissions_boundary_arn, "x")))
    error_message = "permissions_boundary_arn must be an IAM policy ARN."
  }
}

variable "kms_key_deletion_window_in_days" {
  description = "Waiting period before the vault's KMS key is deleted after it is scheduled for deletion."
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
