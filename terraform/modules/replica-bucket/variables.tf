variable "bucket_name" {
  description = "Name of the replica bucket (globally unique), e.g. `<project>-uploads-replica-<account id>`."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.bucket_name)) && !can(regex("\\.\\.", var.bucket_name))
    error_message = "bucket_name must be a valid S3 bucket name."
  }
}

variable "kms_alias_name" {
  description = "Alias of the replica bucket's KMS key, without `alias/` (source buckets name the key by its alias ARN), e.g. `<project>-uploads-replica`."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9/_-]{1,250}$", var.kms_alias_name)) && !startswith(var.kms_alias_name, "aws/") && !startswith(var.kms_alias_name, "alias/")
    error_message = "kms_alias_name must be letters, digits, '/', '_' or '-', without the `alias/` prefix and not under `aws/`."
  }
}

variable "noncurrent_version_expiration_days" {
  description = "Days a replica's superseded or deleted version stays restorable."
  type        = number
  default     = 90

  validation {
    condition     = var.noncurrent_version_expiration_days >= 1 && var.noncurrent_version_expiration_days <= 3650
    error_message = "noncurrent_version_expiration_days must be between 1 and 3650."
  }
}

variable "force_destroy" {
  description = "Let `terraform destroy` delete the bucket with its replicas (throwaway accounts only)."
  type        = bool
  default     = false
}

variable "kms_key_deletion_window_in_days" {
  description = "Waiting period before the bucket's KMS key is deleted after it is scheduled for deletion."
  type        = number
  default     = 30

  validation {
    condition     = var.kms_key_deletion_window_in_days >= 7 && var.kms_key_deletion_window_in_days <= 30
    error_message = "kms_key_deletion_window_in_days must be between 7 and 30."
  }
}

variable "tags" {
  description = "Tags for the bucket and the key."
  type        = map(string)
  default     = {}
}
