variable "name" {
  description = "Name of the notifier: used for the Lambda function, its role, log group, key alias and dead-letter queue, e.g. `platform-dev-alarm-chat`."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,56}$", var.name))
    error_message = "name must be 1 to 56 letters, digits, '_' or '-' (it gets suffixes such as '-dlq')."
  }
}

variable "topic_arn" {
  description = "ARN of the SNS topic the alarms publish to (the observability module's `alerts_topic_arn`)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$", var.topic_arn))
    error_message = "topic_arn must be an SNS topic ARN."
  }
}

variable "s3_bucket" {
  description = "S3 bucket holding the package built by `pipeline-tools deploy package` (bootstrap's artifacts bucket): the deployer's package carries the alarm handler too."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.s3_bucket))
    error_message = "s3_bucket must be a valid S3 bucket name."
  }
}

variable "s3_key" {
  description = "Key of the package in s3_bucket. Its current version is deployed, so a new upload updates the function."
  type        = string

  validation {
    condition     = length(var.s3_key) > 0 && endswith(var.s3_key, ".zip")
    error_message = "s3_key must name a .zip object."
  }
}

variable "read_package_version" {
  description = "Read the package object's current version from S3 (data \"aws_s3_object\"), so a new upload updates the function. False when the caller publishes the package itself (an aws_s3_object resource) and passes its version as `s3_object_version`: the object need not exist before the plan."
  type        = bool
  default     = true
  nullable    = false
}

variable "s3_object_version" {
  description = "Version of the package object to deploy, when `read_package_version` is false (the caller's aws_s3_object version_id; null or \"\" on an unversioned bucket: the current object)."
  type        = string
  default     = null

  validation {
    condition     = var.s3_object_version == null || can(regex("^[^\\s]{0,1000}$", coalesce(var.s3_object_version, "x")))
    error_message = "s3_object_version must be an S3 object version id (no spaces, at most 1,000 characters)."
  }
}

variable "slack_webhook_secret_id" {
  description = "Optional Secrets Manager secret name or ARN (or `ssm:<parameter name>`) holding the Slack incoming-webhook URL."
  type        = string
  default     = null

  validation {
    condition     = var.slack_webhook_secret_id == null || can(regex("^(ssm:/?[A-Za-z0-9_./-]+|arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]+|[A-Za-z0-9/_+=.@-]+)$", coalesce(var.slack_webhook_secret_id, "x")))
    error_message = "slack_webhook_secret_id must be a secret name, a secret ARN or ssm:<parameter name>, without wildcards."
  }
}

variable "discord_webhook_secret_id" {
  description = "Optional Secrets Manager secret name or ARN (or `ssm:<parameter name>`) holding the Discord webhook URL."
  type        = string
  default     = null

  validation {
    condition     = var.discord_webhook_secret_id == null || can(regex("^(ssm:/?[A-Za-z0-9_./-]+|arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]+|[A-Za-z0-9/_+=.@-]+)$", coalesce(var.discord_webhook_secret_id, "x")))
    error_message = "discord_webhook_secret_id must be a secret name, a secret ARN or ssm:<parameter name>, without wildcards."
  }
}

variable "webhook_kms_key_arns" {
  description = "Customer-managed KMS keys encrypting the webhook secrets or parameters, which the notifier may use to decrypt them."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.webhook_kms_key_arns : can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", arn))])
    error_message = "webhook_kms_key_arns must hold KMS key ARNs."
  }
}

variable "pager_https_endpoints" {
  description = "HTTPS endpoints (a pager's SNS integration URL) subscribed to the alarm topic directly."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for url in var.pager_https_endpoints : can(regex("^https://[^\\s/]+(/\\S*)?$", url))])
    error_message = "pager_https_endpoints must be https:// URLs."
  }
}

variable "permissions_boundary_arn" {
  description = "Permissions boundary attached to the notifier's role (the environment's boundary), or null."
  type        = string
  default     = null

  validation {
    condition     = var.permissions_boundary_arn == null || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:policy/[A-Za-z0-9+=,.@_/-]+$", coalesce(var.permissions_boundary_arn, "x")))
    error_message = "permissions_boundary_arn must be an IAM policy ARN."
  }
}

variable "runtime" {
  description = "Python runtime of the Lambda."
  type        = string
  default     = "python3.12"

  validation {
    condition     = contains(["python3.11", "python3.12"], var.runtime)
    error_message = "runtime must be python3.11 or python3.12."
  }
}

variable "timeout_seconds" {
  description = "Lambda timeout: above the notifier's own deadline per notification (20 s by default)."
  type        = number
  default     = 30

  validation {
    condition     = var.timeout_seconds >= 10 && var.timeout_seconds <= 300
    error_message = "timeout_seconds must be between 10 and 300."
  }
}

variable "reserved_concurrent_executions" {
  description = "Concurrency reserved for (and capping) the notifier, so an alarm storm cannot use the account's Lambda concurrency."
  type        = number
  default     = 2

  validation {
    condition     = var.reserved_concurrent_executions >= 1 && var.reserved_concurrent_executions <= 50
    error_message = "reserved_concurrent_executions must be between 1 and 50."
  }
}

variable "log_retention_in_days" {
  description = "Retention of the notifier's CloudWatch log group."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_in_days)
    error_message = "log_retention_in_days must be a retention CloudWatch Logs accepts."
  }
}

variable "kms_key_deletion_window_in_days" {
  description = "Waiting period before the module's KMS key is deleted after it is scheduled for deletion."
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
