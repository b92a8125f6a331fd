variable "state_bucket_name" {
  description = "Name of the S3 bucket that holds Terraform state. Also the prefix of the access-log bucket (`<name>-access-logs`), hence at most 51 characters."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,49}[a-z0-9]$", var.state_bucket_name)) && !strcontains(var.state_bucket_name, "..")
    error_message = "state_bucket_name must be a valid S3 bucket name (lowercase letters, digits, dots, hyphens) of 3 to 51 characters."
  }
}

variable "lock_table_name" {
  description = "Name of the DynamoDB lock table (hash key `LockID`) for Terraform versions without S3 native locking (`use_lockfile`). Null creates no table."
  type        = string
  default     = null

  validation {
    condition     = var.lock_table_name == null || can(regex("^[A-Za-z0-9_.-]{3,255}$", var.lock_table_name))
    error_message = "lock_table_name must be 3 to 255 characters of letters, digits, '_', '-' or '.'."
  }
}

variable "artifacts_bucket_name" {
  description = "Name of the S3 bucket for build artifacts such as the deployer Lambda package. Null creates no artifacts bucket."
  type        = string
  default     = null

  validation {
    condition     = var.artifacts_bucket_name == null || (can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", coalesce(var.artifacts_bucket_name, "x"))) && !strcontains(coalesce(var.artifacts_bucket_name, "x"), ".."))
    error_message = "artifacts_bucket_name must be a valid S3 bucket name (lowercase letters, digits, dots, hyphens) of 3 to 63 characters."
  }
}

variable "noncurrent_version_expiration_days" {
  description = "Days after which noncurrent (superseded) object versions are deleted from the state and artifacts buckets."
  type        = number
  default     = 90

  validation {
    condition     = var.noncurrent_version_expiration_days >= 1 && floor(var.noncurrent_version_expiration_days) == var.noncurrent_version_expiration_days
    error_message = "noncurrent_version_expiration_days must be a whole number of days, at least 1."
  }
}

variable "access_log_expiration_days" {
  description = "Days after which S3 server access logs are deleted."
  type        = number
  default     = 365

  validation {
    condition     = var.access_log_expiration_days >= 1 && floor(var.access_log_expiration_days) == var.access_log_expiration_days
    error_message = "access_log_expiration_days must be a whole number of days, at least 1."
  }
}

variable "kms_key_deletion_window_in_days" {
  description = "Waiting period before the KMS key is deleted after it is scheduled for deletion."
  type        = number
  default     = 30

  validation {
    condition     = var.kms_key_deletion_window_in_days >= 7 && var.kms_key_deletion_window_in_days <= 30
    error_message = "kms_key_deletion_window_in_days must be between 7 and 30."
  }
}

variable "force_destroy" {
  description = "Allow destroying the buckets while they still hold objects. Keep false outside throwaway environments: it deletes all state history."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags applied to every resource."
  type        = map(string)
  default     = {}
}
